// The HTTP contract for the policy in force and its history (GET /api/v1/policy...).
// Durations are given twice: `ms` for programs and `text` ("15m") as the policy file spells them.
// Times are ISO 8601 (UTC). Optional durations the policy leaves out are null.
import { z } from 'zod';
import {
  CONDITION_COUNTS,
  DETERMINATION_KINDS,
  STAGE_AUDIENCES,
  STAGE_CALENDARS,
  WEEKDAYS,
} from '../domain/breach.ts';
import { VERIFIED_STEPS } from '../domain/incidents.ts';
import { PROGRAMME_ITEM_KINDS } from '../domain/learning.ts';

export const DurationJson = z.object({
  ms: z.number().int().positive(),
  text: z.string(),
});
export type DurationJson = z.infer<typeof DurationJson>;

const severity = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  critical: z.boolean(),
  responseWithin: DurationJson,
  internalUpdateEvery: DurationJson.nullable(),
  customerUpdateEvery: DurationJson.nullable(),
  /** Notices about incidents of this severity ignore quiet hours (the default filled in). */
  bypassQuietHours: z.boolean(),
});

const criterion = z.object({
  id: z.string(),
  question: z.string(),
  yesPointsTo: z.enum(['critical', 'non_critical']),
  description: z.string().nullable(),
});

const exitCheck = z.object({
  check: z.string(),
  when: z.enum(['always', 'critical', 'non_critical']),
  description: z.string().nullable(),
  /** monitoring_window_passed: how long monitoring runs before leaving; null for the others. */
  window: DurationJson.nullable(),
});

export const PolicyResponse = z.object({
  /** SHA-256 of the policy file's text: the version incidents record. */
  hash: z.string(),
  format: z.number().int(),
  name: z.string(),
  revision: z.string(),
  description: z.string(),
  severities: z.array(severity),
  criticality: z.object({
    description: z.string(),
    recommendation: z.enum(['any_critical', 'balance']),
    defaultSeverity: z.object({ critical: z.string(), non_critical: z.string() }),
    criteria: z.array(criterion),
  }),
  panel: z.object({
    description: z.string(),
    includesOwner: z.boolean(),
    otherResponders: z.number().int(),
    includesSecurityLead: z.boolean(),
    /** Members in all: owner + other responders + security lead. */
    size: z.number().int(),
    quorum: z.number().int(),
    onTie: z.enum(['security_lead_decides', 'critical', 'no_decision']),
    securityLeadHasFinalSay: z.boolean(),
    /** Members are asked to vote by this long after the panel is convened; null: no deadline. */
    voteWithin: DurationJson.nullable(),
  }),
  roles: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      description: z.string(),
      requiredFor: z.array(z.string()),
      noTroubleshooting: z.boolean(),
    }),
  ),
  /** Who assigns incident roles besides holders of incidents.manage_roles (security leads). */
  roleAssignment: z.object({
    description: z.string().nullable(),
    assignableBy: z.array(z.enum(['owner', 'incident_commander'])),
  }),
  phases: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      description: z.string(),
      exitChecks: z.array(exitCheck),
      skippableWhen: z.enum(['never', 'critical', 'non_critical', 'always']),
      terminal: z.boolean(),
    }),
  ),
  stopTheLine: z.object({
    description: z.string(),
    enabled: z.boolean(),
    resumesWhen: z.array(z.enum(['contained', 'de_escalated', 'resolved', 'closed'])),
    containedAfterPhase: z.string(),
    resolvedAtPhase: z.string(),
  }),
  verification: z.object({
    description: z.string(),
    pauseClocksWhileAwaitingReporter: z.boolean(),
    requiredBefore: z.array(z.enum(VERIFIED_STEPS)),
    allowEmergencySeverity: z.boolean(),
  }),
  reporters: z.object({
    description: z.string(),
    acknowledgeWithin: DurationJson,
    /** For a report marked as an emergency; null: emergencies keep acknowledgeWithin. */
    emergencyAcknowledgeWithin: DurationJson.nullable(),
    verifyIdentityBeforeSharingResults: z.boolean(),
    /** When an incident's linked reports are marked fixed: at its resolved phase, its close, or never. */
    followIncident: z.enum(['resolved', 'closed', 'never']),
  }),
  security: z.object({ requireMfaForAdmins: z.boolean() }),
  clocks: z.object({
    description: z.string(),
    responseMetBy: z.array(z.string()),
    customerNoticeWithin: DurationJson,
    finalReportWithin: DurationJson,
    remindAt: z.array(z.number()),
    escalateTo: z.array(z.string()),
    repeatEvery: DurationJson,
    repeatAtLastLevel: z.number().int(),
  }),
  containment: z.object({
    description: z.string(),
    /** What a containment action can be: `kind` of POST /incidents/:ref/containment. */
    kinds: z.array(
      z.object({ id: z.string(), name: z.string(), description: z.string().nullable() }),
    ),
  }),
  /** Personal-data breaches: the regimes that apply, their stages and the holiday calendars. */
  breach: z.object({
    description: z.string(),
    /** Imported contact lists are deleted this many days after their notice went out. */
    contactListRetentionDays: z.number().int(),
    calendars: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        description: z.string().nullable(),
        timeZone: z.string(),
        weekend: z.array(z.enum(WEEKDAYS)),
        holidays: z.array(z.string()),
      }),
    ),
    regimes: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        description: z.string(),
        trigger: z.enum(DETERMINATION_KINDS),
        timeZone: z.string(),
        stages: z.array(
          z.object({
            id: z.string(),
            name: z.string(),
            description: z.string(),
            /** The determination the clock starts at; null when it starts at a submission. */
            from: z.enum(DETERMINATION_KINDS).nullable(),
            /** The earlier stage whose first submission starts the clock. */
            fromSubmissionOf: z.string().nullable(),
            offset: z.number().int(),
            calendar: z.enum(STAGE_CALENDARS),
            holidayCalendar: z.string().nullable(),
            recipient: z.string(),
            /** authority, individuals (e-mailed in batches) or public. */
            audience: z.enum(STAGE_AUDIENCES),
            content: z.array(z.string()),
            phased: z.boolean(),
            /** Required only when the record's count meets this (one bound is set); null: always. */
            when: z
              .object({
                count: z.enum(CONDITION_COUNTS),
                atLeast: z.number().int().nullable(),
                moreThan: z.number().int().nullable(),
                below: z.number().int().nullable(),
              })
              .nullable(),
          }),
        ),
      }),
    ),
  }),
  /** Post-mortems: the template a new one starts from, and who may approve it. */
  learning: z.object({
    description: z.string(),
    postmortem: z.object({
      description: z.string(),
      sections: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          /** A hint for the writer; left out when the policy gives none. */
          prompt: z.string().optional(),
          required: z.boolean(),
        }),
      ),
      authorMayApprove: z.boolean(),
      /** How many different people approve it. */
      approvals: z.number().int(),
      /** An incident does not close until its post-mortem is approved when any of these holds. */
      requiredWhen: z.object({
        severities: z.array(z.string()),
        deadlineBreached: z.boolean(),
        dataBreached: z.boolean(),
        lineStopped: z.boolean(),
      }),
      /** Who may skip it with a recorded reason. */
      mayBeSkipped: z.enum(['never', 'when_not_required', 'always']),
      /** The draft of a required post-mortem is due this many business days after resolution. */
      draftDueInBusinessDays: z.number().int().optional(),
    }),
    /** The external final report holds these sections (left out: impact, root cause, changes). */
    finalReports: z.object({ externalSections: z.array(z.string()).optional() }),
    /** An exercise does not close until its report (objectives met or not) is completed. */
    exercises: z.object({ reportRequiredToClose: z.boolean() }),
    /** Exercises and reviews due once in every period of `everyMonths` calendar months. */
    schedule: z.array(
      z.object({
        id: z.string(),
        kind: z.enum(PROGRAMME_ITEM_KINDS),
        title: z.string(),
        everyMonths: z.number().int(),
        description: z.string().optional(),
      }),
    ),
  }),
  /** The public status page: what needs a second person, and the reminders to the writer. */
  communications: z.object({
    description: z.string(),
    publishing: z.object({
      /** Public incidents speaking for these severities, or of these impacts, need approval. */
      fourEyes: z.object({ severities: z.array(z.string()), impacts: z.array(z.string()) }),
      /** Shown to whoever writes for customers, in the policy's own words. */
      reminders: z.array(z.string()),
    }),
    /** Subscribers hear of a scheduled maintenance this long before its window opens. */
    maintenance: z.object({ noticeBefore: DurationJson }),
    /** How often the stakeholder list is briefed while an incident of each severity is active. */
    briefings: z.object({ every: z.record(z.string(), DurationJson) }),
  }),
  /** Who is told beyond the people a change names: staff roles, by account role id. */
  notices: z.object({
    description: z.string(),
    /** Told of every new security report (the triage rota), on the channels they chose. */
    newReport: z.array(z.string()),
    /** Told when the line stops, at once on every channel. */
    lineStopped: z.array(z.string()),
    /** An unacknowledged page climbs to these roles, one level every `after`. */
    escalation: z.object({ after: DurationJson, levels: z.array(z.string()) }),
    /** On-call schedules: who may be on call, the schedule `on_call` means, automatic owners. */
    onCall: z.object({
      eligibleRoles: z.array(z.string()),
      schedule: z.string().nullable(),
      assignIncidents: z.boolean(),
    }),
  }),
  /** Coordinated disclosure: the longest embargo, counted from the report, and its clocks. */
  disclosure: z.object({
    description: z.string(),
    maxEmbargo: DurationJson,
    reporterReview: z.boolean(),
    /** Staff roles told of a reporter's act in the portal when the owner is no longer active. */
    ownerGone: z.array(z.string()),
    /** The fix target per CVSS rating, from acceptance; a rating left out has none. */
    fixWithin: z.object({
      critical: DurationJson.optional(),
      high: DurationJson.optional(),
      medium: DurationJson.optional(),
      low: DurationJson.optional(),
    }),
    /** The team is reminded this long before the disclosure date (and the longest embargo). */
    remindBefore: z.array(DurationJson),
    /** The reporters hear from the team at least this often while the vulnerability is open. */
    reporterUpdateEvery: DurationJson,
  }),
  /** Days after close that personal data is kept, then redacted by housekeeping. */
  retention: z.object({
    reporterContactDays: z.number().int(),
    attachmentDays: z.number().int(),
    mailDays: z.number().int(),
  }),
  /** Business continuity: manual fallback procedures per component or system. */
  continuity: z.object({
    description: z.string(),
    procedures: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        /** Status-page component names or free system ids (matched without regard to case). */
        covers: z.array(z.string()),
        /** The manual steps, in order; step 1 first. */
        steps: z.array(z.string()),
        /** Who to keep updated: roles or named contacts. */
        stakeholders: z.array(z.string()),
      }),
    ),
  }),
  /** What an alert from monitoring does: the first rule that fits decides; none: triage. */
  alerts: z.object({
    description: z.string(),
    rules: z.array(
      z.object({
        id: z.string(),
        description: z.string().nullable(),
        match: z.object({
          sources: z.array(z.string()).nullable(),
          severities: z.array(z.string()).nullable(),
          labels: z.record(z.string(), z.union([z.string(), z.array(z.string())])).nullable(),
        }),
        action: z.enum(['open', 'attach', 'triage', 'ignore']),
        severity: z.string().nullable(),
        groupBy: z.array(z.string()).nullable(),
        attachWithin: DurationJson.nullable(),
      }),
    ),
  }),
});
export type PolicyResponse = z.infer<typeof PolicyResponse>;

export const PolicyVersionSummaryJson = z.object({
  hash: z.string(),
  name: z.string(),
  revision: z.string(),
  /** First start-up with this version in force. */
  loadedAt: z.iso.datetime(),
  /** Latest start-up with this version in force. */
  lastLoadedAt: z.iso.datetime(),
  /** The version the answering server runs. */
  inForce: z.boolean(),
});
export type PolicyVersionSummaryJson = z.infer<typeof PolicyVersionSummaryJson>;

export const PolicyVersionListResponse = z.object({
  versions: z.array(PolicyVersionSummaryJson),
});
export type PolicyVersionListResponse = z.infer<typeof PolicyVersionListResponse>;

export const PolicyVersionResponse = PolicyVersionSummaryJson.extend({
  /** The policy file exactly as it was loaded; its SHA-256 is `hash`. */
  text: z.string(),
});
export type PolicyVersionResponse = z.infer<typeof PolicyVersionResponse>;

export const PolicyVersionParams = z.object({
  hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a policy hash: 64 lower-case hex digits'),
});
export type PolicyVersionParams = z.infer<typeof PolicyVersionParams>;

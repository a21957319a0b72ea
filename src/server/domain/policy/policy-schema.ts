// The policy file's schema: what a team writes down about how it handles security incidents.
// Every rule carries a plain-language `description` that the console and docs show.
// Durations are written as text ("15m", "4h") and parsed to milliseconds.
import { z } from 'zod';
import { VERIFIED_STEPS } from '../../../shared/domain/incidents.ts';
import { Alerts } from './alerts-schema.ts';
import { Disclosure } from './disclosure-schema.ts';
import { Breach } from './breach-schema.ts';
import { Continuity } from './continuity-schema.ts';
import { Retention } from './retention-schema.ts';
import { Communications } from './communications-schema.ts';
import { Learning } from './learning-schema.ts';
import { Notices } from './notices-schema.ts';
import { Duration } from './duration.ts';

const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'must be 1-40 letters, digits, "_" or "-"');
const text = (max = 2000) => z.string().trim().min(1, 'must not be empty').max(max);
const description = text(2000);

export { Duration };

export const Severity = z.strictObject({
  id,
  name: text(80),
  description,
  /** Counts as critical: a critical panel decision maps to one of these, and it stops the line. */
  critical: z.boolean(),
  /** Time from declaration (or from a severity change) to the first response. */
  responseWithin: Duration,
  /** How often the incident team posts an internal status update while the incident is active. */
  internalUpdateEvery: Duration.optional(),
  /** How often affected customers are updated while the incident is active. */
  customerUpdateEvery: Duration.optional(),
  /**
   * Notices about incidents of this severity reach people at once, even in their quiet hours.
   * Left out: true for the first (most severe) severity, false for the others.
   */
  bypassQuietHours: z.boolean().optional(),
});
export type Severity = z.infer<typeof Severity>;

/** Whether notices about an incident of this severity ignore quiet hours (see bypassQuietHours);
 * an incident without a severity, or with one the policy does not know, may wait. */
export function bypassesQuietHours(
  policy: { severities: readonly { id: string; bypassQuietHours?: boolean | undefined }[] },
  severityId: string | null,
): boolean {
  return policy.severities.find((s) => s.id === severityId)?.bypassQuietHours === true;
}

export const Criterion = z.strictObject({
  id,
  question: text(300),
  /** What a "yes" to this question points to. */
  yesPointsTo: z.enum(['critical', 'non_critical']),
  description: description.optional(),
});
export type Criterion = z.infer<typeof Criterion>;

export const Criticality = z.strictObject({
  description,
  criteria: z.array(Criterion).min(1, 'needs at least one question'),
  /**
   * How the panel's answers become a recommendation. Each question's answer is the majority of
   * the members who answered it. any_critical: critical when any question pointing to critical is
   * answered yes. balance: critical when more questions point to critical than to non-critical.
   */
  recommendation: z.enum(['any_critical', 'balance']).default('any_critical'),
  /** Severity proposed when the panel decides critical / non-critical. */
  defaultSeverity: z.strictObject({ critical: id, non_critical: id }),
});
export type Criticality = z.infer<typeof Criticality>;

export const Panel = z.strictObject({
  description,
  /** The incident's owner (responsible developer) sits on the panel. */
  includesOwner: z.boolean().default(true),
  /** How many responders other than the owner. */
  otherResponders: z.number().int().min(0).max(20),
  /** A security lead sits on the panel. */
  includesSecurityLead: z.boolean().default(true),
  /** Votes needed before the decision is recorded. */
  quorum: z.number().int().min(1).max(25),
  /** What a tied vote means. */
  onTie: z.enum(['security_lead_decides', 'critical', 'no_decision']),
  /** The security lead may record the final call, overriding the vote (recorded with rationale). */
  securityLeadHasFinalSay: z.boolean().default(true),
  /** Members are asked to vote by this long after the panel is convened (said in the notice). */
  voteWithin: Duration.optional(),
});
export type Panel = z.infer<typeof Panel>;

export const IncidentRole = z.strictObject({
  id,
  name: text(80),
  description,
  /** Severities for which an incident must have someone in this role. */
  requiredFor: z.array(id).default([]),
  /** Whoever holds this role must not also carry troubleshooting tasks. */
  noTroubleshooting: z.boolean().default(false),
});
export type IncidentRole = z.infer<typeof IncidentRole>;

/** Who on an incident, beyond incidents.manage_roles (security leads, admins), assigns its roles. */
export const ROLE_ASSIGNERS = ['owner', 'incident_commander'] as const;
export type RoleAssigner = (typeof ROLE_ASSIGNERS)[number];

export const RoleAssignment = z.strictObject({
  description: description.optional(),
  /**
   * Besides holders of incidents.manage_roles: the incident's owner, the holder of its
   * incident_commander role. Their rights on the incident need incidents.command (a token's scope).
   */
  assignableBy: z.array(z.enum(ROLE_ASSIGNERS)).default(['incident_commander']),
});
export type RoleAssignment = z.output<typeof RoleAssignment>;

/** Checks the rules know how to evaluate; a phase lists which must hold before leaving it. */
export const EXIT_CHECKS = [
  'owner_assigned',
  'reproduction_recorded',
  'decision_recorded',
  'severity_set',
  'required_roles_filled',
  'containment_recorded',
  'root_cause_fixed',
  'containment_reverted_or_justified',
  'public_disclosure_removed',
  'reporter_informed',
  'post_mortem_recorded',
  'final_report_step_recorded',
  'tasks_done',
  /** A post-mortem the policy requires is approved (or skipped with a reason, where allowed). */
  'postmortem_approved',
  /** An exercise's report is completed (where \`learning.exercises.reportRequiredToClose\`). */
  'exercise_report_completed',
  /** Recovery (Kai 4.4): each an entry with who and evidence. */
  'restoration_validated',
  'service_validated',
  'monitoring_added',
  'phased_return_recorded',
  /** The check's `window` has passed since monitoring was added. */
  'monitoring_window_passed',
] as const;
export type ExitCheckId = (typeof EXIT_CHECKS)[number];

export const ExitCheck = z
  .strictObject({
    check: z.enum(EXIT_CHECKS),
    /** Only for critical or only for non-critical incidents; always when omitted. */
    when: z.enum(['always', 'critical', 'non_critical']).default('always'),
    description: description.optional(),
    /** monitoring_window_passed only (and required there): how long monitoring must run. */
    window: Duration.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.check === 'monitoring_window_passed' && c.window === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['window'],
        message: 'monitoring_window_passed needs a window such as "24h"',
      });
    } else if (c.check !== 'monitoring_window_passed' && c.window !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['window'],
        message: 'only monitoring_window_passed takes a window',
      });
    }
  });
export type ExitCheck = z.infer<typeof ExitCheck>;

export const Phase = z.strictObject({
  id,
  name: text(80),
  description,
  exitChecks: z.array(ExitCheck).default([]),
  /** This phase may be skipped for incidents of this kind (e.g. non-critical ones go to development). */
  skippableWhen: z.enum(['never', 'critical', 'non_critical', 'always']).default('never'),
  /** The last phase: the incident is closed. Exactly one phase is terminal. */
  terminal: z.boolean().default(false),
});
export type Phase = z.infer<typeof Phase>;

export const LINE_RESUME_CONDITIONS = ['contained', 'de_escalated', 'resolved', 'closed'] as const;

export const StopTheLine = z.strictObject({
  description,
  /** The line stops when an incident is decided critical (or given a critical severity). */
  enabled: z.boolean().default(true),
  /**
   * What lets the line run again, any of: contained (the incident has left the phase named by
   * `containedAfterPhase`), de_escalated, resolved (reached the phase named by
   * `resolvedAtPhase`), closed.
   */
  resumesWhen: z.array(z.enum(LINE_RESUME_CONDITIONS)).min(1),
  containedAfterPhase: id,
  resolvedAtPhase: id,
});
export type StopTheLine = z.infer<typeof StopTheLine>;

export const Verification = z.strictObject({
  description,
  /** Response clocks pause while the incident waits for information from the reporter. */
  pauseClocksWhileAwaitingReporter: z.boolean().default(true),
  /**
   * Steps refused until a reproduction is recorded (reproduced or not; "needs information" does
   * not count): convening the panel (and reopening it), voting (and the final call), setting a
   * severity (also when opening an incident). Left out: all three, as verifying comes first.
   */
  requiredBefore: z.array(z.enum(VERIFIED_STEPS)).default([...VERIFIED_STEPS]),
  /**
   * The security lead may set a severity before the reproduction, as an explicit override with a
   * reason that the incident records (an emergency that cannot wait).
   */
  allowEmergencySeverity: z.boolean().default(false),
});

export const Reporters = z.strictObject({
  description,
  acknowledgeWithin: Duration,
  /**
   * A report marked as an emergency (by the reporter, or raised by triage) is acknowledged within
   * this instead; left out, emergencies keep `acknowledgeWithin`.
   */
  emergencyAcknowledgeWithin: Duration.optional(),
  /** A reporter must be verified before assessment results or details are shared with them. */
  verifyIdentityBeforeSharingResults: z.boolean().default(true),
  /**
   * When an incident's linked reports are marked fixed (the reporter's portal says resolved, and
   * an e-mail tells them): `resolved`, when the incident reaches stopTheLine.resolvedAtPhase or
   * closes; `closed`, when it closes; `never`, only by hand.
   */
  followIncident: z.enum(['resolved', 'closed', 'never']).default('resolved'),
});

/** Incident events that can count as the first response (the response clock is then met). */
export const RESPONSE_EVENTS = [
  'incident.owner_assigned',
  'incident.note_added',
  'incident.reproduction_recorded',
  'incident.panel_convened',
  'incident.role_assigned',
  'incident.containment_recorded',
  'incident.decision_logged',
] as const;

/** Who is told at and after a breach, in order: each repeat goes one step further up. */
export const ESCALATION_LEVELS = [
  'owner',
  'on_call',
  'security_lead',
  'executive_sponsor',
] as const;

const HOUR_MS = 3_600_000;

export const Clocks = z.strictObject({
  description: description.default(
    'Every time limit in this policy is a live clock: reminders before, escalation at and after.',
  ),
  /** The first of these events, by anyone, is the response that stops the response clock. */
  responseMetBy: z
    .array(z.enum(RESPONSE_EVENTS))
    .min(1)
    .default(['incident.note_added', 'incident.reproduction_recorded', 'incident.role_assigned']),
  /** First notice to affected customers, from the moment the incident is critical. */
  customerNoticeWithin: Duration.default(4 * HOUR_MS),
  /** The final report is due this long after the incident is resolved (critical incidents). */
  finalReportWithin: Duration.default(72 * HOUR_MS),
  /** Reminders to whoever is responsible, at these fractions of the time allowed. */
  remindAt: z.array(z.number().gt(0).lt(1)).max(5).default([0.5, 0.8]),
  /** At the breach the first of these is told, then one more step up at every repeat. */
  escalateTo: z
    .array(z.enum(ESCALATION_LEVELS))
    .min(1)
    .default(['security_lead', 'executive_sponsor']),
  /** A breached deadline is escalated again at this interval, one level further each time. */
  repeatEvery: Duration.default(HOUR_MS / 2),
  /**
   * How many more times the last level is told once it is reached; then the ladder is quiet and
   * the deadline stays breached (dashboard, API) until it is met. A follow-up overdue for a
   * fortnight is not 600 e-mails to the executive sponsor.
   */
  repeatAtLastLevel: z.number().int().min(0).max(100).default(3),
});
export type Clocks = z.output<typeof Clocks>;

/**
 * The kinds of containment action when the policy does not list its own: what the reference
 * policies name (disabling parts of the system, limiting access; Kai 4.2's system isolation,
 * access revocation and traffic blocking) and "other".
 */
export const DEFAULT_CONTAINMENT_KINDS = [
  {
    id: 'feature_disabled',
    name: 'Feature disabled',
    description: 'A feature or a part of the system is turned off.',
  },
  {
    id: 'access_restricted',
    name: 'Access restricted',
    description: 'Access is limited, or compromised accounts and credentials are disabled.',
  },
  {
    id: 'traffic_blocked',
    name: 'Traffic blocked',
    description: 'Malicious IP addresses or domains are blocked.',
  },
  {
    id: 'system_isolated',
    name: 'System isolated',
    description: 'Affected systems are isolated while evidence is preserved.',
  },
  { id: 'other', name: 'Other', description: 'Another limitation; the description says what.' },
];

export const ContainmentKind = z.strictObject({
  id,
  name: text(80),
  description: description.optional(),
});

export const Containment = z.strictObject({
  description: description.default(
    'Containment limits the damage and its spread; every action is undone or kept with a reason before the incident closes.',
  ),
  /** What a containment action can be; an incident records one of these ids. */
  kinds: z
    .array(ContainmentKind)
    .min(1, 'needs at least one kind')
    .default(DEFAULT_CONTAINMENT_KINDS),
});
export type Containment = z.output<typeof Containment>;

export const Security = z.strictObject({
  requireMfaForAdmins: z.boolean().default(false),
});

export const PolicyDocument = z
  .strictObject({
    /** Version of the policy file format. */
    format: z.literal(1, { error: 'must be 1 (the policy file format this Stopline reads)' }),
    name: text(120),
    /** The team's own label for this revision of its policy, e.g. a date. */
    revision: text(40),
    description,
    severities: z.array(Severity).min(1, 'needs at least one severity'),
    criticality: Criticality,
    panel: Panel,
    roles: z.array(IncidentRole).min(1, 'needs at least one role'),
    /** Who assigns the incident roles besides security leads (the commander when left out). */
    roleAssignment: RoleAssignment.prefault({}),
    phases: z.array(Phase).min(2, 'needs at least two phases'),
    stopTheLine: StopTheLine,
    verification: Verification,
    reporters: Reporters,
    security: Security.default({ requireMfaForAdmins: false }),
    clocks: Clocks.prefault({}),
    containment: Containment.prefault({}),
    /** Personal-data breaches: the regimes that apply and their clocks (none when left out). */
    breach: Breach.prefault({}),
    /** Post-mortems: the template and its review (Kundo step 8's questions when left out). */
    learning: Learning.prefault({}),
    /** The public status page: four-eyes publishing and the reminders to the writer. */
    communications: Communications.prefault({}),
    /** Who is told of new reports and of the line stopping, beyond the people a change names. */
    notices: Notices.prefault({}),
    /** What an alert from monitoring does: rules that open, attach, wait for triage or ignore. */
    alerts: Alerts.prefault({}),
    /** Coordinated disclosure: the longest embargo (90 days when left out). */
    disclosure: Disclosure.prefault({}),
    /** Business continuity: manual fallback procedures per component or system (none when left out). */
    continuity: Continuity.prefault({}),
    /** How long personal data is kept after close (issue 19): 180, 180 and 90 days when left out. */
    retention: Retention.prefault({}),
  })
  .superRefine((policy, ctx) => {
    const severityIds = new Set<string>();
    policy.severities.forEach((s, i) => {
      if (severityIds.has(s.id))
        ctx.addIssue({
          code: 'custom',
          path: ['severities', i, 'id'],
          message: `duplicate severity id "${s.id}"`,
        });
      severityIds.add(s.id);
    });
    const severityRef = (value: string, path: (string | number)[]) => {
      if (!severityIds.has(value)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `"${value}" is not one of the severities (${[...severityIds].join(', ')})`,
        });
      }
    };
    const { critical, non_critical } = policy.criticality.defaultSeverity;
    severityRef(critical, ['criticality', 'defaultSeverity', 'critical']);
    severityRef(non_critical, ['criticality', 'defaultSeverity', 'non_critical']);
    if (policy.severities.find((s) => s.id === critical)?.critical === false) {
      ctx.addIssue({
        code: 'custom',
        path: ['criticality', 'defaultSeverity', 'critical'],
        message: `severity "${critical}" is not marked critical`,
      });
    }
    if (policy.severities.find((s) => s.id === non_critical)?.critical === true) {
      ctx.addIssue({
        code: 'custom',
        path: ['criticality', 'defaultSeverity', 'non_critical'],
        message: `severity "${non_critical}" is marked critical`,
      });
    }
    unique(
      policy.criticality.criteria.map((c) => c.id),
      ['criticality', 'criteria'],
      'question id',
      ctx,
    );
    unique(
      policy.containment.kinds.map((k) => k.id),
      ['containment', 'kinds'],
      'containment kind id',
      ctx,
    );
    unique(
      policy.continuity.procedures.map((p) => p.id),
      ['continuity', 'procedures'],
      'continuity procedure id',
      ctx,
    );
    unique(
      policy.roles.map((r) => r.id),
      ['roles'],
      'role id',
      ctx,
    );
    policy.roles.forEach((role, i) =>
      role.requiredFor.forEach((s, j) => severityRef(s, ['roles', i, 'requiredFor', j])),
    );
    policy.learning.postmortem.requiredWhen.severities.forEach((s, i) =>
      severityRef(s, ['learning', 'postmortem', 'requiredWhen', 'severities', i]),
    );
    policy.communications.publishing.fourEyes.severities.forEach((s, i) =>
      severityRef(s, ['communications', 'publishing', 'fourEyes', 'severities', i]),
    );
    Object.keys(policy.communications.briefings.every).forEach((s) =>
      severityRef(s, ['communications', 'briefings', 'every', s]),
    );
    unique(
      policy.alerts.rules.map((r) => r.id),
      ['alerts', 'rules'],
      'alert rule id',
      ctx,
    );
    policy.alerts.rules.forEach((rule, i) => {
      const at = (field: string) => ['alerts', 'rules', i, field];
      if (rule.severity !== undefined) {
        severityRef(rule.severity, at('severity'));
        if (rule.action !== 'open') {
          ctx.addIssue({
            code: 'custom',
            path: at('severity'),
            message: `only a rule that opens an incident gives a severity (this one says ${rule.action})`,
          });
        } else if (
          policy.verification.requiredBefore.includes('severity') &&
          !policy.verification.allowEmergencySeverity
        ) {
          ctx.addIssue({
            code: 'custom',
            path: at('severity'),
            message:
              'verification.requiredBefore holds severity and allowEmergencySeverity is false: ' +
              'an incident an alert opens cannot have a severity before its reproduction',
          });
        }
      }
      if (rule.action === 'attach' && rule.attachWithin === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: at('attachWithin'),
          message: 'a rule that attaches needs attachWithin (how long an incident takes alerts)',
        });
      }
      if (rule.attachWithin !== undefined && !['open', 'attach'].includes(rule.action)) {
        ctx.addIssue({
          code: 'custom',
          path: at('attachWithin'),
          message: `only a rule that opens or attaches has attachWithin (this one says ${rule.action})`,
        });
      }
    });
    unique(
      policy.phases.map((p) => p.id),
      ['phases'],
      'phase id',
      ctx,
    );
    const lastPhase = policy.phases.length - 1;
    policy.phases.forEach((phase, i) => {
      if (phase.terminal && i !== lastPhase)
        ctx.addIssue({
          code: 'custom',
          path: ['phases', i, 'terminal'],
          message: 'only the last phase may be terminal',
        });
    });
    if (!policy.phases[lastPhase]?.terminal) {
      ctx.addIssue({
        code: 'custom',
        path: ['phases', lastPhase],
        message:
          'no terminal phase: the last phase must say "terminal: true" (incidents are closed there)',
      });
    }
    const phaseIds = new Set(policy.phases.map((p) => p.id));
    for (const key of ['containedAfterPhase', 'resolvedAtPhase'] as const) {
      const value = policy.stopTheLine[key];
      if (!phaseIds.has(value)) {
        ctx.addIssue({
          code: 'custom',
          path: ['stopTheLine', key],
          message: `"${value}" is not one of the phases (${[...phaseIds].join(', ')})`,
        });
      }
    }
    const contained = policy.stopTheLine.containedAfterPhase;
    if (policy.phases.find((p) => p.id === contained)?.terminal) {
      ctx.addIssue({
        code: 'custom',
        path: ['stopTheLine', 'containedAfterPhase'],
        message: `"${contained}" is the terminal phase: no incident ever leaves it, so "contained" could never let the line resume`,
      });
    }
    const panelSize =
      (policy.panel.includesOwner ? 1 : 0) +
      policy.panel.otherResponders +
      (policy.panel.includesSecurityLead ? 1 : 0);
    if (policy.panel.quorum > panelSize) {
      ctx.addIssue({
        code: 'custom',
        path: ['panel', 'quorum'],
        message: `quorum ${policy.panel.quorum} is larger than the panel (${panelSize} members)`,
      });
    }
  })
  // Defaults that depend on a field's place: the first (most severe) severity bypasses quiet hours.
  .transform((policy) => ({
    ...policy,
    severities: policy.severities.map((s, i) => ({
      ...s,
      bypassQuietHours: s.bypassQuietHours ?? i === 0,
    })),
  }));

function unique(
  ids: string[],
  path: (string | number)[],
  what: string,
  ctx: z.RefinementCtx,
): void {
  const seen = new Set<string>();
  ids.forEach((value, i) => {
    if (seen.has(value))
      ctx.addIssue({
        code: 'custom',
        path: [...path, i, 'id'],
        message: `duplicate ${what} "${value}"`,
      });
    seen.add(value);
  });
}

/** A validated policy, durations in milliseconds. */
export type Policy = z.output<typeof PolicyDocument>;

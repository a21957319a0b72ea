// The incidents HTTP contract: request and response bodies for /api/v1/incidents. Times are
// RFC 3339 strings: answers give UTC (2026-11-25T10:00:00.000Z); requests take Z or an offset,
// and the schema hands the route epoch milliseconds (see times.ts). Event `data` in the timeline
// is what the event recorded, so times inside it are epoch milliseconds. Text is stored and
// returned exactly as sent (never trimmed or escaped here): rendering escapes it.
import { z } from 'zod';
import {
  CONTAINMENT_STATUSES,
  CRITICALITIES,
  EXERCISE_KINDS,
  INCIDENT_ACTIONS,
  MILESTONES,
  NEXT_STEP_KINDS,
  OWNER_ASSIGNMENT,
  PANEL_SEATS,
  REPRODUCTION_RESULTS,
  TASK_STATUSES,
  TASK_TYPES,
} from '../domain/incidents.ts';
import { Time, TimeInput } from './times.ts';

const text = (max: number) => z.string().min(1, 'must not be empty').max(max);
const optionalText = (max: number) => z.string().max(max);
const userId = z.string().min(1).max(100);
const id = z.string().min(1).max(100);

export const Visibility = z.enum(['internal', 'reporter', 'public']);

/** Optimistic concurrency: the version the caller last saw (or send `If-Match: "<version>"`). */
const expectedVersion = z.number().int().nonnegative().optional();

export const IncidentRef = z.object({ ref: z.string().min(1).max(100) });

/**
 * An emergency severity before verify & reproduce, where the policy orders the reproduction first
 * and allows it (`verification.allowEmergencySeverity`): only the security lead, with a reason the
 * incident records (`incident.reproduction_overridden`).
 */
export const SeverityOverride = z.object({ reason: text(5000) });

/**
 * An exercise (issue 14, item 7): a tabletop, red team or drill playing a scenario. Everything
 * runs for real (clocks, panel, escalations), but its notices reach only its participants, never
 * reporters, subscribers, webhooks, the people of a breach or the public status page, every
 * notice says EXERCISE, and its deadlines are left out of the measures.
 */
export const Exercise = z.object({
  kind: z.enum(EXERCISE_KINDS),
  scenario: text(20_000),
  /** What it sets out to show, each judged met or not in its report; left out: the items listed
   * under an "Objectives" heading of the scenario. */
  objectives: z.array(text(500)).max(30).optional(),
});

export const CreateIncident = z.object({
  title: text(300),
  summary: optionalText(20_000).default(''),
  source: optionalText(200).default('manual'),
  affectedSystems: z.array(text(200)).max(100).default([]),
  detectedAt: TimeInput.nullable().default(null),
  reportedAt: TimeInput.nullable().default(null),
  declaredAt: TimeInput.optional(),
  restricted: z.boolean().default(false),
  /** The issue was posted publicly: the first task is to take it out of public view. */
  publiclyDisclosed: z.boolean().default(false),
  reportIds: z.array(id).max(100).default([]),
  severity: z.string().max(40).optional(),
  severityRationale: optionalText(5000).optional(),
  severityOverride: SeverityOverride.optional(),
  /** Declare it as an exercise (no `reportIds` then). */
  exercise: Exercise.optional(),
  /** Active staff taking part from the start (besides whoever opens it); an exercise's notices
   * reach only its participants. */
  participantIds: z.array(userId).max(200).optional(),
});
export type CreateIncident = z.infer<typeof CreateIncident>;

export const UpdateIncident = z.object({
  title: text(300).optional(),
  summary: optionalText(20_000).optional(),
  source: optionalText(200).optional(),
  affectedSystems: z.array(text(200)).max(100).optional(),
  detectedAt: TimeInput.nullable().optional(),
  reportedAt: TimeInput.nullable().optional(),
  restricted: z.boolean().optional(),
  publiclyDisclosed: z.boolean().optional(),
  expectedVersion,
});

export const Task = z.object({
  id: z.string(),
  type: z.enum(TASK_TYPES),
  title: z.string(),
  description: z.string(),
  assigneeId: z.string().nullable(),
  dueAt: Time.nullable(),
  status: z.enum(TASK_STATUSES),
  createdAt: Time,
  updatedAt: Time,
  completedAt: Time.nullable(),
});

export const ContainmentAction = z.object({
  id: z.string(),
  /** One of the policy's `containment.kinds` ids. */
  kind: z.string(),
  description: z.string(),
  status: z.enum(CONTAINMENT_STATUSES),
  justification: z.string().nullable(),
  recordedAt: Time,
  endedAt: Time.nullable(),
  /** The containment hook the action called (and its revert calls), null when none. */
  hookId: z.string().nullable(),
  /** The hook's last answer: a failed call shows here (and on the timeline) while it is retried. */
  hookAnswer: z
    .object({
      phase: z.enum(['apply', 'revert']),
      outcome: z.enum(['ok', 'failed', 'skipped']),
      status: z.number().int().nullable(),
      /** The first 2,000 characters of the answer's body (text). */
      excerpt: z.string(),
      error: z.string().nullable(),
      attempt: z.number().int(),
      retryAt: Time.nullable(),
      at: Time,
    })
    .nullable(),
});

export const Incident = z.object({
  id: z.string(),
  key: z.string(),
  title: z.string(),
  summary: z.string(),
  source: z.string(),
  affectedSystems: z.array(z.string()),
  detectedAt: Time.nullable(),
  reportedAt: Time.nullable(),
  declaredAt: Time,
  restricted: z.boolean(),
  publiclyDisclosed: z.boolean(),
  /** Declared as an exercise; null for a real incident. */
  exercise: Exercise.nullable(),
  severity: z.string().nullable(),
  criticality: z.enum(CRITICALITIES).nullable(),
  phase: z.string(),
  ownerId: z.string().nullable(),
  /** The policy version the incident is handled under. */
  policyHash: z.string(),
  lineStopped: z.boolean(),
  lineStoppedAt: Time.nullable(),
  awaitingReporter: z.boolean(),
  reproduction: z
    .object({ result: z.enum(REPRODUCTION_RESULTS), steps: z.string(), evidence: z.string() })
    .nullable(),
  trackerUrl: z.string().nullable(),
  deEscalatedAt: Time.nullable(),
  panelRound: z.number(),
  panelMembers: z.array(z.object({ userId: z.string(), seat: z.enum(PANEL_SEATS) })),
  /**
   * Votes of the current round. `sealed`: the caller sits on the undecided panel and has not voted
   * yet, so they see that this member voted, not how (answers empty, vote and rationale null).
   */
  votes: z.array(
    z.object({
      memberId: z.string(),
      seat: z.enum(PANEL_SEATS),
      sealed: z.boolean(),
      answers: z.record(z.string(), z.boolean()),
      vote: z.enum(CRITICALITIES).nullable(),
      rationale: z.string().nullable(),
      at: Time,
    }),
  ),
  roles: z.array(z.object({ role: z.string(), userId: z.string(), since: Time })),
  tasks: z.array(Task),
  containment: z.array(ContainmentAction),
  milestones: z.array(z.enum(MILESTONES)),
  reportIds: z.array(z.string()),
  participants: z.array(z.string()),
  createdBy: z.string().nullable(),
  createdAt: Time,
  updatedAt: Time,
  closedAt: Time.nullable(),
  version: z.number(),
});
export type Incident = z.infer<typeof Incident>;

/** Who held the incident (or a role) from when to when; `to` is null while they still hold it. */
const Held = {
  userId: z.string(),
  assignedBy: z.string().nullable(),
  from: Time,
  to: Time.nullable(),
};
const OwnerHistory = z.array(z.object({ ...Held, how: z.enum(OWNER_ASSIGNMENT) }));
const RoleHistory = z.array(z.object({ ...Held, role: z.string() }));

export const IncidentActionAnswer = z.object({
  action: z.enum(INCIDENT_ACTIONS),
  /** The phase of a move; null for the other actions. */
  target: z.string().nullable(),
  allowed: z.boolean(),
  /** Why not, in words; empty when allowed. */
  reasons: z.array(z.string()),
});

export const NextStep = z.object({
  kind: z.enum(NEXT_STEP_KINDS),
  text: z.string(),
  /** The role's duty, or what still stands in the way; null when nothing to add. */
  detail: z.string().nullable(),
  /** The task (kind `task`). */
  taskId: z.string().nullable(),
});

/** GET /api/v1/next-steps: the caller's next steps across their open incidents ("Needs you"). */
export const NextStepList = z.object({
  items: z.array(
    z.object({
      key: z.string(),
      title: z.string(),
      severity: z.string().nullable(),
      phase: z.string(),
      steps: z.array(NextStep),
    }),
  ),
});
export type NextStepList = z.infer<typeof NextStepList>;

export const IncidentDetail = z.object({
  incident: Incident,
  /** Missing required roles, a communications lead on troubleshooting work... */
  flags: z.array(
    z.object({
      kind: z.enum(['missing_role', 'troubleshooting_conflict']),
      message: z.string(),
      role: z.string(),
      userId: z.string().optional(),
      taskId: z.string().optional(),
    }),
  ),
  assessment: z.object({
    /** The caller must still vote in this round: counts, recommendation and outcome are null. */
    sealed: z.boolean(),
    recommendation: z.enum(CRITICALITIES).nullable(),
    answers: z.array(
      z.object({
        criterionId: z.string(),
        question: z.string(),
        yesPointsTo: z.enum(CRITICALITIES),
        yes: z.number().nullable(),
        no: z.number().nullable(),
        majority: z.enum(['yes', 'no', 'split']).nullable(),
      }),
    ),
    tally: z.object({
      critical: z.number().nullable(),
      nonCritical: z.number().nullable(),
      quorum: z.number(),
      quorumReached: z.boolean(),
      outcome: z.enum(CRITICALITIES).nullable(),
      how: z.string().nullable(),
      waitingFor: z.enum(['votes', 'security_lead']).nullable(),
    }),
  }),
  /** What still stops the incident from leaving its phase. */
  exitChecksFailing: z.array(
    z.object({ code: z.string(), phase: z.string(), check: z.string(), reason: z.string() }),
  ),
  /**
   * What the caller may do here, each answered by the rules that would refuse it: allowed, or
   * every reason why not (a phase move: per later phase, `target`).
   */
  actions: z.array(IncidentActionAnswer),
  /** What the caller must do now on this incident, most pressing first (empty once closed). */
  nextSteps: z.array(NextStep),
  ownerHistory: OwnerHistory,
  roleHistory: RoleHistory,
  /** The steps recorded once, oldest first: who recorded each, when, and the note (evidence). */
  steps: z.array(
    z.object({
      milestone: z.enum(MILESTONES),
      note: z.string(),
      recordedBy: z.string().nullable(),
      at: Time,
    }),
  ),
  /** The linked reports (`incident.reportIds`) with their keys, for links to them. */
  reports: z.array(z.object({ id: z.string(), key: z.string() })),
});

export const IncidentList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      key: z.string(),
      title: z.string(),
      severity: z.string().nullable(),
      criticality: z.enum(CRITICALITIES).nullable(),
      phase: z.string(),
      ownerId: z.string().nullable(),
      restricted: z.boolean(),
      lineStopped: z.boolean(),
      /** An exercise's kind (the console says EXERCISE); null for a real incident. */
      exerciseKind: z.enum(EXERCISE_KINDS).nullable(),
      declaredAt: Time,
      updatedAt: Time,
    }),
  ),
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
});

export const ListIncidentsQuery = z.object({
  phase: z.string().max(40).optional(),
  severity: z.string().max(40).optional(),
  owner: z.string().max(100).optional(),
  criticality: z.enum([...CRITICALITIES, 'undecided']).optional(),
  q: z.string().max(200).optional(),
  /** true: only incidents not closed yet; false: only closed ones. */
  open: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(25),
  offset: z.coerce.number().int().min(0).default(0),
});

export const AssignOwner = z.object({
  /** Omit to assign automatically to the available responder with the fewest open incidents. */
  userId: userId.optional(),
  expectedVersion,
});
export const LinkReports = z.object({ reportIds: z.array(id).min(1).max(100), expectedVersion });
export const AddParticipant = z.object({ userId, expectedVersion });
export const RecordReproduction = z.object({
  result: z.enum(REPRODUCTION_RESULTS),
  steps: optionalText(20_000).default(''),
  evidence: optionalText(20_000).default(''),
  expectedVersion,
});
export const ConvenePanel = z.object({
  responderIds: z.array(userId).max(20),
  securityLeadId: userId.nullable().default(null),
  expectedVersion,
});
export const CastVote = z.object({
  answers: z.record(z.string().max(40), z.boolean()).default({}),
  vote: z.enum(CRITICALITIES),
  rationale: text(5000),
  expectedVersion,
});
export const FinalCall = z.object({
  outcome: z.enum(CRITICALITIES),
  rationale: text(5000),
  expectedVersion,
});
export const ReopenDecision = z.object({ reason: text(5000), expectedVersion });
export const SetSeverity = z.object({
  severity: z.string().min(1).max(40),
  rationale: text(5000),
  override: SeverityOverride.optional(),
  expectedVersion,
});
export const AssignRole = z.object({
  role: z.string().min(1).max(40),
  userId,
  /** Hand the role over from this holder. */
  replacesUserId: userId.optional(),
  expectedVersion,
});
export const CreateTask = z.object({
  type: z.enum(TASK_TYPES),
  title: text(300),
  description: optionalText(20_000).default(''),
  assigneeId: userId.nullable().default(null),
  dueAt: TimeInput.nullable().default(null),
  expectedVersion,
});
export const UpdateTask = z.object({
  title: text(300).optional(),
  description: optionalText(20_000).optional(),
  assigneeId: userId.nullable().optional(),
  dueAt: TimeInput.nullable().optional(),
  status: z.enum(TASK_STATUSES).optional(),
  expectedVersion,
});
export const RecordContainment = z.object({
  /** One of the policy's `containment.kinds` ids (e.g. system_isolated); others are a 400. */
  kind: z.string().min(1).max(40),
  description: text(5000),
  /** A containment hook (GET /containment-hooks) applying the action calls; its revert calls back. */
  hookId: z.string().min(1).max(64).optional(),
  expectedVersion,
});
export const RevertContainment = z.object({
  note: optionalText(5000).default(''),
  expectedVersion,
});
export const KeepContainment = z.object({ justification: text(5000), expectedVersion });
export const DeEscalate = z.object({
  rationale: text(5000),
  severity: z.string().min(1).max(40).optional(),
  expectedVersion,
});
export const HandOff = z.object({
  trackerUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000),
  expectedVersion,
});
export const MovePhase = z.object({ phase: z.string().min(1).max(40), expectedVersion });
export const RecordMilestone = z.object({
  milestone: z.enum(MILESTONES),
  note: optionalText(5000).default(''),
  expectedVersion,
});
export const LogDecision = z.object({
  what: text(2000),
  why: text(5000),
  alternatives: optionalText(5000).default(''),
  decidedBy: text(300),
  expectedVersion,
});
export const AddNote = z.object({
  text: text(20_000),
  visibility: Visibility.default('internal'),
  expectedVersion,
});

export const Created = z.object({ id: z.string(), incident: Incident });

export const Decisions = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      what: z.string(),
      why: z.string(),
      alternatives: z.string(),
      decidedBy: z.string(),
      recordedBy: z.string().nullable(),
      at: Time,
    }),
  ),
});

export const TimelineQuery = z.object({
  /** Events after this sequence number (from the previous page's nextAfter). */
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Comma-separated event types, e.g. incident.note_added,incident.phase_changed */
  type: z.string().max(2000).optional(),
});

export const Timeline = z.object({
  items: z.array(
    z.object({
      seq: z.number(),
      type: z.string(),
      at: Time,
      actorId: z.string().nullable(),
      visibility: Visibility,
      data: z.record(z.string(), z.unknown()),
    }),
  ),
  nextAfter: z.number().nullable(),
});

// Containment hooks (issue 18, item 6): outbound hooks a containment action may call.
const HookUrl = z.string().url().max(2000);
const HookMethod = z.enum(['POST', 'PUT', 'PATCH', 'DELETE']);
const HookAuth = z.enum(['standard_webhooks', 'bearer']);
export const ContainmentHook = z.object({
  id: z.string(),
  name: z.string(),
  method: HookMethod,
  /** standard_webhooks: signed (webhook-id, webhook-timestamp, webhook-signature); bearer. */
  auth: HookAuth,
  enabled: z.boolean(),
  hasRevert: z.boolean(),
  /** Shown to those who manage webhooks only. */
  url: z.string().optional(),
  revertUrl: z.string().nullable().optional(),
  createdAt: Time,
  updatedAt: Time,
  /** In the answer that created it only, when Stopline made the signing secret. */
  secret: z.string().optional(),
});
export const ContainmentHookList = z.object({ items: z.array(ContainmentHook) });
/** The hooks by name, for a responder recording containment (never their URLs). */
export const ContainmentHookNameList = z.object({
  items: z.array(
    z.object({ id: z.string(), name: z.string(), enabled: z.boolean(), hasRevert: z.boolean() }),
  ),
});
export const CreateContainmentHook = z.object({
  name: text(100),
  url: HookUrl,
  revertUrl: HookUrl.nullable().optional(),
  method: HookMethod.optional(),
  auth: HookAuth.optional(),
  /** standard_webhooks: a whsec_ secret (omitted: one is made and shown once); bearer: the token. */
  secret: z.string().min(16).max(500).optional(),
  enabled: z.boolean().optional(),
});
export const UpdateContainmentHook = CreateContainmentHook.partial();
export const ContainmentHookRef = z.object({ id: z.string().min(1).max(64) });

// Continuity (issue 19, item 6; Kai section 7): the policy's manual fallback procedures that cover
// a system the incident affects, as a checklist on the incident.
export const ContinuityStepRef = z.object({
  ref: z.string().min(1).max(100),
  procedureId: z.string().min(1).max(40),
  step: z.coerce.number().int().min(1).max(1000),
});

export const UntickContinuityStep = z.object({
  /** Why the step is not done after all, or must be done again: on the record. */
  reason: text(2000),
});

export const ContinuityChecklist = z.object({
  procedures: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      /** The components or systems the procedure covers, as the policy writes them. */
      covers: z.array(z.string()),
      /** The incident's affected systems it covers, as the incident names them. */
      matched: z.array(z.string()),
      /** Who to keep updated while the procedure runs: roles or named contacts. */
      stakeholders: z.array(z.string()),
      steps: z.array(
        z.object({
          step: z.number().int(),
          text: z.string(),
          /** Ticked: by whom (a user id) and when; null while not done. */
          done: z.object({ by: z.string().nullable(), at: Time }).nullable(),
        }),
      ),
    }),
  ),
});
export type ContinuityChecklist = z.infer<typeof ContinuityChecklist>;

// The learning subject's contract: /api/v1/incidents/{ref}/postmortem. Section text is Markdown,
// stored and returned exactly as written; `html` is the same text rendered with raw HTML off and
// passed through an allow-list sanitizer.
import { z } from 'zod';
import {
  FOLLOW_UP_PRIORITIES,
  FOLLOW_UP_STATUSES,
  FOLLOW_UP_TYPES,
  POLICY_SECTIONS,
  POSTMORTEM_STATUSES,
} from '../domain/learning.ts';
import { Time, TimeInput } from './times.ts';
import { EXERCISE_KINDS } from '../domain/incidents.ts';

const expectedVersion = z.number().int().nonnegative().optional();

export const PostmortemSectionRef = z.object({
  ref: z.string().min(1).max(100),
  sectionId: z.string().min(1).max(40),
});

export const PostmortemSection = z.object({
  /** The template's id for the section, e.g. `root_cause`. */
  id: z.string(),
  /** Its heading, or the question it answers. */
  title: z.string(),
  prompt: z.string().nullable(),
  /** Must be answered before the post-mortem goes to review. */
  required: z.boolean(),
  /** Markdown as written; empty until someone writes it. */
  body: z.string(),
  /** `body` rendered: raw HTML is not rendered, links only http(s) and mailto. */
  html: z.string(),
  updatedBy: z.string().nullable(),
  updatedAt: Time.nullable(),
});

export const FollowUp = z.object({
  id: z.string(),
  title: z.string(),
  ownerId: z.string(),
  dueAt: Time,
  priority: z.enum(FOLLOW_UP_PRIORITIES),
  type: z.enum(FOLLOW_UP_TYPES),
  /** The issue in an outside tracker. */
  trackerUrl: z.string().nullable(),
  /** A process follow-up's proposed change to this section of the policy. */
  policySection: z.enum(POLICY_SECTIONS).nullable(),
  status: z.enum(FOLLOW_UP_STATUSES),
  /** Why it will not be done (status `not_doing`). */
  reason: z.string().nullable(),
  /** Open and past its due date. */
  overdue: z.boolean(),
  /** The record's proposal it answers (a breached deadline, a departure from the policy). */
  proposalId: z.string().nullable(),
  /**
   * The issue a development tracker opened for it (a connection with `onFollowUp`): the
   * connection's name, the key and its state as the tracker last reported it.
   */
  tracker: z
    .object({ connection: z.string(), key: z.string(), state: z.enum(['open', 'closed']) })
    .nullable(),
  /** Still open, but the tracker closed its issue: marking it done is proposed (never done by itself). */
  doneProposed: z.boolean(),
  /**
   * What proposed a stand-alone follow-up (no post-mortem holds it): `alert_tuning`, the alerts'
   * proposal to tune a detection rule (its alert source, similar key, how many alerts were noise
   * and their reasons when it was taken); null for a post-mortem's follow-up.
   */
  source: z
    .object({
      kind: z.literal('alert_tuning'),
      id: z.string(),
      alertSourceId: z.string(),
      alertSourceName: z.string(),
      similarKey: z.string(),
      alertCount: z.number().int(),
      reasons: z.array(z.string()),
    })
    .nullable(),
  createdBy: z.string().nullable(),
  createdAt: Time,
  closedAt: Time.nullable(),
});

export const Postmortem = z.object({
  id: z.string(),
  incident: z.object({ id: z.string(), key: z.string() }),
  status: z.enum(POSTMORTEM_STATUSES),
  /** The stream's version: send it back as `If-Match` or `expectedVersion`. */
  version: z.number().int(),
  ownerId: z.string().nullable(),
  /** The policy version whose template it was started from. */
  policyHash: z.string(),
  /** Whoever sent it to review may approve it too (the policy's `authorMayApprove`). */
  authorMayApprove: z.boolean(),
  sections: z.array(PostmortemSection),
  followUps: z.array(FollowUp),
  /** Required sections still empty: nothing here means it may go to review. */
  unansweredSections: z.array(z.string()),
  submittedBy: z.string().nullable(),
  submittedAt: Time.nullable(),
  /** Who gave the approval that approved it (the last one needed), and when. */
  approvedBy: z.string().nullable(),
  approvedAt: Time.nullable(),
  /** How many approvals approve it (the policy's `approvals`). */
  approvalsRequired: z.number().int(),
  /** The approvals of the review under way (sending it back starts again). */
  approvals: z.array(z.object({ userId: z.string().nullable(), at: Time })),
  /** Named in advance: once there are some, only they approve. */
  reviewerIds: z.array(z.string()),
  /**
   * Why the policy requires it (`severity P1`, `the line stopped`, `a deadline was breached`,
   * `personal data was breached`): the incident does not close until it is approved. Empty: not
   * required.
   */
  requiredBecause: z.array(z.string()),
  /** Status `skipped`: why none is held, who said so and when. */
  skipReason: z.string().nullable(),
  skippedBy: z.string().nullable(),
  skippedAt: Time.nullable(),
  /**
   * The review's last "request changes": why (Markdown as typed, untrusted), who asked and when;
   * kept after it is sent to review again. Null: no reviewer has sent it back.
   */
  changesRequested: z
    .object({ reason: z.string(), by: z.string().nullable(), at: Time })
    .nullable(),
  createdAt: Time,
  updatedAt: Time,
});

export const SetPostmortemOwner = z.object({
  /** An active member of staff's id. */
  ownerId: z.string().min(1).max(100),
  expectedVersion,
});

export const SetPostmortemReviewers = z.object({
  /** Active members of staff; at least as many as the policy's `approvals`. */
  reviewerIds: z.array(z.string().min(1).max(100)).min(1).max(20),
  expectedVersion,
});

export const SkipPostmortem = z.object({
  /** Why no post-mortem is held, recorded on the incident's post-mortem. */
  reason: z.string().trim().min(1, 'must not be empty').max(2000),
});

export const WritePostmortemSection = z.object({
  /** The whole section, Markdown (an empty text clears it). */
  body: z.string().max(50_000),
  expectedVersion,
});

/** A step with nothing to say but, optionally, the version it was taken on (the body may be left out). */
export const PostmortemStep = z.object({ expectedVersion }).nullish();

export const RequestPostmortemChanges = z.object({
  /** What the authors should change, recorded with the request. */
  reason: z.string().trim().min(1, 'must not be empty').max(2000),
  expectedVersion,
});

export const PostmortemFollowUpRef = z.object({
  ref: z.string().min(1).max(100),
  followUpId: z.string().min(1).max(100),
});

export const CreateFollowUp = z.object({
  title: z.string().trim().min(1, 'must not be empty').max(500),
  /** A member of staff's id. */
  ownerId: z.string().min(1).max(100),
  /** In the future. */
  dueAt: TimeInput,
  priority: z.enum(FOLLOW_UP_PRIORITIES).default('medium'),
  type: z.enum(FOLLOW_UP_TYPES),
  trackerUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2000)
    .nullable()
    .default(null),
  /** Only for type `process`: the policy section the follow-up proposes to change. */
  policySection: z.enum(POLICY_SECTIONS).nullable().default(null),
  /** The record's proposal it answers (the timeline's `proposedFollowUps`). */
  proposalId: z.string().min(1).max(200).nullable().default(null),
  expectedVersion,
});

export const SetFollowUpStatus = z.object({
  status: z.enum(FOLLOW_UP_STATUSES),
  /** Required for `not_doing`: why it will not be done. */
  reason: z.string().trim().max(2000).nullable().default(null),
  expectedVersion,
});

export const ChangeFollowUp = z.object({
  /** Hand it to another active member of staff. */
  ownerId: z.string().min(1).max(100).optional(),
  /** A new due date, in the future. */
  dueAt: TimeInput.optional(),
  status: z.enum(FOLLOW_UP_STATUSES).optional(),
  /** Required for `not_doing`: why it will not be done. */
  reason: z.string().trim().max(2000).nullable().optional(),
  expectedVersion,
});

export const PostmortemProposalRef = z.object({
  ref: z.string().min(1).max(100),
  /** The record's proposal (`deadline:<id>`, `override:<seq>`, `skipped:<seq>`). */
  proposalId: z.string().min(1).max(200),
});

export const AcceptProposal = z.object({
  /** Who does it: an active member of staff; you when left out. */
  ownerId: z.string().min(1).max(100).optional(),
  /** In the future. */
  dueAt: TimeInput,
  priority: z.enum(FOLLOW_UP_PRIORITIES).default('medium'),
  expectedVersion,
});

export const DeclineProposal = z.object({
  /** Why the proposal will not be taken, recorded with the decision. */
  reason: z.string().trim().min(1, 'must not be empty').max(2000),
  expectedVersion,
});

export const PolicyChangeList = z.object({
  items: z.array(
    z.object({
      /** The record's proposal id, or `follow-up:<id>` for one written in a post-mortem. */
      id: z.string(),
      incident: z.object({ id: z.string(), key: z.string() }),
      postmortemId: z.string(),
      /** The policy section it proposes to change. */
      policySection: z.enum(POLICY_SECTIONS),
      title: z.string(),
      /** What in the incident's record proposed it; null for one written in a post-mortem. */
      because: z.string().nullable(),
      /** Who proposed it; null: the incident's record. */
      proposedBy: z.string().nullable(),
      proposedAt: Time,
      /** `proposed`: waiting for an answer; `taken` as a follow-up (its status is its own); `declined`. */
      status: z.enum(['proposed', 'taken', 'declined']),
      followUp: FollowUp.nullable(),
      declined: z.object({ by: z.string().nullable(), at: Time, reason: z.string() }).nullable(),
    }),
  ),
});

export const FollowUpListQuery = z.object({
  status: z.enum(FOLLOW_UP_STATUSES).optional(),
  type: z.enum(FOLLOW_UP_TYPES).optional(),
  /** A member of staff's id, or `me`. */
  owner: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** A follow-up as listed across incidents: `incident` null for a stand-alone one. */
export const FollowUpInList = FollowUp.extend({
  incident: z.object({ id: z.string(), key: z.string() }).nullable(),
  /**
   * What a change by its id is checked against (its post-mortem's version, or its own for a
   * stand-alone one): send it back as `If-Match` or `expectedVersion`.
   */
  version: z.number().int(),
});

export const FollowUpList = z.object({ items: z.array(FollowUpInList) });

export const FollowUpRef = z.object({ followUpId: z.string().min(1).max(100) });

export const PostmortemTimelineEventRef = z.object({
  ref: z.string().min(1).max(100),
  /** The event's sequence number on the incident's record. */
  seq: z.coerce.number().int().min(1),
});

export const PostmortemTimelineEntryRef = z.object({
  ref: z.string().min(1).max(100),
  entryId: z.string().min(1).max(100),
});

export const PostmortemTimelineQuery = z.object({
  /** `true`: only what the post-mortem marked important. */
  important: z.enum(['true', 'false']).optional(),
});

export const MarkTimelineEvent = z.object({
  important: z.boolean(),
  /** What the event meant (Markdown); empty or null: no note. */
  note: z.string().max(10_000).nullable().default(null),
  expectedVersion,
});

export const AddTimelineEntry = z.object({
  /** When it happened: not in the future. */
  at: TimeInput,
  /** What happened (Markdown): something the record does not hold, such as a call. */
  text: z.string().trim().min(1, 'must not be empty').max(10_000),
  important: z.boolean().default(false),
  expectedVersion,
});

const Span = z
  .object({
    /** When it ended (the event of the record that ended it). */
    at: Time,
    ms: z.number().int().nonnegative(),
  })
  .nullable();

/** Measured from the record, not typed in; null when the record has no opening. */
export const Durations = z
  .object({
    startedAt: Time,
    startedFrom: z.enum(['detected', 'declared']),
    toAcknowledge: Span,
    toContain: Span,
    toResolve: Span,
  })
  .nullable();

export const PostmortemTimeline = z.object({
  incident: z.object({ id: z.string(), key: z.string() }),
  /** The post-mortem's version: send it back as `If-Match` or `expectedVersion`. */
  version: z.number().int(),
  items: z.array(
    z.object({
      /** `record`: an event of the incident's record; `entry`: written into the timeline by hand. */
      source: z.enum(['record', 'entry']),
      seq: z.number().int().nullable(),
      entryId: z.string().nullable(),
      at: Time,
      /** The record event's type (`incident.phase_changed`…); null for an entry. */
      type: z.string().nullable(),
      /** The event in words, plain text (an entry's own Markdown). */
      summary: z.string(),
      /** An entry's text rendered (raw HTML off, allow-list sanitizer); empty for a record event. */
      summaryHtml: z.string(),
      actorId: z.string().nullable(),
      important: z.boolean(),
      /** The post-mortem's note on a record event (Markdown), and rendered. */
      note: z.string().nullable(),
      noteHtml: z.string().nullable(),
    }),
  ),
  /**
   * Measured from the record, not typed in: from detection (or declaration when no detection time
   * is known) to the response the policy asks for, to the first move past the containment phase
   * (`stopTheLine.containedAfterPhase`), and to the resolved phase (`stopTheLine.resolvedAtPhase`);
   * null while it has not happened.
   */
  /**
   * Follow-ups the record proposes: each breached deadline, each departure from the policy (a
   * severity set before verify & reproduce, phases skipped). Add one with its `proposalId` and it
   * is no longer proposed.
   */
  proposedFollowUps: z.array(
    z.object({
      proposalId: z.string(),
      because: z.string(),
      at: Time,
      title: z.string(),
      type: z.literal('process'),
      policySection: z.enum(POLICY_SECTIONS),
    }),
  ),
  durations: Durations,
});

// An exercise's report (issue 14, item 7): /api/v1/incidents/{ref}/exercise-report.

export const ExerciseObjectiveRef = z.object({
  ref: z.string().min(1).max(100),
  objectiveId: z.string().min(1).max(20),
});

export const AddExerciseObjective = z.object({
  text: z.string().trim().min(1, 'must not be empty').max(500),
  expectedVersion,
});

export const AssessExerciseObjective = z.object({
  met: z.boolean(),
  /** What was seen (Markdown). */
  note: z.string().max(5000).default(''),
  expectedVersion,
});

export const CompleteExerciseReport = z.object({
  /** What the exercise showed, in a few words (Markdown). */
  summary: z.string().max(20_000).default(''),
  expectedVersion,
});

export const ReopenExerciseReport = z.object({
  reason: z.string().trim().min(1, 'must not be empty').max(5000),
  expectedVersion,
});

export const ExerciseReport = z.object({
  incident: z.object({
    id: z.string(),
    key: z.string(),
    title: z.string(),
    /** Always true: everything about it says EXERCISE. */
    exercise: z.literal(true),
    kind: z.enum(EXERCISE_KINDS),
    scenario: z.string(),
  }),
  /** 0 until someone writes it: then the objectives are the declaration's. */
  version: z.number().int(),
  status: z.enum(['draft', 'completed']),
  objectives: z.array(
    z.object({
      id: z.string(),
      text: z.string(),
      /** Null until judged. */
      met: z.boolean().nullable(),
      note: z.string(),
      assessedBy: z.string().nullable(),
      assessedAt: Time.nullable(),
    }),
  ),
  summary: z.string(),
  completedBy: z.string().nullable(),
  completedAt: Time.nullable(),
  /** Who took part (ids). */
  participants: z.array(z.string()),
  durations: Durations,
  /** The post-mortem's follow-ups. */
  followUps: z.array(FollowUp),
  /** The policy keeps the exercise from closing until the report is completed. */
  requiredToClose: z.boolean(),
});

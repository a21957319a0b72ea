// The deadlines API: the policy's promises as live clocks, what is due, breached and met.
import { z } from 'zod';
import { Time } from './times.ts';

export const DEADLINE_KIND_VALUES = [
  'reporter_acknowledgment',
  'response',
  'internal_update',
  'customer_first_notice',
  'customer_update',
  'final_report',
  'task_due',
  /** A stage of a breach regime (ref: "regime.stage"), planned by the breach subject. */
  'breach_stage',
  /** A required post-mortem's draft, from the incident's resolution (learning subject). */
  'postmortem_due',
  /** A post-mortem's follow-up action (ref: its id), due at its own date (learning subject). */
  'follow_up_due',
  /** A panel member's vote (ref: "round:user id"), due panel.voteWithin after convening. */
  'panel_vote',
  /** A vulnerability's fix, per its CVSS rating from acceptance (disclosure subject). */
  'fix_target',
  /** Publish by the agreed disclosure date: met by the publication. */
  'disclosure_date',
  /** The policy's longest embargo, from the report: met by the publication. */
  'max_embargo',
  /** Tell the reporters something at least every so often while the vulnerability is open. */
  'reporter_update',
  /** A period of the policy's schedule (learning.schedule; subject: the item, ref: the period's
   * first month, YYYY-MM), met by holding the exercise or recording the review. */
  'schedule_due',
] as const;

export const DeadlineJson = z.object({
  id: z.string(),
  /** programme: a period of the policy's schedule of exercises and reviews (subjectId: the item). */
  subjectType: z.enum(['incident', 'report', 'vulnerability', 'programme', 'follow_up']),
  subjectId: z.string(),
  /** The key people know the subject by: INC-2026-0001 or RPT-0042 (the schedule item's id). */
  subjectKey: z.string().nullable(),
  kind: z.enum(DEADLINE_KIND_VALUES),
  /** The task id for task_due deadlines; null otherwise. */
  taskId: z.string().nullable(),
  /** For breach_stage deadlines: the regime's stage, "gdpr.authority"; null otherwise. */
  breachStage: z.string().nullable(),
  status: z.enum(['pending', 'paused', 'met', 'cancelled']),
  /** Whether the due time has passed without the deadline being met. */
  breached: z.boolean(),
  startedAt: Time,
  dueAt: Time,
  nextFireAt: Time.nullable(),
  responsibleId: z.string().nullable(),
  metAt: Time.nullable(),
  metBy: z.string().nullable(),
  metReason: z.string().nullable(),
});
export type DeadlineJson = z.infer<typeof DeadlineJson>;

export const DeadlineList = z.object({ items: z.array(DeadlineJson) });

export const DeadlineQuery = z.object({
  /** `next`: the earliest open deadline of each incident and report (what a dashboard shows). */
  state: z.enum(['due_soon', 'breached', 'met', 'open', 'next', 'all']).default('open'),
  /** For due_soon: how far ahead, in minutes. */
  withinMinutes: z.coerce.number().int().min(1).max(10_080).default(240),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const MarkDeadlineMet = z.object({ reason: z.string().trim().min(1).max(2000) });

const DurationsJson = z.object({
  count: z.number().int(),
  medianMs: z.number().nullable(),
  p90Ms: z.number().nullable(),
});

export const DeadlineMeasuresJson = z.object({
  from: Time,
  to: Time,
  timeToAcknowledge: DurationsJson,
  /** Severity id → time from the clock's start to the first response. */
  timeToRespond: z.record(z.string(), DurationsJson),
  shareMet: z.array(
    z.object({
      month: z.string(),
      kind: z.enum(DEADLINE_KIND_VALUES),
      counted: z.number().int(),
      metOnTime: z.number().int(),
      share: z.number(),
    }),
  ),
});

export const MeasuresQuery = z.object({
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
});

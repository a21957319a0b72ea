// The learning programme's contract (issue 14, item 7; Kai section 10): /api/v1/programme answers
// the policy's schedule of exercises and reviews (each item's periods scheduled, done or overdue)
// and the reviews, training and external tests recorded; POST /api/v1/programme/activities
// records one, meeting its period's deadline.
import { z } from 'zod';
import { PROGRAMME_ITEM_KINDS, RECORDED_ACTIVITY_KINDS } from '../domain/learning.ts';
import { Time, TimeInput } from './times.ts';

export const SCHEDULE_STATES = ['scheduled', 'done', 'overdue'] as const;

export const SchedulePeriod = z.object({
  deadlineId: z.string(),
  /** The period's first month, YYYY-MM. */
  period: z.string(),
  startedAt: Time,
  dueAt: Time,
  state: z.enum(SCHEDULE_STATES),
  metAt: Time.nullable(),
  /** What met it: incident.opened (an exercise declared) or programme.activity_recorded. */
  metBy: z.string().nullable(),
});

export const ScheduleItem = z.object({
  id: z.string(),
  kind: z.enum(PROGRAMME_ITEM_KINDS),
  title: z.string(),
  everyMonths: z.number(),
  description: z.string().nullable(),
  /** The open period's state; done when every period is met; null before the first starts. */
  state: z.enum(SCHEDULE_STATES).nullable(),
  dueAt: Time.nullable(),
  /** Newest first. */
  periods: z.array(SchedulePeriod),
});

export const Activity = z.object({
  id: z.string(),
  kind: z.enum(RECORDED_ACTIVITY_KINDS),
  heldAt: Time,
  participants: z.string(),
  summary: z.string(),
  evidenceUrl: z.string(),
  recordedBy: z.string().nullable(),
  recordedAt: Time,
});

export const Programme = z.object({
  items: z.array(ScheduleItem),
  /** The ids of the items whose open period is past its due time. */
  overdue: z.array(z.string()),
  /** Newest first. */
  activities: z.array(Activity),
});

export const RecordActivity = z.object({
  kind: z.enum(RECORDED_ACTIVITY_KINDS),
  /** When it was held: not in the future. */
  heldAt: TimeInput,
  /** Who took part. */
  participants: z.string().trim().min(1, 'must not be empty').max(2000),
  summary: z.string().trim().min(1, 'must not be empty').max(20_000),
  /** Where the evidence is: the report, the slides, the attendance list. */
  evidenceUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000),
});

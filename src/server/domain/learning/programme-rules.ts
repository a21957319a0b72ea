// Pure decisions of the learning programme: whether a review, training or test may be recorded
// as written, and how the policy's schedule stands against its deadlines.
import { AppError } from '../../errors.ts';
import type { ActivityEvent, ActivityFields } from './programme-events.ts';

/** A record of something held: not in the future (a 400 naming heldAt). */
export function recordActivity(input: ActivityFields, now: number): ActivityEvent[] {
  if (input.heldAt > now) {
    const message = 'must not be in the future: record it once it was held';
    throw new AppError('VALIDATION', `heldAt ${message}`, {
      errors: [{ field: 'heldAt', message }],
    });
  }
  return [{ type: 'programme.activity_recorded', data: input, visibility: 'internal' }];
}

/** One period of a schedule item as its deadline stands. */
export interface SchedulePeriodState {
  deadlineId: string;
  /** The period's first month, YYYY-MM. */
  period: string;
  startedAt: number;
  dueAt: number;
  status: 'pending' | 'paused' | 'met' | 'cancelled';
  metAt: number | null;
  metBy: string | null;
}

export type ScheduleState = 'scheduled' | 'done' | 'overdue';

/** Done: met; overdue: open past its due time; scheduled: open, not yet due (cancelled: gone). */
export function periodState(p: SchedulePeriodState, now: number): ScheduleState | null {
  if (p.status === 'met') return 'done';
  if (p.status === 'cancelled') return null;
  return p.dueAt <= now ? 'overdue' : 'scheduled';
}

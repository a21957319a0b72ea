// On-call schedules (issue 21, item 2): the event types of a schedule's stream and their data. A
// schedule is a rotation (ordered members taking the shifts of a pattern in turn, in a time zone)
// and overrides (someone else covers a range). Every event is internal.
import type { Recorded } from '../../db/event-store.ts';
import type { Visibility } from '../../db/schema.ts';

/** One shift of the rotation's pattern, in wall-clock time in the rotation's time zone. */
export interface PatternShift {
  /** Day of the pattern it starts on, from 0. */
  day: number;
  /** Hand-off time, "HH:MM". */
  start: string;
  lengthMinutes: number;
}

export interface Rotation {
  /** IANA time zone the hand-off times are in. */
  timeZone: string;
  /** The local date (YYYY-MM-DD) of the pattern's first day: the first shift starts on it. */
  startsOn: string;
  /** The pattern, in order; it repeats as soon as it ends. */
  shifts: PatternShift[];
  /** User ids, in the order they take the shifts. */
  members: string[];
}

export interface OnCallOverride {
  id: string;
  userId: string;
  from: number;
  to: number;
  reason: string | null;
  createdBy: string | null;
}

export interface ScheduleEventData {
  'oncall.schedule_created': { name: string; rotation: Rotation };
  'oncall.schedule_changed': { changes: { name?: string; rotation?: Rotation } };
  'oncall.schedule_removed': Record<string, never>;
  'oncall.override_added': { override: OnCallOverride };
  'oncall.override_removed': { overrideId: string };
}

export type ScheduleEventType = keyof ScheduleEventData;

export type ScheduleEvent = {
  [K in ScheduleEventType]: { type: K; data: ScheduleEventData[K]; visibility: Visibility };
}[ScheduleEventType];

export type RecordedScheduleEvent = Recorded<ScheduleEvent>;

export function scheduleEvent<K extends ScheduleEventType>(
  type: K,
  data: ScheduleEventData[K],
): ScheduleEvent {
  return { type, data, visibility: 'internal' } as ScheduleEvent;
}

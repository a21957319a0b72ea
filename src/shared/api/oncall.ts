// On-call schedules (docs/on-call.md): rotations (ordered members taking the shifts of a pattern
// in turn, hand-off times in a time zone), overrides, who is on call now and a person's shifts.
import { z } from 'zod';
import { Time, TimeInput } from './times.ts';

const id = z.string().min(1).max(64);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day such as 09:00');
const DURATION = /^(\d+)\s*(m|h|d|w)$/;
const MINUTES: Record<string, number> = { m: 1, h: 60, d: 1440, w: 10080 };

/** A shift's length as people say it ("12h", "1d", "1w"), read as minutes. */
const ShiftLength = z
  .string()
  .regex(DURATION, 'must be a length such as "12h", "1d" or "1w"')
  .transform((text) => {
    const [, n, unit] = DURATION.exec(text.trim())!;
    return Number(n) * MINUTES[unit!]!;
  })
  .refine((m) => m > 0 && m <= 28 * 1440, 'must be more than 0 and at most 4 weeks');

export const PatternShiftInput = z
  .object({
    /** Day of the pattern it starts on, from 0 (default 0). */
    day: z.number().int().min(0).max(27).default(0),
    /** Hand-off time in the rotation's time zone. */
    start: hhmm,
    length: ShiftLength,
  })
  .transform(({ length, ...shift }) => ({ ...shift, lengthMinutes: length }));

export const RotationInput = z.object({
  /** IANA time zone of the hand-off times, e.g. Europe/Berlin. */
  timeZone: z.string().min(1).max(64),
  /** Local date of the pattern's first day (the first shift starts on it). */
  startsOn: z.iso.date({ error: 'must be a date such as 2026-12-07' }),
  /** The pattern: each shift starts where the one before ends; it repeats after whole days. */
  shifts: z.array(PatternShiftInput).min(1, 'needs at least one shift').max(24),
  /** User ids, in the order they take the shifts. */
  members: z.array(id).min(1, 'needs at least one member').max(100),
});

export const CreateSchedule = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(120),
  rotation: RotationInput,
});
export const UpdateSchedule = CreateSchedule.partial();

export const CreateOverride = z.object({
  userId: id,
  from: TimeInput,
  to: TimeInput,
  reason: z.string().trim().max(500).nullable().optional(),
});

export const ScheduleRef = z.object({ id });
export const OverrideRef = z.object({ id, overrideId: id });
export const PersonRef = z.object({ userId: id });

export const ShiftRange = z.object({
  /** Default: now. */
  from: TimeInput.optional(),
  /** Default: 28 days after `from`; at most 400 days after it. */
  to: TimeInput.optional(),
});

const Person = z.object({ id: z.string(), displayName: z.string().nullable() });

export const ShiftView = z.object({
  user: Person,
  from: Time,
  to: Time,
  /** From the rotation, or an override covering it. */
  source: z.enum(['rotation', 'override']),
  overrideId: z.string().nullable(),
});

export const OverrideView = z.object({
  id: z.string(),
  user: Person,
  from: Time,
  to: Time,
  reason: z.string().nullable(),
});

export const RotationView = z.object({
  timeZone: z.string(),
  startsOn: z.string(),
  shifts: z.array(
    z.object({ day: z.number(), start: z.string(), length: z.string(), lengthMinutes: z.number() }),
  ),
  members: z.array(Person),
});

export const Schedule = z.object({
  id: z.string(),
  name: z.string(),
  rotation: RotationView,
  /** Overrides running or still to come, by start. */
  overrides: z.array(OverrideView),
  /** Who is on call now (null: nobody, the rotation has not started). */
  now: ShiftView.nullable(),
  /** The next hand-offs, soonest first. */
  next: z.array(ShiftView),
  version: z.number(),
  createdAt: Time,
  updatedAt: Time,
});
export type Schedule = z.infer<typeof Schedule>;

export const ScheduleList = z.object({ items: z.array(Schedule) });
export type ScheduleList = z.infer<typeof ScheduleList>;

export const ShiftList = z.object({ items: z.array(ShiftView) });

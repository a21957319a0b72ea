// Pure: the shifts a schedule makes. A rotation's pattern is a list of shifts in wall-clock time
// in its time zone (day of the pattern, start, length); the pattern repeats every whole number of
// days, and each shift in turn goes to the next member. Hand-offs are at the local time, so a
// 09:00 hand-off stays at 09:00 across a change to or from summer time (the shift that spans it
// is an hour shorter or longer). An override puts someone else on call for a range and wins.
import type { OnCallOverride, Rotation } from './schedule-events.ts';

const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;
const DAY = DAY_MINUTES * MINUTE;

/** One stretch of time with one person on call. */
export interface Shift {
  userId: string;
  from: number;
  to: number;
  /** From the rotation, or an override that covers it. */
  source: 'rotation' | 'override';
  overrideId: string | null;
}

/** "09:00" -> 540. */
export function minutesOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** Offset of the zone from UTC at an instant, in milliseconds (local minus UTC). */
function offsetAt(timeZone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const local = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return local - (at - (((at % 1000) + 1000) % 1000));
}

/**
 * The instant of a local wall-clock time (`localMs`: the local date and time read as if UTC). A
 * time that happens twice (clocks go back) is its first; one that does not exist (clocks go
 * forward) is read with the offset before the change, i.e. as late as the skipped hour.
 */
export function instantOfLocal(timeZone: string, localMs: number): number {
  const before = localMs - offsetAt(timeZone, localMs - DAY);
  const after = localMs - offsetAt(timeZone, localMs + DAY);
  const valid = [before, after].filter((t) => t + offsetAt(timeZone, t) === localMs);
  return valid.length > 0 ? Math.min(...valid) : before;
}

/** Where each shift of the pattern starts, in minutes from the pattern's first day at 00:00. */
function patternStarts(rotation: Rotation): number[] {
  return rotation.shifts.map((s) => s.day * DAY_MINUTES + minutesOfDay(s.start));
}

/** A problem in the pattern: a gap or an overlap between two shifts, named by the later one. */
export interface PatternProblem {
  index: number;
  field: 'start' | 'length';
  message: string;
}

const clock = (minutes: number) => {
  const day = Math.floor(minutes / DAY_MINUTES);
  const m = minutes - day * DAY_MINUTES;
  const hhmm = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return `day ${day} ${hhmm}`;
};

/**
 * The pattern must cover time without a gap or an overlap: each shift starts where the one before
 * it ends, and the last ends where the first starts again, a whole number of days later.
 */
export function checkPattern(rotation: Rotation): PatternProblem[] {
  const starts = patternStarts(rotation);
  const problems: PatternProblem[] = [];
  for (let i = 1; i < starts.length; i++) {
    const end = starts[i - 1]! + rotation.shifts[i - 1]!.lengthMinutes;
    if (starts[i]! < end)
      problems.push({
        index: i,
        field: 'start',
        message: `overlaps the shift before it, which ends at ${clock(end)}`,
      });
    else if (starts[i]! > end)
      problems.push({
        index: i,
        field: 'start',
        message: `leaves a gap after the shift before it, which ends at ${clock(end)}`,
      });
  }
  const last = starts.length - 1;
  const covered = starts[last]! + rotation.shifts[last]!.lengthMinutes - starts[0]!;
  if (covered % DAY_MINUTES !== 0) {
    const days = Math.ceil(covered / DAY_MINUTES);
    const missing = days * DAY_MINUTES - covered;
    problems.push({
      index: last,
      field: 'length',
      message: `leaves a gap of ${missing / 60} h before the first shift starts again (${clock(starts[0]! + days * DAY_MINUTES)}): the shifts must add up to whole days`,
    });
  }
  return problems;
}

/** Days after which the pattern repeats. */
function cycleDays(rotation: Rotation): number {
  const starts = patternStarts(rotation);
  const last = starts.length - 1;
  return Math.round(
    (starts[last]! + rotation.shifts[last]!.lengthMinutes - starts[0]!) / DAY_MINUTES,
  );
}

/** The start (instant) of the rotation's n-th shift, counted from 0 across repetitions. */
function shiftStart(rotation: Rotation, n: number): number {
  const perCycle = rotation.shifts.length;
  const cycle = Math.floor(n / perCycle);
  const index = n - cycle * perCycle;
  const startsOn = Date.parse(`${rotation.startsOn}T00:00:00Z`);
  const local =
    startsOn + cycle * cycleDays(rotation) * DAY + patternStarts(rotation)[index]! * MINUTE;
  return instantOfLocal(rotation.timeZone, local);
}

/** The rotation's shifts that overlap [from, to), in order (none before it starts). */
export function rotationShifts(rotation: Rotation, from: number, to: number): Shift[] {
  if (rotation.members.length === 0 || to <= from) return [];
  const perCycle = rotation.shifts.length;
  const cycleMs = cycleDays(rotation) * DAY;
  const first = shiftStart(rotation, 0);
  // Start a cycle early: local times move the instants by a few hours at most.
  let n = Math.max(0, (Math.floor((from - first) / cycleMs) - 1) * perCycle);
  const out: Shift[] = [];
  for (let guard = 0; guard < 100_000; guard++, n++) {
    const start = shiftStart(rotation, n);
    if (start >= to) break;
    const end = shiftStart(rotation, n + 1);
    if (end <= from) continue;
    out.push({
      userId: rotation.members[n % rotation.members.length]!,
      from: start,
      to: end,
      source: 'rotation',
      overrideId: null,
    });
  }
  return out;
}

/** Who is on call over [from, to): the rotation's shifts, cut where an override covers them. */
export function scheduleShifts(
  rotation: Rotation,
  overrides: readonly OnCallOverride[],
  from: number,
  to: number,
): Shift[] {
  const covering = overrides
    .filter((o) => o.from < to && o.to > from)
    .sort((a, b) => a.from - b.from);
  const out: Shift[] = [];
  for (const shift of rotationShifts(rotation, from, to)) {
    let cursor = shift.from;
    for (const o of covering) {
      if (o.to <= cursor || o.from >= shift.to) continue;
      if (o.from > cursor) out.push({ ...shift, from: cursor, to: o.from });
      cursor = Math.max(cursor, o.to);
    }
    if (cursor < shift.to) out.push({ ...shift, from: cursor });
  }
  for (const o of covering)
    out.push({ userId: o.userId, from: o.from, to: o.to, source: 'override', overrideId: o.id });
  return out.filter((s) => s.from < to && s.to > from).sort((a, b) => a.from - b.from);
}

/** Who is on call at an instant, if anyone (an override wins over the rotation). */
export function onCallAt(
  rotation: Rotation,
  overrides: readonly OnCallOverride[],
  at: number,
): Shift | null {
  return scheduleShifts(rotation, overrides, at, at + 1)[0] ?? null;
}

/** The current shift (if any) and the next `count` hand-offs after `at`. */
export function nextHandOffs(
  rotation: Rotation,
  overrides: readonly OnCallOverride[],
  at: number,
  count: number,
): { now: Shift | null; next: Shift[] } {
  const now = onCallAt(rotation, overrides, at);
  const horizon = at + Math.max(cycleDays(rotation), 1) * DAY * (count + 1);
  const next = scheduleShifts(rotation, overrides, at + 1, horizon)
    .filter((s) => s.from > at)
    .slice(0, count);
  return { now, next };
}

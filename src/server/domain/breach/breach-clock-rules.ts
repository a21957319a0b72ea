// Regulator clocks as pure rules: when each stage of each regime falls due, from the breach's
// determinations and submissions and the policy's regimes. No I/O, no clock reads.
import { DateTime } from 'luxon';
import type { DeterminationKind, Weekday } from '../../../shared/domain/breach.ts';
import { WEEKDAYS } from '../../../shared/domain/breach.ts';
import type {
  Breach,
  HolidayCalendar,
  Regime,
  RegimeStage,
  StageCondition,
} from '../policy/index.ts';

const HOUR_MS = 3_600_000;

/**
 * When a stage started `start` (epoch ms) is due. hours: elapsed time; calendar_days and months:
 * the same local time that many days or months later in `timeZone` (so a DST change does not
 * move it); business_days: the end of the Nth business day after the start's local day.
 */
export function stageDueAt(
  start: number,
  stage: Pick<RegimeStage, 'offset' | 'calendar' | 'holidayCalendar'>,
  timeZone: string,
  calendars: readonly HolidayCalendar[],
): number {
  switch (stage.calendar) {
    case 'hours':
      return start + stage.offset * HOUR_MS;
    case 'calendar_days':
      return DateTime.fromMillis(start, { zone: timeZone }).plus({ days: stage.offset }).toMillis();
    case 'months':
      return DateTime.fromMillis(start, { zone: timeZone })
        .plus({ months: stage.offset })
        .toMillis();
    case 'days_after_year_end':
      // The end of the Nth day after 31 December of the start's year (HIPAA's annual log: the
      // 60th day after the end of 2026 is 1 March 2027).
      return DateTime.fromMillis(start, { zone: timeZone })
        .endOf('year')
        .plus({ days: stage.offset })
        .toMillis();
    case 'business_days': {
      const calendar = calendars.find((c) => c.id === stage.holidayCalendar);
      if (!calendar) throw new Error(`unknown holiday calendar ${stage.holidayCalendar}`);
      return nthBusinessDayEnd(start, stage.offset, calendar);
    }
  }
}

function isBusinessDay(day: DateTime, calendar: HolidayCalendar): boolean {
  const weekday: Weekday = WEEKDAYS[day.weekday - 1]!;
  return !calendar.weekend.includes(weekday) && !calendar.holidays.includes(day.toISODate()!);
}

function nthBusinessDayEnd(start: number, n: number, calendar: HolidayCalendar): number {
  let day = DateTime.fromMillis(start, { zone: calendar.timeZone }).startOf('day');
  let counted = 0;
  while (counted < n) {
    day = day.plus({ days: 1 });
    if (isBusinessDay(day, calendar)) counted++;
  }
  return day.endOf('day').toMillis();
}

/** What the rules need of a breach record: its determinations, submissions and counts. */
export interface BreachClockFacts {
  /** The latest determination of each kind: yes or no, and the moment it refers to. */
  determinations: Partial<Record<DeterminationKind, { value: boolean; at: number }>>;
  submissions: readonly { regimeId: string; stageId: string; submittedAt: number }[];
  /** The number of people affected; null or left out: not known yet. */
  people?: number | null;
  /** How many of them live in each place (country or State). */
  residence?: readonly { count: number }[];
}

/**
 * stopped: it had started but the record was found not to be a breach (not_a_breach);
 * not_required: the record's counts do not meet the stage's condition (`when`).
 */
export type StageClockStatus = 'waiting' | 'running' | 'submitted' | 'stopped' | 'not_required';

/** Whether the record's counts meet a stage's condition; an unknown count meets it. */
export function meetsCondition(when: StageCondition | undefined, facts: BreachClockFacts): boolean {
  if (!when) return true;
  const count =
    when.count === 'people'
      ? (facts.people ?? null)
      : facts.residence && facts.residence.length > 0
        ? Math.max(...facts.residence.map((r) => r.count))
        : null;
  if (count === null) return true;
  if (when.atLeast !== undefined) return count >= when.atLeast;
  if (when.moreThan !== undefined) return count > when.moreThan;
  return count < when.below!;
}

export interface StageClock {
  regimeId: string;
  stageId: string;
  status: StageClockStatus;
  /** When the clock started: the determination's moment or the earlier stage's submission. */
  startedAt: number | null;
  dueAt: number | null;
  /** The first submission for this stage. */
  submittedAt: number | null;
  /** Submitted after it was due (the submission must give reasons for the delay). */
  late: boolean;
}

export interface RegimeClock {
  regimeId: string;
  /** true: the trigger was determined yes; false: determined no; null: not yet determined. */
  applies: boolean | null;
  stages: StageClock[];
}

function firstSubmission(facts: BreachClockFacts, regimeId: string, stageId: string) {
  const times = facts.submissions
    .filter((s) => s.regimeId === regimeId && s.stageId === stageId)
    .map((s) => s.submittedAt);
  return times.length === 0 ? null : Math.min(...times);
}

function stageStart(regime: Regime, stage: RegimeStage, facts: BreachClockFacts): number | null {
  if (stage.from !== undefined) {
    const determination = facts.determinations[stage.from];
    return determination?.value === true ? determination.at : null;
  }
  return firstSubmission(facts, regime.id, stage.fromSubmissionOf!);
}

/** Every regime of the policy with its stages' clocks, for one breach. */
export function planRegimeClocks(breach: Breach, facts: BreachClockFacts): RegimeClock[] {
  return breach.regimes.map((regime) => {
    const trigger = facts.determinations[regime.trigger];
    const applies = trigger === undefined ? null : trigger.value;
    const stages = regime.stages.map((stage): StageClock => {
      const required = meetsCondition(stage.when, facts);
      const startedAt = applies === true && required ? stageStart(regime, stage, facts) : null;
      const dueAt =
        startedAt === null ? null : stageDueAt(startedAt, stage, regime.timeZone, breach.calendars);
      const submittedAt = firstSubmission(facts, regime.id, stage.id);
      return {
        regimeId: regime.id,
        stageId: stage.id,
        status:
          submittedAt !== null
            ? 'submitted'
            : startedAt !== null
              ? 'running'
              : required
                ? 'waiting'
                : 'not_required',
        startedAt,
        dueAt,
        submittedAt,
        late: submittedAt !== null && dueAt !== null && submittedAt > dueAt,
      };
    });
    return { regimeId: regime.id, applies, stages };
  });
}

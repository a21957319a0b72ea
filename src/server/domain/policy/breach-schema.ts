// The policy's breach section: which regulator regimes apply to the team, the clocks each runs
// (stages with an offset counted in hours, calendar days, business days or months) and the
// holiday calendars business days skip. Regimes are data the team owns, not code.
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import {
  CONDITION_COUNTS,
  DETERMINATION_KINDS,
  STAGE_CALENDARS,
  STAGE_AUDIENCES,
  WEEKDAYS,
} from '../../../shared/domain/breach.ts';

const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'must be 1-40 letters, digits, "_" or "-"');
const text = (max = 2000) => z.string().trim().min(1, 'must not be empty').max(max);

const TimeZone = z
  .string({ error: 'must be an IANA time zone such as "Europe/Berlin"' })
  .refine((zone) => IANAZone.isValidZone(zone), {
    message: 'must be an IANA time zone such as "Europe/Berlin" or "UTC"',
  });

const IsoDate = z
  .string({ error: 'must be a date written YYYY-MM-DD' })
  .refine((day) => /^\d{4}-\d{2}-\d{2}$/.test(day) && DateTime.fromISO(day).isValid, {
    message: 'must be a date written YYYY-MM-DD',
  });

export const HolidayCalendar = z.strictObject({
  id,
  name: text(120),
  description: text().optional(),
  /** Business days are counted in this time zone: a day starts and ends at its midnight. */
  timeZone: TimeZone,
  /** Days of the week that are never business days. */
  weekend: z.array(z.enum(WEEKDAYS)).default(['saturday', 'sunday']),
  /** Dates that are not business days (public holidays, exchange closures). */
  holidays: z.array(IsoDate).default([]),
});
export type HolidayCalendar = z.output<typeof HolidayCalendar>;

const bound = z
  .number({ error: 'must be a whole number of 0 or more' })
  .int('must be a whole number of 0 or more')
  .nonnegative('must be a whole number of 0 or more')
  .optional();

/**
 * When a stage is required at all, by a count on the breach record (HIPAA: the Secretary at once
 * for 500 or more people, the media for more than 500 residents of one State). Exactly one bound.
 */
export const StageCondition = z
  .strictObject({
    count: z.enum(CONDITION_COUNTS),
    atLeast: bound,
    moreThan: bound,
    below: bound,
  })
  .superRefine((c, ctx) => {
    const given = [c.atLeast, c.moreThan, c.below].filter((b) => b !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['count'],
        message: 'give exactly one of "atLeast", "moreThan" or "below"',
      });
    }
  });
export type StageCondition = z.output<typeof StageCondition>;

export const RegimeStage = z.strictObject({
  id,
  name: text(120),
  description: text(),
  /** The clock starts at this determination (its moment, e.g. when the team became aware)... */
  from: z.enum(DETERMINATION_KINDS).optional(),
  /** ...or when another stage of the same regime was first submitted. Exactly one of the two. */
  fromSubmissionOf: id.optional(),
  /** How many hours, days or months after the start the stage is due. */
  offset: z
    .number({ error: 'must be a whole number above 0' })
    .int('must be a whole number above 0')
    .positive('must be a whole number above 0'),
  /**
   * hours: elapsed hours; calendar_days and months: the same local time that many days or months
   * later in the regime's time zone; business_days: by the end of the Nth business day after the
   * start, skipping the weekend and holidays of `holidayCalendar`; days_after_year_end: by the end
   * of the Nth day after the last day of the calendar year the stage started in (an annual log).
   */
  calendar: z.enum(STAGE_CALENDARS),
  /** The holiday calendar business days skip (required with business_days). */
  holidayCalendar: id.optional(),
  /** Who receives the submission: the supervisory authority, the CSIRT, the people affected. */
  recipient: text(200),
  /**
   * authority (default) and public: submitted outside Stopline (a portal, a press release) and
   * recorded; individuals: the people affected, e-mailed in batches from an imported contact list.
   * The drafts are written for this audience (plain language for individuals).
   */
  audience: z.enum(STAGE_AUDIENCES).default('authority'),
  /** What the submission must contain, item by item. */
  content: z.array(text(300)).min(1, 'needs at least one item'),
  /** The submission may be made in parts (initial, additional, final). */
  phased: z.boolean().default(false),
  /**
   * Required only when the record's count meets this; otherwise the stage is `not_required`. An
   * unknown count meets it (the clock runs until the count says otherwise).
   */
  when: StageCondition.optional(),
});
export type RegimeStage = z.output<typeof RegimeStage>;

export const Regime = z.strictObject({
  id,
  name: text(120),
  description: text(),
  /** The regime applies to a breach once this determination is recorded as yes. */
  trigger: z.enum(DETERMINATION_KINDS),
  /** calendar_days and months are counted in this time zone. */
  timeZone: TimeZone.default('UTC'),
  stages: z.array(RegimeStage).min(1, 'needs at least one stage'),
});
export type Regime = z.output<typeof Regime>;

export const Breach = z
  .strictObject({
    description: text().default(
      'Personal-data breaches are recorded, decided and notified as the regimes below say.',
    ),
    calendars: z.array(HolidayCalendar).default([]),
    regimes: z.array(Regime).default([]),
    /**
     * Imported contact lists are personal data: they are deleted this many days after the last
     * notice to them was sent (or after the record was closed or found not to be a breach).
     */
    contactListRetentionDays: z
      .number({ error: 'must be a whole number of days above 0' })
      .int('must be a whole number of days above 0')
      .positive('must be a whole number of days above 0')
      .default(30),
  })
  .superRefine((breach, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const duplicates = (ids: string[], path: (string | number)[], what: string) => {
      const seen = new Set<string>();
      ids.forEach((value, i) => {
        if (seen.has(value)) issue([...path, i, 'id'], `duplicate ${what} "${value}"`);
        seen.add(value);
      });
    };
    duplicates(
      breach.calendars.map((c) => c.id),
      ['calendars'],
      'calendar id',
    );
    duplicates(
      breach.regimes.map((r) => r.id),
      ['regimes'],
      'regime id',
    );
    const calendarIds = breach.calendars.map((c) => c.id);
    breach.regimes.forEach((regime, r) => {
      duplicates(
        regime.stages.map((s) => s.id),
        ['regimes', r, 'stages'],
        'stage id',
      );
      regime.stages.forEach((stage, s) => {
        const at = (field: string) => ['regimes', r, 'stages', s, field];
        if ((stage.from === undefined) === (stage.fromSubmissionOf === undefined)) {
          issue(
            at('from'),
            'give exactly one of "from" (a determination) or "fromSubmissionOf" (an earlier stage)',
          );
        }
        if (stage.fromSubmissionOf !== undefined) {
          const earlier = regime.stages.slice(0, s).map((e) => e.id);
          if (!earlier.includes(stage.fromSubmissionOf)) {
            issue(
              at('fromSubmissionOf'),
              `"${stage.fromSubmissionOf}" is not an earlier stage of this regime` +
                (earlier.length > 0 ? ` (${earlier.join(', ')})` : ''),
            );
          }
        }
        if (stage.calendar === 'business_days') {
          if (stage.holidayCalendar === undefined) {
            issue(
              at('holidayCalendar'),
              'business_days needs a holidayCalendar (one of calendars)',
            );
          } else if (!calendarIds.includes(stage.holidayCalendar)) {
            issue(
              at('holidayCalendar'),
              `"${stage.holidayCalendar}" is not one of the calendars` +
                (calendarIds.length > 0 ? ` (${calendarIds.join(', ')})` : ' (none are defined)'),
            );
          }
        } else if (stage.holidayCalendar !== undefined) {
          issue(
            at('holidayCalendar'),
            `only business_days skip holidays (this stage counts ${stage.calendar})`,
          );
        }
      });
    });
    breach.calendars.forEach((calendar, c) => {
      if (new Set(calendar.weekend).size === WEEKDAYS.length) {
        issue(['calendars', c, 'weekend'], 'a calendar needs at least one business day a week');
      }
    });
  });
export type Breach = z.output<typeof Breach>;

// Regulator clocks from the policy's regimes: the bundled GDPR regime and the NIS2, SEC 8-K and
// HIPAA fragments under policies/examples, counted in hours, calendar days, business days
// (with a holiday calendar) and months.
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  planRegimeClocks,
  stageDueAt,
  type BreachClockFacts,
} from '../../src/server/domain/breach/breach-clock-rules.ts';
import {
  loadPolicyFile,
  parsePolicyFragment,
  type Breach,
  type PolicyFragment,
} from '../../src/server/domain/policy/index.ts';
import { BUNDLED_POLICY } from '../helpers/policies.ts';

function fragment(name: string): PolicyFragment['breach'] {
  const path = fileURLToPath(new URL(`../../policies/examples/${name}`, import.meta.url));
  const parsed = parsePolicyFragment(readFileSync(path, 'utf8'));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.fragment.breach;
}

const gdprPolicy = loadPolicyFile(BUNDLED_POLICY).policy.breach;
const nis2 = fragment('breach-nis2.yaml');
const sec = fragment('breach-sec-8k.yaml');
const hipaa = fragment('breach-hipaa.yaml');

/** The bundled policy with the example fragments' regimes and calendars added. */
function combined(...parts: PolicyFragment['breach'][]): Breach {
  return {
    ...gdprPolicy,
    calendars: [...gdprPolicy.calendars, ...parts.flatMap((p) => p.calendars)],
    regimes: [...gdprPolicy.regimes, ...parts.flatMap((p) => p.regimes)],
  };
}

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function facts(partial: Partial<BreachClockFacts>): BreachClockFacts {
  return { determinations: {}, submissions: [], ...partial };
}

function clock(plan: ReturnType<typeof planRegimeClocks>, regimeId: string, stageId: string) {
  const stage = plan
    .find((r) => r.regimeId === regimeId)
    ?.stages.find((s) => s.stageId === stageId);
  if (!stage) throw new Error(`no stage ${regimeId}.${stageId}`);
  return stage;
}

describe('GDPR in the bundled policy (Kai section 6)', () => {
  it('awareness at 10:00 on a Friday makes the authority stage due at 10:00 on Monday (72 hours)', () => {
    const plan = planRegimeClocks(
      gdprPolicy,
      facts({
        determinations: {
          personal_data_involved: { value: true, at: at('2026-12-04T11:30:00Z') },
          became_aware: { value: true, at: at('2026-12-04T10:00:00Z') },
        },
      }),
    );
    expect(clock(plan, 'gdpr', 'authority')).toMatchObject({
      status: 'running',
      startedAt: at('2026-12-04T10:00:00Z'),
      dueAt: at('2026-12-07T10:00:00Z'),
    });
    expect(new Date(clock(plan, 'gdpr', 'authority').dueAt!).getUTCDay()).toBe(1);
  });

  it('tells individuals only once a high risk is determined, counting from that determination', () => {
    const determinations: BreachClockFacts['determinations'] = {
      personal_data_involved: { value: true, at: at('2026-12-04T11:30:00Z') },
      became_aware: { value: true, at: at('2026-12-04T10:00:00Z') },
    };
    expect(
      clock(planRegimeClocks(gdprPolicy, facts({ determinations })), 'gdpr', 'individuals'),
    ).toMatchObject({ status: 'waiting', startedAt: null, dueAt: null });
    const noRisk = planRegimeClocks(
      gdprPolicy,
      facts({ determinations: { ...determinations, high_risk: { value: false, at: 0 } } }),
    );
    expect(clock(noRisk, 'gdpr', 'individuals').dueAt).toBeNull();
    const high = planRegimeClocks(
      gdprPolicy,
      facts({
        determinations: {
          ...determinations,
          high_risk: { value: true, at: at('2026-12-05T09:00:00Z') },
        },
      }),
    );
    expect(iso(clock(high, 'gdpr', 'individuals').dueAt)).toBe('2026-12-08T09:00:00.000Z');
  });

  it('runs no clock until personal data is determined to be involved, and none when it is not', () => {
    const aware = { became_aware: { value: true, at: at('2026-12-04T10:00:00Z') } };
    const undetermined = planRegimeClocks(gdprPolicy, facts({ determinations: aware }));
    expect(undetermined[0]).toMatchObject({ regimeId: 'gdpr', applies: null });
    expect(clock(undetermined, 'gdpr', 'authority').dueAt).toBeNull();
    const notPersonal = planRegimeClocks(
      gdprPolicy,
      facts({ determinations: { ...aware, personal_data_involved: { value: false, at: 0 } } }),
    );
    expect(notPersonal[0]!.applies).toBe(false);
    expect(clock(notPersonal, 'gdpr', 'authority').status).toBe('waiting');
  });

  it('a submission after the due time is late; one before it is not', () => {
    const determinations: BreachClockFacts['determinations'] = {
      personal_data_involved: { value: true, at: at('2026-12-04T10:00:00Z') },
      became_aware: { value: true, at: at('2026-12-04T10:00:00Z') },
    };
    const submitted = (when: string) =>
      clock(
        planRegimeClocks(
          gdprPolicy,
          facts({
            determinations,
            submissions: [{ regimeId: 'gdpr', stageId: 'authority', submittedAt: at(when) }],
          }),
        ),
        'gdpr',
        'authority',
      );
    expect(submitted('2026-12-07T09:59:00Z')).toMatchObject({ status: 'submitted', late: false });
    expect(submitted('2026-12-07T10:01:00Z')).toMatchObject({ status: 'submitted', late: true });
  });
});

describe('SEC Form 8-K Item 1.05 (example fragment): four business days', () => {
  const policy = combined(sec);
  const materialOn = (when: string) =>
    clock(
      planRegimeClocks(
        policy,
        facts({ determinations: { material: { value: true, at: at(when) } } }),
      ),
      'sec_8k',
      'form_8k',
    ).dueAt;

  it('a materiality determination on Thursday is due by the end of the following Wednesday (New York)', () => {
    // Thursday 3 December 2026, 15:00 in New York.
    expect(iso(materialOn('2026-12-03T20:00:00Z'))).toBe('2026-12-10T04:59:59.999Z');
  });

  it('skips the holidays of its calendar: New Year’s Day moves Thursday 31 December to Thursday 7 January', () => {
    expect(iso(materialOn('2026-12-31T15:00:00Z'))).toBe('2027-01-08T04:59:59.999Z');
  });

  it('counts business days in the calendar’s time zone: late Thursday evening in New York is still Thursday', () => {
    // 23:30 on Thursday 3 December in New York is Friday in UTC.
    expect(iso(materialOn('2026-12-04T04:30:00Z'))).toBe('2026-12-10T04:59:59.999Z');
  });

  it('the same rule without the holiday in the calendar would fall a day earlier', () => {
    const calendar = sec.calendars[0]!;
    const without = { ...calendar, holidays: calendar.holidays.filter((d) => d !== '2027-01-01') };
    const stage = { offset: 4, calendar: 'business_days' as const, holidayCalendar: calendar.id };
    expect(iso(stageDueAt(at('2026-12-31T15:00:00Z'), stage, 'UTC', [without]))).toBe(
      '2027-01-07T04:59:59.999Z',
    );
  });
});

describe('NIS2 (example fragment): three stages that chain', () => {
  const policy = combined(nis2);
  const determinations: BreachClockFacts['determinations'] = {
    significant: { value: true, at: at('2026-12-04T12:00:00Z') },
    became_aware: { value: true, at: at('2026-12-04T10:00:00Z') },
  };

  it('early warning 24 h and notification 72 h from awareness; the final report waits for the notification', () => {
    const plan = planRegimeClocks(policy, facts({ determinations }));
    expect(iso(clock(plan, 'nis2', 'early_warning').dueAt)).toBe('2026-12-05T10:00:00.000Z');
    expect(iso(clock(plan, 'nis2', 'notification').dueAt)).toBe('2026-12-07T10:00:00.000Z');
    expect(clock(plan, 'nis2', 'final_report')).toMatchObject({ status: 'waiting', dueAt: null });
  });

  it('the final report is due one month after the notification was submitted', () => {
    const plan = planRegimeClocks(
      policy,
      facts({
        determinations,
        submissions: [
          { regimeId: 'nis2', stageId: 'early_warning', submittedAt: at('2026-12-04T18:00:00Z') },
          { regimeId: 'nis2', stageId: 'notification', submittedAt: at('2026-12-06T08:00:00Z') },
          // A later, additional submission does not move the clock.
          { regimeId: 'nis2', stageId: 'notification', submittedAt: at('2026-12-20T08:00:00Z') },
        ],
      }),
    );
    expect(clock(plan, 'nis2', 'final_report')).toMatchObject({
      status: 'running',
      startedAt: at('2026-12-06T08:00:00Z'),
    });
    // 09:00 in Brussels on 6 December, one month later: 09:00 on 6 January.
    expect(iso(clock(plan, 'nis2', 'final_report').dueAt)).toBe('2027-01-06T08:00:00.000Z');
  });
});

describe('several regimes on one breach', () => {
  it('GDPR, NIS2, SEC and HIPAA each run their own clocks from the same determinations', () => {
    const plan = planRegimeClocks(
      combined(nis2, sec, hipaa),
      facts({
        determinations: {
          became_aware: { value: true, at: at('2026-12-04T10:00:00Z') },
          personal_data_involved: { value: true, at: at('2026-12-04T11:00:00Z') },
          significant: { value: true, at: at('2026-12-04T12:00:00Z') },
          material: { value: false, at: at('2026-12-05T12:00:00Z') },
        },
      }),
    );
    expect(plan.map((r) => [r.regimeId, r.applies])).toEqual([
      ['gdpr', true],
      ['nis2', true],
      ['sec_8k', false],
      ['hipaa', true],
    ]);
    expect(iso(clock(plan, 'gdpr', 'authority').dueAt)).toBe('2026-12-07T10:00:00.000Z');
    expect(iso(clock(plan, 'nis2', 'early_warning').dueAt)).toBe('2026-12-05T10:00:00.000Z');
    expect(clock(plan, 'sec_8k', 'form_8k').dueAt).toBeNull();
    // 05:00 in New York on 4 December, 60 calendar days later.
    expect(iso(clock(plan, 'hipaa', 'individuals').dueAt)).toBe('2027-02-02T10:00:00.000Z');
  });
});

describe("HIPAA's stages follow the record's counts (45 CFR 164.404-408)", () => {
  const discovered = {
    became_aware: { value: true, at: at('2026-12-04T10:00:00Z') },
    personal_data_involved: { value: true, at: at('2026-12-04T11:00:00Z') },
  };
  const hipaaOnly: Breach = { ...gdprPolicy, calendars: [], regimes: hipaa.regimes };
  const plan = (counts: Pick<BreachClockFacts, 'people' | 'residence'>) =>
    planRegimeClocks(hipaaOnly, facts({ determinations: discovered, ...counts }));
  const states = (p: ReturnType<typeof plan>) =>
    Object.fromEntries(p[0]!.stages.map((s) => [s.stageId, [s.status, iso(s.dueAt)]]));
  // 60 calendar days after 05:00 New York time on 4 December 2026.
  const SIXTY_DAYS = '2027-02-02T10:00:00.000Z';

  it('600 people in one State: the individuals, the Secretary and the media at once, no log', () => {
    expect(states(plan({ people: 734, residence: [{ count: 600 }, { count: 134 }] }))).toEqual({
      individuals: ['running', SIXTY_DAYS],
      hhs: ['running', SIXTY_DAYS],
      hhs_log: ['not_required', null],
      media: ['running', SIXTY_DAYS],
    });
  });

  it('500 people, none of its States above 500: the Secretary at once, not the media', () => {
    expect(states(plan({ people: 500, residence: [{ count: 500 }] }))).toMatchObject({
      hhs: ['running', SIXTY_DAYS],
      hhs_log: ['not_required', null],
      media: ['not_required', null],
    });
  });

  it('fewer than 500: the annual log, due 60 days after the end of the year of discovery', () => {
    expect(states(plan({ people: 120, residence: [{ count: 120 }] }))).toEqual({
      individuals: ['running', SIXTY_DAYS],
      hhs: ['not_required', null],
      // The end of 1 March 2027 in New York (2027 is not a leap year).
      hhs_log: ['running', '2027-03-02T04:59:59.999Z'],
      media: ['not_required', null],
    });
  });

  it('counts not known yet: every stage runs until they are', () => {
    expect(Object.values(states(plan({ people: null, residence: [] })))).toEqual([
      ['running', SIXTY_DAYS],
      ['running', SIXTY_DAYS],
      ['running', '2027-03-02T04:59:59.999Z'],
      ['running', SIXTY_DAYS],
    ]);
  });
});

describe('a regime that cannot run is refused when the policy is read', () => {
  const check = (yaml: string) => {
    const result = parsePolicyFragment(yaml);
    return result.ok ? [] : result.problems.map((p) => `${p.line}: ${p.path}: ${p.message}`);
  };
  const regime = (stage: string, extra = '') => `breach:
${extra}  regimes:
    - id: r
      name: R
      description: A regime.
      trigger: material
      stages:
${stage}`;
  const stage = (fields: string) => `        - id: s
          name: S
          description: A stage.
          recipient: Someone
          content: [Something]
${fields}`;

  it('business days without a holiday calendar, or with one the policy does not define', () => {
    expect(
      check(
        regime(
          stage(
            '          from: material\n          offset: 4\n          calendar: business_days\n',
          ),
        ),
      ),
    ).toEqual([
      expect.stringMatching(
        /regimes\[0\]\.stages\[0\]\.holidayCalendar: business_days needs a holidayCalendar/,
      ),
    ]);
    expect(
      check(
        regime(
          stage(
            '          from: material\n          offset: 4\n          calendar: business_days\n          holidayCalendar: nyse\n',
          ),
        ),
      ),
    ).toEqual([
      expect.stringMatching(
        /holidayCalendar: "nyse" is not one of the calendars \(none are defined\)/,
      ),
    ]);
  });

  it('a stage that counts from a later stage, from nothing, or from both', () => {
    expect(
      check(
        regime(
          stage('          fromSubmissionOf: s\n          offset: 1\n          calendar: months\n'),
        ),
      ),
    ).toEqual([
      expect.stringMatching(/fromSubmissionOf: "s" is not an earlier stage of this regime/),
    ]);
    expect(check(regime(stage('          offset: 1\n          calendar: hours\n')))).toEqual([
      expect.stringMatching(/from: give exactly one of "from"/),
    ]);
  });

  it('a condition with no bound or two, a negative bound or an unknown count', () => {
    const at =
      '          from: material\n          offset: 60\n          calendar: calendar_days\n';
    expect(check(regime(stage(`${at}          when: { count: people }\n`)))).toEqual([
      expect.stringMatching(
        /stages\[0\]\.when\.count: give exactly one of "atLeast", "moreThan" or "below"/,
      ),
    ]);
    expect(
      check(regime(stage(`${at}          when: { count: people, atLeast: 500, below: 500 }\n`))),
    ).toEqual([expect.stringMatching(/when\.count: give exactly one of/)]);
    expect(check(regime(stage(`${at}          when: { count: people, atLeast: -1 }\n`)))).toEqual([
      expect.stringMatching(/when\.atLeast: must be a whole number of 0 or more/),
    ]);
    expect(check(regime(stage(`${at}          when: { count: records, atLeast: 1 }\n`)))).toEqual([
      expect.stringMatching(/when\.count: must be one of people, residents_of_one_place/),
    ]);
  });

  it('negative or fractional offsets, unknown calendars, time zones and dates', () => {
    const problems = check(
      regime(
        stage('          from: material\n          offset: -3\n          calendar: weeks\n'),
        '  calendars:\n    - id: c\n      name: C\n      timeZone: Mars/Olympus\n      holidays: [2026-02-30]\n',
      ),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^5: breach\.calendars\[0\]\.timeZone: must be an IANA time zone/),
      expect.stringMatching(
        /^6: breach\.calendars\[0\]\.holidays\[0\]: must be a date written YYYY-MM-DD/,
      ),
      expect.stringMatching(/stages\[0\]\.offset: must be a whole number above 0/),
      expect.stringMatching(
        /stages\[0\]\.calendar: must be one of hours, calendar_days, business_days, months/,
      ),
    ]);
  });
});

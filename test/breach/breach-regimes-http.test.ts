// Several regimes on one incident, over HTTP on the database under test (issue 15, Done when):
// the bundled GDPR regime with the NIS2, SEC 8-K and HIPAA example fragments copied into the
// policy, as docs/breach.md tells a team to. Every regime runs its own stages from the same
// determinations; NIS2's final report counts from the notification's submission; HIPAA's stages
// follow the record's people counts (the Secretary at once for 500 or more, else the annual log;
// the media for more than 500 residents of one State); SEC 8-K falls due four business days after
// the materiality determination, skipping a holiday.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { FakeClock } from '../../src/server/clock.ts';
import { createTokenFor } from '../helpers/auth.ts';
import { recordDeterminations } from '../helpers/breach.ts';
import { DEFAULT_POLICY_TEXT, writeEditedPolicyFragment } from '../helpers/policies.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Who = { userId: string; headers: Record<string, string> };
type Section = { calendars?: unknown[]; regimes: unknown[] };
let t: TestApp;
let legal: Who, responder: Who;

// Friday 4 December 2026, 11:00 UTC.
const clock = new FakeClock('2026-12-04T11:00:00Z');

/** The default policy with the example fragments' calendars and regimes added. */
function policyWithFragments(...names: string[]): string {
  const policy = parse(DEFAULT_POLICY_TEXT) as { breach: Section };
  for (const name of names) {
    const path = fileURLToPath(new URL(`../../policies/examples/${name}`, import.meta.url));
    const { breach } = parse(readFileSync(path, 'utf8')) as { breach: Section };
    policy.breach.calendars = [...(policy.breach.calendars ?? []), ...(breach.calendars ?? [])];
    policy.breach.regimes = [...policy.breach.regimes, ...breach.regimes];
  }
  return writeEditedPolicyFragment(stringify(policy), 'policy.yaml');
}

const call = (who: Who, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

async function breachOn(title: string): Promise<string> {
  const created = await call(responder, 'POST', '/api/v1/incidents', { title });
  const key = created.json().key as string;
  const opened = await call(legal, 'POST', `/api/v1/incidents/${key}/breach`, {
    status: 'confirmed',
  });
  expect(opened.statusCode, opened.body).toBe(201);
  return key;
}

/** Each stage as `regime.stage status due`, from the record the legal role reads. */
async function stagesOf(key: string): Promise<string[]> {
  const res = await call(legal, 'GET', `/api/v1/incidents/${key}/breach`);
  expect(res.statusCode).toBe(200);
  return (
    res.json().regimes as {
      regimeId: string;
      stages: { stageId: string; status: string; dueAt: string | null }[];
    }[]
  ).flatMap((r) => r.stages.map((s) => `${r.regimeId}.${s.stageId} ${s.status} ${s.dueAt}`));
}

/** The incident's breach-stage deadlines still to be met. */
async function pendingStages(key: string): Promise<string[]> {
  const res = await call(responder, 'GET', `/api/v1/incidents/${key}/deadlines`);
  return (res.json().items as { kind: string; breachStage: string | null; status: string }[])
    .filter((d) => d.kind === 'breach_stage' && d.status === 'pending')
    .map((d) => d.breachStage!)
    .sort();
}

beforeAll(async () => {
  t = await createTestApp({
    clock,
    env: {
      STOPLINE_POLICY: policyWithFragments(
        'breach-nis2.yaml',
        'breach-sec-8k.yaml',
        'breach-hipaa.yaml',
      ),
    },
  });
  [legal, responder] = await Promise.all([
    createTokenFor(t, 'legal'),
    createTokenFor(t, 'responder'),
  ]);
});
afterAll(async () => {
  await t.close();
});

describe('GDPR, NIS2 and HIPAA on one incident, from the same determinations', () => {
  let key = '';
  it('each regime starts its own stages; HIPAA with 120 people keeps the annual log', async () => {
    key = await breachOn('Clinic scheduling system exposed');
    const counts = await call(legal, 'PATCH', `/api/v1/incidents/${key}/breach`, {
      people: { count: 120, estimate: false },
      residence: [{ place: 'US-CA', count: 120 }],
    });
    expect(counts.statusCode).toBe(200);
    await recordDeterminations(t, key, legal.headers, [
      ['became_aware', '2026-12-04T10:00:00Z'],
      ['personal_data_involved'],
      ['significant'],
    ]);
    expect(await stagesOf(key)).toEqual([
      'gdpr.authority running 2026-12-07T10:00:00.000Z',
      'gdpr.individuals waiting null',
      'nis2.early_warning running 2026-12-05T10:00:00.000Z',
      'nis2.notification running 2026-12-07T10:00:00.000Z',
      'nis2.final_report waiting null',
      'sec_8k.form_8k waiting null',
      'hipaa.individuals running 2027-02-02T10:00:00.000Z',
      'hipaa.hhs not_required null',
      // The end of 1 March 2027 in New York: 60 days after the end of 2026.
      'hipaa.hhs_log running 2027-03-02T04:59:59.999Z',
      'hipaa.media not_required null',
    ]);
    expect(await pendingStages(key)).toEqual([
      'gdpr.authority',
      'hipaa.hhs_log',
      'hipaa.individuals',
      'nis2.early_warning',
      'nis2.notification',
    ]);
  });

  it('734 people, 600 in one State: the Secretary and the media at once, the log not needed', async () => {
    const res = await call(legal, 'PATCH', `/api/v1/incidents/${key}/breach`, {
      people: { count: 734, estimate: true },
      residence: [
        { place: 'US-CA', count: 600 },
        { place: 'US-NV', count: 134 },
      ],
    });
    expect(res.statusCode).toBe(200);
    const hipaa = (await stagesOf(key)).filter((s) => s.startsWith('hipaa.'));
    expect(hipaa).toEqual([
      'hipaa.individuals running 2027-02-02T10:00:00.000Z',
      'hipaa.hhs running 2027-02-02T10:00:00.000Z',
      'hipaa.hhs_log not_required null',
      'hipaa.media running 2027-02-02T10:00:00.000Z',
    ]);
    expect((await pendingStages(key)).filter((s) => s.startsWith('hipaa.'))).toEqual([
      'hipaa.hhs',
      'hipaa.individuals',
      'hipaa.media',
    ]);
  });

  it('a stage its counts do not call for takes no submission (422 saying why)', async () => {
    const res = await call(legal, 'POST', `/api/v1/incidents/${key}/breach/submissions`, {
      regimeId: 'hipaa',
      stageId: 'hhs_log',
      submittedAt: '2026-12-04T11:00:00Z',
      recipient: 'HHS',
      copy: { text: 'Annual log entry' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toContain('hipaa.hhs_log is not required');
  });

  it("NIS2's final report counts from the notification's submission, a month later", async () => {
    t.clock.set('2026-12-06T12:00:00Z');
    const res = await call(legal, 'POST', `/api/v1/incidents/${key}/breach/submissions`, {
      regimeId: 'nis2',
      stageId: 'notification',
      part: 'initial',
      submittedAt: '2026-12-06T09:00:00Z',
      recipient: 'CSIRT',
      reference: 'CSIRT-77',
      copy: { text: 'Incident notification' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const nis2 = (await stagesOf(key)).filter((s) => s.startsWith('nis2.'));
    expect(nis2).toEqual([
      'nis2.early_warning running 2026-12-05T10:00:00.000Z',
      'nis2.notification submitted 2026-12-07T10:00:00.000Z',
      // 10:00 in Brussels on 6 December, one month later.
      'nis2.final_report running 2027-01-06T09:00:00.000Z',
    ]);
    expect(await pendingStages(key)).toContain('nis2.final_report');
  });
});

describe('SEC 8-K: four business days after the materiality determination', () => {
  it('a determination on Thursday 3 December is due by the end of Wednesday 9 December', async () => {
    const key = await breachOn('Ransomware on the billing platform');
    await recordDeterminations(t, key, legal.headers, [['material', '2026-12-03T15:00:00Z']]);
    expect((await stagesOf(key)).filter((s) => s.startsWith('sec_8k.'))).toEqual([
      // 23:59:59.999 on Wednesday in New York.
      'sec_8k.form_8k running 2026-12-10T04:59:59.999Z',
    ]);
    expect(await pendingStages(key)).toEqual(['sec_8k.form_8k']);
  });

  it('one on Thursday 31 December skips New Year’s Day: due by the end of Thursday 7 January', async () => {
    t.clock.set('2027-01-02T12:00:00Z');
    const key = await breachOn('Wire fraud through a compromised mailbox');
    await recordDeterminations(t, key, legal.headers, [['material', '2026-12-31T15:00:00Z']]);
    expect((await stagesOf(key)).filter((s) => s.startsWith('sec_8k.'))).toEqual([
      'sec_8k.form_8k running 2027-01-08T04:59:59.999Z',
    ]);
  });
});

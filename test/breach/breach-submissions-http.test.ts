// Stages as deadlines (issue 15, item 4) over HTTP: a regime's stage that has started is a
// deadline of the incident (reminders, escalation, the dashboard's list), met only by recording
// its submission with a frozen copy of what was sent, hashed into the record; a late submission
// needs the reasons for the delay; a submission before its determination is refused.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { createTokenFor } from '../helpers/auth.ts';
import { recordDeterminations } from '../helpers/breach.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Who = { userId: string; headers: Record<string, string> };
let t: TestApp;
let legal: Who, responder: Who;
let key = '';
let path = '';

const call = (who: Who, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

// Friday 4 December 2026, 11:00 UTC.
const clock = new FakeClock('2026-12-04T11:00:00Z');
const LETTER = 'To the supervisory authority: on 4 December 2026 at 10:00 we became aware...';

async function breachStages() {
  const res = await call(responder, 'GET', `/api/v1/incidents/${key}/deadlines`);
  expect(res.statusCode).toBe(200);
  return (
    res.json().items as { kind: string; breachStage: string | null; status: string }[]
  ).filter((d) => d.kind === 'breach_stage');
}

const submission = (overrides: object = {}) => ({
  regimeId: 'gdpr',
  stageId: 'authority',
  part: 'initial',
  submittedAt: '2026-12-05T09:00:00Z',
  recipient: 'Berlin data protection authority (online form)',
  reference: 'BlnBDI-2026-4711',
  copy: { mediaType: 'text/plain', text: LETTER },
  ...overrides,
});

beforeAll(async () => {
  t = await createTestApp({ clock });
  // API tokens: the clock moves days ahead, past any session's idle limit.
  [legal, responder] = await Promise.all([
    createTokenFor(t, 'legal'),
    createTokenFor(t, 'responder'),
  ]);
  const created = await call(responder, 'POST', '/api/v1/incidents', {
    title: 'Support mailbox forwarded to an outside address',
  });
  key = created.json().key;
  path = `/api/v1/incidents/${key}/breach`;
  expect((await call(legal, 'POST', path, { status: 'confirmed' })).statusCode).toBe(201);
});
afterAll(async () => {
  await t.close();
});

describe('a stage that has started is a deadline of the incident', () => {
  it('none before the determinations; the GDPR authority stage once they are recorded', async () => {
    expect(await breachStages()).toEqual([]);
    await recordDeterminations(
      t,
      key,
      legal.headers,
      [['became_aware', '2026-12-04T10:00:00Z'], ['personal_data_involved']],
      'The forwarding rule copied customer e-mails',
    );
    expect(await breachStages()).toEqual([
      expect.objectContaining({
        kind: 'breach_stage',
        breachStage: 'gdpr.authority',
        status: 'pending',
        startedAt: '2026-12-04T10:00:00.000Z',
        dueAt: '2026-12-07T10:00:00.000Z',
        responsibleId: legal.userId,
      }),
    ]);
  });

  it('a high-risk determination adds the individuals stage; changing it to no cancels it', async () => {
    const high = await call(legal, 'POST', `${path}/determinations`, {
      kind: 'high_risk',
      value: true,
      rationale: 'Passwords reset links were among the forwarded mails',
    });
    expect(high.statusCode).toBe(201);
    expect((await breachStages()).map((d) => d.breachStage)).toEqual([
      'gdpr.authority',
      'gdpr.individuals',
    ]);
    const low = await call(legal, 'POST', `${path}/determinations`, {
      kind: 'high_risk',
      value: false,
      rationale: 'The links had expired before the mails were read; no high risk',
    });
    expect(low.statusCode).toBe(201);
    expect((await breachStages()).map((d) => [d.breachStage, d.status])).toEqual([
      ['gdpr.authority', 'pending'],
      ['gdpr.individuals', 'cancelled'],
    ]);
  });

  it('the scheduler escalates a stage not submitted by its due time, on the incident record', async () => {
    const scheduler = new Scheduler({
      deadlines: t.container.services.clocks,
      clock,
      workerId: 'test',
    });
    clock.set('2026-12-07T10:01:00Z');
    await scheduler.tick(clock.now());
    const [authority] = await breachStages();
    expect(authority).toMatchObject({ breachStage: 'gdpr.authority', breached: true });
    const timeline = await call(responder, 'GET', `/api/v1/incidents/${key}/timeline?limit=200`);
    const breached = (timeline.json().items as { type: string; data: { kind?: string } }[]).filter(
      (e) => e.type === 'incident.deadline_breached' && e.data.kind === 'breach_stage',
    );
    expect(breached).toHaveLength(1);
  });
});

describe('a submission meets its stage', () => {
  it('is refused without its frozen copy, dated before the stage started, or in the future', async () => {
    const noCopy = await call(
      legal,
      'POST',
      `${path}/submissions`,
      submission({ copy: { text: '' } }),
    );
    expect(noCopy.statusCode).toBe(400);
    expect(noCopy.json().errors).toEqual([
      { field: 'copy.text', message: 'must not be empty: the frozen copy of what was sent' },
    ]);
    const missing = await call(legal, 'POST', `${path}/submissions`, {
      ...submission(),
      copy: undefined,
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0].field).toBe('copy');
    const before = await call(
      legal,
      'POST',
      `${path}/submissions`,
      submission({ submittedAt: '2026-12-04T09:00:00Z' }),
    );
    expect(before.statusCode).toBe(400);
    expect(before.json().errors[0]).toMatchObject({ field: 'submittedAt' });
    expect(before.json().errors[0].message).toContain('must not be before the stage started');
    const future = await call(
      legal,
      'POST',
      `${path}/submissions`,
      submission({ submittedAt: '2026-12-08T09:00:00Z' }),
    );
    expect(future.statusCode).toBe(400);
  });

  it('a stage whose determination is not recorded cannot be submitted', async () => {
    const res = await call(
      legal,
      'POST',
      `${path}/submissions`,
      submission({ stageId: 'individuals', part: 'final' }),
    );
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toBe(
      'gdpr.individuals has not started: it waits for the determination high_risk (recorded as yes) and personal_data_involved',
    );
  });

  it('a late submission needs the reasons for the delay', async () => {
    clock.set('2026-12-07T11:00:00Z');
    const late = submission({ submittedAt: '2026-12-07T10:30:00Z' });
    const refused = await call(legal, 'POST', `${path}/submissions`, late);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([
      {
        field: 'delayReasons',
        message: 'is required: the stage was due 2026-12-07T10:00:00.000Z; say why it is late',
      },
    ]);
    expect(await call(responder, 'POST', `${path}/submissions`, late)).toMatchObject({
      statusCode: 403,
    });
    const recorded = await call(legal, 'POST', `${path}/submissions`, {
      ...late,
      delayReasons: 'The authority’s form was unavailable over the weekend',
    });
    expect(recorded.statusCode).toBe(201);
    const body = recorded.json();
    expect(body.details.submissions).toEqual([
      expect.objectContaining({
        regimeId: 'gdpr',
        stageId: 'authority',
        part: 'initial',
        submittedAt: '2026-12-07T10:30:00.000Z',
        reference: 'BlnBDI-2026-4711',
        copy: {
          mediaType: 'text/plain',
          text: LETTER,
          sha256: createHash('sha256').update(LETTER).digest('hex'),
        },
        dueAt: '2026-12-07T10:00:00.000Z',
        late: true,
        delayReasons: 'The authority’s form was unavailable over the weekend',
        recordedBy: legal.userId,
      }),
    ]);
    expect(body.regimes[0].stages[0]).toMatchObject({
      status: 'submitted',
      submittedAt: '2026-12-07T10:30:00.000Z',
      late: true,
    });
    const [authority] = await breachStages();
    expect(authority).toMatchObject({
      status: 'met',
      metAt: '2026-12-07T10:30:00.000Z',
      metBy: 'breach.submitted',
    });
  });

  it('a phased stage takes more parts until its final one, never a second initial part', async () => {
    const again = await call(
      legal,
      'POST',
      `${path}/submissions`,
      submission({ part: 'initial', submittedAt: '2026-12-07T10:40:00Z' }),
    );
    expect(again.statusCode).toBe(400);
    expect(again.json().errors[0].field).toBe('part');
    const final = await call(
      legal,
      'POST',
      `${path}/submissions`,
      submission({ part: 'final', submittedAt: '2026-12-07T10:45:00Z', copy: { text: 'Final.' } }),
    );
    expect(final.statusCode).toBe(201);
    expect(
      final
        .json()
        .details.submissions.map((s: { part: string; late: boolean }) => [s.part, s.late]),
    ).toEqual([
      ['initial', true],
      ['final', false],
    ]);
    const more = await call(
      legal,
      'POST',
      `${path}/submissions`,
      submission({ part: 'additional', submittedAt: '2026-12-07T10:50:00Z' }),
    );
    expect(more.statusCode).toBe(422);
    expect(more.json().detail).toBe('gdpr.authority already has its final part');
  });

  it('others on the incident see the stage submitted, not the copy', async () => {
    const res = await call(responder, 'GET', path);
    expect(res.json().details).toBeNull();
    expect(res.json().regimes[0].stages[0]).toMatchObject({ status: 'submitted', late: true });
    expect(res.body).not.toContain('supervisory authority: on 4 December');
  });
});

// The legal role is brought in and the incident keeps the decisions (issue 15): a responder who
// suspects a breach raises it and everyone with the legal role is told; each determination is on
// the incident's decision log without its reasons; a stage's reminders and escalations reach the
// legal role too; a record found not to be a breach stops its clocks; and every change to the
// record is a live notice heard only by those who may see the incident, saying nothing of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { mayHear } from '../../src/server/domain/live/index.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { createTokenFor } from '../helpers/auth.ts';
import { recordDeterminations } from '../helpers/breach.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { permissionsForRoles } from '../../src/server/domain/accounts/index.ts';

type Who = { userId: string; headers: Record<string, string> };
let t: TestApp;
let legal: Who, responder: Who, viewer: Who, outsider: Who;
let legalEmail = '';
let key = '';
let path = '';
let restrictedKey = '';

const call = (who: Who, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

// Friday 4 December 2026, 11:00 UTC.
const clock = new FakeClock('2026-12-04T11:00:00Z');
const SECRET_REASON = 'Forty thousand patient letters with diagnoses were in the export';

async function mailTo(address: string, subjectLike: string) {
  return t.container.db
    .selectFrom('outbox')
    .select(['recipient', 'subject', 'body_text'])
    .where('recipient', '=', address)
    .where('subject', 'like', subjectLike)
    .execute();
}

async function breachDeadlines() {
  const res = await call(responder, 'GET', `/api/v1/incidents/${key}/deadlines`);
  expect(res.statusCode).toBe(200);
  return (res.json().items as { kind: string; breachStage: string | null; status: string }[])
    .filter((d) => d.kind === 'breach_stage')
    .map((d) => `${d.breachStage} ${d.status}`);
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  // API tokens: the clock moves days ahead, past any session's idle limit.
  [legal, responder, viewer, outsider] = await Promise.all([
    createTokenFor(t, 'legal'),
    createTokenFor(t, 'responder'),
    createTokenFor(t, 'viewer'),
    createTokenFor(t, 'responder'),
  ]);
  const row = await t.container.db
    .selectFrom('users')
    .select('email')
    .where('id', '=', legal.userId)
    .executeTakeFirstOrThrow();
  legalEmail = row.email;
  const created = await call(responder, 'POST', '/api/v1/incidents', {
    title: 'Patient letters export reachable without sign-in',
  });
  key = created.json().key;
  path = `/api/v1/incidents/${key}/breach`;
  const restricted = await call(responder, 'POST', '/api/v1/incidents', {
    title: 'Payroll database copied',
    restricted: true,
  });
  restrictedKey = restricted.json().key;
});
afterAll(async () => {
  await t.close();
});

describe('a responder who suspects a breach raises it, and the legal role is told', () => {
  it('a viewer may not raise it (403 naming incidents.assess)', async () => {
    const res = await call(viewer, 'POST', `${path}/suspicion`);
    expect(res.statusCode).toBe(403);
  });

  it('the responder raises it: the record is suspected, its details are not theirs to read', async () => {
    const res = await call(responder, 'POST', `${path}/suspicion`);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ incidentKey: key, details: null });
    const legalView = await call(legal, 'GET', path);
    expect(legalView.json().details.status).toBe('suspected');
  });

  it('everyone with the legal role gets a notice naming the incident by key, with no details', async () => {
    const mails = await mailTo(legalEmail, 'Personal-data breach:%');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(`Personal-data breach: ${key} needs the legal role`);
    expect(mails[0]!.body_text).toContain(`/incidents/${key}`);
  });

  it('raising it again answers 409: the incident already has a record', async () => {
    expect((await call(responder, 'POST', `${path}/suspicion`)).statusCode).toBe(409);
  });

  it('an incident the responder may not see answers 404', async () => {
    const res = await call(outsider, 'POST', `/api/v1/incidents/${restrictedKey}/breach/suspicion`);
    expect(res.statusCode).toBe(404);
  });
});

describe('determinations are on the incident decision log, without their reasons', () => {
  it('awareness and personal data involved appear as decisions everyone on the incident reads', async () => {
    await recordDeterminations(
      t,
      key,
      legal.headers,
      [['became_aware', '2026-12-04T10:00:00Z'], ['personal_data_involved']],
      SECRET_REASON,
    );
    const log = await call(responder, 'GET', `/api/v1/incidents/${key}/decisions`);
    expect(log.statusCode).toBe(200);
    const text = JSON.stringify(log.json());
    expect(text).toContain(
      'Breach determination: the organisation became aware at 2026-12-04T10:00:00.000Z',
    );
    expect(text).toContain('Breach determination: personal data is involved');
    expect(text).not.toContain('Forty thousand');
  });

  it('a decision not to notify is on the log as a no', async () => {
    await call(legal, 'POST', `${path}/determinations`, {
      kind: 'high_risk',
      value: false,
      rationale: SECRET_REASON,
    });
    const log = await call(responder, 'GET', `/api/v1/incidents/${key}/decisions`);
    expect(JSON.stringify(log.json())).toContain(
      'Breach determination: not a high risk to the people affected',
    );
  });
});

describe("a stage's clock reaches the legal role", () => {
  it('the reminders and the escalation at the due time go to the legal role as well', async () => {
    expect(await breachDeadlines()).toEqual(['gdpr.authority pending']);
    const scheduler = new Scheduler({
      deadlines: t.container.services.clocks,
      clock: t.clock,
      workerId: 'test',
    });
    // Half of 72 h from 10:00 Friday: Saturday 22:00; due Monday 10:00.
    for (const time of ['2026-12-05T22:00:00Z', '2026-12-07T10:00:00Z']) {
      t.clock.set(time);
      await scheduler.tick(t.clock.now());
    }
    // The record was raised by a responder (its owner on the ladder); the legal role hears each step.
    const told = await mailTo(legalEmail, '%submit the breach notification%');
    expect(told.map((m) => m.subject.split(' —')[0])).toEqual([
      'Reminder: submit the breach notification',
      'Deadline missed: submit the breach notification',
    ]);
    expect(told.every((m) => m.subject.includes(key))).toBe(true);
  });
});

describe('a record found not to be a breach stops its clocks', () => {
  it('not_a_breach cancels the stage deadlines and shows the stages stopped', async () => {
    const res = await call(legal, 'PATCH', path, {
      status: 'not_a_breach',
      statusReason: 'The export held only test data',
    });
    expect(res.statusCode).toBe(200);
    expect(await breachDeadlines()).toEqual(['gdpr.authority cancelled']);
    const seen = await call(responder, 'GET', path);
    const gdpr = seen.json().regimes.find((r: { regimeId: string }) => r.regimeId === 'gdpr');
    expect(gdpr.stages[0]).toMatchObject({ stageId: 'authority', status: 'stopped' });
  });

  it('reopened (confirmed), the clock runs again from the same awareness', async () => {
    const res = await call(legal, 'PATCH', path, { status: 'confirmed' });
    expect(res.statusCode).toBe(200);
    expect(await breachDeadlines()).toContain('gdpr.authority pending');
    const gdpr = res.json().regimes.find((r: { regimeId: string }) => r.regimeId === 'gdpr');
    expect(gdpr.stages[0]).toMatchObject({ status: 'running', dueAt: '2026-12-07T10:00:00.000Z' });
  });
});

describe('changes to the record are live notices', () => {
  it('each says only that the breach record of the incident changed, to those who may see it', async () => {
    // The restricted incident gets a record too: only its participants may hear of it.
    expect(
      (await call(responder, 'POST', `/api/v1/incidents/${restrictedKey}/breach/suspicion`))
        .statusCode,
    ).toBe(201);
    const { notices } = await t.container.services.live.noticesAfter(0, 10_000);
    const breach = notices.filter((n) => n.notice.subject === 'breach');
    expect(breach.map((n) => n.notice.type)).toEqual(
      expect.arrayContaining(['breach.opened', 'breach.determined', 'breach.status_changed']),
    );
    for (const n of breach) {
      expect(Object.keys(n.notice).sort()).toEqual(['at', 'incident', 'key', 'subject', 'type']);
      expect(JSON.stringify(n.notice)).not.toContain('Forty thousand');
    }
    const actor = (userId: string, roles: string[]) => ({
      kind: 'user' as const,
      userId,
      roles,
      permissions: permissionsForRoles(roles),
    });
    const onRestricted = breach.find((n) => n.notice.key === restrictedKey)!;
    const onOpen = breach.find((n) => n.notice.key === key)!;
    expect(mayHear(actor(responder.userId, ['responder']), onRestricted.audience)).toBe(true);
    expect(mayHear(actor(outsider.userId, ['responder']), onRestricted.audience)).toBe(false);
    expect(mayHear(actor(outsider.userId, ['responder']), onOpen.audience)).toBe(true);
  });
});

// Signed webhooks can follow the deadlines: a Standard Webhooks endpoint subscribes to
// deadline.reminded, deadline.breached and deadline.escalated and hears each step of the ladder
// with the subject (its title only when it is not restricted), the deadline's kind, due time and
// policy rule, and the escalation level, under a webhook-id that a retry repeats. Signatures are
// checked by the `standardwebhooks` package at a real receiver; an injected clock drives the
// deadline past its reminders, the breach and an escalation.
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, MINUTE } from '../../src/server/clock.ts';
import { systemActor } from '../../src/server/domain/actor.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { ReportFields } from '../../src/shared/api/reports.ts';
import { createUser, loginAs } from '../helpers/auth.ts';
import { startHttpReceiver, workerFor, type HttpReceiver } from '../helpers/delivery.ts';
import { admin, declareOwned, incidentInput } from '../helpers/incidents-context.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let receiver: HttpReceiver;
// Receivers reject a webhook-timestamp more than 5 minutes from their own clock, so the story
// happens in the past and the deliveries at the real time.
let start: number;

beforeEach(async () => {
  start = Date.now() - 13 * 60 * MINUTE;
  t = await createTestApp({ clock: new FakeClock(start) });
  receiver = await startHttpReceiver();
});
afterEach(async () => {
  await receiver.stop();
  await t.close();
});

const ALL = ['deadline.reminded', 'deadline.breached', 'deadline.escalated'];

async function signedEndpoint(eventTypes: string[], name = 'SIEM') {
  const created = await t.container.services.notifications.createEndpoint(systemActor, {
    kind: 'standard',
    name,
    url: `${receiver.url}/${name}`,
    eventTypes,
  });
  return { id: created.id, secret: created.secret!, path: `/hooks/stopline/${name}` };
}

const declare = (ownerId: string, title: string, severity: string, restricted = false) =>
  declareOwned(t, ownerId, title, severity, restricted);

async function tickAfter(...minutes: number[]) {
  const scheduler = new Scheduler({
    deadlines: t.container.services.clocks,
    clock: t.clock,
    workerId: 'test',
  });
  for (const m of minutes) {
    t.clock.set(start + m * MINUTE);
    await scheduler.tick(t.clock.now());
  }
}

/** Delivers what is due at the real time; answers the round. */
async function deliverNow(settings: { baseDelayMs?: number } = {}) {
  t.clock.set(Date.now());
  const worker = workerFor(t, null, settings);
  const round = await worker.deliverDue(t.clock.now());
  await worker.close();
  return round;
}

interface DeadlinePayload {
  type: string;
  timestamp: string;
  data: {
    subject: {
      type: string;
      id: string;
      key: string;
      title: string | null;
      restricted: boolean;
      url: string;
    };
    deadline: { id: string; kind: string; dueAt: string; severity: string | null; rule: string };
    escalation: { stage: number; level: string };
    firedAt: string;
  };
}

/** What one endpoint received, each signature checked with its secret. */
function verifiedAt(endpoint: { secret: string; path: string }) {
  return receiver.requests
    .filter((r) => r.url === endpoint.path)
    .map((r) => ({
      id: r.headers['webhook-id'] as string,
      payload: new Webhook(endpoint.secret).verify(
        r.body,
        r.headers as Record<string, string>,
      ) as DeadlinePayload,
    }));
}

describe('deadline events on signed webhooks', () => {
  it('a P1 nobody answers: the endpoint hears two reminders, the breach and an escalation, each signed', async () => {
    const siem = await signedEndpoint(ALL, 'siem');
    const pager = await signedEndpoint(['deadline.breached'], 'pager');
    const lineOnly = await signedEndpoint(['incident.line_stopped'], 'line');
    const owner = await createUser(t, { roles: ['responder'], email: 'owner@example.org' });
    await createUser(t, { roles: ['security_lead'], email: 'lead@example.org' });
    const incident = await declare(owner.id, 'Session fixation', 'P1');
    // P1: respond within 1 h. Reminders at 30 and 48 minutes, the breach at 60, then 30 minutes
    // later one level up.
    await tickAfter(30, 48, 60, 90);

    const round = await deliverNow();
    expect(round.failed + round.dead).toBe(0);
    // Sent several at a time, they may arrive in any order: the stage orders them.
    const response = verifiedAt(siem)
      .filter((m) => m.payload.data.deadline.kind === 'response')
      .sort((a, b) => a.payload.data.escalation.stage - b.payload.data.escalation.stage);
    expect(response.map((m) => [m.payload.type, m.payload.data.escalation])).toEqual([
      ['deadline.reminded', { stage: 0, level: 'owner' }],
      ['deadline.reminded', { stage: 1, level: 'owner' }],
      ['deadline.breached', { stage: 2, level: 'security_lead' }],
      ['deadline.escalated', { stage: 3, level: 'executive_sponsor' }],
    ]);
    const breach = response[2]!.payload;
    const base = t.container.config.baseUrl;
    expect(breach.timestamp).toBe(new Date(start + 60 * MINUTE).toISOString());
    expect(breach.data.subject).toEqual({
      type: 'incident',
      id: incident.id,
      key: incident.key,
      title: 'Session fixation',
      restricted: false,
      url: `${base}/app/incidents/${incident.key}`,
    });
    expect(breach.data.deadline).toMatchObject({
      kind: 'response',
      dueAt: new Date(start + 60 * MINUTE).toISOString(),
      severity: 'P1',
      rule: 'severities.P1.responseWithin',
    });
    // One stable id per message.
    const ids = verifiedAt(siem).map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^msg_[A-Za-z0-9_:.-]+$/.test(id))).toBe(true);

    // Each endpoint hears what it subscribed to, and nothing else.
    expect(new Set(verifiedAt(pager).map((m) => m.payload.type))).toEqual(
      new Set(['deadline.breached']),
    );
    expect(verifiedAt(lineOnly).map((m) => m.payload.type)).toEqual(['incident.line_stopped']);
  });

  it('a breach nobody meets for 12 hours: the last level hears it three times more, then the ladder is quiet while the deadline stays breached', async () => {
    const siem = await signedEndpoint(ALL, 'siem');
    const owner = await createUser(t, { roles: ['responder'], email: 'owner@example.org' });
    await createUser(t, { roles: ['security_lead'], email: 'lead@example.org' });
    await declare(owner.id, 'Verbose errors', 'P1');
    // The scheduler ticks every 10 minutes for 12 hours.
    await tickAfter(...Array.from({ length: 72 }, (_, i) => (i + 1) * 10));

    const round = await deliverNow();
    expect(round.failed + round.dead).toBe(0);
    const response = verifiedAt(siem)
      .filter((m) => m.payload.data.deadline.kind === 'response')
      .map((m) => m.payload)
      .sort((a, b) => a.data.escalation.stage - b.data.escalation.stage);
    expect(response.map((p) => [p.type, p.data.escalation.level, p.data.firedAt])).toEqual([
      ['deadline.reminded', 'owner', new Date(start + 30 * MINUTE).toISOString()],
      ['deadline.reminded', 'owner', new Date(start + 50 * MINUTE).toISOString()],
      ['deadline.breached', 'security_lead', new Date(start + 60 * MINUTE).toISOString()],
      ['deadline.escalated', 'executive_sponsor', new Date(start + 90 * MINUTE).toISOString()],
      ['deadline.escalated', 'executive_sponsor', new Date(start + 120 * MINUTE).toISOString()],
      ['deadline.escalated', 'executive_sponsor', new Date(start + 150 * MINUTE).toISOString()],
      ['deadline.escalated', 'executive_sponsor', new Date(start + 180 * MINUTE).toISOString()],
    ]);
    const deadline = await t.container.db
      .selectFrom('deadlines')
      .select(['status', 'breached_at', 'next_fire_at'])
      .where('kind', '=', 'response')
      .executeTakeFirstOrThrow();
    expect(deadline).toMatchObject({ status: 'pending', next_fire_at: null });
    expect(Number(deadline.breached_at)).toBe(start + 60 * MINUTE);
  });

  it('a failed delivery is retried with the same webhook-id, and firing again sends nothing new', async () => {
    const siem = await signedEndpoint(['deadline.breached'], 'siem');
    const owner = await createUser(t, { roles: ['responder'], email: 'owner@example.org' });
    await declare(owner.id, 'Verbose errors', 'P2');
    // P2: respond within 4 h; the breach at 4 h.
    await tickAfter(240);
    const again = new Scheduler({
      deadlines: t.container.services.clocks,
      clock: t.clock,
      workerId: 'other',
    });
    expect(await again.tick(t.clock.now())).toBe(0);

    receiver.answers.push(500);
    expect(await deliverNow({ baseDelayMs: 1000 })).toMatchObject({ delivered: 0, failed: 1 });
    t.clock.advance(1000);
    const worker = workerFor(t, null, { baseDelayMs: 1000 });
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 1, failed: 0 });
    await worker.close();

    const attempts = receiver.requests.filter((r) => r.url === siem.path);
    expect(attempts).toHaveLength(2);
    expect(attempts[0]!.headers['webhook-id']).toBe(attempts[1]!.headers['webhook-id']);
    const [delivered] = verifiedAt(siem).slice(1);
    expect(delivered!.payload.type).toBe('deadline.breached');
  });

  it('a restricted incident, and a report that follows one, are named by key alone; a report by key and summary', async () => {
    const siem = await signedEndpoint(['deadline.reminded'], 'siem');
    const owner = await createUser(t, { roles: ['responder'], email: 'owner@example.org' });
    await createUser(t, { roles: ['security_lead'], email: 'lead@example.org' });
    const restricted = await declare(owner.id, 'Payroll export leaked', 'P2', true);
    const submit = (summary: string) =>
      t.container.services.reports.submitReport(
        ReportFields.parse({ summary, description: 'What the reporter saw.' }),
        [],
        { ip: '127.0.0.1' },
      );
    const open = await submit('SQL injection in the login form');
    const hidden = await submit('Contractor laptop stolen');
    const hiddenId = (
      await t.container.db
        .selectFrom('reports')
        .select('id')
        .where('key', '=', hidden.key)
        .executeTakeFirstOrThrow()
    ).id;
    await t.container.services.incidents.openIncident(
      admin('opener'),
      incidentInput({ title: 'Stolen laptop', restricted: true, reportIds: [hiddenId] }),
    );
    // The P2's first reminder at 2 h; the reports' (acknowledge within 24 h) at 12 h.
    await tickAfter(120, 720);
    expect(await deliverNow()).toMatchObject({ failed: 0, dead: 0 });

    const subjects = verifiedAt(siem).map((m) => m.payload.data.subject);
    const of = (key: string) => subjects.find((s) => s.key === key);
    expect(of(restricted.key)).toMatchObject({ type: 'incident', title: null, restricted: true });
    expect(of(open.key)).toMatchObject({
      type: 'report',
      title: 'SQL injection in the login form',
      restricted: false,
      url: `${t.container.config.baseUrl}/app/reports/${open.key}`,
    });
    expect(of(hidden.key)).toMatchObject({ type: 'report', title: null, restricted: true });
    const bodies = receiver.requests.map((r) => r.body).join('\n');
    expect(bodies).not.toContain('Payroll');
    expect(bodies).not.toContain('laptop');
    const report = verifiedAt(siem).find((m) => m.payload.data.subject.key === open.key)!;
    expect(report.payload.data.deadline).toMatchObject({
      kind: 'reporter_acknowledgment',
      severity: null,
      rule: 'reporters.acknowledgeWithin',
    });
  });
});

describe('subscribing', () => {
  it('a standard endpoint may subscribe to the deadline events; Slack and chat endpoints may not', async () => {
    const { headers } = await loginAs(t, 'admin');
    const make = (kind: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/webhook-endpoints',
        headers,
        payload: { kind, name: kind, url: receiver.url, eventTypes: ALL },
      });
    const standard = await make('standard');
    expect(standard.statusCode, standard.body).toBe(201);
    expect(standard.json().eventTypes).toEqual(ALL);
    for (const kind of ['slack', 'chat']) {
      const refused = await make(kind);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().errors[0].field).toBe('eventTypes');
    }
  });

  it('the OpenAPI description lists the deadline events among the endpoint event types', async () => {
    const res = await t.app.inject({ url: '/api/v1/openapi.json' });
    const text = res.body;
    for (const type of ALL) expect(text).toContain(`"${type}"`);
  });
});

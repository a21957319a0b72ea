// Kai 8.2: a critical or emergency report is answered within 15 minutes, others within 24 hours.
// The reporter marks the emergency (form or API), triage raises or lowers it, and the
// acknowledgment clock is planned from receipt with the policy's time, reminders and escalation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/server/clock.ts';
import { listStreamEvents } from '../../src/server/db/event-store.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { loginAs } from '../helpers/auth.ts';
import { formFields, multipart, readReceipt } from '../helpers/reports.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let lead: { userId: string; headers: Record<string, string> };
beforeAll(async () => {
  t = await createTestApp({ env: { STOPLINE_INTAKE_RATE_LIMIT: '10000' } });
});
/** Signs a security lead in at the current (fake) time: a session does not outlive the clock. */
async function signInLead() {
  lead = await loginAs(t, 'security_lead');
}
afterAll(() => t.close());

const tick = () =>
  new Scheduler({ deadlines: t.container.services.clocks, clock: t.clock }).tick(t.clock.now());

async function submit(emergency: boolean): Promise<{ key: string; id: string; body: object }> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/reports',
    payload: { summary: 'Keys in a public paste', description: 'Being used now.', emergency },
  });
  expect(res.statusCode, res.body).toBe(201);
  const key = res.json().key as string;
  const row = await t.container.db
    .selectFrom('reports')
    .select('id')
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  return { key, id: row.id, body: res.json() };
}

async function ackDeadline(reportId: string) {
  return t.container.db
    .selectFrom('deadlines')
    .selectAll()
    .where('subject_id', '=', reportId)
    .where('kind', '=', 'reporter_acknowledgment')
    .executeTakeFirstOrThrow();
}

async function clockEvents(reportId: string) {
  const events = await listStreamEvents(t.container.db, reportId, { afterSeq: 0, limit: 100 });
  return events
    .filter((e) => e.type.startsWith('report.deadline_'))
    .map((e) => ({ type: e.type, at: new Date(e.at).toISOString() }));
}

async function setEmergency(key: string, emergency: boolean, reason: string) {
  await signInLead();
  return t.app.inject({
    method: 'PUT',
    url: `/api/v1/reports/${key}/emergency`,
    headers: lead.headers,
    payload: { emergency, reason },
  });
}

describe('an emergency report is acknowledged within 15 minutes', () => {
  it('the API marks it: due 15 min after receipt; reminders, breach and escalation fire on time', async () => {
    t.clock.set('2026-11-20T10:00:00Z');
    const report = await submit(true);
    expect(report.body).toMatchObject({ acknowledgeBy: '2026-11-20T10:15:00.000Z' });
    expect(Number((await ackDeadline(report.id)).due_at)).toBe(Date.parse('2026-11-20T10:15:00Z'));
    await signInLead();
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v1/reports/${report.key}`,
      headers: lead.headers,
    });
    expect(detail.json()).toMatchObject({
      emergency: true,
      acknowledgeDueAt: '2026-11-20T10:15:00.000Z',
    });

    // Reminders at half and four fifths of the time, the breach at 15 min, escalation 30 min on.
    for (const at of ['10:07:30', '10:12:00', '10:15:00', '10:45:00']) {
      t.clock.set(`2026-11-20T${at}Z`);
      await tick();
    }
    expect(await clockEvents(report.id)).toEqual([
      { type: 'report.deadline_reminded', at: '2026-11-20T10:07:30.000Z' },
      { type: 'report.deadline_reminded', at: '2026-11-20T10:12:00.000Z' },
      { type: 'report.deadline_breached', at: '2026-11-20T10:15:00.000Z' },
      { type: 'report.deadline_escalated', at: '2026-11-20T10:45:00.000Z' },
    ]);
  });

  it('a report without the mark keeps the 24 h clock', async () => {
    t.clock.set('2026-11-20T10:00:00Z');
    const report = await submit(false);
    expect(report.body).toMatchObject({ acknowledgeBy: '2026-11-21T10:00:00.000Z' });
    t.clock.set('2026-11-20T10:20:00Z');
    await tick();
    expect(await clockEvents(report.id)).toEqual([]);
  });
});

describe('triage raises or lowers the emergency', () => {
  it('lowered: due 24 h after receipt, nothing fires at 15 min', async () => {
    t.clock.set('2026-11-22T08:00:00Z');
    const report = await submit(true);
    t.clock.set('2026-11-22T08:05:00Z');
    const lowered = await setEmergency(report.key, false, 'A test page, not production');
    expect(lowered.statusCode, lowered.body).toBe(200);
    expect(lowered.json()).toEqual({
      emergency: false,
      acknowledgeDueAt: '2026-11-23T08:00:00.000Z',
    });
    t.clock.set('2026-11-22T08:20:00Z');
    await tick();
    expect(await clockEvents(report.id)).toEqual([]);
    expect(Number((await ackDeadline(report.id)).due_at)).toBe(Date.parse('2026-11-23T08:00:00Z'));
  });

  it('raised later: planned again from receipt; an already passed due time breaches at once', async () => {
    t.clock.set('2026-11-24T09:00:00Z');
    const report = await submit(false);
    t.clock.set('2026-11-24T09:10:00Z');
    const raised = await setEmergency(report.key, true, 'The reporter says it is exploited now');
    expect(raised.json()).toEqual({
      emergency: true,
      acknowledgeDueAt: '2026-11-24T09:15:00.000Z',
    });
    // 09:10 is past the reminder at 09:07:30: the next one is at 09:12.
    for (const at of ['09:12:00', '09:15:00']) {
      t.clock.set(`2026-11-24T${at}Z`);
      await tick();
    }
    expect(await clockEvents(report.id)).toEqual([
      { type: 'report.deadline_reminded', at: '2026-11-24T09:12:00.000Z' },
      { type: 'report.deadline_breached', at: '2026-11-24T09:15:00.000Z' },
    ]);

    // Another, raised only after 15 minutes had passed: the breach fires at the next tick.
    t.clock.set('2026-11-24T11:00:00Z');
    const late = await submit(false);
    t.clock.set('2026-11-24T11:30:00Z');
    expect((await setEmergency(late.key, true, 'exploited')).statusCode).toBe(200);
    await tick();
    expect((await clockEvents(late.id)).map((e) => e.type)).toEqual(['report.deadline_breached']);
  });

  it('is recorded on the report with who and why, and in the audit trail; needs reports.triage', async () => {
    t.clock.set('2026-11-25T09:00:00Z');
    const report = await submit(false);
    await signInLead();
    const viewer = await loginAs(t, 'viewer');
    const refused = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/reports/${report.key}/emergency`,
      headers: viewer.headers,
      payload: { emergency: true, reason: 'x' },
    });
    expect(refused.statusCode).toBe(403);
    const missing = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/reports/${report.key}/emergency`,
      headers: lead.headers,
      payload: { emergency: true },
    });
    expect(missing.statusCode).toBe(400);
    expect((await setEmergency(report.key, true, 'Data is leaking')).statusCode).toBe(200);
    const events = await listStreamEvents(t.container.db, report.id, { afterSeq: 0, limit: 50 });
    expect(events.find((e) => e.type === 'report.emergency_changed')).toMatchObject({
      actorId: lead.userId,
      visibility: 'internal',
      data: { emergency: true, reason: 'Data is leaking' },
    });
    const admin = await loginAs(t, 'admin');
    const audit = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit?action=report.emergency_raised',
      headers: admin.headers,
    });
    expect(JSON.stringify(audit.json())).toContain(report.key);
  });
});

describe('the public form', () => {
  it('has an emergency checkbox that works without JavaScript', async () => {
    t.clock.set('2026-11-26T12:00:00Z');
    const form = await t.app.inject({ method: 'GET', url: '/report' });
    expect(form.body).toMatch(/<input\s+type="checkbox"\s+id="f-emergency"\s+name="emergency"/);
    expect(form.body).toContain('We answer emergencies within 15 minutes');
    const res = await t.app.inject({
      method: 'POST',
      url: '/report',
      ...multipart(formFields({ emergency: 'yes' })),
    });
    const { key } = readReceipt(res);
    expect(res.body).toContain('15 minutes');
    await signInLead();
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v1/reports/${key}`,
      headers: lead.headers,
    });
    expect(detail.json()).toMatchObject({
      emergency: true,
      acknowledgeDueAt: new Date(t.clock.now() + 15 * MINUTE).toISOString(),
    });
  });
});

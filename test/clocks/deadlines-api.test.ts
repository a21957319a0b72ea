import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../src/server/clock.ts';
import { deadlinesCommand } from '../../src/server/cli/deadlines-command.ts';
import { listStreamEvents } from '../../src/server/db/event-store.ts';
import { systemActor, type Actor } from '../../src/server/domain/actor.ts';
import { createClocksReader } from '../../src/server/domain/clocks/index.ts';
import { loginAs } from '../helpers/auth.ts';
import { formFields, multipart, readReceipt } from '../helpers/reports.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { STOPLINE_INTAKE_RATE_LIMIT: '10000' } });
});
afterAll(() => t.close());

async function call(
  headers: Record<string, string>,
  method: 'GET' | 'POST',
  url: string,
  payload?: object,
) {
  return t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
}

describe('a report received Friday 17:00', () => {
  it('is due for acknowledgment Saturday 17:00, and acknowledging meets it', async () => {
    t.clock.set('2026-11-20T17:00:00Z');
    const res = await t.app.inject({ method: 'POST', url: '/report', ...multipart(formFields()) });
    const { key } = readReceipt(res);
    const lead = await loginAs(t, 'security_lead');
    const open = (await call(lead.headers, 'GET', '/api/v1/deadlines?state=open')).json();
    const ack = open.items.find((d: { kind: string }) => d.kind === 'reporter_acknowledgment') as {
      id: string;
      dueAt: string;
      subjectId: string;
      subjectKey: string;
    };
    expect(ack.dueAt).toBe('2026-11-21T17:00:00.000Z');
    // Named by the key staff know it by, so the console can link to the report.
    expect(ack.subjectKey).toBe(key);

    t.clock.set('2026-11-21T09:00:00Z');
    // Signed in after the clock moves (a session does not survive the idle night).
    const responder = await loginAs(t, 'responder');
    await call(responder.headers, 'POST', `/api/v1/reports/${key}/acknowledge`);
    const met = (await call(responder.headers, 'GET', '/api/v1/deadlines?state=met')).json();
    expect(met.items.find((d: { id: string }) => d.id === ack.id)).toMatchObject({
      status: 'met',
      metBy: 'report.acknowledged',
      breached: false,
    });
    const events = await listStreamEvents(t.container.db, ack.subjectId, {
      afterSeq: 0,
      limit: 50,
    });
    expect(events.map((e) => e.type)).toContain('report.deadline_met');
  });
});

describe('GET /api/v1/deadlines and /api/v1/incidents/:ref/deadlines', () => {
  it('lists due soon and breached, per incident too; marking met by hand needs a reason', async () => {
    t.clock.set('2026-11-23T10:00:00Z');
    const lead = await loginAs(t, 'security_lead');
    const opened = await call(lead.headers, 'POST', '/api/v1/incidents', {
      title: 'Leaked token',
      severity: 'P1',
      severityOverride: EMERGENCY,
    });
    expect(opened.statusCode).toBe(201);
    const key = opened.json().key as string;
    const perIncident = (
      await call(lead.headers, 'GET', `/api/v1/incidents/${key}/deadlines`)
    ).json();
    expect(perIncident.items.map((d: { kind: string }) => d.kind).sort()).toEqual([
      'customer_first_notice',
      'internal_update',
      'response',
    ]);
    const soon = (
      await call(lead.headers, 'GET', '/api/v1/deadlines?state=due_soon&withinMinutes=90')
    ).json();
    expect(soon.items.map((d: { kind: string }) => d.kind).sort()).toEqual([
      'internal_update',
      'response',
    ]);

    t.clock.advance(2 * HOUR);
    const viewer = await loginAs(t, 'viewer');
    const lead2 = await loginAs(t, 'security_lead');
    const breached = (await call(viewer.headers, 'GET', '/api/v1/deadlines?state=breached')).json();
    const response = breached.items.find((d: { kind: string }) => d.kind === 'response');
    expect(response).toMatchObject({ breached: true, status: 'pending', subjectKey: key });

    // A viewer may read but not mark met.
    const refused = await call(viewer.headers, 'POST', `/api/v1/deadlines/${response.id}/met`, {
      reason: 'x',
    });
    expect(refused.statusCode).toBe(403);
    const noReason = await call(lead2.headers, 'POST', `/api/v1/deadlines/${response.id}/met`, {
      reason: ' ',
    });
    expect(noReason.statusCode).toBe(400);
    const met = await call(lead2.headers, 'POST', `/api/v1/deadlines/${response.id}/met`, {
      reason: 'Answered on the bridge call',
    });
    expect(met.statusCode).toBe(200);
    expect(met.json()).toMatchObject({ status: 'met', metBy: 'manual' });
    const timeline = (
      await call(
        lead2.headers,
        'GET',
        `/api/v1/incidents/${key}/timeline?type=incident.deadline_met`,
      )
    ).json();
    expect(timeline.items[0].data).toMatchObject({
      kind: 'response',
      metBy: 'manual',
      reason: 'Answered on the bridge call',
    });
  });
});

describe('GET /api/v1/deadlines?state=next', () => {
  it('answers the earliest open deadline of each incident and report, one each', async () => {
    const lead = await loginAs(t, 'security_lead');
    const keys: string[] = [];
    for (const severity of ['P1', 'P2']) {
      const opened = await call(lead.headers, 'POST', '/api/v1/incidents', {
        title: `Next deadline ${severity}`,
        severity,
        severityOverride: EMERGENCY,
      });
      expect(opened.statusCode).toBe(201);
      keys.push(opened.json().key as string);
    }
    const all = (await call(lead.headers, 'GET', '/api/v1/deadlines?state=open&limit=500')).json()
      .items as { subjectKey: string; dueAt: string; kind: string }[];
    const next = (await call(lead.headers, 'GET', '/api/v1/deadlines?state=next&limit=500')).json()
      .items as { subjectKey: string; dueAt: string; kind: string }[];
    for (const key of keys) {
      const mine = all.filter((d) => d.subjectKey === key);
      expect(mine.length).toBeGreaterThan(1);
      const earliest = mine.map((d) => d.dueAt).sort()[0];
      const shown = next.filter((d) => d.subjectKey === key);
      expect(shown.map((d) => d.dueAt)).toEqual(shown.map(() => earliest));
      expect(shown.length).toBeGreaterThanOrEqual(1);
    }
    // Every subject with an open deadline appears, and nothing later than its first.
    const subjects = new Set(all.map((d) => d.subjectKey));
    expect(new Set(next.map((d) => d.subjectKey))).toEqual(subjects);
  });
});

describe('stopline deadlines', () => {
  it('prints breached deadlines and those due soon, and exits 1 when any is breached', async () => {
    const lines: string[] = [];
    const out = { info: (l: string) => lines.push(l), error: (l: string) => lines.push(l) };
    const now = t.clock.now();
    const code = await deadlinesCommand(t.container.config, [], out, now);
    expect(code).toBe(1);
    expect(lines.some((l) => /INC-\d{4}-\d+\s+internal_update\s+BREACHED/.test(l))).toBe(true);
    lines.length = 0;
    const later = await deadlinesCommand(
      t.container.config,
      ['--within', '5h'],
      out,
      now - 3 * HOUR + 5 * MINUTE,
    );
    expect(later).toBe(0);
    expect(lines.some((l) => /due in/.test(l))).toBe(true);
  });

  it('lists through the clocks reader: the system may, a caller without deadlines.read may not', async () => {
    const reader = createClocksReader({ db: t.container.db });
    const filter = { state: 'breached' as const, now: t.clock.now(), soonWithin: HOUR, limit: 50 };
    const asSystem = await reader.listDeadlinesAs(systemActor, filter);
    expect(asSystem.length).toBeGreaterThan(0);
    const reporterDesk: Actor = {
      kind: 'token',
      userId: 'someone',
      roles: ['responder'],
      permissions: new Set(['reports.read']),
    };
    await expect(reader.listDeadlinesAs(reporterDesk, filter)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      details: { permission: 'deadlines.read' },
    });
    // Even with the permission, a person is refused: this list hides no restricted incident.
    const responder: Actor = { ...reporterDesk, permissions: new Set(['deadlines.read']) };
    await expect(reader.listDeadlinesAs(responder, filter)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});

describe('deadlines of restricted incidents', () => {
  it('are listed only to those who may see the incident: members and admins', async () => {
    t.clock.set('2026-11-24T10:00:00Z');
    const lead = await loginAs(t, 'security_lead');
    const member = await loginAs(t, 'responder');
    const outsider = await loginAs(t, 'responder');
    const opened = await call(lead.headers, 'POST', '/api/v1/incidents', {
      title: 'Payroll export by a former admin',
      severity: 'P2',
      severityOverride: EMERGENCY,
      restricted: true,
    });
    expect(opened.statusCode).toBe(201);
    const { id, key } = opened.json() as { id: string; key: string };
    const owner = await call(lead.headers, 'POST', `/api/v1/incidents/${key}/owner`, {
      userId: member.userId,
    });
    expect(owner.statusCode).toBe(200);
    const open = await call(lead.headers, 'POST', '/api/v1/incidents', {
      title: 'Open redirect',
      severity: 'P2',
      severityOverride: EMERGENCY,
    });
    const openId = open.json().id as string;

    const subjects = async (headers: Record<string, string>, state: string) => {
      const res = await call(headers, 'GET', `/api/v1/deadlines?state=${state}&limit=500`);
      expect(res.statusCode).toBe(200);
      return new Set((res.json().items as { subjectId: string }[]).map((d) => d.subjectId));
    };
    for (const state of ['open', 'all', 'due_soon']) {
      expect((await subjects(member.headers, state)).has(id)).toBe(true);
      expect((await subjects(lead.headers, state)).has(id)).toBe(true);
      const seenByOutsider = await subjects(outsider.headers, state);
      expect(seenByOutsider.has(id)).toBe(false);
      expect(seenByOutsider.has(openId)).toBe(true);
    }
    const admin = await loginAs(t, 'admin');
    expect((await subjects(admin.headers, 'open')).has(id)).toBe(true);
    // Nor can they read them through the incident.
    const direct = await call(outsider.headers, 'GET', `/api/v1/incidents/${key}/deadlines`);
    expect(direct.statusCode).toBe(404);
  });
});

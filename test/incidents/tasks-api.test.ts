// GET /api/v1/tasks (the dashboard's "my tasks") and GET /api/v1/staff (who can be picked for an
// incident), over HTTP on a fresh database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, loginAs, signIn } from '../helpers/auth.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
type Who = { userId: string; headers: Record<string, string> };
let rosa: Who;
let dev: Who;
let lead: Who;
let viewer: Who;

beforeAll(async () => {
  t = await createTestApp();
  rosa = await loginAs(t, 'responder');
  dev = await loginAs(t, 'responder');
  lead = await loginAs(t, 'security_lead');
  viewer = await loginAs(t, 'viewer');
});
afterAll(async () => t?.close());

const call = (who: Who | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who?.headers ?? {}, ...(payload ? { payload } : {}) });

async function openIncident(who: Who, body: object) {
  const res = await call(who, 'POST', '/api/v1/incidents', body);
  expect(res.statusCode).toBe(201);
  return res.json() as { key: string };
}

async function addTask(who: Who, key: string, body: object) {
  const res = await call(who, 'POST', `/api/v1/incidents/${key}/tasks`, { type: 'other', ...body });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

describe('GET /api/v1/tasks', () => {
  it("lists my open tasks across incidents, soonest due first, with each incident's key and title", async () => {
    const leak = await openIncident(rosa, { title: 'Token leak' });
    const xss = await openIncident(rosa, { title: 'Stored XSS' });
    const later = await addTask(rosa, leak.key, {
      type: 'contain',
      title: 'Rotate tokens',
      assigneeId: rosa.userId,
      dueAt: '2026-03-02T15:00:00Z',
    });
    const undated = await addTask(rosa, xss.key, { title: 'Write it up', assigneeId: rosa.userId });
    const sooner = await addTask(rosa, xss.key, {
      type: 'verify',
      title: 'Reproduce',
      assigneeId: rosa.userId,
      dueAt: '2026-03-02T10:00:00+00:00',
    });
    const done = await addTask(rosa, leak.key, { title: 'Page the lead', assigneeId: rosa.userId });
    await addTask(rosa, leak.key, { title: 'Someone else’s', assigneeId: dev.userId });
    const finished = await call(rosa, 'PATCH', `/api/v1/incidents/${leak.key}/tasks/${done}`, {
      status: 'done',
    });
    expect(finished.statusCode).toBe(200);
    const started = await call(rosa, 'PATCH', `/api/v1/incidents/${leak.key}/tasks/${later}`, {
      status: 'in_progress',
    });
    expect(started.statusCode).toBe(200);

    const mine = await call(rosa, 'GET', '/api/v1/tasks?assignee=me');
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items).toEqual([
      {
        id: sooner,
        incidentKey: xss.key,
        incidentTitle: 'Stored XSS',
        type: 'verify',
        title: 'Reproduce',
        status: 'open',
        assigneeId: rosa.userId,
        dueAt: '2026-03-02T10:00:00.000Z',
      },
      expect.objectContaining({
        id: later,
        status: 'in_progress',
        dueAt: '2026-03-02T15:00:00.000Z',
      }),
      expect.objectContaining({ id: undated, dueAt: null }),
    ]);

    // Done tasks come back with status=all; someone else's tasks by their id.
    const all = await call(rosa, 'GET', '/api/v1/tasks?assignee=me&status=all');
    expect(all.json().items.map((i: { id: string }) => i.id)).toContain(done);
    const devs = await call(viewer, 'GET', `/api/v1/tasks?assignee=${dev.userId}`);
    expect(devs.json().items.map((i: { title: string }) => i.title)).toEqual(['Someone else’s']);
    const limited = await call(rosa, 'GET', '/api/v1/tasks?assignee=me&limit=1');
    expect(limited.json().items.map((i: { id: string }) => i.id)).toEqual([sooner]);
  });

  it("hides a restricted incident's tasks from those who may not see it", async () => {
    const member = await createUser(t, { roles: ['responder'] });
    const memberHeaders = await signIn(t, member.email, member.password);
    const insider = await openIncident(lead, { title: 'Insider threat', restricted: true });
    const participant = await call(lead, 'POST', `/api/v1/incidents/${insider.key}/participants`, {
      userId: member.id,
    });
    expect(participant.statusCode).toBe(200);
    await addTask(lead, insider.key, { title: 'Pull the access logs', assigneeId: member.id });
    await addTask(lead, insider.key, { title: 'Brief legal' });

    // The participant sees their task; a responder outside the incident sees none of its tasks,
    // neither by asking for the participant's nor by asking for all.
    const memberTasks = await t.app.inject({
      method: 'GET',
      url: '/api/v1/tasks?assignee=me',
      headers: memberHeaders,
    });
    expect(memberTasks.json().items).toEqual([
      expect.objectContaining({ title: 'Pull the access logs', incidentKey: insider.key }),
    ]);
    const asked = await call(dev, 'GET', `/api/v1/tasks?assignee=${member.id}`);
    expect(asked.statusCode).toBe(200);
    expect(asked.json().items).toEqual([]);
    const everything = await call(viewer, 'GET', '/api/v1/tasks?status=all&limit=200');
    const keys = everything.json().items.map((i: { incidentKey: string }) => i.incidentKey);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys).not.toContain(insider.key);
    // Admins see every incident, so every task.
    const admin = await loginAs(t, 'admin');
    const adminView = await call(admin, 'GET', '/api/v1/tasks?status=all&limit=200');
    expect(adminView.json().items.map((i: { title: string }) => i.title)).toEqual(
      expect.arrayContaining(['Pull the access logs', 'Brief legal']),
    );
  });

  it('needs incidents.read and refuses a bad query with the field named', async () => {
    expect((await call(null, 'GET', '/api/v1/tasks')).statusCode).toBe(401);
    const bad = await call(viewer, 'GET', '/api/v1/tasks?status=closed');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toMatch(/status/);
  });
});

describe('GET /api/v1/staff', () => {
  it('names the active staff and their roles, without contact details, for anyone on incidents', async () => {
    const named = await createUser(t, { roles: ['comms'], displayName: 'Casey Comms' });
    const res = await call(viewer, 'GET', '/api/v1/staff');
    expect(res.statusCode).toBe(200);
    const casey = res.json().items.find((p: { id: string }) => p.id === named.id);
    expect(casey).toEqual({
      id: named.id,
      displayName: 'Casey Comms',
      roles: ['comms'],
      awayUntil: null,
      // A communications lead can hold an incident role, not own it or sit on its panel.
      seats: ['role'],
    });
    expect(res.body).not.toContain(named.email);
    expect((await call(null, 'GET', '/api/v1/staff')).statusCode).toBe(401);
  });
});

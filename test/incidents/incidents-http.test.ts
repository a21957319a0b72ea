// The incidents API over HTTP. Signs in with test/helpers/auth.ts (a STAND-IN until the accounts
// branch lands; these tests rely only on loginAs/createUser and must pass with the real one).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenFor, loginAs } from '../helpers/auth.ts';
import { submitReport } from '../helpers/reports.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let responder: { userId: string; headers: Record<string, string> };
let lead: { userId: string; headers: Record<string, string> };
let viewer: { userId: string; headers: Record<string, string> };
beforeAll(async () => {
  t = await createTestApp();
  responder = await loginAs(t, 'responder');
  lead = await loginAs(t, 'security_lead');
  viewer = await loginAs(t, 'viewer');
});
afterAll(async () => {
  await t.close();
});

type Who = { headers: Record<string, string> };
const call = (
  who: Who | null,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
  headers: Record<string, string> = {},
) =>
  t.app.inject({
    method,
    url,
    headers: { ...(who?.headers ?? {}), ...headers },
    ...(payload ? { payload } : {}),
  });

async function openIncident(who: Who, body: object = {}) {
  const res = await call(who, 'POST', '/api/v1/incidents', {
    title: 'Open redirect on login',
    ...body,
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; key: string; version: number };
}

describe('incidents API', () => {
  it('needs a signed-in caller with the route’s permission', async () => {
    expect((await call(null, 'GET', '/api/v1/incidents')).statusCode).toBe(401);
    expect((await call(viewer, 'POST', '/api/v1/incidents', { title: 'x' })).statusCode).toBe(403);
  });

  it('opens an incident from reports and reads it back by key with an ETag', async () => {
    const report = await submitReport(t);
    const created = await openIncident(responder, {
      reportIds: [report.key],
      affectedSystems: ['login'],
    });
    expect(created.key).toMatch(/^INC-2026-\d{4}$/);
    const res = await call(viewer, 'GET', `/api/v1/incidents/${created.key}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe(`"${created.version}"`);
    expect(res.json()).toMatchObject({
      incident: {
        key: created.key,
        reportIds: [report.id],
        phase: 'detection_analysis',
        createdBy: responder.userId,
      },
      exitChecksFailing: expect.arrayContaining([
        expect.objectContaining({ check: 'owner_assigned' }),
      ]),
    });
  });

  it('returns script in text fields as data, exactly as sent', async () => {
    const hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const created = await openIncident(responder, { title: hostile, summary: hostile });
    const res = await call(viewer, 'GET', `/api/v1/incidents/${created.id}`);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json().incident).toMatchObject({ title: hostile, summary: hostile });
  });

  it('an unknown severity is a 400 problem naming the field', async () => {
    const created = await openIncident(responder);
    const res = await call(responder, 'POST', `/api/v1/incidents/${created.key}/severity`, {
      severity: 'SEV9',
      rationale: 'typo',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.json().errors).toEqual([
      { field: 'severity', message: 'must be one of P0, P1, P2' },
    ]);
  });

  it('a phase jump is a 422 listing every failed check', async () => {
    const created = await openIncident(responder);
    const res = await call(responder, 'POST', `/api/v1/incidents/${created.key}/phase`, {
      phase: 'containment',
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      type: 'https://stopline.dev/problems/rule-refused',
      failedChecks: [
        { check: 'owner_assigned' },
        { check: 'reproduction_recorded' },
        { check: 'decision_recorded' },
        { check: 'severity_set' },
      ],
    });
  });

  it('concurrent conflicting updates: one 200, the other 409', async () => {
    const created = await openIncident(responder);
    const [a, b] = await Promise.all([
      call(
        responder,
        'PATCH',
        `/api/v1/incidents/${created.key}`,
        { title: 'A' },
        { 'if-match': `"${created.version}"` },
      ),
      call(lead, 'PATCH', `/api/v1/incidents/${created.key}`, {
        title: 'B',
        expectedVersion: created.version,
      }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const winner = a.statusCode === 200 ? a : b;
    expect(winner.headers.etag).toBe(`"${created.version + 1}"`);
  });

  it('a restricted incident is invisible (404) to non-participants, visible to admins', async () => {
    const created = await openIncident(lead, { restricted: true, title: 'Insider' });
    expect((await call(viewer, 'GET', `/api/v1/incidents/${created.key}`)).statusCode).toBe(404);
    const list = await call(viewer, 'GET', '/api/v1/incidents?limit=100');
    expect(list.json().items.map((i: { key: string }) => i.key)).not.toContain(created.key);
    const admin = await loginAs(t, 'admin');
    expect((await call(admin, 'GET', `/api/v1/incidents/${created.key}`)).statusCode).toBe(200);
  });

  it('votes by non-members are 403, a second vote is 422, and a critical decision stops the line', async () => {
    const created = await openIncident(responder, { title: 'Account takeover via reset' });
    const path = `/api/v1/incidents/${created.key}`;
    const devA = await loginAs(t, 'responder');
    const devB = await loginAs(t, 'responder');
    expect(
      (await call(responder, 'POST', `${path}/owner`, { userId: responder.userId })).statusCode,
    ).toBe(200);
    const panel = await call(responder, 'POST', `${path}/panel`, {
      responderIds: [devA.userId, devB.userId],
      securityLeadId: lead.userId,
    });
    expect(panel.statusCode).toBe(200);
    const vote = {
      answers: { customer_data_privacy: true },
      vote: 'critical',
      rationale: 'tokens leak',
    };
    expect((await call(viewer, 'POST', `${path}/votes`, vote)).statusCode).toBe(403);
    const outsider = await loginAs(t, 'responder');
    expect((await call(outsider, 'POST', `${path}/votes`, vote)).statusCode).toBe(403);
    expect((await call(devA, 'POST', `${path}/votes`, vote)).statusCode).toBe(200);
    expect((await call(devA, 'POST', `${path}/votes`, vote)).statusCode).toBe(422);
    const unknown = await call(devB, 'POST', `${path}/votes`, { ...vote, answers: { nope: true } });
    expect(unknown.statusCode).toBe(400);
    for (const who of [devB, responder, lead]) {
      expect((await call(who, 'POST', `${path}/votes`, vote)).statusCode).toBe(200);
    }
    const line = await call(viewer, 'GET', '/api/v1/line');
    expect(line.statusCode).toBe(200);
    expect(line.json()).toMatchObject({
      state: 'stopped',
      since: t.clock.now(),
      incidents: [{ key: created.key, title: 'Account takeover via reset', severity: 'P1' }],
    });
    const detail = (await call(viewer, 'GET', path)).json();
    expect(detail.flags.map((f: { role: string }) => f.role)).toEqual([
      'incident_commander',
      'security_engineer',
      'communications_lead',
    ]);
    const history = await call(viewer, 'GET', '/api/v1/line/history');
    expect(history.json().items[0]).toMatchObject({ incidentKey: created.key, change: 'stopped' });
    // A deploy pipeline's token scoped to line.read sees the stopped line and nothing else.
    const pipeline = await createTokenFor(t, 'viewer', ['line.read']);
    const seen = await t.app.inject({
      method: 'GET',
      url: '/api/v1/line',
      headers: pipeline.headers,
    });
    expect(seen.json()).toMatchObject({ state: 'stopped', incidents: [{ key: created.key }] });
    const probe = await t.app.inject({ method: 'GET', url: path, headers: pipeline.headers });
    expect(probe.statusCode).toBe(403);

    // Tasks and containment answer with the new part's id.
    const task = await call(responder, 'POST', `${path}/tasks`, {
      type: 'contain',
      title: 'Disable reset',
    });
    expect(task.statusCode).toBe(201);
    const done = await call(responder, 'PATCH', `${path}/tasks/${task.json().id}`, {
      status: 'done',
    });
    expect(done.json().tasks[0]).toMatchObject({ status: 'done', completedAt: t.clock.now() });
    const action = await call(responder, 'POST', `${path}/containment`, {
      kind: 'feature_disabled',
      description: 'Reset off',
    });
    expect(action.statusCode).toBe(201);
    const kept = await call(responder, 'POST', `${path}/containment/${action.json().id}/keep`, {
      justification: 'Legacy flow stays off',
    });
    expect(kept.json().containment[0]).toMatchObject({
      status: 'kept',
      justification: 'Legacy flow stays off',
    });
  });

  it('the timeline pages through events and filters by type', async () => {
    const created = await openIncident(responder);
    const path = `/api/v1/incidents/${created.key}`;
    for (const text of ['one', 'two', 'three']) {
      expect((await call(responder, 'POST', `${path}/notes`, { text })).statusCode).toBe(200);
    }
    const first = (await call(viewer, 'GET', `${path}/timeline?limit=2`)).json();
    expect(first.items.map((e: { type: string }) => e.type)).toEqual([
      'incident.opened',
      'incident.note_added',
    ]);
    const second = (
      await call(
        viewer,
        'GET',
        // The clocks' events (the first note meets the response) are left out by type.
        `${path}/timeline?limit=2&after=${first.nextAfter}&type=incident.note_added`,
      )
    ).json();
    expect(second.items.map((e: { data: { text: string } }) => e.data.text)).toEqual([
      'two',
      'three',
    ]);
    expect(second.nextAfter).toBeNull();
    const notes = (await call(viewer, 'GET', `${path}/timeline?type=incident.note_added`)).json();
    expect(notes.items).toHaveLength(3);
  });

  it('automatic assignment picks an available responder, skipping one who is away', async () => {
    const admin = await loginAs(t, 'admin');
    // Every responder but a fresh one is marked away: the fresh one must get the incident.
    const users = await call(admin, 'GET', '/api/v1/users');
    const responders = (users.json().items ?? users.json()) as Array<{
      id: string;
      roles: string[];
    }>;
    const fresh = await loginAs(t, 'responder');
    for (const user of responders.filter((u) => u.roles.includes('responder'))) {
      const away = await call(admin, 'PATCH', `/api/v1/users/${user.id}`, {
        awayUntil: new Date(t.clock.now() + 86_400_000).toISOString(),
      });
      expect(away.statusCode).toBe(200);
    }
    const created = await openIncident(responder);
    const res = await call(responder, 'POST', `/api/v1/incidents/${created.key}/owner`, {});
    expect(res.statusCode).toBe(200);
    expect(res.json().ownerId).toBe(fresh.userId);
  });

  it('the incident commander may close their own incident, and only that one', async () => {
    const mine = await openIncident(lead, { title: 'Commanded' });
    const other = await openIncident(lead, { title: 'Not commanded' });
    const commander = await loginAs(t, 'responder');
    const assign = await call(lead, 'POST', `/api/v1/incidents/${mine.key}/roles`, {
      role: 'incident_commander',
      userId: commander.userId,
    });
    expect(assign.statusCode).toBe(200);
    // Past the permission check on their incident: the policy's exit checks answer (422).
    const close = await call(commander, 'POST', `/api/v1/incidents/${mine.key}/phase`, {
      phase: 'closed',
    });
    expect(close.statusCode).toBe(422);
    const elsewhere = await call(commander, 'POST', `/api/v1/incidents/${other.key}/phase`, {
      phase: 'closed',
    });
    expect(elsewhere.statusCode).toBe(403);
    // A responder cannot hand out incident roles unless they command the incident.
    const byCommander = await call(commander, 'POST', `/api/v1/incidents/${mine.key}/roles`, {
      role: 'communications_lead',
      userId: responder.userId,
    });
    expect(byCommander.statusCode).toBe(200);
    const byOther = await call(commander, 'POST', `/api/v1/incidents/${other.key}/roles`, {
      role: 'communications_lead',
      userId: responder.userId,
    });
    expect(byOther.statusCode).toBe(403);
  });

  it('a malformed If-Match is a 400', async () => {
    const created = await openIncident(responder);
    const res = await call(
      responder,
      'PATCH',
      `/api/v1/incidents/${created.key}`,
      { title: 'x' },
      { 'if-match': 'yesterday' },
    );
    expect(res.statusCode).toBe(400);
  });

  it('lists with filters and pagination', async () => {
    const res = await call(
      viewer,
      'GET',
      '/api/v1/incidents?phase=detection_analysis&criticality=critical&limit=5',
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      limit: 5,
      offset: 0,
      total: 1,
      items: [{ title: 'Account takeover via reset' }],
    });
    expect((await call(viewer, 'GET', '/api/v1/incidents?limit=1000')).statusCode).toBe(400);
  });
});

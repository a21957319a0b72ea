// The incidents API over HTTP. Signs in with test/helpers/auth.ts (a STAND-IN until the accounts
// branch lands; these tests rely only on loginAs/createUser and must pass with the real one).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenFor, loginAs } from '../helpers/auth.ts';
import { submitReport } from '../helpers/reports.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { reproduceOverApi } from '../helpers/reproduce.ts';

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
      reports: [{ id: report.id, key: report.key }],
    });
  });

  it('links reports by key, lists them with their keys, and refuses an unknown key on its field', async () => {
    const created = await openIncident(responder);
    const path = `/api/v1/incidents/${created.key}`;
    const unknown = await call(responder, 'POST', `${path}/reports`, {
      reportIds: ['RPT-9999'],
      expectedVersion: created.version,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({
      detail: 'Report RPT-9999 was not found',
      errors: [{ field: 'reportIds', message: 'RPT-9999 is not a report Stopline knows' }],
    });
    const report = await submitReport(t);
    const linked = await call(responder, 'POST', `${path}/reports`, {
      reportIds: [report.key],
      expectedVersion: created.version,
    });
    expect(linked.statusCode).toBe(200);
    const detail = (await call(viewer, 'GET', path)).json();
    expect(detail.incident.reportIds).toEqual([report.id]);
    expect(detail.reports).toEqual([{ id: report.id, key: report.key }]);
  });

  it('takes times as RFC 3339 with any offset and answers every time as RFC 3339 in UTC', async () => {
    const openedAt = new Date(t.clock.now()).toISOString();
    const created = await call(responder, 'POST', '/api/v1/incidents', {
      title: 'Leaked API key in a public gist',
      detectedAt: '2026-03-02T08:15:00+01:00',
      reportedAt: '2026-03-02T07:30:00.5Z',
      declaredAt: '2026-03-02T03:45:00-04:00',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      detectedAt: '2026-03-02T07:15:00.000Z',
      reportedAt: '2026-03-02T07:30:00.500Z',
      declaredAt: '2026-03-02T07:45:00.000Z',
      createdAt: openedAt,
      updatedAt: openedAt,
      closedAt: null,
      lineStoppedAt: null,
    });
    const { key } = created.json() as { key: string };
    const path = `/api/v1/incidents/${key}`;

    t.clock.advance(60_000);
    const later = new Date(t.clock.now()).toISOString();
    const edited = await call(responder, 'PATCH', path, {
      detectedAt: null,
      reportedAt: '2026-03-02T07:20:00Z',
    });
    expect(edited.json()).toMatchObject({
      detectedAt: null,
      reportedAt: '2026-03-02T07:20:00.000Z',
      createdAt: openedAt,
      updatedAt: later,
    });
    expect((await call(responder, 'POST', `${path}/owner`, {})).statusCode).toBe(200);
    const role = await call(lead, 'POST', `${path}/roles`, {
      role: 'incident_commander',
      userId: lead.userId,
    });
    expect(role.statusCode).toBe(200);
    expect(role.json().roles).toEqual([
      { role: 'incident_commander', userId: lead.userId, since: later },
    ]);
    const task = await call(responder, 'POST', `${path}/tasks`, {
      type: 'contain',
      title: 'Revoke the key',
      dueAt: '2026-03-02T12:00:00+02:00',
    });
    expect(task.statusCode).toBe(201);
    expect(task.json().incident.tasks[0]).toMatchObject({
      dueAt: '2026-03-02T10:00:00.000Z',
      createdAt: later,
      updatedAt: later,
      completedAt: null,
    });
    const moved = await call(responder, 'PATCH', `${path}/tasks/${task.json().id}`, {
      dueAt: '2026-03-02T11:30:00Z',
    });
    expect(moved.json().tasks[0].dueAt).toBe('2026-03-02T11:30:00.000Z');
    expect(
      (
        await call(responder, 'POST', `${path}/decisions`, {
          what: 'Rotate every key',
          why: 'Cannot tell which were copied',
          decidedBy: 'Security lead',
        })
      ).statusCode,
    ).toBe(200);

    const detail = (await call(viewer, 'GET', path)).json();
    expect(detail.incident.declaredAt).toBe('2026-03-02T07:45:00.000Z');
    expect(detail.ownerHistory).toEqual([
      expect.objectContaining({ how: 'auto', from: later, to: null }),
    ]);
    expect(detail.roleHistory).toEqual([
      expect.objectContaining({ role: 'incident_commander', userId: lead.userId, from: later }),
    ]);
    const listed = (await call(viewer, 'GET', '/api/v1/incidents?q=gist')).json();
    expect(listed.items).toEqual([
      expect.objectContaining({ key, declaredAt: '2026-03-02T07:45:00.000Z', updatedAt: later }),
    ]);
    const decisions = (await call(viewer, 'GET', `${path}/decisions`)).json();
    expect(decisions.items).toEqual([
      expect.objectContaining({ what: 'Rotate every key', at: later }),
    ]);
    const timeline = (await call(viewer, 'GET', `${path}/timeline`)).json();
    expect(timeline.items[0]).toMatchObject({ type: 'incident.opened', at: openedAt });
    expect(timeline.items.at(-1)).toMatchObject({ at: later });
    // Event data stays as recorded: epoch milliseconds (docs/incidents.md).
    expect(timeline.items[0].data.declaredAt).toBe(Date.parse('2026-03-02T07:45:00Z'));
  });

  it('a time sent as a number (or without an offset) is a 400 naming the field and the format', async () => {
    const format = /^must be an RFC 3339 date-time such as 2026-11-25T10:00:00Z/;
    const opened = await call(responder, 'POST', '/api/v1/incidents', {
      title: 'Numbers',
      detectedAt: t.clock.now(),
      declaredAt: '2026-03-02T09:00:00',
    });
    expect(opened.statusCode).toBe(400);
    expect(opened.headers['content-type']).toMatch(/problem\+json/);
    expect(opened.json().errors).toEqual([
      { field: 'detectedAt', message: expect.stringMatching(format) },
      { field: 'declaredAt', message: expect.stringMatching(format) },
    ]);

    const created = await openIncident(responder);
    const path = `/api/v1/incidents/${created.key}`;
    const patched = await call(responder, 'PATCH', path, { reportedAt: t.clock.now() });
    expect(patched.statusCode).toBe(400);
    expect(patched.json().errors).toEqual([
      { field: 'reportedAt', message: expect.stringMatching(format) },
    ]);
    const task = await call(responder, 'POST', `${path}/tasks`, {
      type: 'other',
      title: 'Due as a number',
      dueAt: t.clock.now() + 3_600_000,
    });
    expect(task.statusCode).toBe(400);
    expect(task.json().errors).toEqual([
      { field: 'dueAt', message: expect.stringMatching(format) },
    ]);
    // Nothing was written: the incident is still at its first version, with no task.
    const detail = (await call(viewer, 'GET', path)).json();
    expect(detail.incident).toMatchObject({ version: created.version, tasks: [] });
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
    await reproduceOverApi(t, responder.headers, created.key);
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
    const now = new Date(t.clock.now()).toISOString();
    expect(line.json()).toMatchObject({
      state: 'stopped',
      since: now,
      incidents: [
        { key: created.key, title: 'Account takeover via reset', severity: 'P1', stoppedAt: now },
      ],
    });
    const detail = (await call(viewer, 'GET', path)).json();
    expect(detail.incident).toMatchObject({ lineStopped: true, lineStoppedAt: now });
    expect(detail.incident.votes.map((v: { at: string }) => v.at)).toEqual([now, now, now, now]);
    expect(detail.flags.map((f: { role: string }) => f.role)).toEqual([
      'incident_commander',
      'security_engineer',
      'communications_lead',
    ]);
    const history = await call(viewer, 'GET', '/api/v1/line/history');
    expect(history.json().items[0]).toMatchObject({
      incidentKey: created.key,
      change: 'stopped',
      at: now,
    });
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
    expect(done.json().tasks[0]).toMatchObject({ status: 'done', completedAt: now });
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
      recordedAt: now,
      endedAt: now,
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
    // Open incidents only (nothing is closed here), and a clear 400 for anything but true/false.
    const open = await call(viewer, 'GET', '/api/v1/incidents?open=true&limit=100');
    const all = await call(viewer, 'GET', '/api/v1/incidents?limit=100');
    expect(open.json().total).toBe(all.json().total);
    expect((await call(viewer, 'GET', '/api/v1/incidents?open=false')).json().total).toBe(0);
    const bad = await call(viewer, 'GET', '/api/v1/incidents?open=yes');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('querystring.open');
  });
});

describe('the communications lead', () => {
  it('posts reporter and public updates on an incident, and cannot change anything else', async () => {
    const comms = (await loginAs(t, 'comms')).headers;
    const owner = (await loginAs(t, 'responder')).headers;
    const opened = await t.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: owner,
      payload: { title: 'Status page outage' },
    });
    const key = opened.json().key as string;
    const note = await t.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${key}/notes`,
      headers: comms,
      payload: { text: 'We are investigating degraded logins.', visibility: 'public' },
    });
    expect(note.statusCode, note.body).toBe(200);
    const timeline = await t.app.inject({
      url: `/api/v1/incidents/${key}/timeline?type=incident.note_added`,
      headers: comms,
    });
    expect(timeline.json().items[0]).toMatchObject({
      visibility: 'public',
      data: { text: 'We are investigating degraded logins.' },
    });
    const edit = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/incidents/${key}`,
      headers: comms,
      payload: { title: 'Renamed by comms' },
    });
    expect(edit.statusCode).toBe(403);
  });
});

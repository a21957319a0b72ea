// Live updates as the staff console gets them: a real listening server, a streaming HTTP client,
// and changes made through the API. Every wait is for a message, with a timeout; never a sleep.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { appendEvents } from '../../src/server/db/event-store.ts';
import { inTransaction } from '../../src/server/db/transaction.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { StreamNotice, StreamReady } from '../../src/shared/api/stream.ts';
import { createTokenFor, loginAs, revokeToken } from '../helpers/auth.ts';
import { submitReport } from '../helpers/reports.ts';
import { listening, openStream, subscribe, type Notice } from '../helpers/sse-client.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { EMERGENCY, reproduceOverApi } from '../helpers/reproduce.ts';

type Who = { userId: string; headers: Record<string, string> };

let t: TestApp;
let base: string;
let lead: Who;
let member: Who;
let outsider: Who;
let viewer: Who;
let admin: Who;

beforeAll(async () => {
  t = await createTestApp();
  base = await listening(t);
  lead = await loginAs(t, 'security_lead');
  member = await loginAs(t, 'responder');
  outsider = await loginAs(t, 'responder');
  viewer = await loginAs(t, 'viewer');
  admin = await loginAs(t, 'admin');
});
afterAll(async () => t.close());

const call = (
  who: Who,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
) => t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

async function openIncident(who: Who, body: object = {}) {
  const res = await call(who, 'POST', '/api/v1/incidents', { title: 'Open redirect', ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; key: string; version: number };
}

async function addNote(who: Who, key: string, text = 'Looked at the proxy logs') {
  const res = await call(who, 'POST', `/api/v1/incidents/${key}/notes`, { text });
  expect(res.statusCode, res.body).toBeLessThan(300);
}

describe('GET /api/v1/stream', () => {
  it('without credentials is refused with a 401 problem', async () => {
    const opened = await openStream(`${base}/api/v1/stream`);
    expect(opened.status).toBe(401);
    expect(opened.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(opened.body)).toMatchObject({ status: 401 });
  });

  it('is described in the OpenAPI document as an event stream of notices', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const get = doc.paths['/api/v1/stream'].get;
    expect(get.summary).toMatch(/Server-Sent Events/);
    expect(get.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'last-event-id' })]),
    );
    const schema = get.responses['200'].content['text/event-stream'].schema;
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['subject', 'key', 'type', 'at', 'incident', 'report']),
    );
  });

  it('a bad Last-Event-ID is a 400 problem naming the header', async () => {
    const opened = await openStream(`${base}/api/v1/stream`, {
      ...member.headers,
      'last-event-id': 'yesterday',
    });
    expect(opened.status).toBe(400);
    expect(opened.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(opened.body).toContain('last-event-id');
  });

  it('a signed-in responder hears of an incident change within a second, as a notice of what changed', async () => {
    const opened = await openStream(`${base}/api/v1/stream`, member.headers);
    expect(opened.status).toBe(200);
    expect(opened.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(opened.headers['cache-control']).toBe('no-store');
    const stream = opened.stream!;
    const ready = await stream.next((m) => m.event === 'ready');
    expect(StreamReady.parse(JSON.parse(ready.data))).toEqual({ heartbeatSeconds: 15 });
    expect(stream.retry).toBe(3000);

    const incident = await openIncident(lead, { title: 'Session fixation' });
    const opened1 = await stream.nextChange((n) => n.key === incident.key);
    expect(opened1).toMatchObject({
      subject: 'incident',
      key: incident.key,
      incident: incident.key,
      type: 'incident.opened',
      at: new Date(t.clock.now()).toISOString(),
    });
    expect(opened1.id).toMatch(/^\d+$/);

    t.clock.advance(60_000);
    await reproduceOverApi(t, lead.headers, incident.key);
    const set = await call(lead, 'POST', `/api/v1/incidents/${incident.key}/severity`, {
      severity: 'P1',
      rationale: 'Accounts can be taken over',
    });
    expect(set.statusCode, set.body).toBe(200);
    const severity = await stream.nextChange((n) => n.type === 'incident.severity_set');
    expect(severity).toMatchObject({ subject: 'incident', key: incident.key });
    expect(Number(severity.id)).toBeGreaterThan(Number(opened1.id));
    // The notice names the change and nothing of its content, as the shared schema says.
    const { id: _id, ...notice } = severity;
    expect(StreamNotice.strict().parse(notice)).toEqual(notice);
    expect(Object.keys(notice).sort()).toEqual(['at', 'incident', 'key', 'subject', 'type']);
    stream.close();
  });

  it('a task change is a task notice naming the task and its incident', async () => {
    const incident = await openIncident(lead);
    const stream = await subscribe(t, member.headers);
    const res = await call(member, 'POST', `/api/v1/incidents/${incident.key}/tasks`, {
      type: 'verify',
      title: 'Reproduce on staging',
    });
    expect(res.statusCode, res.body).toBe(201);
    const notice = await stream.nextChange((n) => n.subject === 'task');
    expect(notice).toMatchObject({
      subject: 'task',
      key: res.json().id,
      incident: incident.key,
      type: 'incident.task_added',
    });
    stream.close();
  });

  it('a restricted incident is heard by its participants and admins, not by other responders', async () => {
    const secret = await openIncident(lead, { restricted: true, title: 'Insider' });
    const added = await call(lead, 'POST', `/api/v1/incidents/${secret.key}/participants`, {
      userId: member.userId,
    });
    expect(added.statusCode, added.body).toBe(200);
    const ofMember = await subscribe(t, member.headers);
    const ofOutsider = await subscribe(t, outsider.headers);
    const ofAdmin = await subscribe(t, admin.headers);

    await addNote(lead, secret.key, 'Badge logs pulled');
    const open = await openIncident(lead, { title: 'Everyone may know' });

    // (A change committed just before a stream was ready may still reach it: match the note.)
    const note = (n: Notice) => n.key === secret.key && n.type === 'incident.note_added';
    expect(await ofMember.nextChange(note)).toMatchObject({ subject: 'incident' });
    expect(await ofAdmin.nextChange(note)).toMatchObject({ subject: 'incident' });
    // The outsider hears of the later, open incident, so anything about the secret one would
    // have arrived before it.
    await ofOutsider.nextChange((n) => n.key === open.key);
    expect(
      ofOutsider.changes().filter((n) => n.key === secret.key || n.incident === secret.key),
    ).toEqual([]);
    for (const s of [ofMember, ofOutsider, ofAdmin]) s.close();
  });

  it('reports are heard only with reports.read: a token without it hears incidents only', async () => {
    const scoped = await createTokenFor(t, 'viewer', ['stream.read', 'incidents.read']);
    const ofToken = await subscribe(t, scoped.headers);
    const ofViewer = await subscribe(t, viewer.headers);

    const report = await submitReport(t, 'Password reset token in referrer');
    const incident = await openIncident(lead, { title: 'After the report' });

    expect(await ofViewer.nextChange((n) => n.subject === 'report')).toMatchObject({
      subject: 'report',
      key: report.key,
      report: report.key,
      type: 'report.received',
    });
    await ofToken.nextChange((n) => n.key === incident.key);
    expect(ofToken.changes().filter((n) => n.subject === 'report' || n.report)).toEqual([]);

    // A message to the reporter is heard too.
    t.clock.advance(60_000);
    const triage = await call(lead, 'POST', `/api/v1/reports/${report.key}/messages`, {
      kind: 'to_reporter',
      body: 'Thanks, we are looking at it.',
    });
    expect(triage.statusCode, triage.body).toBeLessThan(300);
    expect(
      await ofViewer.nextChange((n) => n.key === report.key && n.type !== 'report.received'),
    ).toMatchObject({ subject: 'report', key: report.key });
    ofToken.close();
    ofViewer.close();
  });

  it('a revoked token’s stream is closed at its next message, which it does not get', async () => {
    const { headers } = await createTokenFor(t, 'responder');
    const stream = await subscribe(t, headers);
    await revokeToken(t, headers, admin.headers);
    // Credentials are re-checked once per heartbeat; a change after that finds the token gone.
    t.clock.advance(15_000);
    const incident = await openIncident(lead);

    const closed = await stream.next((m) => m.event === 'closed');
    expect(JSON.parse(closed.data)).toEqual({ reason: 'signed_out' });
    await stream.endsWithin(1000);
    expect(stream.changes().filter((n) => n.key === incident.key)).toEqual([]);
  });

  it('a disabled user’s stream is closed, and a signed-out session’s too', async () => {
    const someone = await loginAs(t, 'comms');
    const stream = await subscribe(t, someone.headers);
    const leaver = await loginAs(t, 'comms');
    const other = await subscribe(t, leaver.headers);
    const disable = await call(admin, 'PATCH', `/api/v1/users/${someone.userId}`, {
      status: 'disabled',
    });
    expect(disable.statusCode, disable.body).toBe(200);
    const out = await call(leaver, 'DELETE', '/api/v1/session');
    expect(out.statusCode, out.body).toBeLessThan(300);
    t.clock.advance(15_000);
    await openIncident(lead);
    for (const s of [stream, other]) {
      expect(JSON.parse((await s.next((m) => m.event === 'closed')).data)).toEqual({
        reason: 'signed_out',
      });
      await s.endsWithin(1000);
    }
  });

  it('a reconnecting browser sends Last-Event-ID and is sent what it missed, filtered, in order', async () => {
    const first = await subscribe(t, outsider.headers);
    const incident = await openIncident(lead, { title: 'Seen before the drop' });
    const last = await first.nextChange((n) => n.key === incident.key);
    first.close();

    // While disconnected: a change it may see, one it may not, another it may see.
    const secret = await openIncident(lead, { restricted: true, title: 'Not for outsiders' });
    t.clock.advance(1000);
    await addNote(lead, incident.key, 'First missed note');
    t.clock.advance(1000);
    await addNote(lead, incident.key, 'Second missed note');

    const again = await subscribe(t, outsider.headers, { 'last-event-id': last.id });
    // (A note also meets the incident's first-update deadline: that notice is replayed too.)
    const isNote = (n: Record<string, string>) => n.type === 'incident.note_added';
    const replayed = [await again.nextChange(isNote), await again.nextChange(isNote)];
    expect(replayed.map((n) => [n.key, n.type])).toEqual([
      [incident.key, 'incident.note_added'],
      [incident.key, 'incident.note_added'],
    ]);
    expect(Number(replayed[0]!.id)).toBeLessThan(Number(replayed[1]!.id));
    expect(again.changes().some((n) => n.key === secret.key)).toBe(false);
    // And it goes on live after the replay.
    await addNote(lead, incident.key, 'Live again');
    await again.nextChange((n) => isNote(n) && Number(n.id) > Number(replayed[1]!.id));
    again.close();
  });

  it('more missed changes than can be replayed is a reset, with the id to go on from', async () => {
    const stream = await subscribe(t, outsider.headers);
    const incident = await openIncident(lead);
    const last = await stream.nextChange((n) => n.key === incident.key);
    stream.close();
    await inTransaction(t.container.db, (tx) =>
      appendEvents(tx, {
        streamId: 'bulk-import',
        streamType: 'import',
        expectedVersion: 0,
        at: t.clock.now(),
        events: Array.from({ length: 1001 }, (_, i) => ({
          type: 'import.row',
          visibility: 'internal' as const,
          actorId: null,
          data: { row: i },
        })),
      }),
    );
    const again = await subscribe(t, outsider.headers, { 'last-event-id': last.id });
    const reset = await again.next((m) => m.event === 'reset');
    expect(JSON.parse(reset.data)).toEqual({ reason: 'too_many_missed' });
    expect(Number(reset.id)).toBe(Number(last.id) + 1001);
    expect(again.changes()).toEqual([]);
    again.close();
  });

  it('a rolled-back append is never heard of', async () => {
    const stream = await subscribe(t, admin.headers);
    const kept = await openIncident(lead, { title: 'Kept' });
    const dropped = await openIncident(lead, { title: 'Rolled back' });
    await stream.nextChange((n) => n.key === dropped.key);
    await expect(
      inTransaction(t.container.db, async (tx) => {
        await appendEvents(tx, {
          streamId: dropped.id,
          streamType: 'incident',
          expectedVersion: dropped.version,
          at: t.clock.now(),
          events: [
            {
              type: 'incident.note_added',
              visibility: 'internal',
              actorId: null,
              data: { text: 'never committed' },
            },
          ],
        });
        throw new Error('the use case failed after appending');
      }),
    ).rejects.toThrow('the use case failed');
    await addNote(lead, kept.key, 'Committed');
    await stream.nextChange((n) => n.key === kept.key && n.type === 'incident.note_added');
    expect(
      stream.changes().filter((n) => n.key === dropped.key && n.type === 'incident.note_added'),
    ).toEqual([]);
    stream.close();
  });

  it('a breached deadline is a deadline notice on the incident', async () => {
    const stream = await subscribe(t, member.headers);
    const incident = await openIncident(lead, {
      title: 'Tokens leak',
      severity: 'P0',
      severityOverride: EMERGENCY,
    });
    t.clock.advance(16 * 60_000);
    await new Scheduler({ deadlines: t.container.services.clocks, clock: t.clock }).tick(
      t.clock.now(),
    );
    const breached = await stream.nextChange(
      (n) => n.type === 'incident.deadline_breached' && n.incident === incident.key,
    );
    expect(breached).toMatchObject({ subject: 'deadline', incident: incident.key });
    const deadlines = (
      await call(member, 'GET', `/api/v1/incidents/${incident.key}/deadlines`)
    ).json().items as { id: string }[];
    expect(deadlines.map((d) => d.id)).toContain(breached.key);
    stream.close();
  });

  it('a client that goes away leaves no listener behind', async () => {
    const feed = t.container.workers.liveFeed;
    // Every stream of the tests above was closed by its client or by the server.
    await vi.waitFor(() => expect(feed.subscriberCount).toBe(0), { timeout: 1000 });
    const stream = await subscribe(t, viewer.headers);
    expect(feed.subscriberCount).toBe(1);
    stream.close();
    await vi.waitFor(() => expect(feed.subscriberCount).toBe(0), { timeout: 1000 });
  });
});

describe('heartbeat, periodic re-check and shutdown', () => {
  let quick: TestApp;
  beforeAll(async () => {
    // A heartbeat of 50 ms instead of 15 s, so its effects show without waiting long.
    quick = await createTestApp({ config: { streamHeartbeatSeconds: 0.05 } });
  });
  afterAll(async () => quick.close());

  it('heartbeat comments keep a quiet stream open', async () => {
    const someone = await loginAs(quick, 'viewer');
    const stream = await subscribe(quick, someone.headers);
    await vi.waitFor(() => expect(stream.comments.length).toBeGreaterThanOrEqual(2), {
      timeout: 1000,
    });
    expect(stream.comments[0]).toBe('heartbeat');
    stream.close();
  });

  it('a session that goes idle ends its quiet stream at the next heartbeat; re-checks are no activity', async () => {
    const someone = await loginAs(quick, 'viewer');
    const stream = await subscribe(quick, someone.headers);
    const idleMs = quick.container.config.sessionIdleMinutes * 60_000;
    quick.clock.advance(idleMs - 1000);
    // Several re-checks happen just before the session would go idle; none counts as activity.
    const seen = stream.comments.length;
    await vi.waitFor(() => expect(stream.comments.length).toBeGreaterThanOrEqual(seen + 3), {
      timeout: 1000,
    });
    expect(stream.isEnded).toBe(false);
    quick.clock.advance(2000);
    const closed = await stream.next((m) => m.event === 'closed');
    expect(JSON.parse(closed.data)).toEqual({ reason: 'signed_out' });
    await stream.endsWithin(1000);
    const res = await quick.app.inject({
      method: 'GET',
      url: '/api/v1/session',
      headers: someone.headers,
    });
    expect(res.statusCode).toBe(401);
  });

  it('closing the server ends open streams with a closed message instead of waiting on them', async () => {
    const someone = await loginAs(quick, 'viewer');
    const streams = [
      await subscribe(quick, someone.headers),
      await subscribe(quick, someone.headers),
    ];
    await quick.app.close();
    for (const stream of streams) {
      const closed = await stream.next((m) => m.event === 'closed');
      expect(JSON.parse(closed.data)).toEqual({ reason: 'shutting_down' });
      await stream.endsWithin(1000);
    }
    expect(quick.container.workers.liveFeed.subscriberCount).toBe(0);
  });
});

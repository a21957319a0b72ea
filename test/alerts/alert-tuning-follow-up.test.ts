// Marking alerts as noise proposes tuning the detection rule behind them (issue 18, item 4); a
// person answers the proposal once: taking it makes a stand-alone follow-up (no post-mortem holds
// it) with an owner, a due date and its clock, listed with the other follow-ups and changed by its
// id; declining records the reason. A second answer is refused (409); bad input names the field;
// the permission (learning.write, as for a post-mortem's proposals) and a token's scope hold.
// Injected clock, both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStreamEvents } from '../../src/server/db/event-store.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { alertmanagerAlert, alertmanagerHook, newSource, sendAlert } from '../helpers/alerts.ts';
import { createTokenFor, loginAs } from '../helpers/auth.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
type Headers = Record<string, string>;
let lead: Headers;
let leadId: string;
let responder: Headers;
let responderId: string;
let sourceId: string;
const HOSTILE = '<img src=x onerror="alert(1)">';

interface Proposal {
  proposalId: string;
  similarKey: string;
  title: string;
  alertCount: number;
  status: string;
  answer: { followUpId: string | null; reason: string | null; by: string | null } | null;
}

async function call(
  who: Headers,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  url: string,
  payload?: object,
) {
  return t.app.inject({ method, url, headers: who, ...(payload ? { payload } : {}) });
}
async function proposals(who: Headers = lead): Promise<Proposal[]> {
  const res = await call(who, 'GET', '/api/v1/alerts/tuning-proposals');
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items;
}
const proposalOf = async (alertname: string) =>
  (await proposals()).find((p) => p.similarKey === `alertname=${alertname}`)!;
const path = (id: string, answer: 'take' | 'decline') =>
  `/api/v1/alerts/tuning-proposals/${encodeURIComponent(id)}/${answer}`;

/** Fires the alerts (one per instance) and marks them all as noise, as the responder. */
async function noise(alertname: string, instances: string[], reason: string) {
  const res = await sendAlert(
    t,
    '/api/v1/alert-intake/alertmanager',
    alertmanagerHook(
      instances.map((i) =>
        alertmanagerAlert({ alertname, instance: i }, `fp-${alertname}-${i}`, t.clock.now()),
      ),
    ),
    { authorization: `Bearer ${sourceKey}` },
  );
  expect(res.statusCode, res.body).toBe(202);
  const alerts = (await call(lead, 'GET', `/api/v1/alerts?sourceId=${sourceId}&limit=200`)).json()
    .items as { id: string; labels: Record<string, string> }[];
  const ids = alerts.filter((a) => a.labels['alertname'] === alertname).map((a) => a.id);
  const marked = await call(responder, 'POST', '/api/v1/alerts/noise', { alertIds: ids, reason });
  expect(marked.statusCode, marked.body).toBe(200);
}
let sourceKey: string;

async function tickAt(time: string) {
  const scheduler = new Scheduler({
    deadlines: t.container.services.clocks,
    clock: t.clock,
    workerId: 'test',
  });
  t.clock.set(time);
  await scheduler.tick(t.clock.now());
}

async function clockSteps(followUpId: string) {
  const events = await listStreamEvents(t.container.db, followUpId);
  return events
    .filter((e) => e.type.startsWith('follow_up.deadline_'))
    .map((e) => ({ type: e.type, notified: e.data['notified'], metBy: e.data['metBy'] }));
}

beforeAll(async () => {
  t = await createTestApp(); // 2026-03-02T09:00:00Z, a Monday
  const admin = (await loginAs(t, 'admin')).headers;
  ({ userId: leadId, headers: lead } = await createTokenFor(t, 'security_lead'));
  ({ userId: responderId, headers: responder } = await createTokenFor(t, 'responder'));
  const made = await newSource(t, admin, { name: 'prod-am', kind: 'alertmanager' });
  sourceId = made.source.id;
  sourceKey = made.key;
  await noise('DiskFull', ['db-1', 'db-2'], 'Backups fill the disk every night');
  await noise(HOSTILE, ['evil-1'], '<script>alert(1)</script> load test');
});
afterAll(async () => t.close());

describe('taking a tuning proposal', () => {
  let followUpId: string;

  it('is proposed until answered, and refuses a bad owner, a past due date and an unknown proposal', async () => {
    const disk = await proposalOf('DiskFull');
    expect(disk).toMatchObject({ alertCount: 2, status: 'proposed', answer: null });

    const stranger = await call(responder, 'POST', path(disk.proposalId, 'take'), {
      ownerId: 'no-such-user',
      dueAt: '2026-03-09T09:00:00Z',
    });
    expect(stranger.statusCode).toBe(400);
    expect(stranger.json().errors).toEqual([expect.objectContaining({ field: 'ownerId' })]);
    const past = await call(responder, 'POST', path(disk.proposalId, 'take'), {
      dueAt: '2026-03-01T09:00:00Z',
    });
    expect(past.statusCode).toBe(400);
    expect(past.json().errors).toEqual([expect.objectContaining({ field: 'dueAt' })]);
    const noDate = await call(responder, 'POST', path(disk.proposalId, 'take'), {});
    expect(noDate.statusCode).toBe(400);
    expect(JSON.stringify(noDate.json())).toContain('dueAt');
    for (const id of [
      `tune:${sourceId}:alertname=Nothing`,
      'nonsense',
      `tune:other:alertname=DiskFull`,
    ]) {
      expect(
        (await call(responder, 'POST', path(id, 'take'), { dueAt: '2026-03-09T09:00:00Z' }))
          .statusCode,
        id,
      ).toBe(404);
    }
    // Nothing was made by the refusals.
    expect((await proposalOf('DiskFull')).status).toBe('proposed');
    const none = (await call(lead, 'GET', '/api/v1/follow-ups')).json().items;
    expect(none).toEqual([]);
  });

  it('makes a stand-alone follow-up, listed with its owner, due date and source', async () => {
    const disk = await proposalOf('DiskFull');
    const res = await call(responder, 'POST', path(disk.proposalId, 'take'), {
      ownerId: leadId,
      dueAt: '2026-03-04T09:00:00Z',
      priority: 'high',
    });
    expect(res.statusCode, res.body).toBe(201);
    const taken = res.json() as Proposal;
    expect(taken).toMatchObject({ status: 'taken', answer: { by: responderId, reason: null } });
    followUpId = taken.answer!.followUpId!;
    expect(await proposalOf('DiskFull')).toMatchObject({ status: 'taken', answer: { followUpId } });

    const listed = (await call(lead, 'GET', '/api/v1/follow-ups?status=open&type=detect')).json()
      .items;
    expect(listed).toEqual([
      expect.objectContaining({
        id: followUpId,
        title: disk.title,
        ownerId: leadId,
        dueAt: '2026-03-04T09:00:00.000Z',
        priority: 'high',
        type: 'detect',
        status: 'open',
        overdue: false,
        incident: null,
        source: {
          kind: 'alert_tuning',
          id: disk.proposalId,
          alertSourceId: sourceId,
          alertSourceName: 'prod-am',
          similarKey: 'alertname=DiskFull',
          alertCount: 2,
          reasons: ['Backups fill the disk every night', 'Backups fill the disk every night'],
        },
      }),
    ]);
    const mine = (await call(lead, 'GET', '/api/v1/follow-ups?owner=me')).json().items;
    expect(mine.map((f: { id: string }) => f.id)).toEqual([followUpId]);
    expect((await call(responder, 'GET', '/api/v1/follow-ups?owner=me')).json().items).toEqual([]);
    // Anyone who may read follow-ups sees it: no incident restricts it.
    const viewer = (await loginAs(t, 'viewer')).headers;
    const seen = (await call(viewer, 'GET', '/api/v1/follow-ups')).json().items;
    expect(seen.map((f: { id: string }) => f.id)).toEqual([followUpId]);
  });

  it('is answered once: a second take or a decline is refused (409), naming the first answer', async () => {
    const disk = await proposalOf('DiskFull');
    const again = await call(lead, 'POST', path(disk.proposalId, 'take'), {
      dueAt: '2026-03-09T09:00:00Z',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toContain(followUpId);
    const decline = await call(lead, 'POST', path(disk.proposalId, 'decline'), { reason: 'no' });
    expect(decline.statusCode).toBe(409);
    expect((await call(lead, 'GET', '/api/v1/follow-ups')).json().items).toHaveLength(1);
  });

  it('its due date is a deadline: the owner is reminded, overdue it escalates, done meets it', async () => {
    const row = await t.container.db
      .selectFrom('deadlines')
      .selectAll()
      .where('ref', '=', followUpId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      kind: 'follow_up_due',
      status: 'pending',
      subject_type: 'follow_up',
    });

    await tickAt('2026-03-03T09:00:00Z'); // half the time: the owner is reminded
    expect(await clockSteps(followUpId)).toEqual([
      { type: 'follow_up.deadline_reminded', notified: [leadId], metBy: undefined },
    ]);
    await tickAt('2026-03-04T09:00:01Z'); // overdue
    expect((await clockSteps(followUpId)).map((s) => s.type)).toContain(
      'follow_up.deadline_breached',
    );
    const overdue = (await call(lead, 'GET', '/api/v1/follow-ups?status=open')).json().items;
    expect(overdue).toEqual([expect.objectContaining({ id: followUpId, overdue: true })]);

    const done = await call(lead, 'PUT', `/api/v1/follow-ups/${followUpId}/status`, {
      status: 'done',
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ id: followUpId, status: 'done', incident: null });
    expect((await clockSteps(followUpId)).at(-1)).toEqual({
      type: 'follow_up.deadline_met',
      notified: undefined,
      metBy: 'postmortem.follow_up_status_set',
    });
    const status = await t.container.db
      .selectFrom('deadlines')
      .select('status')
      .where('ref', '=', followUpId)
      .execute();
    expect(status.map((s) => s.status)).toEqual(['met']);
  });

  it('is changed by its id: owner and due date, validated as a post-mortem follow-up is', async () => {
    const open = await call(lead, 'PUT', `/api/v1/follow-ups/${followUpId}/status`, {
      status: 'open',
    });
    expect(open.statusCode, open.body).toBe(200);
    const bad = await call(lead, 'PATCH', `/api/v1/follow-ups/${followUpId}`, {
      ownerId: 'no-such-user',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([expect.objectContaining({ field: 'ownerId' })]);
    const past = await call(lead, 'PATCH', `/api/v1/follow-ups/${followUpId}`, {
      dueAt: '2026-03-01T09:00:00Z',
    });
    expect(past.statusCode).toBe(400);
    expect(past.json().errors).toEqual([expect.objectContaining({ field: 'dueAt' })]);
    const noReason = await call(lead, 'PUT', `/api/v1/follow-ups/${followUpId}/status`, {
      status: 'not_doing',
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors).toEqual([expect.objectContaining({ field: 'reason' })]);

    // Its version is its own stream's: a change by someone since it was listed is a 409.
    const [listed] = (await call(lead, 'GET', '/api/v1/follow-ups')).json().items;
    expect(listed.version).toBe(open.json().version);
    const stale = await call(lead, 'PATCH', `/api/v1/follow-ups/${followUpId}`, {
      ownerId: responderId,
      expectedVersion: listed.version - 1,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().detail).toMatch(/changed by someone else/);

    const moved = await call(lead, 'PATCH', `/api/v1/follow-ups/${followUpId}`, {
      ownerId: responderId,
      dueAt: '2026-03-20T09:00:00Z',
      expectedVersion: listed.version,
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({
      ownerId: responderId,
      dueAt: '2026-03-20T09:00:00.000Z',
      version: listed.version + 1,
    });
    const pending = await t.container.db
      .selectFrom('deadlines')
      .select(['status', 'responsible_id', 'due_at'])
      .where('ref', '=', followUpId)
      .where('status', '=', 'pending')
      .execute();
    expect(pending).toEqual([
      { status: 'pending', responsible_id: responderId, due_at: expect.anything() },
    ]);
    expect(Number(pending[0]!.due_at)).toBe(Date.parse('2026-03-20T09:00:00Z'));
    expect(
      (
        await call(lead, 'PATCH', '/api/v1/follow-ups/no-such-id', {
          dueAt: '2026-04-01T09:00:00Z',
        })
      ).statusCode,
    ).toBe(404);
  });
});

describe('declining a tuning proposal', () => {
  it('records the reason (hostile text kept as text); then it is answered', async () => {
    const evil = await proposalOf(HOSTILE);
    const empty = await call(responder, 'POST', path(evil.proposalId, 'decline'), { reason: ' ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    const res = await call(responder, 'POST', path(evil.proposalId, 'decline'), {
      reason: `${HOSTILE} is a red-team rule`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'declined',
      answer: { followUpId: null, reason: `${HOSTILE} is a red-team rule`, by: responderId },
    });
    expect(await proposalOf(HOSTILE)).toMatchObject({ status: 'declined' });
    const take = await call(responder, 'POST', path(evil.proposalId, 'take'), {
      dueAt: '2026-04-01T09:00:00Z',
    });
    expect(take.statusCode).toBe(409);
    expect(take.json().detail).toContain('declined');
    expect((await call(lead, 'GET', '/api/v1/follow-ups')).json().items).toHaveLength(1);
  });
});

describe('who may answer', () => {
  it.each(['viewer', 'comms', 'legal'])(
    'refuses %s, who may not write follow-ups',
    async (role) => {
      const who = (await loginAs(t, role)).headers;
      const id = `tune:${sourceId}:alertname=DiskFull`;
      for (const [answer, body] of [
        ['take', { dueAt: '2026-04-01T09:00:00Z' }],
        ['decline', { reason: 'x' }],
      ] as const) {
        const res = await call(who, 'POST', path(id, answer), body);
        expect(res.statusCode, answer).toBe(403);
        expect(res.json().permission).toBe('learning.write');
      }
    },
  );

  it('refuses a token scoped to triaging alerts only; takes one with learning.write', async () => {
    await noise('Latency', ['web-1'], 'Deploys are slow');
    const latency = await proposalOf('Latency');
    const triager = (await createTokenFor(t, 'responder', ['alerts.read', 'alerts.triage']))
      .headers;
    const refused = await call(triager, 'POST', path(latency.proposalId, 'take'), {
      dueAt: '2026-04-01T09:00:00Z',
    });
    expect(refused.statusCode).toBe(403);
    const writer = await createTokenFor(t, 'responder', ['learning.write']);
    const taken = await call(writer.headers, 'POST', path(latency.proposalId, 'take'), {
      dueAt: '2026-04-01T09:00:00Z',
    });
    expect(taken.statusCode, taken.body).toBe(201);
    const id = taken.json().answer.followUpId;
    const f = (await call(lead, 'GET', '/api/v1/follow-ups'))
      .json()
      .items.find((x: { id: string }) => x.id === id);
    expect(f).toMatchObject({ ownerId: writer.userId, incident: null });
    const patch = await call(triager, 'PATCH', `/api/v1/follow-ups/${id}`, {
      dueAt: '2026-04-02T09:00:00Z',
    });
    expect(patch.statusCode).toBe(403);
  });
});

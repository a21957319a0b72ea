// Changing a follow-up (issue 14, items 4 and 8): its owner (active staff), its due date (in the
// future) and its status, with PATCH; the change is an event on the post-mortem's record and the
// follow-up's clock is started again: the old due time no longer fires, the new one does, and the
// new owner is the one reminded. Bad input is a problem+json naming the field. Injected clock,
// both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { listStreamEvents } from '../../src/server/db/event-store.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { createUser, signIn } from '../helpers/auth.ts';
import { declareOwned } from '../helpers/incidents-context.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
type Person = { userId: string; email: string; password: string; headers: Record<string, string> };
let owner: Person;
let other: Person;
let viewer: Person;
let incident: { id: string; key: string };
let postmortemId: string;
let followUpId: string;

async function person(role: string): Promise<Person> {
  const user = await createUser(t, { roles: [role] });
  const headers = await signIn(t, user.email, user.password);
  return { userId: user.id, email: user.email, password: user.password, headers };
}
const inject = (who: Person, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
const pm = () => `/api/v1/incidents/${incident.key}/postmortem`;
const patch = (who: Person, payload: object, id = followUpId) =>
  inject(who, 'PATCH', `${pm()}/follow-ups/${id}`, payload);

async function tickAt(time: string) {
  const scheduler = new Scheduler({
    deadlines: t.container.services.clocks,
    clock: t.clock,
    workerId: 'test',
  });
  t.clock.set(time);
  await scheduler.tick(t.clock.now());
  for (const p of [owner, other, viewer]) p.headers = await signIn(t, p.email, p.password);
}

/** The follow-up's clock steps on the incident's record. */
async function steps() {
  const ids = await t.container.db
    .selectFrom('deadlines')
    .select('id')
    .where('kind', '=', 'follow_up_due')
    .where('ref', '=', followUpId)
    .execute();
  const mine = new Set(ids.map((r) => r.id));
  return (await listStreamEvents(t.container.db, incident.id))
    .filter(
      (e) => e.type.startsWith('incident.deadline_') && mine.has(String(e.data['deadlineId'])),
    )
    .map((e) => ({ type: e.type, notified: e.data['notified'], dueAt: e.data['dueAt'] }));
}

const clocks = () =>
  t.container.db
    .selectFrom('deadlines')
    .select(['status', 'due_at', 'responsible_id'])
    .where('kind', '=', 'follow_up_due')
    .where('ref', '=', followUpId)
    .orderBy('started_at')
    .orderBy('status')
    .execute();

beforeAll(async () => {
  t = await createTestApp({ clock: new FakeClock('2026-03-02T09:00:00Z') }); // a Monday
  owner = await person('responder');
  other = await person('responder');
  viewer = await person('viewer');
  incident = await declareOwned(t, owner.userId, 'Session cookie without Secure', 'P2');
  const started = await inject(owner, 'POST', pm());
  postmortemId = started.json().id;
  const added = await inject(owner, 'POST', `${pm()}/follow-ups`, {
    title: 'Set Secure on every cookie',
    ownerId: owner.userId,
    dueAt: '2026-03-04T09:00:00Z',
    type: 'prevent',
  });
  expect(added.statusCode, added.body).toBe(201);
  followUpId = added.json().followUps[0].id;
});
afterAll(async () => t.close());

describe("changing a follow-up's owner, due date and status", () => {
  it('refuses an unknown owner, a past due date, an unknown follow-up and a viewer', async () => {
    const nobody = await patch(owner, { ownerId: 'no-such-user' });
    expect(nobody.statusCode).toBe(400);
    expect(nobody.headers['content-type']).toContain('application/problem+json');
    expect(nobody.json().errors).toEqual([
      { field: 'ownerId', message: 'There is no active member of staff with this id' },
    ]);
    const past = await patch(owner, { dueAt: '2026-03-01T09:00:00Z' });
    expect(past.statusCode).toBe(400);
    expect(past.json().errors).toEqual([{ field: 'dueAt', message: 'must be in the future' }]);
    const unknown = await patch(owner, { dueAt: '2026-03-20T09:00:00Z' }, 'no-such-follow-up');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    const viewing = await patch(viewer, { dueAt: '2026-03-20T09:00:00Z' });
    expect(viewing.statusCode).toBe(403);
    // Nothing changed: the one clock still runs for the first owner and date.
    expect((await clocks()).map((c) => [c.status, Number(c.due_at), c.responsible_id])).toEqual([
      ['pending', Date.parse('2026-03-04T09:00:00Z'), owner.userId],
    ]);
  });

  it('hands it over and moves it: recorded, and only the new due time fires, for the new owner', async () => {
    const moved = await patch(owner, { ownerId: other.userId, dueAt: '2026-03-10T09:00:00Z' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().followUps[0]).toMatchObject({
      ownerId: other.userId,
      dueAt: '2026-03-10T09:00:00.000Z',
      status: 'open',
    });
    const events = await listStreamEvents(t.container.db, postmortemId);
    expect(events.at(-1)).toMatchObject({
      type: 'postmortem.follow_up_changed',
      actorId: owner.userId,
      data: { followUpId, ownerId: other.userId, dueAt: Date.parse('2026-03-10T09:00:00Z') },
    });
    const now = (await clocks()).map((c) => [c.status, Number(c.due_at), c.responsible_id]);
    expect(now).toEqual(
      expect.arrayContaining([
        ['cancelled', Date.parse('2026-03-04T09:00:00Z'), owner.userId],
        ['pending', Date.parse('2026-03-10T09:00:00Z'), other.userId],
      ]),
    );
    expect(now).toHaveLength(2);

    // The old due time passes: nothing fires.
    await tickAt('2026-03-04T09:00:01Z');
    expect(await steps()).toEqual([]);
    // Half of the new time: the new owner is reminded; past it, it is breached.
    await tickAt('2026-03-06T09:00:01Z');
    expect(await steps()).toEqual([
      {
        type: 'incident.deadline_reminded',
        notified: [other.userId],
        dueAt: Date.parse('2026-03-10T09:00:00Z'),
      },
    ]);
    await tickAt('2026-03-10T09:00:01Z');
    expect((await steps()).map((s) => s.type)).toContain('incident.deadline_breached');
    const list = await inject(other, 'GET', '/api/v1/follow-ups?owner=me');
    expect(list.json().items).toEqual([
      expect.objectContaining({ id: followUpId, overdue: true, ownerId: other.userId }),
    ]);
  });

  it('sets the status with the same PATCH: not doing needs a reason, done meets its clock', async () => {
    const noReason = await patch(other, { status: 'not_doing' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors).toEqual([
      { field: 'reason', message: 'say why it will not be done' },
    ]);
    const done = await patch(other, { status: 'done' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().followUps[0].status).toBe('done');
    expect((await steps()).at(-1)).toMatchObject({ type: 'incident.deadline_met' });
    expect((await clocks()).map((c) => c.status).sort()).toEqual(['cancelled', 'met']);
  });
});

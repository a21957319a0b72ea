// Follow-ups are deadlines: an open one reminds its owner before its due date and, overdue, tells
// the security lead and climbs the policy's ladder; done meets it, not doing cancels it. Each
// breached deadline and each departure from the policy in the record proposes a follow-up of type
// process, until a follow-up answers it. Injected clock, both databases.
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
let lead: Person;
let incident: { id: string; key: string };

async function person(role: string): Promise<Person> {
  const user = await createUser(t, { roles: [role] });
  const headers = await signIn(t, user.email, user.password);
  return { userId: user.id, email: user.email, password: user.password, headers };
}
const inject = (who: Person, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
const pm = () => `/api/v1/incidents/${incident.key}/postmortem`;

async function tickAt(time: string) {
  const scheduler = new Scheduler({
    deadlines: t.container.services.clocks,
    clock: t.clock,
    workerId: 'test',
  });
  t.clock.set(time);
  await scheduler.tick(t.clock.now());
  for (const p of [owner, lead]) p.headers = await signIn(t, p.email, p.password);
}

async function followUpSteps(followUpId: string) {
  const events = await listStreamEvents(t.container.db, incident.id);
  const ids = await t.container.db
    .selectFrom('deadlines')
    .select('id')
    .where('kind', '=', 'follow_up_due')
    .where('ref', '=', followUpId)
    .execute();
  const mine = new Set(ids.map((r) => r.id));
  return events
    .filter(
      (e) => e.type.startsWith('incident.deadline_') && mine.has(String(e.data['deadlineId'])),
    )
    .map((e) => ({ type: e.type, notified: e.data['notified'], metBy: e.data['metBy'] }));
}

beforeAll(async () => {
  t = await createTestApp({ clock: new FakeClock('2026-03-02T09:00:00Z') }); // a Monday
  owner = await person('responder');
  lead = await person('security_lead');
  // A P2 declared on the security lead's emergency override, owned, never responded to.
  incident = await declareOwned(t, owner.userId, 'Session cookie without Secure', 'P2');
  expect((await inject(owner, 'POST', pm())).statusCode).toBe(201);
});
afterAll(async () => t.close());

describe('follow-ups through the clocks', () => {
  let fixId: string;

  it('an open follow-up reminds its owner, and overdue tells the security lead', async () => {
    const added = await inject(owner, 'POST', `${pm()}/follow-ups`, {
      title: 'Set Secure on every cookie',
      ownerId: owner.userId,
      dueAt: '2026-03-04T09:00:00Z',
      type: 'prevent',
    });
    expect(added.statusCode, added.body).toBe(201);
    fixId = added.json().followUps[0].id;
    const row = await t.container.db
      .selectFrom('deadlines')
      .selectAll()
      .where('ref', '=', fixId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: 'follow_up_due', status: 'pending' });
    expect(Number(row.due_at)).toBe(Date.parse('2026-03-04T09:00:00Z'));

    await tickAt('2026-03-03T09:00:00Z'); // half the time: the owner is reminded
    expect(await followUpSteps(fixId)).toEqual([
      { type: 'incident.deadline_reminded', notified: [owner.userId], metBy: undefined },
    ]);
    await tickAt('2026-03-04T09:00:01Z'); // overdue: the security lead hears of it
    const steps = await followUpSteps(fixId);
    expect(steps.map((s) => s.type)).toContain('incident.deadline_breached');
    const breached = steps.find((s) => s.type === 'incident.deadline_breached')!;
    expect(breached.notified).toContain(lead.userId);

    const open = await inject(lead, 'GET', '/api/v1/follow-ups?status=open');
    expect(open.json().items).toEqual([
      expect.objectContaining({ id: fixId, overdue: true, ownerId: owner.userId }),
    ]);
    const due = await inject(lead, 'GET', `/api/v1/incidents/${incident.key}/deadlines`);
    expect(due.json().items).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'follow_up_due' })]),
    );
  });

  it('done meets its clock on the record; not doing cancels it; opened again, it is due again', async () => {
    const done = await inject(owner, 'PUT', `${pm()}/follow-ups/${fixId}/status`, {
      status: 'done',
    });
    expect(done.statusCode, done.body).toBe(200);
    expect((await followUpSteps(fixId)).at(-1)).toEqual({
      type: 'incident.deadline_met',
      notified: undefined,
      metBy: 'postmortem.follow_up_status_set',
    });
    const later = await inject(owner, 'POST', `${pm()}/follow-ups`, {
      title: 'Audit every cookie',
      ownerId: owner.userId,
      dueAt: '2026-03-20T09:00:00Z',
      type: 'detect',
    });
    const laterId = later.json().followUps[1].id as string;
    await inject(owner, 'PUT', `${pm()}/follow-ups/${laterId}/status`, {
      status: 'not_doing',
      reason: 'Covered by the framework upgrade',
    });
    const status = async (id: string) =>
      (
        await t.container.db
          .selectFrom('deadlines')
          .select('status')
          .where('ref', '=', id)
          .orderBy('started_at', 'desc')
          .execute()
      ).map((r) => r.status);
    expect(await status(laterId)).toEqual(['cancelled']);
    await inject(owner, 'PUT', `${pm()}/follow-ups/${laterId}/status`, { status: 'open' });
    expect((await status(laterId)).sort()).toEqual(['cancelled', 'pending']);
  });

  it('a breached deadline and the emergency override each propose a follow-up, until one answers it', async () => {
    const timeline = (await inject(lead, 'GET', `${pm()}/timeline`)).json();
    const response = await t.container.db
      .selectFrom('deadlines')
      .select('id')
      .where('subject_id', '=', incident.id)
      .where('kind', '=', 'response')
      .executeTakeFirstOrThrow();
    expect(timeline.proposedFollowUps).toEqual(
      expect.arrayContaining([
        {
          proposalId: `deadline:${response.id}`,
          because: 'Deadline breached: response',
          at: '2026-03-02T13:00:00.000Z',
          title: 'Find why the response deadline was missed, and keep it next time',
          type: 'process',
          policySection: 'clocks',
        },
        expect.objectContaining({
          proposalId: expect.stringMatching(/^override:/),
          policySection: 'verification',
        }),
      ]),
    );
    const taken = await inject(owner, 'POST', `${pm()}/follow-ups`, {
      title: 'Page the on-call responder for P2s too',
      ownerId: owner.userId,
      dueAt: '2026-03-27T09:00:00Z',
      type: 'process',
      policySection: 'clocks',
      proposalId: `deadline:${response.id}`,
    });
    expect(taken.statusCode, taken.body).toBe(201);
    expect(taken.json().followUps.at(-1)).toMatchObject({ proposalId: `deadline:${response.id}` });
    const after = (await inject(lead, 'GET', `${pm()}/timeline`)).json();
    expect(after.proposedFollowUps.map((p: { proposalId: string }) => p.proposalId)).not.toContain(
      `deadline:${response.id}`,
    );
  });

  it('refuses a follow-up due in the past or owned by nobody on staff, naming the field', async () => {
    const past = await inject(owner, 'POST', `${pm()}/follow-ups`, {
      title: 'Too late',
      ownerId: owner.userId,
      dueAt: '2026-03-01T09:00:00Z',
      type: 'prevent',
    });
    expect(past.statusCode).toBe(400);
    expect(past.json().errors).toEqual([{ field: 'dueAt', message: 'must be in the future' }]);
    const stranger = await inject(owner, 'POST', `${pm()}/follow-ups`, {
      title: 'Nobody',
      ownerId: 'no-such-user',
      dueAt: '2026-04-01T09:00:00Z',
      type: 'prevent',
    });
    expect(stranger.statusCode).toBe(400);
    expect(stranger.json().errors[0].field).toBe('ownerId');
  });
});

// The changes to the policy proposed by post-mortems (issue 14, item 4): the record's proposals (a
// breached deadline, a severity set before verify & reproduce) are listed across incidents with
// a process follow-up written in a post-mortem; one is taken as it is (a follow-up with its title
// and section, on the clocks) and one declined with the reason, recorded on the tamper-evident
// record; a second answer is a 409 naming the first (as for alert tuning proposals). Bad input
// gets problem+json. Injected clock, both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { listStreamEvents } from '../../src/server/db/event-store.ts';
import { verifyEventLog } from '../../src/server/db/verify-chain.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { createUser, signIn } from '../helpers/auth.ts';
import { declareOwned } from '../helpers/incidents-context.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
type Person = { userId: string; email: string; password: string; headers: Record<string, string> };
let owner: Person;
let viewer: Person;
let outsider: Person;
let incident: { id: string; key: string };
let hidden: { id: string; key: string };

async function person(role: string): Promise<Person> {
  const user = await createUser(t, { roles: [role] });
  const headers = await signIn(t, user.email, user.password);
  return { userId: user.id, email: user.email, password: user.password, headers };
}
const inject = (who: Person, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
const pm = (key = incident.key) => `/api/v1/incidents/${key}/postmortem`;
const proposal = (id: string, step: 'accept' | 'decline') =>
  `${pm()}/proposals/${encodeURIComponent(id)}/${step}`;

type Change = {
  id: string;
  incident: { key: string };
  policySection: string;
  title: string;
  because: string | null;
  proposedBy: string | null;
  status: string;
  followUp: { id: string; status: string; ownerId: string } | null;
  declined: { by: string; reason: string } | null;
};
const changes = async (who: Person) => {
  const res = await inject(who, 'GET', '/api/v1/policy/proposed-changes');
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as Change[];
};

let deadlineProposal: string;
let overrideProposal: string;

beforeAll(async () => {
  t = await createTestApp({ clock: new FakeClock('2026-03-02T09:00:00Z') });
  owner = await person('responder');
  viewer = await person('viewer');
  outsider = await person('responder');
  // Declared on the security lead's emergency override (a departure from the policy), owned, and
  // never responded to: the response deadline breaches.
  incident = await declareOwned(t, owner.userId, 'Session cookie without Secure', 'P2');
  hidden = await declareOwned(t, owner.userId, 'Insider case', 'P2', true);
  for (const key of [incident.key, hidden.key]) {
    expect((await inject(owner, 'POST', pm(key))).statusCode).toBe(201);
  }
  const scheduler = new Scheduler({
    deadlines: t.container.services.clocks,
    clock: t.clock,
    workerId: 'test',
  });
  t.clock.set('2026-03-02T14:00:00Z');
  await scheduler.tick(t.clock.now());
  for (const p of [owner, viewer, outsider]) p.headers = await signIn(t, p.email, p.password);
});
afterAll(async () => t.close());

describe('changes proposed by post-mortems', () => {
  it("lists the record's proposals across incidents, waiting for an answer, restricted ones hidden", async () => {
    const mine = (await changes(viewer)).filter((c) => c.incident.key === incident.key);
    expect(mine.map((c) => [c.policySection, c.status, c.proposedBy])).toEqual(
      expect.arrayContaining([
        ['clocks', 'proposed', null],
        ['verification', 'proposed', null],
      ]),
    );
    deadlineProposal = mine.find((c) => c.policySection === 'clocks')!.id;
    overrideProposal = mine.find((c) => c.policySection === 'verification')!.id;
    expect(mine.find((c) => c.id === deadlineProposal)!.because).toBe(
      'Deadline breached: response',
    );
    // The restricted incident's proposals are seen by its participants only.
    expect((await changes(owner)).some((c) => c.incident.key === hidden.key)).toBe(true);
    expect((await changes(outsider)).some((c) => c.incident.key === hidden.key)).toBe(false);
    expect((await changes(viewer)).some((c) => c.incident.key === hidden.key)).toBe(false);
  });

  it('refuses a decline without a reason, of an unknown proposal, or by a viewer', async () => {
    const empty = await inject(owner, 'POST', proposal(overrideProposal, 'decline'), {
      reason: '  ',
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.headers['content-type']).toContain('application/problem+json');
    expect(empty.json().errors).toEqual([
      expect.objectContaining({ field: 'reason', message: 'must not be empty' }),
    ]);
    const unknown = await inject(owner, 'POST', proposal('deadline:no-such', 'decline'), {
      reason: 'Not ours',
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.json().detail).toContain('proposes no follow-up');
    const viewing = await inject(viewer, 'POST', proposal(overrideProposal, 'decline'), {
      reason: 'Not mine to say',
    });
    expect(viewing.statusCode).toBe(403);
    expect(viewing.json().permission).toBe('learning.write');
  });

  it('declines one with the reason, on the tamper-evident record; a second answer is refused', async () => {
    const reason = 'The override was right: the exploit was public';
    const declined = await inject(owner, 'POST', proposal(overrideProposal, 'decline'), {
      reason,
    });
    expect(declined.statusCode, declined.body).toBe(200);
    const postmortemId = declined.json().id as string;
    const events = await listStreamEvents(t.container.db, postmortemId);
    expect(events.at(-1)).toMatchObject({
      type: 'postmortem.proposal_declined',
      actorId: owner.userId,
      data: { proposalId: overrideProposal, policySection: 'verification', reason },
    });
    expect((await verifyEventLog(t.container.db)).breaks).toEqual([]);

    for (const step of ['decline', 'accept'] as const) {
      const again = await inject(owner, 'POST', proposal(overrideProposal, step), {
        reason: 'Twice',
        dueAt: '2026-03-20T09:00:00Z',
      });
      // A second answer is a conflict naming the first, as for alert tuning proposals.
      expect(again.statusCode, step).toBe(409);
      expect(again.headers['content-type']).toContain('application/problem+json');
      expect(again.json().detail).toBe(`This proposal was already declined: ${reason}`);
    }
    const timeline = (await inject(viewer, 'GET', `${pm()}/timeline`)).json();
    expect(timeline.proposedFollowUps.map((p: { proposalId: string }) => p.proposalId)).toEqual([
      deadlineProposal,
    ]);
  });

  it('takes one as it is: a follow-up with its title and section, owned by the caller, on the clocks', async () => {
    const past = await inject(owner, 'POST', proposal(deadlineProposal, 'accept'), {
      dueAt: '2026-03-01T09:00:00Z',
    });
    expect(past.statusCode).toBe(400);
    expect(past.json().errors).toEqual([{ field: 'dueAt', message: 'must be in the future' }]);
    const nobody = await inject(owner, 'POST', proposal(deadlineProposal, 'accept'), {
      dueAt: '2026-03-20T09:00:00Z',
      ownerId: 'no-such-user',
    });
    expect(nobody.statusCode).toBe(400);
    expect(nobody.json().errors[0].field).toBe('ownerId');

    const taken = await inject(owner, 'POST', proposal(deadlineProposal, 'accept'), {
      dueAt: '2026-03-20T09:00:00Z',
    });
    expect(taken.statusCode, taken.body).toBe(201);
    const followUp = taken.json().followUps.at(-1);
    expect(followUp).toMatchObject({
      title: 'Find why the response deadline was missed, and keep it next time',
      type: 'process',
      policySection: 'clocks',
      proposalId: deadlineProposal,
      ownerId: owner.userId,
      status: 'open',
      dueAt: '2026-03-20T09:00:00.000Z',
    });
    const clock = await t.container.db
      .selectFrom('deadlines')
      .select(['kind', 'status'])
      .where('ref', '=', followUp.id)
      .executeTakeFirstOrThrow();
    expect(clock).toEqual({ kind: 'follow_up_due', status: 'pending' });
    const again = await inject(owner, 'POST', proposal(deadlineProposal, 'decline'), {
      reason: 'Changed my mind',
    });
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.json().detail).toBe(
      `This proposal was already taken as the follow-up "${followUp.title}"`,
    );
    // A follow-up written with the proposal's id is refused the same way.
    const written = await inject(owner, 'POST', `${pm()}/follow-ups`, {
      title: 'The same change again',
      ownerId: owner.userId,
      dueAt: '2026-03-20T09:00:00Z',
      type: 'process',
      proposalId: deadlineProposal,
    });
    expect(written.statusCode).toBe(409);
    expect(written.json().detail).toContain('already taken as the follow-up');
  });

  it('lists each answer, and a process follow-up written in the post-mortem, with who proposed it', async () => {
    const written = await inject(owner, 'POST', `${pm()}/follow-ups`, {
      title: 'Let two responders page the panel',
      ownerId: owner.userId,
      dueAt: '2026-04-01T09:00:00Z',
      type: 'process',
      policySection: 'panel',
    });
    expect(written.statusCode, written.body).toBe(201);
    const mine = (await changes(viewer)).filter((c) => c.incident.key === incident.key);
    const byId = (id: string) => mine.find((c) => c.id === id)!;
    expect(byId(overrideProposal)).toMatchObject({
      status: 'declined',
      declined: { by: owner.userId, reason: 'The override was right: the exploit was public' },
      followUp: null,
    });
    expect(byId(deadlineProposal)).toMatchObject({
      status: 'taken',
      proposedBy: null,
      followUp: { status: 'open', ownerId: owner.userId },
    });
    expect(mine.find((c) => c.policySection === 'panel')).toMatchObject({
      status: 'taken',
      title: 'Let two responders page the panel',
      because: null,
      proposedBy: owner.userId,
    });
  });
});

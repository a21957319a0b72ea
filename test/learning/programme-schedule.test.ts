// The policy schedules exercises and reviews (issue 14, item 7; Kai section 10): each period of
// an item of learning.schedule is a deadline of the clocks that reminds, tells the security lead
// when it is missed and escalates like any other, each step on the item's stream; declaring the
// exercise or recording the review meets it and starts the next period. Injected clock, both
// databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { listStreamEvents } from '../../src/server/db/event-store.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { createUser, signIn } from '../helpers/auth.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
type Person = { userId: string; email: string; password: string; headers: Record<string, string> };
let lead: Person;
let responder: Person;
let viewer: Person;

async function person(role: string): Promise<Person> {
  const user = await createUser(t, { roles: [role] });
  const headers = await signIn(t, user.email, user.password);
  return { userId: user.id, email: user.email, password: user.password, headers };
}
const inject = (who: Person, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

async function tickAt(time: string) {
  const scheduler = new Scheduler({
    deadlines: t.container.services.clocks,
    schedule: t.container.services.clocks,
    clock: t.clock,
    workerId: 'test',
  });
  t.clock.set(time);
  await scheduler.tick(t.clock.now());
  for (const p of [lead, responder, viewer]) p.headers = await signIn(t, p.email, p.password);
}

/** The steps on a schedule item's stream: type, who was told, what met it. */
async function steps(itemId: string) {
  const events = await listStreamEvents(t.container.db, `schedule:${itemId}`);
  return events.map((e) => ({
    type: e.type,
    notified: e.data['notified'],
    metBy: e.data['metBy'],
  }));
}

async function periods(itemId: string) {
  const rows = await t.container.db
    .selectFrom('deadlines')
    .select(['ref', 'status', 'due_at', 'subject_type', 'kind'])
    .where('subject_id', '=', itemId)
    .orderBy('due_at')
    .execute();
  return rows.map((r) => ({
    ref: r.ref,
    status: r.status,
    dueAt: new Date(Number(r.due_at)).toISOString(),
    subjectType: r.subject_type,
    kind: r.kind,
  }));
}

async function item(id: string) {
  const res = await inject(lead, 'GET', '/api/v1/programme');
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json() as {
    items: { id: string; state: string | null; dueAt: string | null; periods: unknown[] }[];
    overdue: string[];
  };
  return { ...body.items.find((i) => i.id === id)!, overdue: body.overdue };
}

async function mailsTo(email: string) {
  const rows = await t.container.db
    .selectFrom('outbox')
    .select(['subject'])
    .where('recipient', '=', email)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => r.subject);
}

beforeAll(async () => {
  t = await createTestApp({ clock: new FakeClock('2026-01-05T09:00:00Z') });
  lead = await person('security_lead');
  responder = await person('responder');
  viewer = await person('viewer');
});
afterAll(async () => t.close());

describe("the policy's schedule of exercises and reviews", () => {
  it('the quarterly tabletop is a deadline: it reminds, tells the security lead when missed, and escalates', async () => {
    await tickAt('2026-01-05T09:00:00Z');
    // The bundled policy's items (Kai section 10), each its current period.
    expect(await periods('quarterly_tabletop')).toEqual([
      {
        ref: '2026-01',
        status: 'pending',
        dueAt: '2026-04-01T00:00:00.000Z',
        subjectType: 'programme',
        kind: 'schedule_due',
      },
    ]);
    expect((await periods('annual_red_team'))[0]).toMatchObject({
      ref: '2026-01',
      dueAt: '2027-01-01T00:00:00.000Z',
    });
    for (const id of ['process_review', 'staff_training', 'external_test']) {
      expect(await periods(id), id).toHaveLength(1);
    }
    // A second tick (or instance) starts nothing twice.
    await tickAt('2026-01-05T09:05:00Z');
    expect(await periods('quarterly_tabletop')).toHaveLength(1);
    expect(await item('quarterly_tabletop')).toMatchObject({
      state: 'scheduled',
      dueAt: '2026-04-01T00:00:00.000Z',
      overdue: [],
    });

    // Half the time: the reminder goes to the security lead (no one else answers for it).
    await tickAt('2026-02-18T00:00:00Z');
    expect(await steps('quarterly_tabletop')).toEqual([
      { type: 'programme.deadline_reminded', notified: [lead.userId], metBy: undefined },
    ]);
    expect(await mailsTo(lead.email)).toEqual([
      expect.stringMatching(
        /^Reminder: hold what the policy schedules — quarterly_tabletop Quarterly tabletop exercise/,
      ),
    ]);
    expect(await mailsTo(responder.email)).toEqual([]);

    // Missed: the breach, then the escalation half an hour later.
    await tickAt('2026-04-01T00:00:01Z');
    expect((await steps('quarterly_tabletop')).at(-1)).toEqual({
      type: 'programme.deadline_breached',
      notified: [lead.userId],
      metBy: undefined,
    });
    expect((await mailsTo(lead.email)).at(-1)).toMatch(/^Deadline missed: hold what the policy/);
    expect(await item('quarterly_tabletop')).toMatchObject({
      state: 'overdue',
      overdue: ['quarterly_tabletop'],
    });
    await tickAt('2026-04-01T00:31:00Z');
    expect((await steps('quarterly_tabletop')).at(-1)).toMatchObject({
      type: 'programme.deadline_escalated',
      notified: [lead.userId],
    });
    // Still one open period: a missed one is not replaced by the next.
    expect((await periods('quarterly_tabletop')).map((p) => p.status)).toEqual(['pending']);
  });

  it('declaring a tabletop exercise meets it and starts the next period; a drill does not', async () => {
    t.clock.set('2026-04-02T10:00:00Z');
    for (const p of [lead, responder, viewer]) p.headers = await signIn(t, p.email, p.password);
    const declare = (kind: string) =>
      inject(lead, 'POST', '/api/v1/incidents', {
        title: `Rehearsal: ${kind}`,
        exercise: { kind, scenario: 'The build farm encrypts itself at 09:00.' },
      });
    const drill = await declare('drill');
    expect(drill.statusCode, drill.body).toBe(201);
    expect((await periods('quarterly_tabletop')).map((p) => p.status)).toEqual(['pending']);

    const tabletop = await declare('tabletop');
    expect(tabletop.statusCode, tabletop.body).toBe(201);
    expect((await steps('quarterly_tabletop')).at(-1)).toEqual({
      type: 'programme.deadline_met',
      notified: undefined,
      metBy: 'incident.opened',
    });
    expect(await periods('quarterly_tabletop')).toEqual([
      expect.objectContaining({ ref: '2026-01', status: 'met' }),
      expect.objectContaining({
        ref: '2026-07',
        status: 'pending',
        dueAt: '2026-10-01T00:00:00.000Z',
      }),
    ]);
    const view = await item('quarterly_tabletop');
    expect(view).toMatchObject({ state: 'scheduled', dueAt: '2026-10-01T00:00:00.000Z' });
    expect(view.overdue).not.toContain('quarterly_tabletop');
    expect(view.periods[1]).toMatchObject({
      period: '2026-01',
      state: 'done',
      metAt: '2026-04-02T10:00:00.000Z',
      metBy: 'incident.opened',
    });
    // The red team of the year is still to come.
    expect((await periods('annual_red_team')).map((p) => p.status)).toEqual(['pending']);
  });

  it('recording a process review meets its period; bad input and the wrong role are refused', async () => {
    const review = {
      kind: 'process_review',
      heldAt: '2026-04-01T12:00:00Z',
      participants: 'Lea Lead, the on-call responders',
      summary: 'Walked the policy; the <b>paging</b> ladder gets a third level.',
      evidenceUrl: 'https://wiki.example/ir-review-2026',
    };
    const refused = await inject(viewer, 'POST', '/api/v1/programme/activities', review);
    expect(refused.statusCode).toBe(403);
    const future = await inject(responder, 'POST', '/api/v1/programme/activities', {
      ...review,
      heldAt: '2026-04-03T10:00:00Z',
    });
    expect(future.statusCode).toBe(400);
    expect(future.json().errors).toEqual([expect.objectContaining({ field: 'heldAt' })]);
    const bad = await inject(responder, 'POST', '/api/v1/programme/activities', {
      ...review,
      kind: 'tabletop',
      evidenceUrl: 'javascript:alert(1)',
    });
    expect(bad.statusCode).toBe(400);
    expect((bad.json().errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'evidenceUrl',
      'kind',
    ]);
    expect((await periods('process_review')).map((p) => p.status)).toEqual(['pending']);

    const recorded = await inject(responder, 'POST', '/api/v1/programme/activities', review);
    expect(recorded.statusCode, recorded.body).toBe(201);
    expect(recorded.json()).toMatchObject({
      kind: 'process_review',
      heldAt: '2026-04-01T12:00:00.000Z',
      summary: review.summary,
      recordedBy: responder.userId,
    });
    expect(await periods('process_review')).toEqual([
      expect.objectContaining({ ref: '2026-01', status: 'met' }),
      expect.objectContaining({ ref: '2027-01', dueAt: '2028-01-01T00:00:00.000Z' }),
    ]);
    expect((await steps('process_review')).at(-1)).toMatchObject({
      type: 'programme.deadline_met',
      metBy: 'programme.activity_recorded',
    });
    const all = await inject(viewer, 'GET', '/api/v1/programme');
    expect(all.statusCode).toBe(200);
    expect(all.json().activities).toEqual([
      expect.objectContaining({ id: recorded.json().id, participants: review.participants }),
    ]);
    // The clocks list shows the schedule's deadlines by their item.
    const due = await inject(lead, 'GET', '/api/v1/deadlines?state=open');
    expect(due.statusCode, due.body).toBe(200);
    expect(due.json().items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          subjectType: 'programme',
          subjectKey: 'quarterly_tabletop',
          kind: 'schedule_due',
        }),
      ]),
    );
  });
});

// When the policy requires a post-mortem (by severity, a breached deadline, a data breach, the line
// stopping) the incident does not close until it is approved, and the refusal says so like every
// exit check; its draft is due five business days after resolution, a deadline that reminds the
// owner and escalates to the security lead through the clocks, met by sending it to review.
// Reviewers named in advance are the only ones who approve, as many times as the policy asks; a
// post-mortem that is not required may be skipped with a recorded reason, a required one not.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { listStreamEvents } from '../../src/server/db/event-store.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { createUser, signIn } from '../helpers/auth.ts';
import { declareOwned } from '../helpers/incidents-context.ts';
import { withShortPhases } from '../helpers/policies.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

// The default policy with two approvals and phases that need nothing but the post-mortem.
let t: TestApp;
type Person = { userId: string; email: string; password: string; headers: Record<string, string> };
let owner: Person;
let lead: Person;
let lead2: Person;
let outsider: Person;

beforeAll(async () => {
  const text = withShortPhases().replace('    approvals: 1\n', '    approvals: 2\n');
  expect(text).toContain('approvals: 2');
  expect(text).not.toContain('eradication');
  const policy = join(mkdtempSync(join(tmpdir(), 'stopline-policy-')), 'policy.yaml');
  writeFileSync(policy, text);
  t = await createTestApp({
    env: { STOPLINE_POLICY: policy },
    clock: new FakeClock('2026-03-02T09:00:00Z'), // a Monday
  });
  owner = await person('responder');
  lead = await person('security_lead');
  lead2 = await person('security_lead');
  outsider = await person('security_lead');
});

async function person(role: string): Promise<Person> {
  const user = await createUser(t, { roles: [role] });
  const headers = await signIn(t, user.email, user.password);
  return { userId: user.id, email: user.email, password: user.password, headers };
}

/** Days pass: everyone signs in again (sessions end when idle). */
async function signInAgain() {
  for (const p of [owner, lead, lead2, outsider]) p.headers = await signIn(t, p.email, p.password);
}
afterAll(async () => t.close());

const inject = (who: Person, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
const pm = (key: string) => `/api/v1/incidents/${key}/postmortem`;
const move = (who: Person, key: string, phase: string) =>
  inject(who, 'POST', `/api/v1/incidents/${key}/phase`, { phase });

async function tickAt(time: string) {
  const scheduler = new Scheduler({
    deadlines: t.container.services.clocks,
    clock: t.clock,
    workerId: 'test',
  });
  t.clock.set(time);
  await scheduler.tick(t.clock.now());
  await signInAgain();
}

async function clockEvents(incidentId: string) {
  const events = await listStreamEvents(t.container.db, incidentId);
  return events
    .filter((e) => e.type.startsWith('incident.deadline_') && e.data['kind'] === 'postmortem_due')
    .map((e) => ({ type: e.type, notified: e.data['notified'], metBy: e.data['metBy'] }));
}

async function answerAndSubmit(key: string) {
  const view = (await inject(owner, 'GET', pm(key))).json();
  for (const s of view.sections as { id: string; required: boolean }[]) {
    if (s.required)
      await inject(owner, 'PUT', `${pm(key)}/sections/${s.id}`, { body: `On ${s.id}.` });
  }
  const submitted = await inject(owner, 'POST', `${pm(key)}/submit`);
  expect(submitted.statusCode, submitted.body).toBe(200);
}

describe('a required post-mortem', () => {
  it('its draft is due 5 business days after resolution: the owner is reminded, the security lead told at the breach, sending it to review meets it', async () => {
    t.clock.set('2026-03-02T09:00:00Z');
    const incident = await declareOwned(t, owner.userId, 'Token leak', 'P1');
    expect((await move(owner, incident.key, 'recovery')).statusCode).toBe(200);
    const due = await t.container.db
      .selectFrom('deadlines')
      .selectAll()
      .where('subject_id', '=', incident.id)
      .where('kind', '=', 'postmortem_due')
      .execute();
    // Resolved on Monday 09:00: five business days later is the next Monday 09:00.
    expect(due.map((d) => [d.status, new Date(Number(d.due_at)).toISOString()])).toEqual([
      ['pending', '2026-03-09T09:00:00.000Z'],
    ]);
    expect(due[0]!.responsible_id).toBe(owner.userId);

    await tickAt('2026-03-06T00:00:00Z'); // past half the time
    await tickAt('2026-03-09T09:01:00Z'); // past the due time
    const steps = await clockEvents(incident.id);
    expect(steps.map((s) => [s.type, s.notified])).toEqual([
      ['incident.deadline_reminded', [owner.userId]],
      ['incident.deadline_breached', expect.arrayContaining([lead.userId, lead2.userId])],
    ]);
    const notices = await t.container.db
      .selectFrom('outbox')
      .select(['recipient', 'subject'])
      .where('subject', 'like', '%send the post-mortem to review%')
      .execute();
    expect(notices.length).toBeGreaterThanOrEqual(2);

    expect((await inject(owner, 'POST', pm(incident.key))).statusCode).toBe(201);
    await answerAndSubmit(incident.key);
    const met = await clockEvents(incident.id);
    expect(met.at(-1)).toMatchObject({
      type: 'incident.deadline_met',
      metBy: 'postmortem.submitted',
    });
    const [row] = await t.container.db
      .selectFrom('deadlines')
      .select(['status', 'met_by'])
      .where('subject_id', '=', incident.id)
      .where('kind', '=', 'postmortem_due')
      .execute();
    expect(row).toEqual({ status: 'met', met_by: 'postmortem.submitted' });
  });

  it('closing before approval is refused naming it; named reviewers approve, two of them, each once; then it closes', async () => {
    const incident = await declareOwned(t, owner.userId, 'Session fixation', 'P1');
    await move(owner, incident.key, 'recovery');
    await move(owner, incident.key, 'lessons_learned');

    const refused = await move(lead, incident.key, 'closed');
    expect(refused.statusCode).toBe(422);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json().failedChecks).toEqual([
      {
        code: 'postmortem_approved',
        check: 'postmortem_approved',
        phase: 'lessons_learned',
        reason:
          'The post-mortem the policy requires (severity P1; the line stopped) is not approved: none has been started',
      },
    ]);
    // The incident page says what keeps it open before anyone tries.
    const page = (await inject(lead, 'GET', `/api/v1/incidents/${incident.key}`)).json();
    expect(page.exitChecksFailing.map((c: { code: string }) => c.code)).toEqual([
      'postmortem_approved',
    ]);

    const started = await inject(owner, 'POST', pm(incident.key));
    expect(started.json()).toMatchObject({
      requiredBecause: ['severity P1', 'the line stopped'],
      approvalsRequired: 2,
      reviewerIds: [],
    });
    // Reviewers: active staff, at least as many as the approvals the policy asks.
    const few = await inject(owner, 'PUT', `${pm(incident.key)}/reviewers`, {
      reviewerIds: [lead.userId],
    });
    expect(few.statusCode).toBe(400);
    expect(few.json().errors[0].field).toBe('reviewerIds');
    const unknown = await inject(owner, 'PUT', `${pm(incident.key)}/reviewers`, {
      reviewerIds: [lead.userId, 'nobody-at-all'],
    });
    expect(unknown.statusCode).toBe(400);
    const named = await inject(owner, 'PUT', `${pm(incident.key)}/reviewers`, {
      reviewerIds: [lead.userId, lead2.userId],
    });
    expect(named.statusCode, named.body).toBe(200);
    expect(named.json().reviewerIds).toEqual([lead.userId, lead2.userId]);
    const owned = await inject(owner, 'PUT', `${pm(incident.key)}/owner`, { ownerId: lead.userId });
    expect(owned.json().ownerId).toBe(lead.userId);

    await answerAndSubmit(incident.key);
    const inReview = await move(lead, incident.key, 'closed');
    expect(inReview.json().failedChecks[0].reason).toMatch(/is not approved: it is in review$/);

    const notNamed = await inject(outsider, 'POST', `${pm(incident.key)}/approve`);
    expect(notNamed.statusCode).toBe(403);
    expect(notNamed.json().rule).toBe('postmortem.reviewers');
    const first = await inject(lead, 'POST', `${pm(incident.key)}/approve`);
    expect(first.json()).toMatchObject({
      status: 'in_review',
      approvals: [{ userId: lead.userId }],
    });
    const again = await inject(lead, 'POST', `${pm(incident.key)}/approve`);
    expect(again.statusCode).toBe(422);
    expect((await move(lead, incident.key, 'closed')).statusCode).toBe(422);
    const second = await inject(lead2, 'POST', `${pm(incident.key)}/approve`);
    expect(second.json()).toMatchObject({ status: 'approved', approvedBy: lead2.userId });

    const closed = await move(lead, incident.key, 'closed');
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().phase).toBe('closed');
    const types = (await listStreamEvents(t.container.db, started.json().id)).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'postmortem.reviewers_set',
        'postmortem.owner_set',
        'postmortem.approved',
      ]),
    );
  });

  it('may not be skipped; one that is not required may, with the reason recorded', async () => {
    const critical = await declareOwned(t, owner.userId, 'Invoice leak', 'P1');
    const refused = await inject(lead, 'POST', `${pm(critical.key)}/skip`, { reason: 'busy' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({
      rule: 'learning.postmortem.mayBeSkipped',
      requiredBecause: ['severity P1', 'the line stopped'],
    });

    const minor = await declareOwned(t, owner.userId, 'Verbose error page', 'P2');
    const byResponder = await inject(owner, 'POST', `${pm(minor.key)}/skip`, { reason: 'x' });
    expect(byResponder.statusCode).toBe(403);
    const empty = await inject(lead, 'POST', `${pm(minor.key)}/skip`, { reason: '  ' });
    expect(empty.statusCode).toBe(400);
    const skipped = await inject(lead, 'POST', `${pm(minor.key)}/skip`, {
      reason: 'A one-line fix with no customer impact; <script>alert(1)</script> noted',
    });
    expect(skipped.statusCode, skipped.body).toBe(200);
    expect(skipped.json()).toMatchObject({
      status: 'skipped',
      requiredBecause: [],
      skipReason: 'A one-line fix with no customer impact; <script>alert(1)</script> noted',
      skippedBy: lead.userId,
    });
    const write = await inject(owner, 'PUT', `${pm(minor.key)}/sections/impact`, { body: 'x' });
    expect(write.statusCode).toBe(422);
  });

  it('a breached deadline makes it required', async () => {
    t.clock.set('2026-03-10T09:00:00Z');
    await signInAgain();
    const minor = await declareOwned(t, owner.userId, 'Open redirect', 'P2');
    const before = await inject(owner, 'POST', pm(minor.key));
    expect(before.json().requiredBecause).toEqual([]);
    await tickAt('2026-03-10T13:01:00Z'); // P2: respond within 4 h
    const after = await inject(owner, 'GET', pm(minor.key));
    expect(after.json().requiredBecause).toEqual(['a deadline was breached']);
  });
});

// Who is on call, where the policy names people (issue 21, item 2): with `on_call` as the triage
// rota (notices.newReport) a new report is told to the person on call and to nobody else; an
// override moves it to whoever covers; with notices.onCall.assignIncidents an incident's
// automatic owner is the responder on call; and with `on_call` first in clocks.escalateTo a missed
// deadline goes to whoever is on call when it is missed. Time through the injected clock; the
// notices are read from the outbox they are enqueued in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { createTokenFor, createUser } from '../helpers/auth.ts';
import { receiveReport } from '../helpers/incidents-context.ts';
import { DEFAULT_POLICY_TEXT, writeEditedPolicyFragment } from '../helpers/policies.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

function edited(...edits: [string, string][]): string {
  let text = DEFAULT_POLICY_TEXT;
  for (const [from, to] of edits) {
    if (text.split(from).length !== 2) throw new Error(`"${from}" must occur once`);
    text = text.replace(from, to);
  }
  return writeEditedPolicyFragment(text, 'policy.yaml');
}

const ON_CALL_POLICY = edited(
  [
    '  newReport: [responder, security_lead]\n',
    '  newReport: [on_call]\n  onCall:\n    schedule: Security on call\n    assignIncidents: true\n',
  ],
  [
    '  escalateTo: [security_lead, executive_sponsor]\n',
    '  escalateTo: [on_call, security_lead, executive_sponsor]\n',
  ],
);

let t: TestApp;
type Headers = Record<string, string>;
let lead: Headers;
let ana: { id: string; email: string };
let ben: { id: string; email: string };
let cem: { id: string; email: string };
let scheduleId: string;

beforeAll(async () => {
  t = await createTestApp({
    clock: new FakeClock('2026-03-02T10:00:00Z'),
    env: { STOPLINE_POLICY: ON_CALL_POLICY },
  });
  lead = (await createTokenFor(t, 'security_lead')).headers;
  ana = await createUser(t, { roles: ['responder'], email: 'ana@example.org' });
  ben = await createUser(t, { roles: ['responder'], email: 'ben@example.org' });
  cem = await createUser(t, { roles: ['responder'], email: 'cem@example.org' });
  // Daily hand-off at 09:00 UTC: Ana on 2 March, Ben on 3 March, Cem on 4 March.
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/on-call/schedules',
    headers: lead,
    payload: {
      name: 'Security on call',
      rotation: {
        timeZone: 'UTC',
        startsOn: '2026-03-02',
        shifts: [{ start: '09:00', length: '1d' }],
        members: [ana.id, ben.id, cem.id],
      },
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  scheduleId = res.json().id;
});
afterAll(async () => t.close());

async function told(keyLike: string): Promise<string[]> {
  const rows = await t.container.db
    .selectFrom('outbox')
    .select('recipient')
    .where('idempotency_key', 'like', keyLike)
    .execute();
  return rows.map((r) => r.recipient).sort();
}

/** A report from the public side; answers its id. */
const submit = async (summary: string) => ({ reportId: (await receiveReport(t, summary)).id });

describe('on_call in the policy', () => {
  it('a new report is told to the person on call, and only to them', async () => {
    const receipt = await submit('Open redirect on the login page');
    expect(await told(`report-received:${receipt.reportId}%`)).toEqual(['ana@example.org']);
  });

  it('an override moves it to whoever covers', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/on-call/schedules/${scheduleId}/overrides`,
      headers: lead,
      payload: { userId: cem.id, from: '2026-03-02T10:00:00Z', to: '2026-03-02T12:00:00Z' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const receipt = await submit('XSS in the search box');
    expect(await told(`report-received:${receipt.reportId}%`)).toEqual(['cem@example.org']);
  });

  it("an incident's automatic owner is the responder on call", async () => {
    t.clock.set('2026-03-03T09:00:00Z'); // Ben's shift begins
    const opened = await t.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: lead,
      payload: { title: 'Leaked deploy key' },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const key = opened.json().key as string;
    const assigned = await t.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${key}/owner`,
      headers: lead,
      payload: {},
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json().ownerId).toBe(ben.id);
  });

  it('a missed deadline goes first to whoever is on call when it is missed', async () => {
    t.clock.set('2026-03-03T10:00:00Z');
    const receipt = await submit('Directory listing on the CDN');
    // The acknowledgment is due 24 h later; by then Cem's shift (from 4 March 09:00) runs.
    t.clock.set('2026-03-04T10:00:01Z');
    await new Scheduler({
      deadlines: t.container.services.clocks,
      pages: t.container.services.notifications,
      clock: t.clock,
    }).tick(t.clock.now());
    const deadline = await t.container.db
      .selectFrom('deadlines')
      .select('id')
      .where('subject_id', '=', receipt.reportId)
      .where('kind', '=', 'reporter_acknowledgment')
      .executeTakeFirstOrThrow();
    const breach = await t.container.db
      .selectFrom('outbox')
      .select(['recipient', 'idempotency_key'])
      .where('idempotency_key', 'like', `deadline:${deadline.id}:%`)
      .execute();
    const stages = breach.filter((m) => m.idempotency_key.includes(cem.id));
    expect(stages.map((m) => m.recipient)).toContain('cem@example.org');
  });
});

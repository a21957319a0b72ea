// Listing the changes to the policy reads each table once for all the post-mortems listed: the
// statements the page sends do not grow with the number of post-mortems (it read each post-mortem
// and its incident's record one by one: 13 statements a post-mortem). What it lists is
// the same; a restricted incident's proposals still reach only its participants.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { createUser, signIn } from '../helpers/auth.ts';
import { declareOwned } from '../helpers/incidents-context.ts';
import { StatementRecorder } from '../helpers/statements.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const recorder = new StatementRecorder();
let t: TestApp;
let owner: { id: string; headers: Record<string, string> };
let outsider: { id: string; headers: Record<string, string> };
const restricted: string[] = [];

async function person(role: string) {
  const user = await createUser(t, { roles: [role] });
  return { id: user.id, headers: await signIn(t, user.email, user.password) };
}

/** Declared on the emergency override (a departure from the policy: a proposal), post-mortem started. */
async function postmortems(count: number, from: number) {
  for (let i = from; i < from + count; i++) {
    const hidden = i % 5 === 0;
    const incident = await declareOwned(t, owner.id, `Case ${i}`, 'P2', hidden);
    if (hidden) restricted.push(incident.key);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${incident.key}/postmortem`,
      headers: owner.headers,
    });
    expect(res.statusCode, res.body).toBe(201);
  }
}

/** The changes listed to this person, and the statements the request sent. */
async function listed(who: { headers: Record<string, string> }) {
  const { result, statements } = await recorder.during(() =>
    t.app.inject({ method: 'GET', url: '/api/v1/policy/proposed-changes', headers: who.headers }),
  );
  expect(result.statusCode, result.body).toBe(200);
  const items = result.json().items as { incident: { key: string } }[];
  return { keys: new Set(items.map((c) => c.incident.key)), statements: statements.length };
}

beforeAll(async () => {
  t = await createTestApp({
    clock: new FakeClock('2026-03-02T09:00:00Z'),
    overrides: { databasePlugins: [recorder] },
  });
  owner = await person('responder');
  outsider = await person('responder');
});
afterAll(() => t.close());

describe('listing the changes to the policy', () => {
  it('sends as many statements for 30 post-mortems as for 3, restricted ones still hidden', async () => {
    await postmortems(3, 0);
    const few = await listed(owner);
    const fewOutside = await listed(outsider);
    expect(few.keys.size).toBe(3);
    expect(fewOutside.keys.size).toBe(2);

    await postmortems(27, 3);
    const many = await listed(owner);
    const manyOutside = await listed(outsider);
    expect(many.keys.size).toBe(30);
    expect(manyOutside.keys.size).toBe(24);
    expect(restricted.every((key) => many.keys.has(key))).toBe(true);
    expect(restricted.some((key) => manyOutside.keys.has(key))).toBe(false);

    expect(many.statements).toBe(few.statements);
    expect(manyOutside.statements).toBe(fewOutside.statements);
    // A handful: the session, the hidden incidents, the post-mortems' ids, their three tables,
    // the incidents' states and their records.
    expect(many.statements).toBeLessThanOrEqual(20);
  });
});

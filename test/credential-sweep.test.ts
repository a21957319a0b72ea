// Housekeeping: sessions and links that ended long ago, finished sign-in flows and stale failure
// counters are deleted; live sessions are untouched and keep working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY } from '../src/server/clock.ts';
import { SWEEP_KEEP_DAYS } from '../src/server/domain/accounts/index.ts';
import { createUser, signIn } from './helpers/auth.ts';
import { countRows, createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const rows = (table: 'sessions' | 'sign_in_counters' | 'one_time_links') => countRows(t, table);

describe('sweeping expired credentials', () => {
  it('deletes what expired over the keep period ago and keeps what still works', async () => {
    const old = await createUser(t, { roles: ['responder'] });
    await signIn(t, old.email, old.password);
    // A failed sign-in leaves a counter behind.
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { email: old.email, password: 'wrong password, clearly' },
    });
    expect(await rows('sessions')).toBe(1);
    expect(await rows('sign_in_counters')).toBeGreaterThan(0);

    t.clock.advance((SWEEP_KEEP_DAYS + 2) * DAY);
    const fresh = await createUser(t, { roles: ['responder'] });
    const headers = await signIn(t, fresh.email, fresh.password);

    const removed = await t.container.services.accounts.sweepExpired();
    expect(removed.sessions).toBe(1);
    expect(removed.counters).toBeGreaterThan(0);
    expect(removed.links).toBeGreaterThanOrEqual(1);
    expect(await rows('sessions')).toBe(1);
    expect(await rows('sign_in_counters')).toBe(0);

    // The live session still answers; a second sweep finds nothing more.
    const me = await t.app.inject({ url: '/api/v1/session', headers });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.email).toBe(fresh.email);
    expect(await t.container.services.accounts.sweepExpired()).toEqual({
      sessions: 0,
      oidcLogins: 0,
      links: 0,
      counters: 0,
    });
  });
});

// Housekeeping is a singleton duty: of two instances on one database exactly one holds its lease
// and runs it; when the holder hangs (stops beating), the other takes over once the lease has run
// out, and the old holder's next beat finds it lost and runs nothing. Time moves by a fake clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SINGLETON_LEASE_MS } from '../../src/server/workers/index.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { FakeClock } from '../../src/server/clock.ts';

let a: TestApp;
let b: TestApp;
const clock = new FakeClock('2026-12-04T09:00:00Z');

beforeAll(async () => {
  a = await createTestApp({ clock });
  // A second instance on the same database (on SQLite: a second connection to the same file).
  b = await createTestApp({ clock, database: a.database });
});
afterAll(async () => {
  await b.close();
  await a.close();
});

describe('the housekeeping lease', () => {
  it('one instance runs housekeeping; the other takes over within the lease after the holder hangs', async () => {
    const leaseA = a.container.workers.housekeepingLease;
    const leaseB = b.container.workers.housekeepingLease;
    const ran: string[] = [];
    const duty = (who: string) => async () => void ran.push(who);

    expect(await leaseA.runIfHeld(duty('a'))).toBe(true);
    expect(await leaseB.runIfHeld(duty('b'))).toBe(false);
    expect(ran).toEqual(['a']);

    // A renews on its heartbeat: B still cannot take it, however long it runs.
    for (let i = 0; i < 5; i++) {
      clock.advance(30_000);
      expect(await leaseA.beat()).toBe(true);
      expect(await leaseB.beat()).toBe(false);
    }

    // A hangs: no beat. Until the lease runs out B waits; a millisecond after, B holds it.
    clock.advance(SINGLETON_LEASE_MS);
    expect(await leaseB.beat()).toBe(false);
    clock.advance(1);
    expect(await leaseB.runIfHeld(duty('b'))).toBe(true);

    // A wakes up: its next beat finds the lease lost, and it runs nothing.
    clock.advance(1000);
    expect(await leaseA.runIfHeld(duty('a'))).toBe(false);
    expect(leaseA.held).toBe(false);
    expect(ran).toEqual(['a', 'b']);

    // B shuts down cleanly: it lets go, and A takes the duty at once.
    await leaseB.release();
    expect(await leaseA.runIfHeld(duty('a'))).toBe(true);
    expect(ran).toEqual(['a', 'b', 'a']);
  });
});

// The scheduler's singleton duties (issue 19, item 2): moving scheduled maintenance on the status
// page and releasing embargoed advisories each run on one instance, the one holding the duty's
// lease. Two instances share one database (PostgreSQL; on SQLite two connections to one file) and
// one injected clock: the holder hangs (no tick, no heartbeat), the other instance takes the duty
// over once the lease has run out, at most SINGLETON_LEASE_MS after the holder's last beat, and the
// holder coming back does nothing a second time. While an embargo is due and another instance holds
// its release, the disclosure date's deadline is not breached by the instance that waits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import type { DeadlineJson } from '../../src/shared/api/deadlines.ts';
import { SINGLETON_LEASE_MS } from '../../src/server/workers/index.ts';
import { createTokenFor } from '../helpers/auth.ts';
import { addStatusComponent } from '../helpers/status.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let a: TestApp;
let b: TestApp;
type Headers = Record<string, string>;
let comms: Headers;
let lead: Headers;
let responder: Headers;
const clock = new FakeClock('2026-12-04T09:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

async function call(
  app: TestApp,
  headers: Headers,
  method: 'GET' | 'POST',
  url: string,
  payload?: object,
) {
  const res = await app.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
}

/** One instance's scheduler tick at the shared clock's time. */
const tick = (app: TestApp) => app.container.workers.scheduler.tick(clock.now());

beforeAll(async () => {
  a = await createTestApp({ clock });
  // A second instance on the same database (on SQLite: a second connection to the same file).
  b = await createTestApp({ clock, database: a.database });
  comms = (await createTokenFor(a, 'comms')).headers;
  lead = (await createTokenFor(a, 'security_lead')).headers;
  responder = (await createTokenFor(a, 'responder')).headers;
});
afterAll(async () => {
  await b.close();
  await a.close();
});

describe('scheduled maintenance', () => {
  it('is moved by the lease holder; when it hangs the other instance moves it within the lease, and the holder coming back moves nothing', async () => {
    const api = await addStatusComponent(a, 'API');
    const start = clock.now() + HOUR;
    const { id } = await call(a, comms, 'POST', '/api/v1/status/maintenances', {
      name: 'Database upgrade',
      body: 'We upgrade the database.',
      scheduledFor: iso(start),
      scheduledUntil: iso(start + HOUR),
      componentIds: [api],
    });
    const updates = async () =>
      (await call(b, comms, 'GET', `/api/v1/status/maintenances/${id}`)).updates.map(
        (u: { status: string }) => u.status,
      );

    // A minute before the window both instances tick: A holds the duty, B does not.
    clock.set(start - MINUTE);
    await tick(a);
    await tick(b);
    expect(a.container.workers.maintenanceLease.held).toBe(true);
    expect(b.container.workers.maintenanceLease.held).toBe(false);

    // A hangs. At the window's start its lease still runs: B waits, the move waits with it.
    clock.set(start);
    await tick(b);
    expect(b.container.workers.maintenanceLease.held).toBe(false);
    expect(await updates()).toEqual(['scheduled']);

    // A millisecond after A's lease ran out, B takes the duty over and moves the maintenance.
    clock.set(start - MINUTE + SINGLETON_LEASE_MS + 1);
    expect(await tick(b)).toBe(1);
    expect(b.container.workers.maintenanceLease.held).toBe(true);
    expect(await updates()).toEqual(['scheduled', 'in_progress']);

    // A comes back: its tick finds the lease lost and moves nothing; a round it had begun
    // before it hung finds the step recorded and records it no second time.
    clock.advance(1000);
    expect(await tick(a)).toBe(0);
    expect(a.container.workers.maintenanceLease.held).toBe(false);
    expect(await a.container.services.status.runDueMaintenance(clock.now())).toBe(0);
    expect(await updates()).toEqual(['scheduled', 'in_progress']);
  });
});

describe('the embargo release', () => {
  it('is published once by the lease holder, its disclosure deadline met, though the holder hung at the date', async () => {
    const made = await call(a, responder, 'POST', '/api/v1/vulnerabilities', {
      title: 'Released by whoever holds the lease',
    });
    const key = made.key as string;
    await call(a, responder, 'POST', `/api/v1/vulnerabilities/${key}/status`, {
      to: 'accepted',
      reason: 'Reproduced',
    });
    const at = clock.now() + 2 * DAY;
    await call(a, lead, 'POST', `/api/v1/vulnerabilities/${key}/embargo`, {
      disclosureAt: iso(at),
      reason: 'Agreed with the reporter',
    });
    const vulnerability = async () =>
      call(b, lead, 'GET', `/api/v1/vulnerabilities/${key}`) as Promise<{
        status: string;
        publishedAt: string | null;
      }>;
    const disclosureDeadline = async () => {
      const all = (await call(b, lead, 'GET', '/api/v1/deadlines?state=all&limit=500'))
        .items as DeadlineJson[];
      return all.find((d) => d.subjectKey === key && d.kind === 'disclosure_date');
    };
    const breachesRecorded = async () =>
      (
        await a.container.db
          .selectFrom('deadlines')
          .select(['kind', 'breached_at'])
          .where('breached_at', 'is not', null)
          .execute()
      ).map((d) => d.kind);
    const published = () =>
      a.container.db
        .selectFrom('events')
        .innerJoin('vulnerabilities', 'vulnerabilities.id', 'events.stream_id')
        .select('events.id')
        .where('vulnerabilities.key', '=', key)
        .where('events.type', '=', 'vulnerability.published')
        .execute();

    clock.set(at - MINUTE);
    await tick(a);
    await tick(b);
    expect(a.container.workers.embargoReleaseLease.held).toBe(true);
    expect(b.container.workers.embargoReleaseLease.held).toBe(false);

    // A hangs at the date. B neither publishes nor breaches the deadline A's release would meet.
    clock.set(at);
    await tick(b);
    expect((await vulnerability()).status).toBe('embargoed');
    // (The API calls a pending deadline past its time breached; none was recorded as missed.)
    expect(await disclosureDeadline()).toMatchObject({ status: 'pending' });
    expect(await breachesRecorded()).toEqual([]);

    // Once A's lease has run out, B releases it (late by the lease at most), the deadline met.
    clock.set(at - MINUTE + SINGLETON_LEASE_MS + 1);
    await tick(b);
    expect(b.container.workers.embargoReleaseLease.held).toBe(true);
    expect(await vulnerability()).toMatchObject({
      status: 'published',
      publishedAt: iso(clock.now()),
    });
    expect(await disclosureDeadline()).toMatchObject({ status: 'met', breached: false });
    expect(await breachesRecorded()).toEqual([]);

    // A comes back: nothing is published a second time, by its tick or by a round it had begun.
    clock.advance(1000);
    await tick(a);
    expect(a.container.workers.embargoReleaseLease.held).toBe(false);
    expect(await a.container.services.disclosure.releaseDueEmbargoes(clock.now())).toBe(0);
    expect(await published()).toHaveLength(1);
  });

  it('goes to the other instance at once when the holder shuts down', async () => {
    await tick(b);
    expect(b.container.workers.embargoReleaseLease.held).toBe(true);
    await b.container.workers.stop();
    expect(b.container.workers.embargoReleaseLease.held).toBe(false);
    await tick(a);
    expect(a.container.workers.embargoReleaseLease.held).toBe(true);
    expect(a.container.workers.maintenanceLease.held).toBe(true);
  });
});

// Rescheduling and cancelling a scheduled maintenance (issue 13, item 5): the communications lead
// moves a window that has not opened (its subscribers hear it was rescheduled, the reminder comes
// again before the new window, and the scheduler moves it at the new window's edges only, once
// even with two instances ticking), or calls one off before it begins (whoever was told of it
// hears, and nobody else). Both are decisions on the maintenance's record, with who and the text.
// Injected clock; e-mail through the outbox to a real SMTP server.
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpScheduledMaintenances } from '../../src/shared/api/statuspage.ts';
import { FakeClock } from '../../src/server/clock.ts';
import { createTokenFor, loginAs } from '../helpers/auth.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/delivery.ts';
import { recipientsOf, statusSubscriptions, succeeding } from '../helpers/status.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { testDialect } from '../helpers/test-db.ts';

let t: TestApp;
let smtp: SmtpReceiver;
type Headers = Record<string, string>;
let admin: Headers;
let comms: Headers;
let commsId: string;
let api: string;
let web: string;
const call = succeeding(() => t);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const { deliver, subscribed } = statusSubscriptions(() => t, {
  get port() {
    return smtp.port;
  },
  get received() {
    return smtp.received;
  },
});

const tick = () => t.container.workers.scheduler.tick(t.clock.now());
const iso = (ms: number) => new Date(ms).toISOString();
const addresses = (mails: ParsedMail[]) => mails.flatMap(recipientsOf).sort();
const post = (url: string, headers: Headers, payload: object) =>
  t.app.inject({ method: 'POST', url, headers, payload });

async function recorded(id: string) {
  const rows = await t.container.db
    .selectFrom('events')
    .select(['type', 'actor_id', 'data_json'])
    .where('stream_id', '=', id)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    type: r.type,
    actorId: r.actor_id,
    data: JSON.parse(r.data_json) as Record<string, unknown>,
  }));
}

beforeAll(async () => {
  t = await createTestApp({ clock: new FakeClock(Date.parse('2026-03-02T08:00:00Z')) });
  smtp = await startSmtpReceiver();
  admin = (await createTokenFor(t, 'admin')).headers;
  const c = await createTokenFor(t, 'comms');
  comms = c.headers;
  commsId = c.userId;
  api = (await call('POST', '/api/v1/status/components', admin, { name: 'API' })).id;
  web = (await call('POST', '/api/v1/status/components', admin, { name: 'Web app' })).id;
  await subscribed('api-fan@example.org', [api]);
  await subscribed('web-fan@example.org', [web]);
  await subscribed('everything@example.org');
});
afterAll(async () => {
  await smtp.stop();
  await t.close();
});

describe('rescheduling a maintenance', () => {
  it('moves the window: subscribers hear it was rescheduled, the reminder and the moves follow the new window only, once', async () => {
    const start = t.clock.now() + 3 * HOUR;
    const created = await call('POST', '/api/v1/status/maintenances', comms, {
      name: 'Database upgrade',
      body: 'The API is read-only.',
      scheduledFor: iso(start),
      scheduledUntil: iso(start + 2 * HOUR),
      componentIds: [api],
      noticeBeforeMinutes: 30,
    });
    const id = created.id as string;
    expect(addresses(await deliver())).toEqual(['api-fan@example.org', 'everything@example.org']);

    // The old window's reminder goes out.
    t.clock.set(start - 30 * MINUTE);
    expect(await tick()).toBe(1);
    expect((await deliver()).map((m) => m.subject)).toEqual([
      '[Service status] Database upgrade: Maintenance begins soon',
      '[Service status] Database upgrade: Maintenance begins soon',
    ]);

    // A window that ends before it starts: 400 naming the field, nothing recorded or sent.
    const url = `/api/v1/status/maintenances/${id}/reschedule`;
    const bad = await post(url, comms, {
      scheduledFor: iso(start + 26 * HOUR),
      scheduledUntil: iso(start + 25 * HOUR),
      body: 'Moved.',
    });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(['scheduledUntil']);
    const same = await post(url, comms, {
      scheduledFor: iso(start),
      scheduledUntil: iso(start + 2 * HOUR),
      body: 'Moved.',
    });
    expect(same.statusCode).toBe(400);
    expect(same.json().errors.map((e: { field: string }) => e.field)).toEqual(['scheduledFor']);
    // Only who may publish: a responder is refused.
    const responder = (await loginAs(t, 'responder')).headers;
    const refused = await post(url, responder, {
      scheduledFor: iso(start + 24 * HOUR),
      scheduledUntil: iso(start + 26 * HOUR),
      body: 'Moved.',
    });
    expect(refused.statusCode).toBe(403);
    expect(await deliver()).toEqual([]);

    // Moved by a day.
    const newStart = start + 24 * HOUR;
    const newEnd = newStart + 2 * HOUR;
    const moved = await call('POST', url, comms, {
      scheduledFor: iso(newStart),
      scheduledUntil: iso(newEnd),
      body: 'We moved the upgrade to **tomorrow**.',
      expectedVersion: created.version + 1,
    });
    expect(moved).toMatchObject({
      status: 'scheduled',
      scheduledFor: iso(newStart),
      scheduledUntil: iso(newEnd),
      remindedAt: null,
      cancelledAt: null,
    });
    const mails = await deliver();
    expect(addresses(mails)).toEqual(['api-fan@example.org', 'everything@example.org']);
    expect(mails[0]!.subject).toBe('[Service status] Database upgrade: Rescheduled');
    expect(mails[0]!.text).toContain(`Window: ${iso(newStart)} to ${iso(newEnd)}`);
    expect(mails[0]!.text).toContain('We moved the upgrade to **tomorrow**.');
    const upcoming = SpScheduledMaintenances.parse(
      (await t.app.inject({ url: '/api/v2/scheduled-maintenances/upcoming.json' })).json(),
    );
    expect(upcoming.scheduled_maintenances.find((m) => m.id === id)).toMatchObject({
      scheduled_for: iso(newStart),
      scheduled_until: iso(newEnd),
    });

    // The decision is on the record: the old and the new window, the text, who.
    const events = await recorded(id);
    expect(events.map((e) => e.type)).toEqual([
      'status.maintenance_scheduled',
      'status.maintenance_reminded',
      'status.maintenance_rescheduled',
    ]);
    expect(events[2]).toMatchObject({
      actorId: commsId,
      data: {
        previousFor: start,
        previousUntil: start + 2 * HOUR,
        scheduledFor: newStart,
        scheduledUntil: newEnd,
        body: 'We moved the upgrade to **tomorrow**.',
        reminded: false,
      },
    });

    // The old window's edges pass with nothing.
    t.clock.set(start);
    expect(await tick()).toBe(0);
    t.clock.set(start + 2 * HOUR);
    expect(await tick()).toBe(0);
    expect(await deliver()).toEqual([]);

    // The reminder again, once, before the new window.
    t.clock.set(newStart - 30 * MINUTE);
    expect(await tick()).toBe(1);
    expect(await tick()).toBe(0);
    expect((await deliver()).map((m) => m.text?.split('\n')[0])).toEqual([
      `Scheduled maintenance begins at ${iso(newStart)}.`,
      `Scheduled maintenance begins at ${iso(newStart)}.`,
    ]);

    // Begun at the new start, exactly once even with two instances ticking.
    const second =
      testDialect === 'postgres'
        ? await createTestApp({ database: t.database, clock: t.clock })
        : t;
    try {
      t.clock.set(newStart);
      const ticks = await Promise.all([
        t.container.workers.scheduler.tick(newStart),
        second.container.workers.scheduler.tick(newStart),
        t.container.workers.scheduler.tick(newStart),
      ]);
      expect(ticks.reduce((a, b) => a + b, 0)).toBe(1);
    } finally {
      if (second !== t) await second.close();
    }
    expect(addresses(await deliver())).toEqual(['api-fan@example.org', 'everything@example.org']);
    const begun = await call('GET', `/api/v1/status/maintenances/${id}`, comms);
    expect(begun.updates.map((u: { status: string }) => u.status)).toEqual([
      'scheduled',
      'scheduled',
      'in_progress',
    ]);

    // Once begun it can be neither moved nor called off.
    for (const [path, payload] of [
      ['reschedule', { scheduledFor: iso(newStart + HOUR), scheduledUntil: iso(newEnd + HOUR) }],
      ['cancel', {}],
    ] as const) {
      const res = await post(`/api/v1/status/maintenances/${id}/${path}`, comms, {
        ...payload,
        body: 'Too late.',
      });
      expect(res.statusCode, path).toBe(422);
      expect(res.json().detail).toContain('in_progress');
    }
    t.clock.set(newEnd);
    expect(await tick()).toBe(1);
    await deliver();
  });

  it('counts the rescheduled notice as the reminder when the new window is already within its notice time', async () => {
    const start = t.clock.now() + 5 * HOUR;
    const { id } = await call('POST', '/api/v1/status/maintenances', comms, {
      name: 'Soon',
      body: 'A restart.',
      scheduledFor: iso(start),
      scheduledUntil: iso(start + HOUR),
      componentIds: [web],
      noticeBeforeMinutes: 60,
    });
    await deliver();
    const moved = await call('POST', `/api/v1/status/maintenances/${id}/reschedule`, comms, {
      scheduledFor: iso(t.clock.now() + 20 * MINUTE),
      scheduledUntil: iso(t.clock.now() + 80 * MINUTE),
      body: 'Sooner than planned.',
    });
    expect(moved.remindedAt).toBe(iso(t.clock.now()));
    expect((await deliver()).map((m) => m.subject)).toEqual([
      '[Service status] Soon: Rescheduled',
      '[Service status] Soon: Rescheduled',
    ]);
    t.clock.advance(10 * MINUTE);
    expect(await tick()).toBe(0);
    expect(await deliver()).toEqual([]);
    t.clock.advance(10 * MINUTE);
    expect(await tick()).toBe(1);
    expect((await deliver()).map((m) => m.subject)).toEqual([
      '[Service status] Soon: In progress',
      '[Service status] Soon: In progress',
    ]);
    t.clock.advance(HOUR);
    expect(await tick()).toBe(1);
    await deliver();
  });
});

describe('cancelling a maintenance', () => {
  it('before it begins: whoever was told hears it is cancelled, nobody else; it takes nothing down and the scheduler leaves it', async () => {
    const start = t.clock.now() + 4 * HOUR;
    const { id, version } = await call('POST', '/api/v1/status/maintenances', comms, {
      name: 'Failover drill <b>now</b>',
      body: 'The web app fails over.',
      scheduledFor: iso(start),
      scheduledUntil: iso(start + HOUR),
      componentIds: [web],
    });
    expect(addresses(await deliver())).toEqual(['everything@example.org', 'web-fan@example.org']);
    // Subscribed after the announcement: never heard of it, so hears nothing of its cancelling.
    await subscribed('late-web@example.org', [web]);

    const url = `/api/v1/status/maintenances/${id}/cancel`;
    const stale = await post(url, comms, { body: 'Off.', expectedVersion: version + 5 });
    expect(stale.statusCode).toBe(409);
    const viewer = (await loginAs(t, 'viewer')).headers;
    expect((await post(url, viewer, { body: 'Off.' })).statusCode).toBe(403);
    expect((await post(url, {}, { body: 'Off.' })).statusCode).toBe(401);

    t.clock.advance(HOUR);
    const cancelled = await call('POST', url, comms, { body: 'We no longer need the drill.' });
    expect(cancelled).toMatchObject({
      status: 'completed',
      cancelledAt: iso(t.clock.now()),
      startedAt: null,
    });
    const mails = await deliver();
    expect(addresses(mails)).toEqual(['everything@example.org', 'web-fan@example.org']);
    expect(mails[0]!.subject).toBe('[Service status] Failover drill <b>now</b>: Cancelled');
    expect(mails[0]!.text).toContain('Scheduled maintenance: Cancelled');
    expect(mails[0]!.text).toContain('We no longer need the drill.');
    const events = await recorded(id);
    expect(events.at(-1)).toMatchObject({
      type: 'status.maintenance_cancelled',
      actorId: commsId,
      data: { body: 'We no longer need the drill.' },
    });

    // Off the page's upcoming list; its own page says cancelled. Statuspage's JSON has no
    // cancelled state: it leaves every list, as a maintenance deleted on Statuspage does, rather
    // than claim the work was completed.
    const page = await t.app.inject({ url: '/status' });
    expect(page.body).not.toContain('Failover drill');
    const own = await t.app.inject({ url: `/status/maintenance/${id}` });
    expect(own.body).toMatch(/<dt>Status<\/dt>\s*<dd>Cancelled<\/dd>/);
    expect(own.body).toContain('Failover drill &lt;b&gt;now&lt;/b&gt;');
    expect(own.body).not.toContain('<b>now</b>');
    const other = await call('POST', '/api/v1/status/maintenances', comms, {
      name: 'Router swap',
      body: 'Goes ahead.',
      scheduledFor: iso(start + 24 * HOUR),
      scheduledUntil: iso(start + 25 * HOUR),
      componentIds: [web],
    });
    await deliver(); // its announcement; the cancelled one's notices were read above
    for (const list of ['', '/upcoming', '/active']) {
      const url = `/api/v2/scheduled-maintenances${list}.json`;
      const answer = SpScheduledMaintenances.parse((await t.app.inject({ url })).json());
      expect(
        answer.scheduled_maintenances.map((m) => m.id),
        url,
      ).not.toContain(id);
      if (list !== '/active') {
        expect(
          answer.scheduled_maintenances.map((m) => m.id),
          url,
        ).toContain(other.id);
      }
    }
    const listed = (await t.app.inject({ url: '/api/v2/summary.json' })).json();
    expect(JSON.stringify(listed)).not.toContain('Failover drill');

    // Its window passes with nothing: no move, no mail, the web app never under maintenance.
    t.clock.set(start);
    expect(await tick()).toBe(0);
    const summary = (await t.app.inject({ url: '/api/v2/summary.json' })).json();
    expect(summary.components.find((c: { id: string }) => c.id === web).status).toBe('operational');
    t.clock.set(start + 2 * HOUR);
    expect(await tick()).toBe(0);
    expect(await deliver()).toEqual([]);
    const bars = await t.app.inject({ url: '/status' });
    expect(bars.body).not.toContain('Maintenance: Failover drill');

    // Called off once; nothing more.
    for (const [path, payload] of [
      ['cancel', {}],
      [
        'reschedule',
        { scheduledFor: iso(start + 5 * HOUR), scheduledUntil: iso(start + 6 * HOUR) },
      ],
      ['updates', {}],
    ] as const) {
      const res = await post(`/api/v1/status/maintenances/${id}/${path}`, comms, {
        ...payload,
        body: 'Again.',
      });
      expect(res.statusCode, path).toBe(422);
      expect(res.json().detail, path).toContain('cancelled');
    }
  });
});

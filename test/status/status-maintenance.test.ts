// Scheduled maintenance on the public status page (issue 13, item 5): the communications lead
// announces a window on some components; the scheduler, driven by an injected clock, reminds the
// subscribers of those components the set time before it opens, moves it to in progress at its
// start (the components show under maintenance on the page and in /api/v2) and to completed at
// its end, each step once even with two instances ticking the same database. E-mail through the
// outbox to a real SMTP server; the signed webhook checked with `standardwebhooks`.
import type { ParsedMail } from 'mailparser';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpScheduledMaintenances, SpSummary } from '../../src/shared/api/statuspage.ts';
import { FakeClock } from '../../src/server/clock.ts';
import { createTokenFor, loginAs } from '../helpers/auth.ts';
import {
  startHttpReceiver,
  startSmtpReceiver,
  workerFor,
  type HttpReceiver,
  type SmtpReceiver,
} from '../helpers/delivery.ts';
import { recipientsOf, statusSubscriptions, succeeding } from '../helpers/status.ts';
import { countRows, createTestApp, type TestApp } from '../helpers/test-app.ts';
import { testDialect } from '../helpers/test-db.ts';

let t: TestApp;
let smtp: SmtpReceiver;
let receiver: HttpReceiver;
type Headers = Record<string, string>;
let admin: Headers;
let comms: Headers;
let api: string;
let web: string;
const call = succeeding(() => t);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const HOSTILE = 'Database upgrade <script>alert(1)</script>';

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

beforeAll(async () => {
  // Receivers check a webhook's timestamp against their own clock: the story starts at real time.
  t = await createTestApp({ clock: new FakeClock(Date.now()) });
  smtp = await startSmtpReceiver();
  receiver = await startHttpReceiver();
  // Tokens, not sessions: the story runs for hours of the injected clock.
  admin = (await createTokenFor(t, 'admin')).headers;
  comms = (await createTokenFor(t, 'comms')).headers;
  api = (await call('POST', '/api/v1/status/components', admin, { name: 'API' })).id;
  web = (await call('POST', '/api/v1/status/components', admin, { name: 'Web app' })).id;
  await subscribed('api-fan@example.org', [api]);
  await subscribed('web-fan@example.org', [web]);
  await subscribed('everything@example.org');
});
afterAll(async () => {
  await receiver.stop();
  await smtp.stop();
  await t.close();
});

describe('announcing a maintenance', () => {
  it('is refused with a 400 naming the field for a window that ends before it starts, in the past, or an unknown component', async () => {
    const now = t.clock.now();
    const post = (payload: object) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/status/maintenances',
        headers: comms,
        payload: { name: 'Upgrade', body: 'We upgrade.', ...payload },
      });
    const fields = async (payload: object) => {
      const res = await post(payload);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      return (res.json() as { errors: { field: string }[] }).errors.map((e) => e.field);
    };
    expect(
      await fields({ scheduledFor: iso(now + 2 * HOUR), scheduledUntil: iso(now + HOUR) }),
    ).toEqual(['scheduledUntil']);
    expect(
      await fields({ scheduledFor: iso(now - 2 * HOUR), scheduledUntil: iso(now - HOUR) }),
    ).toEqual(['scheduledUntil']);
    expect(
      await fields({
        scheduledFor: iso(now + HOUR),
        scheduledUntil: iso(now + 2 * HOUR),
        componentIds: [api, 'no-such-component'],
      }),
    ).toEqual(['componentIds.1']);
    expect(await fields({ scheduledFor: 'tomorrow', scheduledUntil: iso(now + HOUR) })).toEqual([
      'scheduledFor',
    ]);
    expect(await countRows(t, 'status_maintenances')).toBe(0);
  });

  it('needs status.publish: a responder and a viewer are refused, everyone on staff reads', async () => {
    const now = t.clock.now();
    const payload = {
      name: 'Upgrade',
      body: 'We upgrade.',
      scheduledFor: iso(now + HOUR),
      scheduledUntil: iso(now + 2 * HOUR),
    };
    for (const role of ['responder', 'viewer', 'security_lead', 'legal']) {
      const { headers } = await loginAs(t, role);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/status/maintenances',
        headers,
        payload,
      });
      expect(res.statusCode, role).toBe(403);
      const list = await t.app.inject({ url: '/api/v1/status/maintenances', headers });
      expect(list.statusCode, role).toBe(200);
    }
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/v1/status/maintenances',
      payload,
    });
    expect(anonymous.statusCode).toBe(401);
    expect(await countRows(t, 'status_maintenances')).toBe(0);
  });
});

describe('a maintenance from announcement to completion', () => {
  it('tells its subscribers, reminds them before the window, moves by the scheduler at its edges and shows on the page', async () => {
    const endpoint = await call('POST', '/api/v1/webhook-endpoints', admin, {
      kind: 'standard',
      name: 'Customer monitor',
      url: receiver.url,
      eventTypes: ['status.maintenance_updated'],
    });
    const start = t.clock.now() + 3 * HOUR;
    const end = start + 2 * HOUR;
    const created = await call('POST', '/api/v1/status/maintenances', comms, {
      name: HOSTILE,
      body: 'The API is **read-only** during the upgrade.',
      scheduledFor: iso(start),
      scheduledUntil: iso(end),
      componentIds: [api],
      noticeBeforeMinutes: 30,
    });
    expect(created).toMatchObject({
      status: 'scheduled',
      componentIds: [api],
      noticeBeforeMinutes: 30,
      remindedAt: null,
    });
    const id = created.id as string;

    // Announced: to who follows the API or everything, not to who follows the web app only.
    let mails = await deliver();
    expect(addresses(mails)).toEqual(['api-fan@example.org', 'everything@example.org']);
    expect(mails[0]!.subject).toBe(`[Service status] ${HOSTILE}: Scheduled maintenance`);
    expect(mails[0]!.text).toContain(`Window: ${iso(start)} to ${iso(end)}`);
    expect(mails[0]!.text).toContain('Components: API');
    expect(mails[0]!.text).toContain(`/status/maintenance/${id}`);
    expect(mails[0]!.headerLines.some((h) => h.key === 'list-unsubscribe-post')).toBe(true);
    await receiver.waitFor(1);
    const signed = new Webhook(endpoint.secret).verify(
      receiver.requests[0]!.body,
      receiver.requests[0]!.headers as Record<string, string>,
    ) as { type: string; data: { kind: string; maintenance: { id: string; name: string } } };
    expect(signed.type).toBe('status.maintenance_updated');
    expect(signed.data).toMatchObject({ kind: 'scheduled', maintenance: { id, name: HOSTILE } });
    await call('PATCH', `/api/v1/webhook-endpoints/${endpoint.id}`, admin, { active: false });

    // Upcoming on the page and in the JSON; hostile text inert.
    let page = await t.app.inject({ url: '/status' });
    expect(page.body).toContain('Scheduled maintenance');
    expect(page.body).toContain('Database upgrade &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain('<script');
    expect(page.body).toContain(`href="/status/maintenance/${id}"`);
    const upcoming = SpScheduledMaintenances.parse(
      (await t.app.inject({ url: '/api/v2/scheduled-maintenances/upcoming.json' })).json(),
    );
    expect(upcoming.scheduled_maintenances.map((m) => m.id)).toEqual([id]);
    expect(upcoming.scheduled_maintenances[0]).toMatchObject({
      status: 'scheduled',
      impact: 'maintenance',
      scheduled_for: iso(start),
      scheduled_until: iso(end),
    });

    // Nothing is due yet.
    t.clock.advance(2 * HOUR);
    expect(await tick()).toBe(0);
    expect(await deliver()).toEqual([]);

    // 30 minutes before: the reminder, once.
    t.clock.set(start - 30 * MINUTE);
    expect(await tick()).toBe(1);
    expect(await tick()).toBe(0);
    mails = await deliver();
    expect(addresses(mails)).toEqual(['api-fan@example.org', 'everything@example.org']);
    expect(mails[0]!.subject).toBe(`[Service status] ${HOSTILE}: Maintenance begins soon`);
    expect(mails[0]!.text).toContain(`Scheduled maintenance begins at ${iso(start)}.`);

    // At the start: in progress, the API under maintenance.
    t.clock.set(start);
    expect(await tick()).toBe(1);
    mails = await deliver();
    expect(addresses(mails)).toEqual(['api-fan@example.org', 'everything@example.org']);
    expect(mails[0]!.subject).toBe(`[Service status] ${HOSTILE}: In progress`);
    expect(mails[0]!.text).toContain('Scheduled maintenance is currently in progress.');
    page = await t.app.inject({ url: '/status' });
    expect(page.body).toContain('Service Under Maintenance');
    expect(page.body).toMatch(/API<\/span>\s*<span class="badge badge-under_maintenance">/);
    expect(page.body).toMatch(/Web app<\/span>\s*<span class="badge badge-operational">/);
    const summary = SpSummary.parse((await t.app.inject({ url: '/api/v2/summary.json' })).json());
    expect(summary.status).toEqual({ indicator: 'none', description: 'Service Under Maintenance' });
    expect(summary.components.find((c) => c.id === api)?.status).toBe('under_maintenance');
    expect(summary.scheduled_maintenances.map((m) => [m.id, m.status])).toEqual([
      [id, 'in_progress'],
    ]);
    const active = SpScheduledMaintenances.parse(
      (await t.app.inject({ url: '/api/v2/scheduled-maintenances/active.json' })).json(),
    );
    expect(active.scheduled_maintenances.map((m) => m.id)).toEqual([id]);
    expect(
      SpScheduledMaintenances.parse(
        (await t.app.inject({ url: '/api/v2/scheduled-maintenances/upcoming.json' })).json(),
      ).scheduled_maintenances,
    ).toEqual([]);

    // By hand: verifying; moving back is refused.
    t.clock.advance(HOUR);
    await call('POST', `/api/v1/status/maintenances/${id}/updates`, comms, {
      status: 'verifying',
      body: 'The upgrade is done; we are checking.',
    });
    expect(addresses(await deliver())).toEqual(['api-fan@example.org', 'everything@example.org']);
    const back = await t.app.inject({
      method: 'POST',
      url: `/api/v1/status/maintenances/${id}/updates`,
      headers: comms,
      payload: { status: 'in_progress', body: 'Back again.' },
    });
    expect(back.statusCode).toBe(422);

    // At the end: completed, the API operational again.
    t.clock.set(end);
    expect(await tick()).toBe(1);
    mails = await deliver();
    expect(mails[0]!.subject).toBe(`[Service status] ${HOSTILE}: Completed`);
    const done = await call('GET', `/api/v1/status/maintenances/${id}`, comms);
    expect(done.status).toBe('completed');
    expect(
      done.updates.map((u: { status: string; automatic: boolean }) => [u.status, u.automatic]),
    ).toEqual([
      ['scheduled', false],
      ['in_progress', true],
      ['verifying', false],
      ['completed', true],
    ]);
    expect(done.updates[1].createdBy).toBeNull();
    page = await t.app.inject({ url: '/status' });
    expect(page.body).toContain('All Systems Operational');
    expect(page.body).not.toContain('Scheduled maintenance');
    const all = SpScheduledMaintenances.parse(
      (await t.app.inject({ url: '/api/v2/scheduled-maintenances.json' })).json(),
    );
    expect(all.scheduled_maintenances.find((m) => m.id === id)).toMatchObject({
      status: 'completed',
      resolved_at: iso(end),
    });
    const own = await t.app.inject({ url: `/status/maintenance/${id}` });
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('<strong>read-only</strong>');
    expect(own.body).not.toContain('<script');

    const after = await t.app.inject({
      method: 'POST',
      url: `/api/v1/status/maintenances/${id}/updates`,
      headers: comms,
      payload: { body: 'One more thing.' },
    });
    expect(after.statusCode).toBe(422);
    expect(await tick()).toBe(0);
    expect(await deliver()).toEqual([]);
  });

  it('a window that passed while no scheduler ran is started and completed at once, with no reminder', async () => {
    const start = t.clock.now() + 10 * MINUTE;
    const { id } = await call('POST', '/api/v1/status/maintenances', comms, {
      name: 'Short window',
      body: 'A restart.',
      scheduledFor: iso(start),
      scheduledUntil: iso(start + 5 * MINUTE),
      componentIds: [web],
    });
    expect(addresses(await deliver())).toEqual(['everything@example.org', 'web-fan@example.org']);
    t.clock.advance(HOUR);
    expect(await tick()).toBe(1);
    const mails = await deliver();
    expect(mails.map((m) => m.subject).sort()).toEqual([
      '[Service status] Short window: Completed',
      '[Service status] Short window: Completed',
      '[Service status] Short window: In progress',
      '[Service status] Short window: In progress',
    ]);
    const state = await call('GET', `/api/v1/status/maintenances/${id}`, comms);
    expect(state).toMatchObject({ status: 'completed', remindedAt: null });
  });
});

describe('several instances', () => {
  it('two instances ticking the same database at the window’s edge record the move once, and tell each subscriber once', async () => {
    // Several instances share a PostgreSQL database; on SQLite (one instance) the ticks race in
    // one process.
    const second =
      testDialect === 'postgres'
        ? await createTestApp({ database: t.database, clock: t.clock })
        : t;
    try {
      const start = t.clock.now() + 2 * HOUR;
      const { id } = await call('POST', '/api/v1/status/maintenances', comms, {
        name: 'Two instances',
        body: 'A failover test.',
        scheduledFor: iso(start),
        scheduledUntil: iso(start + HOUR),
        componentIds: [api],
      });
      await deliver();
      t.clock.set(start);
      const moved = await Promise.all([
        t.container.workers.scheduler.tick(start),
        second.container.workers.scheduler.tick(start),
        t.container.workers.scheduler.tick(start),
        second.container.workers.scheduler.tick(start),
      ]);
      expect(moved.reduce((a, b) => a + b, 0)).toBe(1);
      const state = await call('GET', `/api/v1/status/maintenances/${id}`, comms);
      expect(state.updates.map((u: { status: string }) => u.status)).toEqual([
        'scheduled',
        'in_progress',
      ]);
      const mails = await deliver();
      expect(addresses(mails)).toEqual(['api-fan@example.org', 'everything@example.org']);
      // The outbox's own worker on the second instance finds nothing left to send.
      const worker = workerFor(second, null);
      await worker.deliverDue(t.clock.now());
      await worker.close();
      expect(await deliver()).toEqual([]);
    } finally {
      if (second !== t) await second.close();
    }
  });
});

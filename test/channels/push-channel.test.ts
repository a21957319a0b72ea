// Web Push as a personal channel (issue 21, item 4): a person registers their own browsers'
// push subscriptions (never another person's); notices they chose `push` for are encrypted
// (aes128gcm) to each browser and signed with the server's VAPID key, made at the first start,
// and sent through the outbox. Checked against a local push service that verifies the VAPID
// token and opens the payload with the browser's private key (test/helpers/push-service.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReportFields } from '../../src/shared/api/reports.ts';
import { ROLES } from '../../src/server/domain/accounts/index.ts';
import { FakeClock } from '../../src/server/clock.ts';
import { createTokenFor, loginAs } from '../helpers/auth.ts';
import { deliverRound } from '../helpers/delivery.ts';
import { admin, incidentInput } from '../helpers/incidents-context.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';
import { browserKeys, startPushService, type PushService } from '../helpers/push-service.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let service: PushService;
let vapidKey = '';

beforeEach(async () => {
  t = await createTestApp({ clock: new FakeClock('2026-03-02T09:00:00Z') });
  service = await startPushService({ publicKey: () => vapidKey, now: () => t.clock.now() });
});
afterEach(async () => {
  await service.stop();
  await t.close();
});

const base = () => t.container.config.baseUrl.replace(/\/+$/, '');
const URL_PATH = '/api/v1/me/push-subscriptions';

async function register(headers: Record<string, string>, payload: Record<string, unknown>) {
  return t.app.inject({ method: 'POST', url: URL_PATH, headers, payload });
}

/** A responder whose browser subscribed on the local push service. */
async function subscribed(role = 'responder', prefs: Record<string, unknown> = {}) {
  const { userId, headers } = await loginAs(t, role);
  const listed = await t.app.inject({ url: URL_PATH, headers });
  expect(listed.statusCode).toBe(200);
  vapidKey = listed.json().publicKey;
  const browser = browserKeys();
  const subscription = service.subscribe(browser);
  const done = await register(headers, { ...subscription, device: 'Firefox on Linux' });
  expect(done.statusCode).toBe(201);
  if (Object.keys(prefs).length > 0) {
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      headers,
      payload: prefs,
    });
    expect(put.statusCode).toBe(200);
  }
  return { userId, headers, subscription, deviceId: done.json().id as string };
}

function submit(summary: string, emergency: boolean) {
  return t.container.services.reports.submitReport(
    ReportFields.parse({ summary, description: 'What the reporter saw.', emergency }),
    [],
    { ip: '127.0.0.1' },
  );
}

const deliver = () => deliverRound(t);

async function pushRows() {
  return t.container.db
    .selectFrom('outbox')
    .select(['status', 'attempts', 'next_attempt_at', 'last_error', 'recipient'])
    .where('channel', '=', 'push')
    .execute();
}

describe('the VAPID key pair', () => {
  it('is made at the first start, its private half sealed, and kept across starts', async () => {
    const { headers } = await loginAs(t, 'viewer');
    const first = (await t.app.inject({ url: URL_PATH, headers })).json().publicKey as string;
    // An uncompressed P-256 point: 65 bytes, starting 0x04.
    const raw = Buffer.from(first, 'base64url');
    expect(raw).toHaveLength(65);
    expect(raw[0]).toBe(4);
    const row = await t.container.db
      .selectFrom('push_vapid_keys')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(row.public_key).toBe(first);
    expect(row.sealed_private_key).toMatch(/^v1\./);
    // Another instance starting on the same database keeps the same pair.
    await t.container.services.notifications.preparePushKeys();
    const again = await createTestApp({ database: t.database, clock: t.clock });
    try {
      const other = await loginAs(again, 'viewer');
      expect((await again.app.inject({ url: URL_PATH, headers: other.headers })).json()).toEqual({
        publicKey: first,
        devices: [],
      });
    } finally {
      await again.close();
    }
    expect(await t.container.db.selectFrom('push_vapid_keys').selectAll().execute()).toHaveLength(
      1,
    );
  });
});

describe('my push subscriptions', () => {
  it.each(ROLES)('%s registers and removes only their own browsers', async (role) => {
    const me = await loginAs(t, role);
    const other = await loginAs(t, 'responder');
    const browser = service.subscribe(browserKeys());
    const created = await register(me.headers, { ...browser, device: 'Phone' });
    expect(created.statusCode).toBe(201);
    const mine = created.json().id as string;
    // The same browser again renews its keys: no second device.
    const renewed = await register(me.headers, { ...browser, keys: browserKeys().keys });
    expect(renewed.statusCode).toBe(200);
    expect(renewed.json().id).toBe(mine);

    const listed = (await t.app.inject({ url: URL_PATH, headers: me.headers })).json();
    expect(listed.devices).toEqual([
      {
        id: mine,
        endpoint: browser.endpoint,
        device: 'This browser',
        createdAt: expect.any(String),
      },
    ]);
    expect(JSON.stringify(listed)).not.toContain(browser.keys.auth);
    // Nobody else sees it, removes it, or registers that browser for themselves.
    expect((await t.app.inject({ url: URL_PATH, headers: other.headers })).json().devices).toEqual(
      [],
    );
    const theirs = await t.app.inject({
      method: 'DELETE',
      url: `${URL_PATH}/${mine}`,
      headers: other.headers,
    });
    expect(theirs.statusCode).toBe(404);
    const taken = await register(other.headers, browser);
    expect(taken.statusCode).toBe(409);
    expect(taken.json().errors).toEqual([
      { field: 'endpoint', message: expect.stringContaining('another person') },
    ]);
    // Naming another person is not part of a subscription.
    const forOther = await register(me.headers, {
      ...service.subscribe(browserKeys()),
      userId: other.userId,
    });
    expect(forOther.statusCode).toBe(400);
    expect(JSON.stringify(forOther.json().errors)).toContain('userId');

    const removed = await t.app.inject({
      method: 'DELETE',
      url: `${URL_PATH}/${mine}`,
      headers: me.headers,
    });
    expect(removed.statusCode).toBe(204);
    expect((await t.app.inject({ url: URL_PATH, headers: me.headers })).json().devices).toEqual([]);
  });

  it('is refused without account.manage_own, and signed out', async () => {
    const { headers } = await createTokenFor(t, 'responder', ['incidents.read']);
    const browser = service.subscribe(browserKeys());
    expect((await register(headers, browser)).statusCode).toBe(403);
    expect((await t.app.inject({ url: URL_PATH, headers })).statusCode).toBe(403);
    expect((await register({}, browser)).statusCode).toBe(401);
  });

  it('takes only an https push service at a public address, and keys of the right shape', async () => {
    const { headers } = await loginAs(t, 'responder');
    const keys = browserKeys().keys;
    const refusedUrl = async (endpoint: string) => {
      const res = await register(headers, { endpoint, keys });
      expect(res.statusCode).toBe(422);
      return res.json().errors as { field: string; message: string }[];
    };
    expect(await refusedUrl('http://push.example.org/send/abc')).toEqual([
      { field: 'endpoint', message: expect.stringContaining('must be an https:// URL') },
    ]);
    expect(await refusedUrl('https://169.254.169.254/latest/meta-data')).toEqual([
      { field: 'endpoint', message: expect.stringContaining('169.254.169.254') },
    ]);
    expect(await refusedUrl('https://10.0.0.7/push')).toEqual([
      { field: 'endpoint', message: expect.stringContaining('private') },
    ]);
    const ftp = await register(headers, { endpoint: 'ftp://push.example.org/x', keys });
    expect(ftp.statusCode).toBe(400);
    const badKey = await register(headers, {
      endpoint: 'https://push.example.org/x',
      keys: { ...keys, p256dh: 'AAAA' },
    });
    expect(badKey.statusCode).toBe(400);
    expect(JSON.stringify(badKey.json().errors)).toContain('keys.p256dh');
    const badAuth = await register(headers, {
      endpoint: 'https://push.example.org/x',
      keys: { ...keys, auth: 'not base64url!' },
    });
    expect(badAuth.statusCode).toBe(400);
    expect(JSON.stringify(badAuth.json().errors)).toContain('keys.auth');
  });

  it('keeps the auth secret sealed and counts the devices in my settings', async () => {
    const { userId, headers, subscription } = await subscribed();
    const row = await t.container.db
      .selectFrom('push_subscriptions')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    expect(row.sealed_auth).not.toContain(subscription.keys.auth);
    const prefs = await t.app.inject({ url: '/api/v1/me/notification-preferences', headers });
    expect(prefs.json()).toMatchObject({ pushDevices: 1 });
  });
});

describe('a push to my browser', () => {
  it('wakes the on-call responder for a critical report through quiet hours: signed, encrypted, with the acknowledge link', async () => {
    const { deviceId } = await subscribed('responder', {
      quietHours: { start: '08:00', end: '18:00', timeZone: 'UTC' },
    });
    const plain = await submit('Typo on the login page', false);
    expect(await deliver()).toMatchObject({ delivered: 0 });
    expect((await pushRows()).map((r) => Number(r.next_attempt_at))).toEqual([
      Date.parse('2026-03-02T18:00:00Z'),
    ]);

    const urgent = await submit('Customer database is public', true);
    expect(await deliver()).toMatchObject({ delivered: 1 });
    await service.waitFor(1);
    const [push] = service.seen;
    expect(service.refused).toEqual([]);
    expect(push!.claims).toMatchObject({
      aud: service.origin,
      sub: expect.stringMatching(/^(mailto:|https:)/),
    });
    expect(push!.headers).toMatchObject({
      urgency: 'high',
      ttl: '86400',
      'content-encoding': 'aes128gcm',
    });
    expect(push!.payload).toMatchObject({
      title: `Emergency security report: ${urgent.key} Customer database is public`,
      urgent: true,
      open: `${base()}/app/reports/${urgent.key}`,
      acknowledge: expect.stringMatching(new RegExp(`^${base()}/ack\\?token=[A-Za-z0-9_%-]+$`)),
    });
    expect(String(push!.payload.body)).toContain('Acknowledge it by 2026-03-02T09:15:00.000Z');
    expect(JSON.stringify(push!.payload)).not.toContain(plain.key);
    expect((await pushRows()).find((r) => r.status === 'delivered')?.recipient).toBe(deviceId);

    // The link in the push opens the acknowledge page (it acknowledges only on its button).
    const ack = new URL(String(push!.payload.acknowledge));
    const page = await t.app.inject({ url: `${ack.pathname}${ack.search}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(urgent.key);

    // At the end of quiet hours the ordinary one goes, as an ordinary notification.
    t.clock.set(Date.parse('2026-03-02T18:00:00Z'));
    expect(await deliver()).toMatchObject({ delivered: 1 });
    await service.waitFor(2);
    expect(service.seen[1]!.headers.urgency).toBe('normal');
    expect(service.seen[1]!.payload).toMatchObject({ urgent: false, acknowledge: null });
  });

  it('reaches each of my browsers', async () => {
    const { headers } = await subscribed('security_lead');
    const second = service.subscribe(browserKeys());
    expect((await register(headers, { ...second, device: 'Laptop' })).statusCode).toBe(201);
    await submit('Customer database is public', true);
    await deliver();
    await service.waitFor(2);
    expect(new Set(service.seen.map((s) => s.token)).size).toBe(2);
  });

  it('names a restricted incident by its key only', async () => {
    await subscribed('security_lead');
    const incident = await t.container.services.incidents.openIncident(
      admin('opener'),
      incidentInput({
        title: 'Secret acquisition leak',
        source: 'monitoring',
        severity: 'P0',
        severityRationale: 'Board data',
        severityOverride: EMERGENCY,
        restricted: true,
      }),
    );
    expect(incident.lineStopped).toBe(true);
    await deliver();
    await service.waitFor(1);
    const seen = JSON.stringify(service.seen.map((s) => s.payload));
    expect(seen).toContain(incident.key);
    expect(seen).not.toContain('Secret acquisition leak');
    expect(seen).not.toContain('Board data');
  });

  it('of an exercise reaches its participants only, marked EXERCISE; a real line stop reaches everyone', async () => {
    const tokenOf = (s: { endpoint: string }) => s.endpoint.split('/').pop();
    const player = await subscribed('responder');
    const bystander = await subscribed('responder');
    const lead = await loginAs(t, 'security_lead');
    const declared = await t.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: lead.headers,
      payload: {
        title: 'Ransomware on the build farm',
        severity: 'P0',
        severityOverride: EMERGENCY,
        exercise: { kind: 'tabletop', scenario: 'The build farm encrypts itself at 09:00.' },
        participantIds: [player.userId],
      },
    });
    expect(declared.statusCode).toBe(201);
    expect(declared.json().lineStopped).toBe(true);
    const drill = await deliver();
    expect(drill.delivered).toBeGreaterThanOrEqual(1);
    await service.waitFor(drill.delivered);
    expect(service.seen.map((s) => s.token)).toEqual(
      service.seen.map(() => tokenOf(player.subscription)),
    );
    for (const push of service.seen) expect(String(push.payload.title)).toMatch(/^\[EXERCISE\] /);

    // The control: the same line stop for real reaches the bystander too, not marked.
    const drilled = service.seen.length;
    const real = await t.container.services.incidents.openIncident(
      admin('opener'),
      incidentInput({
        title: 'Customer data exposed',
        source: 'monitoring',
        severity: 'P0',
        severityRationale: 'Customer data is being downloaded',
        severityOverride: EMERGENCY,
      }),
    );
    expect(real.lineStopped).toBe(true);
    const round = await deliver();
    await service.waitFor(drilled + round.delivered);
    const after = service.seen.slice(drilled);
    const toBystander = after.filter((s) => s.token === tokenOf(bystander.subscription));
    expect(toBystander.map((s) => s.payload.title)).toContain(
      `Line stopped: ${real.key} Customer data exposed`,
    );
    for (const push of after) expect(String(push.payload.title)).not.toMatch(/EXERCISE/);
  });

  it('a subscription the push service says is gone (410) is removed, and nothing more goes to it', async () => {
    const { headers, deviceId } = await subscribed();
    service.answers.push(410);
    await submit('Customer database is public', true);
    expect(await deliver()).toMatchObject({ dead: 1 });
    const [row] = await pushRows();
    expect(row!.last_error).toBe(
      "HTTP 410 from the push service: the browser's push subscription has expired or was withdrawn, and was removed",
    );
    expect((await t.app.inject({ url: URL_PATH, headers })).json().devices).toEqual([]);
    expect(
      await t.container.db
        .selectFrom('push_subscriptions')
        .select('id')
        .where('id', '=', deviceId)
        .execute(),
    ).toEqual([]);
    await submit('Another emergency', true);
    expect(await pushRows()).toHaveLength(1);
  });

  it('a push service that answers 500 is tried again after the backoff, then delivered', async () => {
    await subscribed();
    service.answers.push(500);
    await submit('Customer database is public', true);
    expect(await deliver()).toMatchObject({ failed: 1 });
    const [failed] = await pushRows();
    expect(failed).toMatchObject({ status: 'pending', attempts: 1 });
    expect(failed!.last_error).toBe('HTTP 500 from the push service');
    expect(Number(failed!.next_attempt_at)).toBe(t.clock.now() + 30_000);
    t.clock.advance(30_000);
    expect(await deliver()).toMatchObject({ delivered: 1 });
    await service.waitFor(2);
    expect(service.seen[1]!.payload).toEqual(service.seen[0]!.payload);
  });
});

// Texts and calls (issue 21, item 4): a person gives their phone number; notices they chose
// `sms` for are texted and urgent ones they chose `voice` for ring them, through the operator's
// Twilio-compatible account, by the outbox with its retries. Checked against a local server that
// accepts only Twilio's documented request (the account's path, form fields, Basic
// authentication). A provider that fails never stops a page climbing: only an acknowledgment does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReportFields } from '../../src/shared/api/reports.ts';
import { FakeClock } from '../../src/server/clock.ts';
import { createPersonalRequests } from '../../src/server/workers/personal-requests.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { createUser, loginAs } from '../helpers/auth.ts';
import {
  startTwilioReceiver,
  type Receiver,
  type TwilioRequest,
} from '../helpers/channel-receivers.ts';
import { workerFor } from '../helpers/delivery.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'twilio-auth-token-Wombat-7731';
const FROM = '+14155550100';
const PHONE = '+4915112345678';

let t: TestApp;
let twilio: Receiver<TwilioRequest>;

async function start(token = AUTH_TOKEN) {
  twilio = await startTwilioReceiver({ sid: SID, token: AUTH_TOKEN });
  t = await createTestApp({
    clock: new FakeClock('2026-03-02T09:00:00Z'),
    env: {
      STOPLINE_TWILIO_API_URL: twilio.url,
      STOPLINE_TWILIO_ACCOUNT_SID: SID,
      STOPLINE_TWILIO_AUTH_TOKEN: token,
      STOPLINE_TWILIO_FROM: FROM,
    },
  });
}

beforeEach(async () => {
  await start();
});
afterEach(async () => {
  await twilio.stop();
  await t.close();
});

const base = () => t.container.config.baseUrl.replace(/\/+$/, '');

async function withPhone(prefs: Record<string, unknown> = {}, roles = 'responder') {
  const { userId, headers } = await loginAs(t, roles);
  const put = await t.app.inject({
    method: 'PUT',
    url: '/api/v1/me/notification-preferences',
    headers,
    payload: { phone: PHONE, ...prefs },
  });
  expect(put.statusCode).toBe(200);
  return { userId, headers };
}

function submit(summary: string, emergency: boolean) {
  return t.container.services.reports.submitReport(
    ReportFields.parse({ summary, description: 'What the reporter saw.', emergency }),
    [],
    { ip: '127.0.0.1' },
  );
}

/** One delivery round with no SMTP server: e-mail waits, texts and calls go. */
async function deliver(settings: Parameters<typeof workerFor>[2] = {}) {
  const worker = workerFor(t, null, settings);
  const round = await worker.deliverDue(t.clock.now());
  await worker.close();
  return round;
}

async function rows(channel: 'sms' | 'voice') {
  return t.container.db
    .selectFrom('outbox')
    .select(['status', 'attempts', 'next_attempt_at', 'last_error'])
    .where('channel', '=', channel)
    .execute();
}

describe('my phone number', () => {
  it('is kept and listed back; anything but an international number is refused', async () => {
    const { headers } = await withPhone();
    const read = await t.app.inject({ url: '/api/v1/me/notification-preferences', headers });
    expect(read.json()).toMatchObject({ phone: PHONE });
    for (const phone of ['015112345678', '+49 151 1234', '+1<script>', 4915112345678, '+0123456']) {
      const bad = await t.app.inject({
        method: 'PUT',
        url: '/api/v1/me/notification-preferences',
        headers,
        payload: { phone },
      });
      expect(bad.statusCode, String(phone)).toBe(400);
      expect(JSON.stringify(bad.json().errors)).toContain('phone');
    }
    const cleared = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      headers,
      payload: { phone: null },
    });
    expect(cleared.json()).toMatchObject({ phone: null });
  });
});

describe('a text and a call', () => {
  it('text and ring the on-call responder for a critical report, through quiet hours, as Twilio documents', async () => {
    await withPhone({ quietHours: { start: '08:00', end: '18:00', timeZone: 'UTC' } });
    const plain = await submit('Typo on the login page', false);
    expect(await deliver()).toMatchObject({ delivered: 0 });
    // The ordinary one waits for the end of quiet hours, as a text only: no call for it.
    expect((await rows('sms')).map((r) => Number(r.next_attempt_at))).toEqual([
      Date.parse('2026-03-02T18:00:00Z'),
    ]);
    expect(await rows('voice')).toEqual([]);

    const urgent = await submit('Customer <database> is "public" & open', true);
    expect(await deliver()).toMatchObject({ delivered: 2 });
    await twilio.waitFor(2);
    expect(twilio.refused).toEqual([]);
    const text = twilio.seen.find((r) => r.resource === 'Messages')!;
    expect(text).toMatchObject({ to: PHONE, from: FROM });
    const lines = text.body!.split('\n');
    expect(lines[0]).toBe(
      `Emergency security report: ${urgent.key} Customer <database> is "public" & open`,
    );
    expect(lines[1]).toMatch(new RegExp(`^Acknowledge: ${base()}/ack\\?token=[A-Za-z0-9_%-]+$`));
    expect(lines[2]).toBe(`${base()}/app/reports/${urgent.key}`);
    const call = twilio.seen.find((r) => r.resource === 'Calls')!;
    expect(call).toMatchObject({ to: PHONE, from: FROM, body: null });
    // The title is read out, escaped as XML; the call carries no link.
    expect(call.twiml).toMatch(/^<Response><Say>Stopline\. .*<\/Say><Pause length="1"\/>/);
    expect(call.twiml).toContain('Customer &#60;database&#62; is &#34;public&#34; &#38; open');
    expect(call.twiml).not.toContain('token=');

    t.clock.set(Date.parse('2026-03-02T18:00:00Z'));
    expect(await deliver()).toMatchObject({ delivered: 1 });
    await twilio.waitFor(3);
    expect(twilio.seen[2]!.body).toBe(
      `New security report: ${plain.key} Typo on the login page\n${base()}/app/reports/${plain.key}`,
    );
  });

  it('a provider answering 500 is tried again, then a dead letter; the page climbs all the while', async () => {
    await withPhone({ channels: { report_received: ['sms'] } });
    const lead = await createUser(t, { roles: ['security_lead'], email: 'lead@example.org' });
    const boss = await createUser(t, { roles: ['admin'], email: 'boss@example.org' });
    twilio.answers.push(500, 500, 500);
    await submit('Customer database is public', true);
    expect(await deliver({ maxAttempts: 3 })).toMatchObject({ failed: 1 });
    expect((await rows('sms'))[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: 'HTTP 500 from the SMS provider',
    });
    t.clock.advance(30_000);
    expect(await deliver({ maxAttempts: 3 })).toMatchObject({ failed: 1 });
    t.clock.advance(60_000);
    expect(await deliver({ maxAttempts: 3 })).toMatchObject({ dead: 1 });
    expect((await rows('sms'))[0]).toMatchObject({ status: 'dead', attempts: 3 });
    expect(twilio.seen).toHaveLength(3);

    // Nobody acknowledged: the dead letter did not stop the ladder (5 minutes in the policy).
    t.clock.set(Date.parse('2026-03-02T09:05:00Z'));
    const scheduler = new Scheduler({
      deadlines: t.container.services.clocks,
      pages: t.container.services.notifications,
      clock: t.clock,
    });
    await scheduler.tick(t.clock.now());
    const paged = await t.container.db
      .selectFrom('page_recipients')
      .select(['user_id', 'level'])
      .orderBy('level')
      .execute();
    // The lead was paged with the responders (the triage rota), so the ladder passes their
    // level over and reaches the admins.
    expect(paged).toContainEqual({ user_id: lead.id, level: 0 });
    expect(paged).toContainEqual({ user_id: boss.id, level: 2 });
  });

  it('wrong credentials are a dead letter at once, with the reason', async () => {
    await twilio.stop();
    await t.close();
    await start('not-the-auth-token');
    await withPhone();
    await submit('Customer database is public', true);
    expect(await deliver()).toMatchObject({ dead: 2 });
    expect(twilio.refused).toEqual(['Authenticate (20003)', 'Authenticate (20003)']);
    expect((await rows('sms'))[0]).toMatchObject({
      status: 'dead',
      last_error: 'HTTP 401 from the SMS provider: the credentials were refused',
    });
    // The auth token is never in the log or the outbox.
    expect(t.logs.join('')).not.toContain('not-the-auth-token');
  });

  it('without an SMS provider texts wait in the outbox, and a removed number is a dead letter', async () => {
    await twilio.stop();
    await t.close();
    twilio = await startTwilioReceiver({ sid: SID, token: AUTH_TOKEN });
    t = await createTestApp({ clock: new FakeClock('2026-03-02T09:00:00Z') });
    const { headers } = await withPhone();
    await submit('Customer database is public', true);
    expect(await deliver()).toMatchObject({ delivered: 0, failed: 0, dead: 0 });
    expect((await rows('sms'))[0]).toMatchObject({ status: 'pending', attempts: 0 });

    // Configured later, after the person removed their number: nothing to text.
    await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      headers,
      payload: { phone: null },
    });
    const personal = createPersonalRequests({
      notifications: t.container.services.notifications,
      twilio: { apiUrl: twilio.url, accountSid: SID, authToken: AUTH_TOKEN, from: FROM },
      clock: t.clock,
    });
    const worker = workerFor(t, null, {}, { personal });
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ dead: 2 });
    await worker.close();
    expect((await rows('sms'))[0]).toMatchObject({
      status: 'dead',
      last_error: 'the person removed their phone number',
    });
    expect(twilio.seen).toEqual([]);
  });
});

// Subscribers of the public status page (issue 13, item 8): an address subscribes, gets the
// confirmation link and nothing else until it confirms (double opt-in), then hears every update
// published on the components it follows, by e-mail through the outbox to a real SMTP server,
// each with a one-click unsubscribe (RFC 8058) and a manage link; webhook endpoints subscribed to
// status.update_published get the same update signed (checked with `standardwebhooks` at a real
// receiver) and retried. A draft waiting for its second person reaches nobody.
import type { ParsedMail } from 'mailparser';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { loginAs } from '../helpers/auth.ts';
import {
  startHttpReceiver,
  startSmtpReceiver,
  workerFor,
  type HttpReceiver,
  type SmtpReceiver,
} from '../helpers/delivery.ts';
import { writeEditedPolicy } from '../helpers/policies.ts';
import {
  formHeaders,
  linkIn,
  ownPageHeaders,
  recipientsOf,
  statusSubscriptions,
  succeeding,
} from '../helpers/status.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let smtp: SmtpReceiver;
let receiver: HttpReceiver;
type Headers = Record<string, string>;
let admin: Headers;
let comms: Headers;
let second: Headers;
let api: string;
let web: string;
const call = succeeding(() => t);
const form = formHeaders;
const ownPage = ownPageHeaders;

beforeAll(async () => {
  // Four-eyes for critical impact only, so a draft can be shown reaching nobody.
  const policy = writeEditedPolicy('      impacts: []', '      impacts: [critical]');
  // Receivers check a webhook's timestamp against their own clock: the story runs at real time.
  t = await createTestApp({ env: { STOPLINE_POLICY: policy }, clock: new FakeClock(Date.now()) });
  smtp = await startSmtpReceiver();
  receiver = await startHttpReceiver();
  admin = (await loginAs(t, 'admin')).headers;
  comms = (await loginAs(t, 'comms')).headers;
  second = (await loginAs(t, 'comms')).headers;
  api = (await call('POST', '/api/v1/status/components', admin, { name: 'API' })).id;
  web = (await call('POST', '/api/v1/status/components', admin, { name: 'Web app' })).id;
});
afterAll(async () => {
  await receiver.stop();
  await smtp.stop();
  await t.close();
});

const header = (mail: ParsedMail, name: string) =>
  mail.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]+:\s*/, '');
const { deliver, subscribe, subscribed } = statusSubscriptions(
  () => t,
  // The receiver starts in beforeAll: read it when a test runs.
  {
    get port() {
      return smtp.port;
    },
    get received() {
      return smtp.received;
    },
  },
);
const to = recipientsOf;

async function open(
  name: string,
  body: string,
  components: { componentId: string; status: string }[] = [],
  impact = 'minor',
) {
  return call('POST', '/api/v1/status/incidents', comms, { name, impact, body, components });
}

async function listSubscribers() {
  return (await call('GET', '/api/v1/status/subscribers', admin)).items as {
    id: string;
    email: string;
    confirmed: boolean;
    componentIds: string[] | null;
  }[];
}

describe('e-mail subscribers', () => {
  it('an address hears nothing but its confirmation until it confirms; then each update, with one-click unsubscribe', async () => {
    const page = await t.app.inject({ url: '/status/subscribe' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="email"');
    expect(page.body).not.toContain('<script');

    expect((await subscribe('Ann@Example.org')).statusCode).toBe(202);
    // Published before confirming: not for Ann.
    await open('Slow sign-in', 'Sign-in takes up to a minute.', [
      { componentId: web, status: 'degraded_performance' },
    ]);
    const first = await deliver();
    // The address as given (mailparser lowers only the domain).
    expect(first.map(to)).toEqual([['Ann@example.org']]);
    expect(first[0]!.subject).toBe('Confirm your subscription to Service status');
    expect(first[0]!.text).not.toContain('Slow sign-in');
    expect((await listSubscribers()).find((s) => s.email === 'Ann@Example.org')).toMatchObject({
      confirmed: false,
    });

    // Opening the link (as a mail scanner does) confirms nothing: it shows a button.
    const link = linkIn(first[0]!, '/status/subscription/confirm');
    const shown = await t.app.inject({ url: link.pathname + link.search });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('<button type="submit">Confirm</button>');
    expect((await listSubscribers()).find((s) => s.email === 'Ann@Example.org')!.confirmed).toBe(
      false,
    );
    const token = link.searchParams.get('token')!;
    const confirm = () =>
      t.app.inject({
        method: 'POST',
        url: '/status/subscription/confirm',
        headers: ownPage,
        payload: new URLSearchParams({ token }).toString(),
      });
    const confirmed = await confirm();
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('You are subscribed');
    // The link works once.
    const replayed = await confirm();
    expect(replayed.statusCode).toBe(404);
    expect(replayed.body).toContain('not valid');

    const incident = await open('Payments failing', 'Card payments fail for some customers.');
    const mails = await deliver();
    expect(mails.map(to)).toEqual([['Ann@example.org']]);
    const mail = mails[0]!;
    expect(mail.subject).toBe('[Service status] Payments failing: Investigating');
    expect(mail.text).toContain('Card payments fail for some customers.');
    expect(mail.text).toContain(`/status/incidents/${incident.id}`);
    expect(mail.html).toBe(false);
    const unsubscribe = linkIn(mail, '/status/subscription/unsubscribe');
    expect(header(mail, 'list-unsubscribe')).toBe(`<${unsubscribe.href}>`);
    expect(header(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(linkIn(mail, '/status/subscription').searchParams.get('token')).toBe(
      unsubscribe.searchParams.get('token'),
    );

    // RFC 8058: the mail provider posts List-Unsubscribe=One-Click, with no browser headers.
    const left = await t.app.inject({
      method: 'POST',
      url: unsubscribe.pathname + unsubscribe.search,
      headers: form,
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(left.statusCode).toBe(200);
    expect(left.body).toContain('You are unsubscribed');
    expect((await listSubscribers()).some((s) => s.email === 'Ann@Example.org')).toBe(false);

    await call('POST', `/api/v1/status/incidents/${incident.id}/updates`, comms, {
      status: 'resolved',
      body: 'Payments work again.',
    });
    expect(await deliver()).toEqual([]);
  });

  it('a subscriber who follows one component hears only of incidents that affect it, and can change that', async () => {
    const manage = await subscribed('web-only@example.org', [web]);
    await open('API errors', 'Some API calls fail.', [
      { componentId: api, status: 'partial_outage' },
    ]);
    expect((await deliver()).flatMap(to)).not.toContain('web-only@example.org');

    const webIncident = await open('Pages load slowly', 'The web app is slow.', [
      { componentId: web, status: 'degraded_performance' },
    ]);
    expect((await deliver()).flatMap(to)).toContain('web-only@example.org');

    // Its own page: follow everything (none chosen).
    const page = await t.app.inject({ url: manage.pathname + manage.search });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('web-only@example.org');
    expect(page.body).toMatch(new RegExp(`value="${web}"\\s*checked`));
    const saved = await t.app.inject({
      method: 'POST',
      url: manage.pathname + manage.search,
      headers: ownPage,
      payload: '',
    });
    expect(saved.statusCode).toBe(200);
    expect((await listSubscribers()).find((s) => s.email === 'web-only@example.org')).toMatchObject(
      { componentIds: null },
    );
    await open('Search down', 'Search is unavailable.', [
      { componentId: api, status: 'major_outage' },
    ]);
    expect((await deliver()).flatMap(to)).toContain('web-only@example.org');
    await call('POST', `/api/v1/status/incidents/${webIncident.id}/updates`, comms, {
      status: 'resolved',
      body: 'Fixed.',
    });
    await deliver();
  });

  it('a draft waiting for its second person reaches no subscriber; its approval does', async () => {
    await subscribed('four-eyes@example.org');
    const drafted = await call('POST', '/api/v1/status/drafts', comms, {
      name: 'Data centre outage',
      impact: 'critical',
      body: 'Everything is down in one region.',
    });
    expect((await deliver()).flatMap(to)).not.toContain('four-eyes@example.org');
    await call('POST', `/api/v1/status/drafts/${drafted.id}/approve`, second);
    const mails = (await deliver()).filter((m) => to(m).includes('four-eyes@example.org'));
    expect(mails.map((m) => m.subject)).toEqual([
      '[Service status] Data centre outage: Investigating',
    ]);
  });

  it('hostile input: a bad address, an unknown component, script in the text, unknown tokens, other sites', async () => {
    const bad = await subscribe('not an address');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter an e-mail address');
    expect(bad.body).toContain('aria-invalid="true"');
    const script = await subscribe('<script>alert(1)</script>@example.org');
    expect(script.statusCode).toBe(400);
    expect(script.body).not.toContain('<script>alert(1)');
    expect(script.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;@example.org');
    const unknown = await subscribe('x@example.org', ['no-such-component']);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('no such component on this page');
    expect((await listSubscribers()).some((s) => s.email === 'x@example.org')).toBe(false);

    const crossSite = await subscribe('y@example.org', [], {
      ...form,
      'sec-fetch-site': 'cross-site',
    });
    expect(crossSite.statusCode).toBe(403);

    for (const url of [
      '/status/subscription?token=guessed',
      '/status/subscription/unsubscribe?token=guessed',
      '/status/subscription/confirm?token=guessed',
      '/status/subscription',
    ]) {
      expect((await t.app.inject({ url })).statusCode, url).toBe(404);
    }
    const oneClick = await t.app.inject({
      method: 'POST',
      url: '/status/subscription/unsubscribe?token=guessed',
      headers: form,
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode).toBe(404);

    await subscribed('hostile@example.org');
    const name = 'Outage <script>alert(1)</script>';
    const body = '<img src=x onerror=alert(1)> [click](javascript:alert(1))';
    await open(name, body);
    const mail = (await deliver()).find((m) => to(m).includes('hostile@example.org'))!;
    // Plain text only: the text is shown as written, never as markup.
    expect(mail.html).toBe(false);
    expect(mail.text).toContain(body);
    expect(mail.subject).toContain('<script>alert(1)</script>');
  });

  it('subscribing is limited per network and per address', async () => {
    const from = { ...ownPage };
    const attempt = (email: string) =>
      t.app.inject({
        method: 'POST',
        url: '/status/subscribe',
        headers: from,
        payload: new URLSearchParams({ email }).toString(),
        remoteAddress: '203.0.113.9',
      });
    for (let i = 0; i < 10; i++) expect((await attempt(`n${i}@example.org`)).statusCode).toBe(202);
    const over = await attempt('n10@example.org');
    expect(over.statusCode).toBe(429);
    expect(over.headers['retry-after']).toBeDefined();

    for (let i = 0; i < 3; i++) expect((await subscribe('again@example.org')).statusCode).toBe(202);
    expect((await subscribe('again@example.org')).statusCode).toBe(429);
    await deliver();
  });

  it('only admins see and remove subscribers', async () => {
    expect(
      (await t.app.inject({ url: '/api/v1/status/subscribers', headers: comms })).statusCode,
    ).toBe(403);
    expect((await t.app.inject({ url: '/api/v1/status/subscribers' })).statusCode).toBe(401);
    await subscribed('removed@example.org');
    const id = (await listSubscribers()).find((s) => s.email === 'removed@example.org')!.id;
    const del = () =>
      t.app.inject({ method: 'DELETE', url: `/api/v1/status/subscribers/${id}`, headers: admin });
    expect((await del()).statusCode).toBe(204);
    expect((await del()).statusCode).toBe(404);
  });
});

describe('webhook subscribers', () => {
  it('an endpoint subscribed to status.update_published gets each update signed, retried after a failure', async () => {
    const created = await call('POST', '/api/v1/webhook-endpoints', admin, {
      kind: 'standard',
      name: 'Customer monitor',
      url: receiver.url,
      eventTypes: ['status.update_published'],
    });
    const billing = (await call('POST', '/api/v1/status/components', admin, { name: 'Billing' }))
      .id;
    receiver.answers.push(500);
    const incident = await open('Webhook story <b>bold</b>', 'Investigating a fault.', [
      { componentId: billing, status: 'partial_outage' },
    ]);
    await deliver();
    expect(receiver.requests).toHaveLength(1);
    const worker = workerFor(t, null);
    t.clock.advance(60_000);
    await worker.deliverDue(t.clock.now());
    await worker.close();
    expect(receiver.requests).toHaveLength(2);
    const [failed, retried] = receiver.requests;
    expect(retried!.headers['webhook-id']).toBe(failed!.headers['webhook-id']);
    const payload = new Webhook(created.secret).verify(
      retried!.body,
      retried!.headers as Record<string, string>,
    ) as {
      type: string;
      data: {
        incident: { id: string; name: string };
        update: { body: string; affectedComponents: unknown[] };
      };
    };
    expect(payload.type).toBe('status.update_published');
    expect(payload.data.incident).toMatchObject({
      id: incident.id,
      name: 'Webhook story <b>bold</b>',
    });
    expect(payload.data.update.body).toBe('Investigating a fault.');
    expect(payload.data.update.affectedComponents).toEqual([
      {
        componentId: billing,
        name: 'Billing',
        oldStatus: 'operational',
        newStatus: 'partial_outage',
      },
    ]);
    // Nothing internal: no link to an internal incident, nobody's name.
    expect(retried!.body).not.toContain('internal');
    await call('PATCH', `/api/v1/webhook-endpoints/${created.id}`, admin, { active: false });
  });
});

// Web Push in a real browser (issue 21, item 4): the console installs as an app (its manifest and
// service worker, scope /app/), "Enable push on this device" on the account page subscribes this
// browser and registers it, and a critical report reaches the on-call responder by push and by
// e-mail as soon as it is committed (the latency is printed; speed is measured in bench/).
// Headless Chromium has no push service of its own, so the page's PushManager hands out a
// subscription on the test's local push service (which verifies the VAPID token and opens the
// encrypted payload, test/helpers/push-service.ts); the payload it received is then delivered to
// the service worker through the DevTools protocol, as the browser's push service would, and the
// notification it shows is read back.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onEnqueued } from '../../src/server/db/outbox-notices.ts';
import { createUser, loginAs, signIn } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  launchBrowser,
  newContext,
  PHONE,
  requestsToOtherHosts,
  signInInBrowser,
  startBrowserApp,
  DESKTOP,
} from '../helpers/browser.ts';
import { smtpWorkerFor, startSmtpReceiver, type SmtpReceiver } from '../helpers/delivery.ts';
import { DEFAULT_POLICY_TEXT, writeEditedPolicyFragment } from '../helpers/policies.ts';
import {
  browserKeys,
  startPushService,
  type BrowserKeys,
  type PushService,
} from '../helpers/push-service.ts';
import type { OutboxWorker } from '../../src/server/workers/outbox-worker.ts';

// The triage rota is whoever is on call (the Kai policy's 15-minute P0 response).
const ON_CALL_POLICY = writeEditedPolicyFragment(
  DEFAULT_POLICY_TEXT.replace(
    '  newReport: [responder, security_lead]\n',
    '  newReport: [on_call]\n  onCall:\n    schedule: Security on call\n',
  ),
  'policy.yaml',
);

let t: BrowserApp;
let browser: Browser;
let smtp: SmtpReceiver;
let service: PushService;
let worker: OutboxWorker;
let vapidKey = '';
/** When each e-mail arrived (real time, ms), in order. */
const mailArrivals: number[] = [];
let watching = true;

beforeAll(async () => {
  t = await startBrowserApp({
    env: { STOPLINE_POLICY: ON_CALL_POLICY, STOPLINE_INTAKE_RATE_LIMIT: '1000' },
  });
  browser = await launchBrowser({ whole: true });
  smtp = await startSmtpReceiver();
  service = await startPushService({ publicKey: () => vapidKey, now: () => t.clock.now() });
  // The outbox worker as `serve` runs it: woken by each commit.
  worker = smtpWorkerFor(t, smtp);
  worker.start();
  void (async () => {
    while (watching) {
      while (mailArrivals.length < smtp.received.length) mailArrivals.push(Date.now());
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
});
afterAll(async () => {
  watching = false;
  await worker?.close();
  await browser?.close();
  await service?.stop();
  await smtp?.stop();
  await t?.close();
});

/** The page's push manager hands out a subscription on the local push service. */
async function withPushService(context: BrowserContext, browserSide: BrowserKeys) {
  const subscription = service.subscribe(browserSide);
  await context.grantPermissions(['notifications'], { origin: t.baseUrl });
  await context.addInitScript((sub: { endpoint: string; keys: object }) => {
    type Options = { applicationServerKey: ArrayBuffer | Uint8Array };
    const g = globalThis as unknown as {
      PushManager: { prototype: Record<string, unknown> };
      sessionStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void };
    };
    let current: unknown = null;
    const make = (options: Options) => ({
      endpoint: sub.endpoint,
      expirationTime: null,
      options: { userVisibleOnly: true, applicationServerKey: options.applicationServerKey },
      toJSON: () => ({ endpoint: sub.endpoint, expirationTime: null, keys: sub.keys }),
      unsubscribe: async () => {
        current = null;
        g.sessionStorage.setItem('test-push-subscribed', '');
        return true;
      },
    });
    if (g.sessionStorage.getItem('test-push-subscribed')) {
      const key = g.sessionStorage.getItem('test-push-subscribed')!.split(',').map(Number);
      current = make({ applicationServerKey: new Uint8Array(key) });
    }
    g.PushManager.prototype.subscribe = async (options: Options) => {
      current = make(options);
      g.sessionStorage.setItem(
        'test-push-subscribed',
        Array.from(new Uint8Array(options.applicationServerKey as ArrayBuffer)).join(','),
      );
      return current;
    };
    g.PushManager.prototype.getSubscription = async () => current;
  }, subscription);
  return subscription;
}

async function accountPage(user: { email: string; password: string }, viewport = DESKTOP) {
  const context = await newContext(browser, t.baseUrl, viewport);
  const browserSide = browserKeys();
  const subscription = await withPushService(context, browserSide);
  const page = await context.newPage();
  // The key the local push service checks tokens against.
  await devicesOf(await signIn(t, user.email, user.password));
  await signInInBrowser(page, user);
  await page.goto('/app/account');
  await page.getByRole('heading', { name: 'Push notifications' }).waitFor();
  return { context, page, subscription, browserSide };
}

async function devicesOf(headers: Record<string, string>) {
  const res = await t.app.inject({ url: '/api/v1/me/push-subscriptions', headers });
  vapidKey = res.json().publicKey;
  return res.json().devices as { endpoint: string; device: string }[];
}

/** Delivers a push's payload to the page's service worker (DevTools), as a push service would,
 * and answers the notifications it then shows. */
async function deliverToServiceWorker(page: Page, payload: string) {
  const cdp = await page.context().newCDPSession(page);
  const registrationId = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', (event) => {
      const found = event.registrations.find((r) => r.scopeURL === `${t.baseUrl}/app/`);
      if (found) resolve(found.registrationId);
    });
  });
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.deliverPushMessage', {
    origin: t.baseUrl,
    registrationId: await registrationId,
    data: payload,
  });
  return page;
}

async function shownNotifications(page: Page) {
  return page.evaluate(async () => {
    const g = globalThis as unknown as {
      navigator: {
        serviceWorker: {
          getRegistration(scope: string): Promise<{
            getNotifications(): Promise<
              {
                title: string;
                body: string;
                requireInteraction: boolean;
                data: { open: string | null; acknowledge: string | null };
                actions: { action: string; title: string }[];
              }[]
            >;
          }>;
        };
      };
    };
    const registration = await g.navigator.serviceWorker.getRegistration('/app/');
    return (await registration.getNotifications()).map((n) => ({
      title: n.title,
      body: n.body,
      requireInteraction: n.requireInteraction,
      data: n.data,
      actions: n.actions.map((a) => ({ action: a.action, title: a.title })),
    }));
  });
}

describe('the console as an installed app', () => {
  it('serves its manifest, icons and a service worker whose scope is the console', async () => {
    const manifest = await fetch(`${t.baseUrl}/app/manifest.webmanifest`);
    expect(manifest.headers.get('content-type')).toContain('application/manifest+json');
    expect(await manifest.json()).toMatchObject({
      name: 'Stopline',
      start_url: '/app/',
      scope: '/app/',
      display: 'standalone',
      icons: expect.arrayContaining([
        expect.objectContaining({ src: '/app/icons/stopline-192.png', sizes: '192x192' }),
        expect.objectContaining({ src: '/app/icons/stopline-512.png', sizes: '512x512' }),
      ]),
    });
    const icon = await fetch(`${t.baseUrl}/app/icons/stopline-512.png`);
    expect(icon.headers.get('content-type')).toBe('image/png');
    const worker = await fetch(`${t.baseUrl}/app/service-worker.js`);
    expect(worker.headers.get('content-type')).toContain('text/javascript');
    expect(worker.headers.get('content-security-policy')).toBe(
      "default-src 'none'; connect-src 'self'",
    );

    const user = await createUser(t, { roles: ['viewer'] });
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    await signInInBrowser(page, user);
    await expect
      .poll(() =>
        page.evaluate(async () => {
          const g = globalThis as unknown as {
            navigator: {
              serviceWorker: {
                getRegistration(
                  s: string,
                ): Promise<{ active: { scriptURL: string } | null } | undefined>;
              };
            };
          };
          const found = await g.navigator.serviceWorker.getRegistration('/app/');
          return found?.active?.scriptURL ?? null;
        }),
      )
      .toBe(`${t.baseUrl}/app/service-worker.js`);
    expect(await page.locator('link[rel="manifest"]').getAttribute('href')).toBe(
      '/app/manifest.webmanifest',
    );
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  });
});

describe('Enable push on this device', () => {
  it.each([
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const)('subscribes this browser, says so, and turns it off again (%s)', async (_, size) => {
    const user = await createUser(t, { roles: ['responder'] });
    const mine = await signIn(t, user.email, user.password);
    const { context, page, subscription } = await accountPage(user, size);
    await expect
      .poll(() => page.getByTestId('push-state').textContent())
      .toBe('Push is off for this device.');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Enable push on this device' }).click();
    await expect
      .poll(() => page.getByTestId('push-state').textContent())
      .toMatch(/^Push is on for this device \(Chromium on Linux\)\.$/);
    expect(await devicesOf(mine)).toEqual([
      expect.objectContaining({ endpoint: subscription.endpoint, device: 'Chromium on Linux' }),
    ]);
    // The channel is offered among my choices.
    await page.getByRole('checkbox', { name: 'A panel asks for my vote: Browser push' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    // Still on after a reload.
    await page.reload();
    await expect
      .poll(() => page.getByTestId('push-state').textContent())
      .toMatch(/^Push is on for this device/);

    await page.getByRole('button', { name: 'Turn off push on this device' }).click();
    await expect
      .poll(() => page.getByTestId('push-state').textContent())
      .toBe('Push is off for this device.');
    expect(await devicesOf(mine)).toEqual([]);
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  });
});

describe('a critical report at night', () => {
  it('reaches the on-call responder by push and e-mail as soon as it is committed', async () => {
    const ana = await createUser(t, { roles: ['responder'], email: 'ana@example.org' });
    await createUser(t, { roles: ['responder'], email: 'ben@example.org' });
    const { headers: leadHeaders } = await loginAs(t, 'security_lead');
    // Ana is on call now (a rotation that started today, one shift a day).
    const today = new Date(t.clock.now()).toISOString().slice(0, 10);
    const schedule = await t.app.inject({
      method: 'POST',
      url: '/api/v1/on-call/schedules',
      headers: leadHeaders,
      payload: {
        name: 'Security on call',
        rotation: {
          timeZone: 'UTC',
          startsOn: today,
          shifts: [{ start: '00:00', length: '1d' }],
          members: [ana.id],
        },
      },
    });
    expect(schedule.statusCode, schedule.body).toBe(201);

    // Ana enables push on her phone.
    const { context, page } = await accountPage(ana, PHONE);
    await expect
      .poll(() => page.getByTestId('push-state').textContent())
      .toBe('Push is off for this device.');
    await page.getByRole('button', { name: 'Enable push on this device' }).click();
    await expect
      .poll(() => page.getByTestId('push-state').textContent())
      .toMatch(/^Push is on for this device/);

    // A reporter sends an emergency report through the public form.
    const reporter = await newContext(browser, t.baseUrl, DESKTOP, { javaScript: false });
    const form = await reporter.newPage();
    await form.goto('/report');
    await form.getByLabel('Summary (required)').fill('Customer database is public');
    await form
      .getByLabel('Description (required)')
      .fill('The backup bucket answers without credentials.');
    await form.getByLabel(/This is critical or an emergency/).check();
    const pushesBefore = service.seen.length;
    const mailsBefore = smtp.received.length;
    let committedAt = 0;
    const stopListening = onEnqueued(t.container.db, () => {
      committedAt ||= Date.now();
    });
    const sentAt = Date.now();
    await form.getByRole('button', { name: 'Send the report' }).click();
    await form.getByRole('heading', { name: /report RPT-\d+ received/ }).waitFor();
    const key = (await form.locator('#report-key').textContent())!.trim();

    await service.waitFor(pushesBefore + 1);
    await smtp.waitFor(mailsBefore + 1);
    await expect.poll(() => mailArrivals.length).toBeGreaterThan(mailsBefore);
    stopListening();
    const push = service.seen[pushesBefore]!;
    const mailIndex = smtp.received.findIndex(
      (m, i) => i >= mailsBefore && m.to && JSON.stringify(m.to).includes('ana@example.org'),
    );
    expect(mailIndex).toBeGreaterThanOrEqual(0);
    const mail = smtp.received[mailIndex]!;
    expect(mail.subject).toContain(key);
    expect(push.payload).toMatchObject({
      title: `Emergency security report: ${key} Customer database is public`,
      urgent: true,
      open: `${t.baseUrl}/app/reports/${key}`,
      acknowledge: expect.stringMatching(/\/ack\?token=/),
    });
    expect(push.headers.urgency).toBe('high');
    // Nobody but the person on call was told.
    const recipients = smtp.received.slice(mailsBefore).flatMap((m) => JSON.stringify(m.to));
    expect(recipients.join()).not.toContain('ben@example.org');

    // Both went out on their own after the commit: no test step delivered them. How long they
    // took is printed, not asserted: speed is measured in bench/ (npm run bench:latency), since
    // a timed assertion here would measure the load of the machine running the suite.
    expect(committedAt).toBeGreaterThan(0);
    const pushLatency = push.arrivedAt - committedAt;
    const mailLatency = mailArrivals[mailIndex]! - committedAt;
    expect(pushLatency).toBeGreaterThanOrEqual(0);
    expect(mailLatency).toBeGreaterThanOrEqual(0);
    console.info(
      `commit → push ${pushLatency} ms, → e-mail ${mailLatency} ms; send → push ${push.arrivedAt - sentAt} ms`,
    );

    // The push service passes it on to Ana's browser: the console's service worker shows it,
    // with Acknowledge, and a click leads to the report.
    await deliverToServiceWorker(page, JSON.stringify(push.payload));
    await expect.poll(async () => (await shownNotifications(page)).length).toBe(1);
    const [shown] = await shownNotifications(page);
    expect(shown).toMatchObject({
      title: `Emergency security report: ${key} Customer database is public`,
      requireInteraction: true,
      data: { open: `${t.baseUrl}/app/reports/${key}`, acknowledge: push.payload.acknowledge },
      actions: [{ action: 'acknowledge', title: 'Acknowledge' }],
    });
    expect(shown!.body).toContain(key);
    await reporter.close();
    await context.close();
  });
});

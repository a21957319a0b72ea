// Acknowledging a page in the console and by its link (issue 21, item 3), in Chromium with axe:
// a responder paged for an emergency report sees "Pages for you" first on the dashboard (desktop
// and a 375 px phone), acknowledges it with one button, focus lands on the result, and the page
// climbs no further, while an unacknowledged one reaches the next levels (the security lead, then
// the administrators, each seeing it first on their dashboard); the link in the mail opens a
// page with one button that works without script.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ReportFields } from '../../src/shared/api/reports.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { createUser } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  closeBrowserSuite,
  DESKTOP,
  newContext,
  openBrowserSuite,
  PHONE,
  signedInPage,
  type BrowserApp,
} from '../helpers/browser.ts';

let t: BrowserApp;
let browser: Browser;

beforeAll(async () => {
  ({ t, browser } = await openBrowserSuite());
});
afterAll(async () => closeBrowserSuite({ t, browser }));

function emergency(summary: string) {
  return t.container.services.reports.submitReport(
    ReportFields.parse({ summary, description: 'What the reporter saw.', emergency: true }),
    [],
    { ip: '127.0.0.1' },
  );
}

/** Page notices waiting in the outbox for someone (the climbs after the first level). */
async function climbed(): Promise<string[]> {
  const rows = await t.container.db
    .selectFrom('outbox')
    .select(['recipient', 'idempotency_key'])
    .where('idempotency_key', 'like', 'page:%')
    .where('channel', '=', 'email')
    .execute();
  return rows.filter((r) => !/^page:[^:]+:0:/.test(r.idempotency_key)).map((r) => r.recipient);
}

describe('a page in the console', () => {
  for (const [name, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(`is the first thing on the dashboard and is acknowledged with one button (${name})`, async () => {
      const me = await createUser(t, { roles: ['responder'] });
      await createUser(t, { roles: ['security_lead'] });
      const report = await emergency(`Leaked keys (${name})`);
      const before = await climbed();

      const { context, page } = await signedInPage(browser, t.baseUrl, me, viewport);
      await page.goto('/app/');
      const section = page.getByRole('region', { name: 'Pages for you' });
      await section.waitFor();
      // Above everything else on the page, on a phone too.
      const top = (await section.boundingBox())!.y;
      const incidents = page.getByRole('heading', { name: 'Open incidents' });
      expect(top).toBeLessThan((await incidents.boundingBox())!.y);
      await expect
        .poll(() => section.getByText(`${report.key} Leaked keys (${name})`).count())
        .toBeGreaterThan(0);
      expect(await accessibilityViolations(page)).toEqual([]);

      await section.getByRole('button', { name: `Acknowledge ${report.key}` }).click();
      const result = page.getByRole('status').filter({ hasText: `Acknowledged ${report.key}` });
      await result.waitFor();
      await expect
        .poll(() => page.evaluate('document.activeElement?.getAttribute("role")'))
        .toBe('status');
      expect(await accessibilityViolations(page)).toEqual([]);

      // Nobody further is paged for it.
      t.clock.advance(60 * 60_000);
      await new Scheduler({
        deadlines: t.container.services.clocks,
        pages: t.container.services.notifications,
        clock: t.clock,
      }).tick(t.clock.now());
      expect((await climbed()).length).toBe(before.length);
      await context.close();
    }, 120_000);
  }

  it('unacknowledged, it climbs the ladder: the next level is paged and sees it first', async () => {
    await createUser(t, { roles: ['responder'] });
    const lead = await createUser(t, { roles: ['security_lead'] });
    const chief = await createUser(t, { roles: ['admin'], displayName: 'Ada Admin' });
    const report = await emergency('Signing key on a public bucket');
    const tick = () =>
      new Scheduler({
        deadlines: t.container.services.clocks,
        pages: t.container.services.notifications,
        clock: t.clock,
      }).tick(t.clock.now());

    const { context, page } = await signedInPage(browser, t.baseUrl, chief);
    const section = page.getByRole('region', { name: 'Pages for you' });
    const paged = () => section.getByText(`${report.key} Signing key on a public bucket`).count();
    // Four minutes on, the policy's first climb (5 min, to the security lead) has not come yet,
    // and the administrator, two levels up, has not been paged.
    t.clock.advance(4 * 60_000);
    await tick();
    await page.goto('/app/');
    await page.getByRole('heading', { name: 'Open incidents' }).waitFor();
    expect(await paged()).toBe(0);
    const mail = await t.container.db
      .selectFrom('outbox')
      .select('recipient')
      .where('channel', '=', 'email')
      .where('idempotency_key', 'like', 'page:%')
      .execute();
    expect(mail.map((m) => m.recipient)).toContain(lead.email);
    expect(mail.map((m) => m.recipient)).not.toContain(chief.email);

    // Nobody acknowledges: at 5 minutes it climbs to the security lead, at 10 to the admins.
    t.clock.advance(60_000);
    await tick();
    t.clock.advance(5 * 60_000);
    await tick();
    expect(await climbed()).toContain(chief.email);
    await page.reload();
    await expect.poll(paged, { timeout: 15_000 }).toBeGreaterThan(0);
    const incidents = page.getByRole('heading', { name: 'Open incidents' });
    expect((await section.boundingBox())!.y).toBeLessThan((await incidents.boundingBox())!.y);
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  }, 120_000);
});

describe('the acknowledge link', () => {
  it('shows the page with one button, acknowledges with a plain form post, and passes axe', async () => {
    const me = await createUser(t, { roles: ['responder'] });
    const report = await emergency('Open admin panel');
    const row = await t.container.db
      .selectFrom('outbox')
      .select('body_text')
      .where('recipient', '=', me.email)
      .where('idempotency_key', 'like', 'page:%')
      .executeTakeFirstOrThrow();
    const link = /Acknowledge this page so that it stops escalating: (\S+)/.exec(
      String(row.body_text),
    )![1]!;
    // The page has no script of its own (its CSP forbids one); axe runs in the page.
    const context = await newContext(browser, t.baseUrl, PHONE);
    const page = await context.newPage();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Emergency security report' }).waitFor();
    expect(await page.getByText(report.key).count()).toBeGreaterThan(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByText('Acknowledged: the page stops here.').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  }, 120_000);
});

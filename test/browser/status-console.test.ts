// The status page in the console, in Chromium with axe: the communications lead schedules a
// maintenance (a window that ends before it starts is refused, the field named) and moves it on;
// an admin sees the page's subscribers and removes one; a responder reads the maintenance and
// gets neither form nor the subscribers.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/server/domain/actor.ts';
import { createUser } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  closeBrowserSuite,
  openBrowserSuite,
  requestsToOtherHosts,
  signedInPage,
  type BrowserApp,
} from '../helpers/browser.ts';

let t: BrowserApp;
let browser: Browser;
let api: string;

/** An address that subscribed and confirmed, through the service and the link it was sent. */
async function confirmedSubscriber(email: string, components: string[] = []) {
  const status = t.container.services.status;
  await status.subscribe({ email, components, ip: '198.51.100.7' });
  const mail = await t.container.db
    .selectFrom('outbox')
    .select('body_text')
    .where('recipient', '=', email)
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
  const token = /confirm\?token=([A-Za-z0-9_%-]+)/.exec(mail.body_text)![1]!;
  await status.confirmSubscription(decodeURIComponent(token));
}

const local = (ms: number) => {
  // datetime-local in the browser's time zone (the test's Chromium runs in UTC like Node here).
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

beforeAll(async () => {
  ({ t, browser } = await openBrowserSuite());
  api = (
    await t.container.services.status.addComponent(systemActor, {
      name: 'API',
      description: null,
      groupId: null,
      isGroup: false,
      onlyShowIfDegraded: false,
    })
  ).id;
  await confirmedSubscriber('follower@example.org', [api]);
  await confirmedSubscriber('leaver@example.org');
});
afterAll(async () => closeBrowserSuite({ t, browser }));

describe('the status page in the console', () => {
  it('the communications lead schedules a maintenance and moves it on; the page passes axe', async () => {
    const comms = await createUser(t, { roles: ['comms'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, comms);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Status page' })
      .click();
    await page.getByRole('heading', { name: 'Schedule maintenance' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    // Comms may publish, not manage subscribers.
    expect(await page.getByRole('heading', { name: 'Subscribers' }).count()).toBe(0);

    const start = t.clock.now() + 2 * 3_600_000;
    await page.getByLabel('Title').fill('Database upgrade');
    await page.getByLabel('What customers will notice (Markdown)').fill('The API is read-only.');
    await page.getByLabel('Starts').fill(local(start));
    await page.getByLabel('Ends').fill(local(start - 3_600_000));
    await page.getByLabel('API').check();
    await page.getByLabel('Remind subscribers this many minutes before').fill('45');
    await page.getByRole('button', { name: 'Schedule maintenance' }).click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('Scheduled until: ');
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByLabel('Ends').fill(local(start + 3_600_000));
    await page.getByRole('button', { name: 'Schedule maintenance' }).click();
    const table = page.getByTestId('maintenances');
    await table.getByRole('rowheader', { name: 'Database upgrade' }).waitFor();
    expect(await table.textContent()).toContain('Scheduled');
    expect(await table.textContent()).toContain('API');
    const [created] = await t.container.services.status.listMaintenances('all', 10);
    expect(created).toMatchObject({
      name: 'Database upgrade',
      componentIds: [api],
      noticeBeforeMs: 45 * 60_000,
      scheduledFor: Math.floor(start / 60_000) * 60_000,
    });

    await page.getByRole('button', { name: 'Mark database upgrade in progress' }).click();
    await page.getByRole('button', { name: 'Mark database upgrade verifying' }).waitFor();
    expect(await table.textContent()).toContain('In progress');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  });

  it('an admin sees the subscribers and removes one; a responder reads the maintenance only', async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, admin);
    await page.goto('/app/status-page');
    const subscribers = page.getByTestId('subscribers');
    await subscribers.getByRole('rowheader', { name: 'leaver@example.org' }).waitFor();
    expect(await subscribers.textContent()).toContain('Everything');
    const follower = subscribers.getByRole('row').filter({ hasText: 'follower@example.org' });
    // The components' names come with their own query: wait for them, never read once.
    await expect.poll(() => follower.textContent()).toContain('API');
    expect(await follower.textContent()).toContain('Confirmed');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Remove leaver@example.org' }).click();
    await subscribers.getByRole('rowheader', { name: 'leaver@example.org' }).waitFor({
      state: 'detached',
    });
    const left = await t.container.services.status.listSubscribers();
    expect(left.map((s) => s.email)).toEqual(['follower@example.org']);
    await context.close();

    const responder = await createUser(t, { roles: ['responder'] });
    const seen = await signedInPage(browser, t.baseUrl, responder);
    await seen.page.goto('/app/status-page');
    await seen.page.getByTestId('maintenances').getByText('Database upgrade').waitFor();
    expect(await seen.page.getByRole('heading', { name: 'Schedule maintenance' }).count()).toBe(0);
    expect(await seen.page.getByRole('heading', { name: 'Subscribers' }).count()).toBe(0);
    expect(await seen.page.getByRole('button', { name: /^Mark / }).count()).toBe(0);
    expect(await accessibilityViolations(seen.page)).toEqual([]);
    await seen.context.close();
  });
});

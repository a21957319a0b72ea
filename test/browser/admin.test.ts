// The administration pages in a real browser: an admin creates a user and an API token, finds the
// user's creation in the audit log, sends a dead letter again from the outbox and reads the
// policy; a responder sees no Admin link and is told they are not allowed.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMessage } from '../../src/server/db/outbox.ts';
import { systemActor } from '../../src/server/domain/actor.ts';
import { createUser } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  DESKTOP,
  PHONE,
  launchBrowser,
  requestsToOtherHosts,
  signedInPage,
  screenshot,
  startBrowserApp,
  type BrowserApp,
} from '../helpers/browser.ts';
import { startHttpReceiver, workerFor, type HttpReceiver } from '../helpers/delivery.ts';

let t: BrowserApp;
let browser: Browser;
let receiver: HttpReceiver;

beforeAll(async () => {
  t = await startBrowserApp();
  browser = await launchBrowser();
  receiver = await startHttpReceiver();
});
afterAll(async () => {
  await browser?.close();
  await receiver?.stop();
  await t?.close();
});

/** A webhook whose receiver answers 500 until the outbox gives up: one dead letter. */
async function arrangeDeadLetter() {
  const endpoint = await t.container.services.notifications.createEndpoint(systemActor, {
    kind: 'standard',
    name: 'Status page hook',
    url: receiver.url,
    eventTypes: ['incident.line_stopped'],
  });
  await enqueueMessage(
    t.container.db,
    {
      channel: 'webhook',
      recipient: endpoint.id,
      subject: 'Line stopped: INC-2026-0001 Customer data exposed',
      bodyText: JSON.stringify({ type: 'incident.line_stopped', data: {} }),
      idempotencyKey: 'msg_admin_dead_1',
    },
    t.clock.now(),
  );
  receiver.answers.push(500, 500);
  const worker = workerFor(t, null, { maxAttempts: 2, baseDelayMs: 1000 });
  const rounds = [];
  for (let i = 0; i < 2; i++) {
    rounds.push(await worker.deliverDue(t.clock.now()));
    t.clock.advance(5_000);
  }
  expect(rounds.map((r) => r.dead)).toEqual([0, 1]);
  return worker;
}

describe('administration', () => {
  it('an admin manages users and tokens, reads the audit log, retries a dead letter and reads the policy', async () => {
    const worker = await arrangeDeadLetter();
    const admin = await createUser(t, { roles: ['admin'], displayName: 'Ada Admin' });
    const { context, page } = await signedInPage(browser, t.baseUrl, admin);

    // Users and roles: create an account with a role; the one-time link is shown to hand over.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Admin' })
      .click();
    await page.getByRole('heading', { name: 'Users and roles' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Fiona Forensics');
    await page.getByLabel('E-mail').fill('fiona@example.org');
    const createForm = page.locator('form').filter({ hasText: 'Create user' });
    await createForm.getByLabel('Legal / DPO').check();
    await page.getByRole('button', { name: 'Create user' }).click();
    const link = await page.getByTestId('set-password-link').inputValue();
    expect(link).toMatch(/\/set-password#token=/);
    // The link's page says whose account it is for before a password is typed; the link
    // stays unused until the form is sent.
    const linkPage = await context.newPage();
    await linkPage.goto(link);
    await expect
      .poll(() => linkPage.getByRole('status').textContent())
      .toBe('You are setting the password of Fiona Forensics (fiona@example.org).');
    expect(await linkPage.getByLabel('Your one-time link').isHidden()).toBe(true);
    await linkPage.close();
    // A new page: a change of fragment alone would not load the page again.
    const deadPage = await context.newPage();
    await deadPage.goto(link.replace(/token=[^&]+/, 'token=stl_link_not_a_real_one'));
    await expect
      .poll(() => deadPage.getByRole('status').textContent())
      .toMatch(/^This link does not work any more/);
    expect(await deadPage.getByLabel('Your one-time link').isVisible()).toBe(true);
    await deadPage.close();
    const row = page.getByTestId('users').getByRole('row', { name: /Fiona Forensics/ });
    await expect.poll(() => row.textContent()).toMatch(/Legal \/ DPO.*Active.*Off/);
    // Change her roles: add Responder.
    await row.getByRole('button', { name: 'Change roles of Fiona Forensics' }).click();
    await row.getByLabel('Responder').check();
    await row.getByRole('button', { name: 'Save roles' }).click();
    await expect.poll(() => row.textContent()).toMatch(/Responder/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'admin-users');

    // API token: scoped, shown once, works as a bearer token.
    await page.getByRole('link', { name: 'My API tokens' }).first().click();
    await page.getByRole('heading', { name: 'My API tokens' }).waitFor();
    await page.getByLabel('Name').fill('Release gate');
    await page.getByLabel('line.read').check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = await page.getByTestId('new-token').inputValue();
    expect(token).toMatch(/^stl_token/);
    const withToken = await t.app.inject({
      url: '/api/v1/line',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(withToken.statusCode).toBe(200);
    await page
      .getByTestId('tokens')
      .getByRole('row', { name: /Release gate/ })
      .waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.reload();
    await page
      .getByTestId('tokens')
      .getByRole('row', { name: /Release gate/ })
      .waitFor();
    expect(await page.getByTestId('new-token').count()).toBe(0);
    expect(await page.content()).not.toContain(token);

    // Audit log: filter by action; the filter is in the URL; the export has the same filter.
    await page.getByRole('link', { name: 'Admin' }).first().click();
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByLabel('Action', { exact: true }).fill('user.created');
    await page.getByLabel('Who').selectOption({ label: 'Ada Admin (' + admin.email + ')' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('action')).toBe('user.created');
    const entries = page.getByTestId('audit-entries');
    // The unfiltered list may still show for a moment (her roles changed too): wait for the one row.
    await expect.poll(() => entries.locator('tbody tr').count()).toBe(1);
    await entries.getByText('User Fiona Forensics').waitFor();
    // What was recorded reads as facts under names in words, not as raw JSON.
    const detail = entries.locator('tbody tr dl.detail');
    expect(await detail.innerText()).not.toMatch(/[{}"]/);
    expect(await detail.locator('dt').first().textContent()).toMatch(/^[a-z ]+$/);
    const href = (await page.getByTestId('export-csv').getAttribute('href'))!;
    expect(href).toContain('action=user.created');
    const csv = await page.request.get(href);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toMatch(/user\.created/);
    // A shared link opens the same filtered view.
    await page.reload();
    await entries.getByText('User Fiona Forensics').waitFor();
    expect(await page.getByLabel('Action', { exact: true }).inputValue()).toBe('user.created');
    await page.getByRole('button', { name: 'Check the chain' }).click();
    await expect
      .poll(() => page.getByTestId('chain-check').textContent())
      .toMatch(/Intact: all \d+ entries/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'admin-audit');

    // Outbox: the dead letter with its error; send it again, and it is delivered.
    await page.getByRole('link', { name: 'Outbox' }).click();
    await page.getByRole('link', { name: 'Dead letters' }).click();
    const dead = page.getByTestId('outbox').getByRole('row', { name: /Customer data exposed/ });
    await expect.poll(() => dead.textContent()).toMatch(/Dead letter.*2.*HTTP 500/);
    await dead.getByRole('button', { name: 'Show attempts' }).click();
    await expect.poll(() => dead.locator('.attempts li').count()).toBe(2);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'admin-outbox');
    // On a phone the table scrolls inside its box, not the page, and the keyboard can scroll it:
    // the box is then a named region in the Tab order.
    await page.setViewportSize(PHONE);
    const messages = page.getByRole('region', { name: 'Messages' });
    await messages.waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      PHONE.width,
    );
    await messages.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.evaluate('document.activeElement.scrollLeft')).toBeGreaterThan(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.setViewportSize(DESKTOP);
    await expect.poll(() => page.getByRole('region', { name: 'Messages' }).count()).toBe(0);
    await dead.getByRole('button', { name: /Send again/ }).click();
    await page.getByText('No dead letters: every notice got through.').waitFor();
    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 1, failed: 0, dead: 0 });
    await page.getByRole('link', { name: 'Delivered' }).click();
    await page
      .getByTestId('outbox')
      .getByRole('row', { name: /Customer data exposed.*Delivered/ })
      .waitFor();
    await worker.close();

    // The policy, for people: a severity with its description and response time.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Policy' })
      .click();
    await page.getByRole('heading', { name: 'Stopline default policy' }).waitFor();
    const p0 = page.getByTestId('severity-P0');
    await p0
      .getByText('An immediate threat to customer data or to the availability of the service.')
      .waitFor();
    expect(await p0.textContent()).toMatch(/First response within\s*15 min/);
    await page.getByRole('heading', { name: 'Before leaving this phase' }).first().waitFor();
    await page.getByTestId('policy-versions').getByText('— in force').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'policy');

    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
    // A long walk through six pages with axe on each, as the other whole-page walks are given.
  }, 120_000);

  it('a responder sees no Admin link and is told the admin pages are not allowed', async () => {
    const responder = await createUser(t, { roles: ['responder'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, responder);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Policy' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Admin' }).count()).toBe(0);

    await page.goto('/app/admin');
    await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    await page.goto('/app/admin/outbox');
    await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  });
});

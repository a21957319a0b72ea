// Rescheduling and cancelling a maintenance, and the subscriber CSV, in the console, in Chromium
// with axe at 1280 px and on a phone: the communications lead moves a window (one that ends before
// it starts is refused and the field named), then calls another off after confirming; the
// subscribers hear of both by e-mail; an admin exports the subscribers as CSV and imports a file
// (a bad line is refused whole, the line named); a responder gets none of the buttons.
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/server/domain/actor.ts';
import { createUser } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  closeBrowserSuite,
  openBrowserSuite,
  PHONE,
  requestsToOtherHosts,
  signedInPage,
  type BrowserApp,
} from '../helpers/browser.ts';
import { addStatusComponent } from '../helpers/status.ts';

let t: BrowserApp;
let browser: Browser;
let api: string;

const HOUR = 3_600_000;
const local = (ms: number) =>
  new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
const minute = (ms: number) => Math.floor(ms / 60_000) * 60_000;

/** The subjects of the e-mails queued for an address, oldest first. */
async function subjectsTo(email: string): Promise<string[]> {
  const rows = await t.container.db
    .selectFrom('outbox')
    .select(['subject', 'created_at'])
    .where('recipient', '=', email)
    .orderBy('created_at', 'asc')
    .execute();
  return rows.map((r) => r.subject);
}

async function schedule(name: string, startsIn: number) {
  const start = t.clock.now() + startsIn;
  return t.container.services.status.scheduleMaintenance(systemActor, {
    name,
    body: 'Read-only for an hour.',
    scheduledFor: start,
    scheduledUntil: start + HOUR,
    componentIds: [api],
    noticeBeforeMs: null,
  });
}

beforeAll(async () => {
  ({ t, browser } = await openBrowserSuite());
  const status = t.container.services.status;
  api = await addStatusComponent(t, 'API');
  // A subscriber who follows everything, confirmed through the import (confirmed elsewhere).
  await status.importSubscribers(systemActor, Buffer.from('email\nwatcher@example.org\n'), {
    confirmed: true,
  });
});
afterAll(async () => closeBrowserSuite({ t, browser }));

describe('rescheduling and cancelling a maintenance in the console', () => {
  it('the communications lead moves a window; a bad one is refused, the field named (1280 px)', async () => {
    const moved = await schedule('Database upgrade', 24 * HOUR);
    const comms = await createUser(t, { roles: ['comms'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, comms);
    await page.goto('/app/status-page');
    await page.getByRole('button', { name: 'Reschedule Database upgrade' }).click();
    const form = page.getByTestId('maintenance-change');
    await form.getByRole('heading', { name: 'Reschedule Database upgrade' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    const start = t.clock.now() + 30 * HOUR;
    await form.getByLabel('New start').fill(local(start));
    await form.getByLabel('New end').fill(local(start - HOUR));
    const submit = form.getByRole('button', { name: 'Reschedule' });
    expect(await submit.isDisabled()).toBe(true); // not before the confirmation
    await form.getByLabel('I confirm: move Database upgrade and tell its subscribers').check();
    await submit.click();
    const refusal = form.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('scheduledUntil');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect((await t.container.services.status.getMaintenance(moved.id))!.scheduledFor).toBe(
      moved.scheduledFor,
    );

    await form.getByLabel('New end').fill(local(start + 2 * HOUR));
    await form.getByLabel('What subscribers are told (Markdown)').fill('Moved by a day.');
    await submit.click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Database upgrade is rescheduled.' })
      .waitFor();
    const after = (await t.container.services.status.getMaintenance(moved.id))!;
    expect(after).toMatchObject({
      scheduledFor: minute(start),
      scheduledUntil: minute(start + 2 * HOUR),
    });
    expect(after.updates.at(-1)!.body).toBe('Moved by a day.');
    const subjects = await subjectsTo('watcher@example.org');
    expect(subjects.some((s) => /Rescheduled/i.test(s) && s.includes('Database upgrade'))).toBe(
      true,
    );
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  });

  it('the communications lead calls a maintenance off after confirming (1280 px)', async () => {
    const called = await schedule('Network change', 48 * HOUR);
    const comms = await createUser(t, { roles: ['comms'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, comms);
    await page.goto('/app/status-page');
    const form = page.getByTestId('maintenance-change');
    await page.getByRole('button', { name: 'Cancel Network change' }).click();
    await form.getByRole('heading', { name: 'Cancel Network change' }).waitFor();
    await form.getByRole('button', { name: 'Keep it as it is' }).click();
    await form.waitFor({ state: 'detached' });
    expect((await t.container.services.status.getMaintenance(called.id))!.cancelledAt).toBeNull();

    await page.getByRole('button', { name: 'Cancel Network change' }).click();
    await form.getByLabel('I confirm: call off Network change and tell its subscribers').check();
    await form.getByRole('button', { name: 'Cancel the maintenance' }).click();
    await page.getByRole('status').filter({ hasText: 'Network change is cancelled.' }).waitFor();
    const row = page.getByTestId('maintenances').getByRole('row').filter({
      hasText: 'Network change',
    });
    expect(await row.textContent()).toContain('Cancelled');
    expect(await page.getByRole('button', { name: 'Cancel Network change' }).count()).toBe(0);
    expect((await t.container.services.status.getMaintenance(called.id))!.cancelledAt).not.toBe(
      null,
    );
    const subjects = await subjectsTo('watcher@example.org');
    expect(subjects.some((s) => /Cancelled/i.test(s) && s.includes('Network change'))).toBe(true);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  });

  it('on a phone the confirmation is asked too, and a responder gets no button', async () => {
    await schedule('Phone window', 72 * HOUR);
    const comms = await createUser(t, { roles: ['comms'] });
    const phone = await signedInPage(browser, t.baseUrl, comms, PHONE);
    await phone.page.goto('/app/status-page');
    await phone.page.getByRole('button', { name: 'Cancel Phone window' }).click();
    await phone.page.getByRole('heading', { name: 'Cancel Phone window' }).waitFor();
    expect(
      await phone.page.getByRole('button', { name: 'Cancel the maintenance' }).isDisabled(),
    ).toBe(true);
    expect(await accessibilityViolations(phone.page)).toEqual([]);
    await phone.context.close();

    const responder = await createUser(t, { roles: ['responder'] });
    const seen = await signedInPage(browser, t.baseUrl, responder, PHONE);
    await seen.page.goto('/app/status-page');
    await seen.page.getByTestId('maintenances').getByText('Phone window').waitFor();
    expect(await seen.page.getByRole('button', { name: /^(Reschedule|Cancel) / }).count()).toBe(0);
    expect(await seen.page.getByText('Import subscribers').count()).toBe(0);
    expect(await accessibilityViolations(seen.page)).toEqual([]);
    await seen.context.close();
  });
});

describe('the subscriber CSV in the console', () => {
  it('an admin downloads the list and imports a file; a bad line is refused whole', async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, admin, PHONE);
    await page.goto('/app/status-page');
    await page.getByRole('heading', { name: 'Import and export' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download every subscriber as CSV' }).click(),
    ]);
    const exported = await readFile((await download.path())!, 'utf8');
    expect(exported.split(/\r?\n/)[0]).toContain('email');
    expect(exported).toContain('watcher@example.org');

    const file = page.getByLabel('CSV file to import');
    await file.setInputFiles({
      name: 'subscribers.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('email,components\nnew@example.org,API\nnot-an-address,\n'),
    });
    await page.getByRole('button', { name: 'Import subscribers' }).click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('Line 3 email: ');
    expect((await t.container.services.status.listSubscribers()).map((s) => s.email)).toEqual([
      'watcher@example.org',
    ]);
    expect(await accessibilityViolations(page)).toEqual([]);

    await file.setInputFiles({
      name: 'subscribers.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('email,components\nnew@example.org,API\nwatcher@example.org,\n'),
    });
    await page.getByRole('button', { name: 'Import subscribers' }).click();
    const result = page.getByRole('status').filter({ hasText: 'Imported 1 new address' });
    await result.waitFor();
    expect(await result.textContent()).toContain('watcher@example.org');
    expect(await result.textContent()).toContain('confirmation link');
    await page
      .getByTestId('subscribers')
      .getByRole('rowheader', { name: 'new@example.org' })
      .waitFor();
    const added = (await t.container.services.status.listSubscribers()).find(
      (s) => s.email === 'new@example.org',
    )!;
    expect(added).toMatchObject({ componentIds: [api], confirmedAt: null });
    expect(await subjectsTo('new@example.org')).toHaveLength(1); // the confirmation only
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  });
});

// GDPR erasure in the console (issue 19, item 5): an admin (data.erase) erases a reporter's
// contact details and a file from the report's page, and a person from a breach's contact list
// from the incident's page, each with a reason and a confirmation that names what goes and that it
// cannot be undone. The tombstone shows and takes the focus; a refusal (409 erased already, 400
// a reason of spaces) is said in words with the focus on the error summary. A reason holding
// markup stays text. Someone without data.erase (the security lead, legal) sees no control, and
// after the erasure the reporter's address is nowhere on the page; the breach panel still shows
// the contact's tombstone after a reload. axe at 1280 and 375 px.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenFor, createUser, signIn } from '../helpers/auth.ts';
import { recordDeterminations } from '../helpers/breach.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
  focused,
  openBrowserSuite,
  recordDialogs,
  PHONE,
  requestsToOtherHosts,
  screenshot,
  signedInPage,
} from '../helpers/browser.ts';

let t: BrowserApp;
let browser: Browser;
beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

const ERIN = 'erin.erased@example.org';
const HOSTILE = 'Request ER-7 <script>alert(1)</script><img src=x onerror=alert(2)>';

async function submitReport(): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/reports',
    payload: {
      summary: 'Customer export left on a public share',
      description: 'The nightly export is world-readable.',
      contact: { name: 'Erin Erasmus', email: ERIN, phone: '+44 20 7946 0958' },
      attachments: [
        { name: 'listing.txt', contentBase64: Buffer.from('ls -l /share\n').toString('base64') },
        { name: 'sample.txt', contentBase64: Buffer.from('a,b,c\n').toString('base64') },
      ],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().key as string;
}

const eraseRegion = (page: Page) => page.getByRole('region', { name: 'Erase personal data' });

describe('erasing personal data in the console', () => {
  it('an admin erases the contact details and a file of a report; others see no control', async () => {
    const key = await submitReport();
    const admin = await createUser(t, { roles: ['admin'], displayName: 'Ada Admin' });
    const lead = await createUser(t, { roles: ['security_lead'], displayName: 'Lee Lead' });

    // The security lead reads the report and its contact, but has no erasure control.
    const { context: leadContext, page: leadPage } = await signedInPage(browser, t.baseUrl, lead);
    await leadPage.goto(`/app/reports/${key}`);
    await leadPage.getByRole('heading', { name: 'Contact details' }).waitFor();
    await leadPage.getByRole('heading', { name: 'Files' }).waitFor();
    expect(await eraseRegion(leadPage).count()).toBe(0);
    expect(await leadPage.getByRole('button', { name: /erasure/ }).count()).toBe(0);

    const { context, page } = await signedInPage(browser, t.baseUrl, admin);
    const dialogs = recordDialogs(page);
    await page.goto(`/app/reports/${key}`);
    const erase = eraseRegion(page);
    await erase.waitFor();
    // The contact is on the page before: read (and audited) as staff read it.
    await page.getByRole('button', { name: 'Show contact' }).click();
    await page.getByTestId('contact').getByText(ERIN).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    // Contact details: choose, give the reason, review; the confirmation names what goes.
    await erase.getByLabel("The reporter's contact details").check();
    await erase.getByLabel('Reason for the erasure').fill(HOSTILE);
    await erase.getByRole('button', { name: 'Review the erasure…' }).click();
    const confirm = erase.getByTestId('erase-confirm');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(
      "Erase the reporter's contact details (name, e-mail address, phone and OpenPGP key)?",
    );
    expect(await confirm.textContent()).toContain('cannot be undone');
    await expect.poll(async () => (await focused(page)).testId).toBe('erase-confirm');
    expect(await accessibilityViolations(page)).toEqual([]);
    await erase.getByRole('button', { name: 'Erase for good' }).click();

    // The tombstone shows, takes the focus, and the reason is text.
    const result = erase.getByTestId('erase-result');
    await expect.poll(() => result.textContent()).toContain('Contact details erased');
    expect(await result.textContent()).toContain(HOSTILE);
    await expect.poll(async () => (await focused(page)).testId).toBe('erase-result');
    await page.getByTestId('report-contact-tombstone').getByText(HOSTILE).waitFor();
    await page.getByTestId('contact-tombstone').waitFor();
    await expect.poll(() => page.content()).not.toContain(ERIN);
    expect(await page.content()).not.toContain('Erin Erasmus');
    expect(await erase.getByLabel("The reporter's contact details").count()).toBe(0);

    // A file erased behind the page's back meanwhile: the page says so in words (409).
    const listing = await leadPage.evaluate(async (k) => {
      const res = await fetch(`/api/v1/reports/${k}`);
      return ((await res.json()) as { attachments: { id: string; name: string }[] }).attachments;
    }, key);
    const first = listing.find((a) => a.name === 'listing.txt')!;
    await erase.getByLabel('The file “listing.txt”').check();
    await erase.getByLabel('Reason for the erasure').fill('Request ER-8: the listing names them');
    await erase.getByRole('button', { name: 'Review the erasure…' }).click();
    await erase.getByTestId('erase-confirm').getByText('listing.txt').waitFor();
    const { headers } = await createTokenFor(t, 'admin');
    const behind = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${key}/erasures`,
      headers,
      payload: { field: 'attachment', attachmentId: first.id, reason: 'Erased by a colleague' },
    });
    expect(behind.statusCode, behind.body).toBe(201);
    await erase.getByRole('button', { name: 'Erase for good' }).click();
    const refusal = erase.getByTestId('error-summary');
    await expect.poll(() => refusal.textContent()).toContain('redacted already');
    await expect.poll(async () => (await focused(page)).testId).toBe('error-summary');

    // A reason of spaces: the server names the field in words (400).
    await erase.getByLabel('The file “sample.txt”').check();
    await erase.getByLabel('Reason for the erasure').fill('   ');
    await erase.getByRole('button', { name: 'Review the erasure…' }).click();
    await erase.getByRole('button', { name: 'Erase for good' }).click();
    await expect.poll(() => refusal.textContent()).toContain('Reason: is required');
    await expect.poll(async () => (await focused(page)).testId).toBe('error-summary');

    await erase.getByLabel('The file “sample.txt”').check();
    await erase.getByLabel('Reason for the erasure').fill('Request ER-9');
    await erase.getByRole('button', { name: 'Review the erasure…' }).click();
    await erase.getByRole('button', { name: 'Erase for good' }).click();
    await expect.poll(() => result.textContent()).toContain('File removed');
    await screenshot(page, 'report-erasure');
    await expect.poll(async () => (await focused(page)).testId).toBe('erase-result');
    const files = page.getByTestId('file-tombstone');
    await expect.poll(() => files.count()).toBe(2);
    expect(await files.nth(0).textContent()).toContain('File removed');
    expect(await files.nth(0).textContent()).toContain('Erased by a colleague');
    expect(await files.nth(1).textContent()).toContain('Request ER-9');
    expect(await page.getByRole('link', { name: /Download/ }).count()).toBe(0);
    expect(await erase.textContent()).toContain('erased already');

    // On a phone, the same page with its tombstones.
    await page.setViewportSize(PHONE);
    await page.reload();
    await page.getByTestId('report-contact-tombstone').waitFor();
    expect(await page.content()).not.toContain(ERIN);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(requestsToOtherHosts(context)).toEqual([]);

    // The security lead's page follows: the contact is gone there too.
    await leadPage.reload();
    await leadPage.getByTestId('contact-tombstone').waitFor();
    expect(await leadPage.content()).not.toContain(ERIN);
    expect(await eraseRegion(leadPage).count()).toBe(0);
    await leadContext.close();
    await context.close();
  }, 150_000);

  it('an admin erases one person from a breach contact list on a phone; legal sees no control', async () => {
    const responder = await createUser(t, { roles: ['responder'] });
    const legal = await createUser(t, { roles: ['legal'], displayName: 'Dana DPO' });
    const admin = await createUser(t, { roles: ['admin'], displayName: 'Ada Admin' });
    const legalHeaders = await signIn(t, legal.email, legal.password);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: await signIn(t, responder.email, responder.password),
      payload: { title: 'Customer list copied from the CRM' },
    });
    const key = created.json().key as string;
    const opened = await t.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${key}/breach`,
      headers: legalHeaders,
      payload: { status: 'confirmed' },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    await recordDeterminations(t, key, legalHeaders, [
      ['became_aware'],
      ['personal_data_involved'],
    ]);
    const imported = await t.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${key}/breach/contacts`,
      headers: { ...legalHeaders, 'content-type': 'text/csv' },
      payload: ['name,email', 'Ada Lovelace,ada@example.org', `Erin Erasmus,${ERIN}`].join('\n'),
    });
    expect(imported.statusCode, imported.body).toBe(200);

    const { context: legalContext, page: legalPage } = await signedInPage(
      browser,
      t.baseUrl,
      legal,
    );
    await legalPage.goto(`/app/incidents/${key}`);
    await legalPage.getByTestId('breach-facts').waitFor();
    expect(await eraseRegion(legalPage).count()).toBe(0);
    await legalContext.close();

    const { context, page } = await signedInPage(browser, t.baseUrl, admin, PHONE);
    const dialogs = recordDialogs(page);
    await page.goto(`/app/incidents/${key}`);
    const erase = page.getByTestId('breach-panel').getByRole('region', {
      name: 'Erase personal data',
    });
    await erase.waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    // Someone not on the list: said in words, the focus on the error summary (404).
    await erase.getByLabel('E-mail address of the person').fill('nobody@example.org');
    await erase.getByLabel('Reason for the erasure').fill(HOSTILE);
    await erase.getByRole('button', { name: 'Review the erasure…' }).click();
    await erase.getByRole('button', { name: 'Erase for good' }).click();
    const refusal = erase.getByTestId('error-summary');
    await refusal.waitFor();
    await expect.poll(async () => (await focused(page)).testId).toBe('error-summary');

    await erase.getByLabel('E-mail address of the person').fill(ERIN);
    await erase.getByRole('button', { name: 'Review the erasure…' }).click();
    const confirm = erase.getByTestId('erase-confirm');
    expect(await confirm.textContent()).toContain(`Erase ${ERIN} from the contact list`);
    await screenshot(page, 'breach-contact-erasure-confirm');
    expect(await confirm.textContent()).toContain('cannot be undone');
    await expect.poll(async () => (await focused(page)).testId).toBe('erase-confirm');
    await erase.getByRole('button', { name: 'Erase for good' }).click();
    const result = erase.getByTestId('erase-result');
    await expect.poll(() => result.textContent()).toContain('Contact erased');
    expect(await result.textContent()).toContain('(1 line of the list)');
    expect(await result.textContent()).toContain(HOSTILE);
    await expect.poll(async () => (await focused(page)).testId).toBe('erase-result');
    expect(await page.content()).not.toContain(ERIN);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(dialogs).toEqual([]);

    // After a reload the record still shows the tombstone (when, why, how many lines), never who.
    await page.reload();
    const tombstones = page.getByTestId('breach-contact-tombstones');
    await tombstones.waitFor();
    const kept = await tombstones.textContent();
    expect(kept).toContain('Contact erased');
    expect(kept).toContain(HOSTILE);
    expect(kept).toContain('(1 line removed)');
    expect(await tombstones.locator('time').count()).toBe(1);
    expect(await page.content()).not.toContain(ERIN);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(dialogs).toEqual([]);

    // The list no longer has the person.
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${key}/breach/contacts?format=csv`,
      headers: legalHeaders,
    });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.body).not.toContain(ERIN);
    expect(list.body).toContain('ada@example.org');
    await context.close();
  }, 150_000);
});

// Report triage in a real browser: a report sent on the public no-JavaScript form reaches a
// responder's queue, is read (the reporter's hostile text stays text), acknowledged, discussed
// (internal notes set apart from messages to the reporter) and opened as an incident; and the
// queue on a phone, with a breached acknowledgment said in words.
import { createHash } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR } from '../../src/server/clock.ts';
import { createUser, signIn } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
  newContext,
  openBrowserSuite,
  recordDialogs,
  PHONE,
  requestsToOtherHosts,
  screenshot,
  signedInPage,
  signInInBrowser,
} from '../helpers/browser.ts';

let t: BrowserApp;
let browser: Browser;

beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>';

describe('report triage in the console', () => {
  it('a report from the public form is triaged: read as text, acknowledged, discussed and opened as an incident', async () => {
    const responder = await createUser(t, { roles: ['responder'], displayName: 'Rita Responder' });
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const dialogs = recordDialogs(page);

    // The reporter: the plain HTML form, with a file whose name is markup too.
    const evidence = Buffer.from('GET /profile?name=<script>alert(4)</script>\n');
    await page.goto('/report');
    await page.getByLabel('Summary (required)').fill('Stored XSS in the profile page');
    await page.getByLabel('Description (required)').fill(`The display name runs ${HOSTILE}`);
    await page.getByLabel('Steps to reproduce (optional)').fill('1. Sign in\n2. Set the name');
    await page.getByLabel('Your e-mail address (optional)').fill('ada@example.org');
    await page.getByLabel('Evidence files (optional)').setInputFiles({
      name: '<img src=x onerror=alert(3)>.txt',
      mimeType: 'image/png',
      buffer: evidence,
    });
    await page.getByRole('button', { name: 'Send the report' }).click();
    const key = (await page.locator('#report-key').textContent())!.trim();
    expect(key).toMatch(/^RPT-\d{4,}$/);

    // The responder: the queue shows it with its countdown, filters live in the URL.
    await signInInBrowser(page, responder);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Reports' })
      .click();
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    const row = page.getByTestId(`report-row-${key}`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Stored XSS in the profile page');
    expect(await row.textContent()).toContain('Received — not acknowledged yet');
    expect(await row.getByTestId('countdown').textContent()).toMatch(/^in 2[34] h/);
    expect(await row.textContent()).toContain('Not verified');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'reports-queue');

    await page.getByLabel('Search', { exact: true }).fill('profile page');
    await page.getByRole('button', { name: 'Show reports' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('profile page');
    await row.waitFor();
    // Only closed reports: this one is not among them, and the URL says so.
    for (const open of ['Received — not acknowledged yet', 'Acknowledged', 'Being investigated'])
      await page.getByLabel(open, { exact: true }).uncheck();
    await page.getByLabel('Resolved', { exact: true }).check();
    await page.getByRole('button', { name: 'Show reports' }).click();
    await page.getByText('No reports match these filters.').waitFor();
    expect(new URL(page.url()).searchParams.getAll('status')).toEqual(['resolved']);
    expect(await page.getByTestId('filter-summary').textContent()).toBe(
      'Resolved · matching “profile page”',
    );
    await page.goBack();
    await row.getByRole('link', { name: key }).click();

    // The report page: the reporter's words are text, inside a marked block; nothing ran.
    await page.getByRole('heading', { name: `Report ${key}` }).waitFor();
    const content = page.getByTestId('reporter-content');
    await expect
      .poll(() => page.getByTestId('reporter-description').textContent())
      .toBe(`The display name runs ${HOSTILE}`);
    expect(await content.getByRole('heading', { name: 'From the reporter' }).count()).toBe(1);
    expect(await content.locator('img, script').count()).toBe(0);
    const files = page.getByTestId('attachments');
    expect(await files.textContent()).toContain('<img src=x onerror=alert(3)>.txt');
    expect(await files.textContent()).toContain(
      createHash('sha256').update(evidence).digest('hex'),
    );
    expect(await files.textContent()).toContain(`${evidence.length} bytes`);
    expect(await files.textContent()).toMatch(/text\/plain.*Sent as image\/png/);
    expect(await page.locator('main img').count()).toBe(0);
    const download = files.getByRole('link', { name: /^Download/ });
    expect(await download.getAttribute('href')).toMatch(
      new RegExp(`^/api/v1/reports/${key}/attachments/`),
    );

    // Contact details only when asked for.
    expect(await page.getByText('ada@example.org').count()).toBe(0);
    await page.getByRole('button', { name: 'Show contact' }).click();
    await page.getByTestId('contact').getByText('ada@example.org').waitFor();

    await page.getByRole('button', { name: 'Acknowledge the report' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('report-status').textContent()).toBe('Acknowledged');
    expect(await page.getByTestId('report-acknowledgment').textContent()).toMatch(/^Acknowledged/);
    // The button is gone; the keyboard lands on the report's state, not at the top of the page.
    await expect.poll(() => page.evaluate('document.activeElement.id')).toBe('report-status');

    // Results to an unverified reporter: the server refuses, and says why.
    await page.getByLabel('Kind of message').selectOption('assessment');
    await page.getByLabel('Message to the reporter', { exact: true }).fill('It is a real XSS.');
    await page.getByRole('button', { name: 'Send to the reporter' }).click();
    await expect
      .poll(() => page.locator('.composer [role=alert]').textContent())
      .toMatch(/identity has not been verified/);
    await page.getByLabel('Kind of message').selectOption('general');
    await page
      .getByLabel('Message to the reporter', { exact: true })
      .fill('It is a **real** XSS: <b>thanks</b>.');
    await page.getByRole('button', { name: 'Send to the reporter' }).click();
    await page.getByTestId('message-to-reporter').waitFor();
    // Shown as the reporter reads it: the Markdown rendered, the raw HTML as text.
    const shown = page.getByTestId('message-to-reporter');
    expect(await shown.locator('.message-body strong').textContent()).toBe('real');
    expect(await shown.locator('.message-body b').count()).toBe(0);
    expect(await shown.textContent()).toContain('It is a real XSS: <b>thanks</b>.');
    await page.getByRole('radio', { name: /Internal note/ }).check();
    await page.getByLabel('Internal note', { exact: true }).fill('Looks like CVE material.');
    await page.getByRole('button', { name: 'Add internal note' }).click();
    const note = page.getByTestId('message-internal');
    await note.waitFor();
    const message = page.getByTestId('message-to-reporter');
    expect(await note.textContent()).toContain('Internal note — not shown to the reporter');
    expect(await note.textContent()).toContain('Looks like CVE material.');
    expect(await message.textContent()).toContain(
      'Message to the reporter — the reporter sees this',
    );
    expect(await message.textContent()).not.toContain('Internal note');
    // (Expressions as text: the test code is type-checked without the DOM library.)
    const background = (testId: string) =>
      page.evaluate(
        `getComputedStyle(document.querySelector('[data-testid=${testId}]')).backgroundColor`,
      );
    expect(await background('message-internal')).not.toBe(await background('message-to-reporter'));

    // Triage raises the emergency: the badge shows and the acknowledgment is due sooner.
    await page.getByLabel('Why', { exact: true }).fill('The reporter says it is exploited now');
    await page.getByRole('button', { name: 'Mark as an emergency' }).click();
    await page.getByTestId('report-emergency').waitFor();
    expect(await page.getByTestId('report-emergency').textContent()).toBe('Emergency');
    await page.getByRole('button', { name: 'Not an emergency' }).waitFor();

    // An incident from the report: the console goes to it, where the next steps are.
    const reportUrl = page.url();
    await page.getByRole('button', { name: 'Open an incident from this report' }).click();
    await page.waitForURL(/\/app\/incidents\/INC-\d{4}-\d{4,}$/);
    const incidentKey = page.url().split('/').pop()!;
    await page.getByRole('heading', { level: 1, name: /Stored XSS in the profile page/ }).waitFor();
    // Back on the report, its key is shown and leads to its page.
    await page.goto(reportUrl);
    const incidentLink = page.getByTestId('report-incident').getByRole('link');
    await incidentLink.waitFor();
    expect(await incidentLink.textContent()).toBe(incidentKey);
    expect(await incidentLink.getAttribute('href')).toBe(`/app/incidents/${incidentKey}`);
    expect(await page.getByTestId('report-status').textContent()).toBe('Being investigated');
    const headers = await signIn(t, responder.email, responder.password);
    const incident = await t.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${incidentKey}`,
      headers,
    });
    expect(incident.json().incident.title).toBe('Stored XSS in the profile page');

    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'report-page');

    // A second report about the same issue joins that incident; a wrong key is refused in words.
    const second = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: { summary: 'Profile XSS again', description: 'Same thing.' },
    });
    const secondKey = second.json().key as string;
    await page.goto(`/app/reports/${secondKey}`);
    await page.getByLabel('Or link to an existing incident').fill('INC-1999-0001');
    await page.getByRole('button', { name: 'Link the incident' }).click();
    await expect
      .poll(() => page.locator('#act-incident ~ form [role=alert]').textContent())
      .toMatch(/not found/i);
    await page.getByLabel('Or link to an existing incident').fill(incidentKey);
    await page.getByRole('button', { name: 'Link the incident' }).click();
    await expect.poll(() => page.getByTestId('report-incident').textContent()).toBe(incidentKey);
    expect(await page.getByTestId('report-status').textContent()).toBe('Being investigated');
    const linked = await t.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${incidentKey}`,
      headers,
    });
    expect(linked.json().incident.reportIds).toHaveLength(2);

    // Linked by mistake: unlinking undoes it on both sides, and the report can be linked again.
    await page.getByText('Linked to the wrong incident?').click();
    await page.getByRole('button', { name: 'Unlink the incident' }).click();
    await expect.poll(() => page.getByTestId('report-incident').textContent()).toBe('None yet');
    expect(await page.getByTestId('report-status').textContent()).toBe(
      'Received — not acknowledged yet',
    );
    await page.getByLabel('Or link to an existing incident').waitFor();
    const unlinked = await t.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${incidentKey}`,
      headers,
    });
    expect(unlinked.json().incident.reportIds).toHaveLength(1);
    expect(dialogs).toEqual([]);
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  });

  it('the queue fits a 375 px phone and says in words that an acknowledgment is overdue', async () => {
    // Received 25 hours ago: the 24-hour acknowledgment promise has passed.
    const now = t.clock.now();
    t.clock.set(now - 25 * HOUR);
    const sent = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: {
        summary: 'An overdue report with a very long unbroken summary: ' + 'x'.repeat(120),
        description: 'Nobody has read this yet.',
      },
    });
    expect(sent.statusCode).toBe(201);
    t.clock.set(now);
    const key = sent.json().key as string;

    const user = await createUser(t, { roles: ['viewer'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, user, PHONE);
    // A shared link to a filtered view opens that view; on a phone the filters fold away.
    await page.goto('/app/reports?status=received&q=overdue');
    const row = page.getByTestId(`report-row-${key}`);
    await row.waitFor();
    expect(await page.getByTestId('filter-summary').textContent()).toBe(
      'Received — not acknowledged yet · matching “overdue”',
    );
    expect(await page.getByLabel('Search', { exact: true }).isVisible()).toBe(false);
    expect(await row.textContent()).toMatch(/Breached/);
    expect(await row.getByTestId('countdown').textContent()).toMatch(/1 h( \d+ min)? overdue$/);
    const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
    expect(width).toBeLessThanOrEqual(PHONE.width);
    // A viewer reads, but is offered no triage actions.
    await row.getByRole('link', { name: key }).click();
    await page.getByRole('heading', { name: `Report ${key}` }).waitFor();
    await page.getByTestId('reporter-description').waitFor();
    expect(await page.getByRole('button', { name: 'Acknowledge the report' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Show contact' }).count()).toBe(0);
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(
      PHONE.width,
    );
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  });
});

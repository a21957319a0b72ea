// The post-mortem on the incident page, in Chromium: a security lead starts it, reads the time to
// acknowledge measured from the record and the timeline drawn from it, marks the update that
// mattered important, writes in the phone call the record does not hold, and narrows the
// timeline to what is important. Untrusted text stays text; axe finds nothing serious on a
// desktop or a phone.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/server/clock.ts';
import { createUser, signIn } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
  openBrowserSuite,
  PHONE,
  requestsToOtherHosts,
  screenshot,
  signedInPage,
} from '../helpers/browser.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';

let t: BrowserApp;
let browser: Browser;

beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

describe("the incident page's post-mortem", () => {
  it('starts it, shows the durations and the timeline from the record, marks what mattered and adds an entry', async () => {
    const lead = await createUser(t, { roles: ['security_lead'], displayName: 'Lena Lead' });
    const api = await signIn(t, lead.email, lead.password);
    const detected = t.clock.now() - 25 * MINUTE;
    const opened = await t.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: api,
      payload: {
        title: 'Invoices <img src=x onerror=alert(1)> readable by others',
        detectedAt: new Date(detected).toISOString(),
        severity: 'P1',
        severityRationale: 'Customer data',
        severityOverride: EMERGENCY,
      },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const key = opened.json().key as string;
    t.clock.advance(5 * MINUTE);
    const note = await t.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${key}/notes`,
      headers: api,
      payload: { text: 'Invoice links now expire', visibility: 'internal' },
    });
    expect(note.statusCode, note.body).toBe(200);

    const { context, page } = await signedInPage(browser, t.baseUrl, lead);
    await page.goto(`/app/incidents/${key}`);
    const section = page.getByTestId('postmortem');
    await section.getByText('No post-mortem has been started.').waitFor();
    await section.getByRole('button', { name: 'Start the post-mortem' }).click();
    await section.getByTestId('postmortem-status').filter({ hasText: 'In draft' }).waitFor();
    expect(await section.getByTestId('postmortem-status').textContent()).toContain(
      'Required by the policy: severity P1; the line stopped.',
    );

    // Measured from the record: detected 25 min before the declaration, acknowledged 5 min after.
    const durations = section.getByTestId('postmortem-durations');
    await durations.waitFor();
    expect(await durations.innerText()).toMatch(/Time to acknowledge\s+30 min/i);
    expect(await durations.innerText()).toMatch(/Time to contain\s+Not yet/i);

    const timeline = section.getByTestId('postmortem-timeline');
    await timeline
      .getByText('Internal update: Invoice links now expire', { exact: true })
      .waitFor();
    expect(await timeline.innerText()).toContain(
      'Declared: Invoices <img src=x onerror=alert(1)> readable by others',
    );
    expect(await page.locator('img[src="x"]').count()).toBe(0);

    await timeline.getByLabel('Important: Internal update: Invoice links now expire').click();
    await timeline
      .locator('li.important')
      .filter({ hasText: 'Invoice links now expire' })
      .waitFor();

    await section.getByText('Add an entry the record does not hold', { exact: true }).click();
    const form = section.getByRole('form', { name: 'Add a timeline entry' });
    const local = new Date(detected + 10 * MINUTE - new Date().getTimezoneOffset() * 60_000);
    await form.getByLabel('When it happened').fill(local.toISOString().slice(0, 16));
    await form.getByLabel('What happened').fill('The customer phoned support');
    await form.getByRole('button', { name: 'Add entry' }).click();
    await timeline.getByText('The customer phoned support', { exact: true }).waitFor();

    await section.getByLabel('Only what is marked important').check();
    await expect
      .poll(async () => (await timeline.locator('li p.untrusted').allInnerTexts()).join(' | '))
      .toBe('The customer phoned support | Internal update: Invoice links now expire');

    // The final reports download from the section, as the signed-in user.
    const download = section
      .getByTestId('final-reports')
      .getByRole('link', { name: 'Internal report (Markdown)' });
    const href = (await download.getAttribute('href'))!;
    expect(href).toBe(`/api/v1/incidents/${key}/final-reports/internal.md`);
    const markdown = await context.request.get(href);
    expect(markdown.status()).toBe(200);
    expect(await markdown.text()).toContain(`# Final report: ${key} Invoices`);
    await section.getByRole('button', { name: 'Publish the external report' }).click();
    await section.getByTestId('final-report-published').waitFor();

    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'postmortem-timeline');
    await page.setViewportSize(PHONE);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  }, 60_000);

  it('posts the external report on the status page, and says why not when it cannot', async () => {
    const admin = await createUser(t, { roles: ['admin'], displayName: 'Ada Admin' });
    const api = await signIn(t, admin.email, admin.password);
    const opened = await t.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: api,
      payload: {
        title: 'Exports slow',
        severity: 'P2',
        severityOverride: EMERGENCY,
      },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const key = opened.json().key as string;

    const { context, page } = await signedInPage(browser, t.baseUrl, admin);
    await page.goto(`/app/incidents/${key}`);
    const section = page.getByTestId('postmortem');
    const post = section.getByRole('button', {
      name: 'Post the external report on the status page',
    });
    // No public incident speaks for it yet: refused, with the reason.
    await post.click();
    const refusal = section.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/public incident/i);

    const made = await t.app.inject({
      method: 'POST',
      url: '/api/v1/status/incidents',
      headers: api,
      payload: {
        name: 'Slow exports',
        impact: 'minor',
        status: 'resolved',
        body: 'Exports are fast again.',
        internalIncident: key,
      },
    });
    expect(made.statusCode, made.body).toBe(201);
    await post.click();
    await section.getByTestId('final-report-posted').waitFor();
    expect(await section.getByTestId('final-report-posted').textContent()).toBe(
      'Posted on the status page as the post-incident report.',
    );
    const shown = await t.app.inject({ method: 'GET', url: `/status/incidents/${made.json().id}` });
    expect(shown.body).toContain('Measured durations');
    expect(shown.body).not.toContain(key);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  }, 60_000);
});

// Reports follow their incident (issue 21, item 8), in Chromium: the owner moves the incident to
// the phase the policy calls resolved in the console; the linked report's page, open in another
// tab with live updates, then says "Resolved" with the date it was fixed, and the reporter who
// signs in to the portal (a plain form, no script needed) reads that the issue is fixed, without
// the incident's key or title. Desktop with axe; the portal on a phone without script (axe needs
// script: the portal's pages pass it in public-pages-accessibility.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createUser } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  closeBrowserSuite,
  launchBrowser,
  newContext,
  PHONE,
  signedInPage,
  startBrowserApp,
  type BrowserApp,
} from '../helpers/browser.ts';
import { gatelessPolicyFile } from '../helpers/gateless-policy.ts';
import { admin, incidentInput } from '../helpers/incidents-context.ts';
import { reportFromAddress } from '../helpers/reports.ts';

let t: BrowserApp;
let browser: Browser;
beforeAll(async () => {
  t = await startBrowserApp({
    env: {
      STOPLINE_POLICY: gatelessPolicyFile(
        '{ description: Tell them., acknowledgeWithin: 1d, followIncident: resolved }',
      ),
    },
  });
  browser = await launchBrowser();
});
afterAll(async () => closeBrowserSuite({ t, browser }));

describe('a report follows its incident in the console and the portal', () => {
  it('resolving the incident shows the report resolved to staff and fixed to its reporter', async () => {
    const lead = await createUser(t, { roles: ['security_lead'], displayName: 'Lena Lead' });
    const filed = await reportFromAddress(t, 'Reset tokens in the referrer', 'vera@reporter.test');
    const incident = await t.container.services.incidents.openIncident(
      { ...admin(lead.id), roles: ['security_lead'] },
      incidentInput({ title: 'Reset tokens leak to analytics', reportIds: [filed.key] }),
    );

    const { context, page } = await signedInPage(browser, t.baseUrl, lead);
    // The report's page, open before anything moves, says it is being investigated.
    const reportTab = await context.newPage();
    await reportTab.goto(`/app/reports/${filed.key}`);
    const status = reportTab.getByTestId('report-status');
    await expect.poll(() => status.textContent()).toBe('Being investigated');
    expect(await reportTab.locator('dt:text-is("Milestones") + dd').textContent()).toBe('None yet');

    await page.goto(`/app/incidents/${incident.key}`);
    await page.getByRole('button', { name: 'Move to Fixing' }).click();
    await expect.poll(() => page.getByTestId('phase').textContent()).toBe('Fixing');
    // Fixing is not the resolved phase: the report waits.
    expect(await status.textContent()).toBe('Being investigated');
    await page.getByRole('button', { name: 'Move to Review' }).click();
    await expect.poll(() => page.getByTestId('phase').textContent()).toBe('Review');

    // The report's page follows without a reload (live update), and says when it was fixed.
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe('Resolved');
    const milestones = reportTab.locator('dt:text-is("Milestones") + dd');
    expect(await milestones.textContent()).toMatch(/^Fixed \S/);
    expect(await accessibilityViolations(reportTab)).toEqual([]);
    await context.close();

    // The reporter, on a phone with script off, signs in to the portal and reads that it is fixed.
    const reporter = await newContext(browser, t.baseUrl, PHONE, { javaScript: false });
    const portal = await reporter.newPage();
    await portal.goto('/portal');
    await portal.getByLabel('Report key').fill(filed.key);
    await portal.getByLabel('Access code').fill(filed.accessCode);
    await portal.getByRole('button', { name: 'Sign in' }).click();
    await portal.getByRole('heading', { name: 'Status: Resolved' }).waitFor();
    expect(await portal.textContent('main')).toMatch(/The issue you reported has been fixed/);
    // Nothing of the incident reaches the reporter.
    const text = (await portal.textContent('body')) ?? '';
    expect(text).not.toContain(incident.key);
    expect(text).not.toContain('Reset tokens leak to analytics');
    await reporter.close();
  }, 120_000);
});

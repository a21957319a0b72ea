// The deadlines view in a real browser: what is due with its countdown, marking one met by hand
// with a recorded reason, and the measures of how well the promises were kept.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signIn } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
  openBrowserSuite,
  requestsToOtherHosts,
  screenshot,
  signedInPage,
} from '../helpers/browser.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';

let t: BrowserApp;
let browser: Browser;
beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

describe('the deadlines view', () => {
  it('lists what is due, marks one met with a reason, and shows the measures', async () => {
    const lead = await createUser(t, { roles: ['security_lead'], displayName: 'Lee Lead' });
    const headers = await signIn(t, lead.email, lead.password);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers,
      payload: {
        title: 'Token leak in CI logs',
        severity: 'P1',
        severityRationale: 'tokens',
        severityOverride: EMERGENCY,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const key = created.json().key as string;

    const { context, page } = await signedInPage(browser, t.baseUrl, lead);
    await page.getByRole('link', { name: 'Deadlines', exact: true }).click();
    const due = page.getByTestId('deadlines-due_soon');
    await due.getByRole('link', { name: key }).first().waitFor();
    const row = due.locator('tr', { hasText: 'Response' });
    expect(await row.getByTestId('countdown').textContent()).toMatch(/^in (59|60|1 h)/);
    await screenshot(page, 'deadlines');
    expect(await accessibilityViolations(page)).toEqual([]);

    await row.getByText('Mark met…').click();
    await row.getByLabel('Why is it met? (recorded)').fill('Owner answered on the bridge call');
    await row.getByRole('button', { name: 'Mark met' }).click();
    await row.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Met' }).click();
    const met = page.getByTestId('deadlines-met');
    await met.getByText('Owner answered on the bridge call').waitFor();
    expect(await met.locator('tr', { hasText: 'Response' }).count()).toBe(1);

    // Measures count deadlines whose due time has passed: an hour later this one has.
    t.clock.advance(61 * 60_000);
    await page.getByRole('button', { name: 'Measures' }).click();
    await page.getByRole('heading', { name: 'Deadlines met on time, per month' }).waitFor();
    const share = await page.getByTestId('measures-share').textContent();
    expect(share).toContain('Response');
    expect(share).toContain('1 of 1 (100 %)');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  });
});

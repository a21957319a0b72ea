// The dashboard's first screen (issue 21, item 10): with more open incidents than it shows at
// first, it shows the first cards, says how many of how many, and "Show more" (by keyboard) adds
// the next ones and takes the focus to the first card it added; a restricted incident is neither
// shown nor counted for someone who may not see it. At 1280 px and 375 px, axe clean.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_FIRST_CARDS } from '../../src/shared/domain/dashboard.ts';
import { createUser, signIn } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
  DESKTOP,
  openBrowserSuite,
  PHONE,
  signedInPage,
} from '../helpers/browser.ts';

let t: BrowserApp;
let browser: Browser;

beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

const EXTRA = 5;

/** The incident keys of the cards on the dashboard, in the page's order. */
async function cardKeys(page: Page): Promise<string[]> {
  return page.locator('[data-testid^="incidents-"] > li > a strong').allTextContents();
}

describe("the dashboard's first screen", () => {
  it('shows the first cards with a count, and the rest on "Show more", by keyboard', async () => {
    const lead = await createUser(t, { roles: ['security_lead'], displayName: 'Lea Lead' });
    const responder = await createUser(t, { roles: ['responder'], displayName: 'Rui Responder' });
    const api = await signIn(t, lead.email, lead.password);
    const open = async (title: string, restricted = false) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/incidents',
        headers: api,
        payload: { title, restricted },
      });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as { key: string }).key;
    };
    const hidden = await open('Restricted: payroll export leaked', true);
    for (let i = 1; i <= DASHBOARD_FIRST_CARDS + EXTRA - 1; i++) await open(`Incident ${i}`);
    const total = DASHBOARD_FIRST_CARDS + EXTRA;

    for (const [user, viewport, count] of [
      [lead, DESKTOP, total],
      [responder, PHONE, total - 1],
    ] as const) {
      const { context, page } = await signedInPage(browser, t.baseUrl, user, viewport);
      await page.getByRole('heading', { name: 'Dashboard', exact: true }).waitFor();
      const shown = page.getByTestId('incidents-shown');
      await expect
        .poll(() => shown.textContent())
        .toBe(`Showing ${DASHBOARD_FIRST_CARDS} of ${count} open incidents.`);
      const first = await cardKeys(page);
      expect(first).toHaveLength(DASHBOARD_FIRST_CARDS);
      // Each card still says its owner, age and phase ("&" and all).
      const card = page.locator('[data-testid^="incidents-"] > li').first();
      expect(await card.getByTestId('card-phase').textContent()).toBe('Detection & analysis');
      expect(await card.getByTestId('card-owner').textContent()).toMatch(
        /Owner: Lea Lead|No owner/,
      );
      expect(await card.getByTestId('card-age').textContent()).toMatch(/^Open \d/);
      expect(await accessibilityViolations(page)).toEqual([]);

      const more = page.getByRole('button', { name: `Show ${count - DASHBOARD_FIRST_CARDS} more` });
      await more.focus();
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await cardKeys(page)).length).toBe(count);
      expect(await shown.count()).toBe(0);
      const all = await cardKeys(page);
      expect(new Set(all).size).toBe(count);
      expect(all.slice(0, DASHBOARD_FIRST_CARDS)).toEqual(first);
      // The focus is on the first card added, a link to its incident.
      const focused = page.locator(':focus');
      expect(await focused.getAttribute('href')).toMatch(/^\/app\/incidents\/[^/]+$/);
      expect(await focused.locator('strong').textContent()).toBe(all[DASHBOARD_FIRST_CARDS]);
      if (user === responder) {
        expect(all).not.toContain(hidden);
        expect(await page.getByText('payroll export').count()).toBe(0);
      } else expect(all).toContain(hidden);
      expect(await accessibilityViolations(page)).toEqual([]);
      await context.close();
    }
  });
});

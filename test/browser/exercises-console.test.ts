// Exercises in the console (issue 14, item 7): the incident list and the dashboard say EXERCISE in
// words on an exercise's card (never by colour alone), and not on a real incident's, at 1280 px
// and 375 px, with no serious accessibility violation.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signIn } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
  DESKTOP,
  openBrowserSuite,
  PHONE,
  requestsToOtherHosts,
  signedInPage,
} from '../helpers/browser.ts';

let t: BrowserApp;
let browser: Browser;

beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

describe('exercises in the console', () => {
  it('marks an exercise EXERCISE on the incident list and the dashboard', async () => {
    const lead = await createUser(t, { roles: ['security_lead'], displayName: 'Lea Lead' });
    const api = await signIn(t, lead.email, lead.password);
    const open = async (payload: Record<string, unknown>) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/incidents',
        headers: api,
        payload,
      });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as { key: string }).key;
    };
    const drill = await open({
      title: 'Quarterly tabletop: ransomware',
      exercise: { kind: 'tabletop', scenario: 'The build farm encrypts itself at 09:00.' },
    });
    const real = await open({ title: 'Leaked deploy key' });

    for (const viewport of [DESKTOP, PHONE]) {
      const { context, page } = await signedInPage(browser, t.baseUrl, lead, viewport);
      await page.goto('/app/incidents');
      const list = page.getByTestId('incident-list');
      const card = (key: string) => list.locator('li', { hasText: key });
      await card(drill).waitFor();
      expect(await card(drill).getByText('EXERCISE · tabletop exercise').count()).toBe(1);
      expect(await card(real).textContent()).not.toMatch(/EXERCISE/);
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(
        Number(await page.evaluate('document.documentElement.scrollWidth')),
      ).toBeLessThanOrEqual(viewport.width);

      await page.getByRole('link', { name: 'Dashboard' }).click();
      const cards = page.getByTestId('incidents-none').locator('li');
      await expect.poll(() => cards.count()).toBe(2);
      const onDashboard = cards.filter({ hasText: drill });
      expect(await onDashboard.getByText('EXERCISE · tabletop exercise').count()).toBe(1);
      expect(await cards.filter({ hasText: real }).textContent()).not.toMatch(/EXERCISE/);
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(requestsToOtherHosts(context)).toEqual([]);
      await context.close();
    }
  }, 120_000);
});

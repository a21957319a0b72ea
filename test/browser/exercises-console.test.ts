// Exercises in the console (issue 14, item 7): the incident list and the dashboard say EXERCISE in
// words on an exercise's card (never by colour alone), and not on a real incident's; the
// "Exercises & reviews" page shows the policy's schedule scheduled, done and overdue, and records
// a process review; at 1280 px and 375 px, with no serious accessibility violation.
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
    // The schedule's periods of early 2025, now long past: every item overdue...
    await t.container.services.clocks.planSchedule(Date.parse('2025-01-15T09:00:00Z'));
    // ...until the tabletop exercise below is declared, which meets the quarterly tabletop.
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

      await page.getByRole('link', { name: 'Exercises & reviews' }).click();
      await page.getByRole('heading', { name: 'Exercises & reviews' }).waitFor();
      const overdue = page.getByTestId('overdue');
      await overdue.waitFor();
      expect(await overdue.textContent()).toMatch(/Annual red team exercise/);
      expect(await overdue.textContent()).not.toMatch(/Quarterly tabletop/);
      const tabletop = page.locator('#quarterly_tabletop');
      expect(await tabletop.getByText('Scheduled', { exact: true }).count()).toBe(1);
      expect(await tabletop.textContent()).toMatch(/2025-01: Done .*\(an exercise declared\)/);
      const review = page.locator('#process_review');
      if (viewport === DESKTOP) {
        expect(await review.getByText('Overdue', { exact: true }).count()).toBe(1);
        const form = page.getByRole('form', { name: 'Record a review, training or test' });
        await form.getByLabel('Kind').selectOption('process_review');
        const held = new Date(Date.now() - 3_600_000);
        const local = new Date(held.getTime() - held.getTimezoneOffset() * 60_000)
          .toISOString()
          .slice(0, 16);
        await form.getByLabel('Held at').fill(local);
        await form.getByLabel('Who took part').fill('Lea Lead and the on-call team');
        await form.getByLabel('Summary').fill('Walked the <b>paging</b> ladder');
        await form.getByLabel('Evidence (link)').fill('https://wiki.example/review');
        await form.getByRole('button', { name: 'Record' }).click();
        await page.getByTestId('activities').getByText('Walked the <b>paging</b> ladder').waitFor();
      }
      await expect.poll(() => review.getByText('Overdue', { exact: true }).count()).toBe(0);
      expect(await overdue.textContent()).not.toMatch(/Review of the incident response/);
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(
        Number(await page.evaluate('document.documentElement.scrollWidth')),
      ).toBeLessThanOrEqual(viewport.width);
      expect(requestsToOtherHosts(context)).toEqual([]);
      await context.close();
    }
  }, 120_000);
});

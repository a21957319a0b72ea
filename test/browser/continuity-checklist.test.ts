// The manual fallback on the incident page (issue 19, item 6; Kai section 7), in a real browser
// at 1280 and 375 px with axe: an incident affecting Payments shows the policy's procedure as a
// checklist; ticking a step says who did it and when, unticking asks why; an incident affecting
// nothing covered shows no such section.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signIn } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  DESKTOP,
  launchBrowser,
  PHONE,
  requestsToOtherHosts,
  screenshot,
  signedInPage,
  startBrowserApp,
  type BrowserApp,
  closeBrowserSuite,
} from '../helpers/browser.ts';
import { withContinuityProcedures } from '../helpers/policies.ts';
import type { Browser } from 'playwright-core';

let t: BrowserApp;
let browser: Browser;
beforeAll(async () => {
  t = await startBrowserApp({ env: { STOPLINE_POLICY: withContinuityProcedures() } });
  browser = await launchBrowser();
});
afterAll(() => closeBrowserSuite({ t, browser }));

async function openIncident(headers: Record<string, string>, affectedSystems: string[]) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/incidents',
    headers,
    payload: { title: 'Card terminals refuse payments', affectedSystems },
  });
  expect(res.statusCode).toBe(201);
  return (res.json() as { key: string }).key;
}

describe('the incident page’s manual fallback', () => {
  for (const [name, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(`ticks and unticks a step with who, when and why (${name})`, async () => {
      const user = await createUser(t, { roles: ['responder'], displayName: `Rita ${name}` });
      const api = await signIn(t, user.email, user.password);
      const key = await openIncident(api, ['payments']);
      const elsewhere = await openIncident(api, ['search']);
      const { context, page } = await signedInPage(browser, t.baseUrl, user, viewport);

      await page.goto(`${t.baseUrl}/app/incidents/${elsewhere}`);
      await page.getByRole('heading', { name: 'Owner' }).waitFor();
      expect(await page.getByRole('region', { name: 'Manual fallback' }).count()).toBe(0);

      await page.goto(`${t.baseUrl}/app/incidents/${key}`);
      const section = page.getByRole('region', { name: 'Manual fallback' });
      await section.getByRole('heading', { name: 'Take card payments by phone' }).waitFor();
      expect(await section.textContent()).toContain(
        'Covers payments · Keep updated: Head of support, Finance on-call',
      );
      const step2 = section.getByRole('checkbox', {
        name: 'Take orders on the paper form kept by the support desk.',
      });
      expect(await step2.isChecked()).toBe(false);
      expect(await accessibilityViolations(page)).toEqual([]);

      // The box shows the record: it is ticked once the server has recorded the tick.
      await step2.click();
      await section.getByText(`Done by Rita ${name}`).waitFor();
      expect(await step2.isChecked()).toBe(true);
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, `continuity-checklist-${name}`);

      // Unticking asks why; the step stays ticked until the reason is given.
      await step2.click();
      const form = page.getByRole('form', { name: 'Untick step 2' });
      await form.getByLabel('Why is step 2 not done?').waitFor();
      expect(await step2.isChecked()).toBe(true);
      expect(await accessibilityViolations(page)).toEqual([]);
      await form.getByLabel('Why is step 2 not done?').fill('The paper forms ran out');
      await form.getByRole('button', { name: 'Untick' }).click();
      await form.waitFor({ state: 'detached' });
      expect(await step2.isChecked()).toBe(false);
      expect(await section.getByText(`Done by Rita ${name}`).count()).toBe(0);

      const timeline = await t.app.inject({
        method: 'GET',
        url: `/api/v1/incidents/${key}/timeline?type=incident.continuity_step_ticked,incident.continuity_step_unticked`,
        headers: api,
      });
      expect(timeline.json().items).toMatchObject([
        { type: 'incident.continuity_step_ticked', actorId: user.id, data: { step: 2 } },
        {
          type: 'incident.continuity_step_unticked',
          actorId: user.id,
          data: { reason: 'The paper forms ran out' },
        },
      ]);
      const overflow = await page.evaluate(
        'document.documentElement.scrollWidth > document.documentElement.clientWidth',
      );
      expect(overflow).toBe(false);
      expect(requestsToOtherHosts(context)).toEqual([]);
      await context.close();
    });
  }
});

// "Changes proposed by post-mortems" on the policy page, in Chromium at 1280 and 375 px with axe:
// a responder sees what the incidents' records proposed (a severity set before verify &
// reproduce) and a process follow-up a post-mortem wrote, with the section, the incident and who
// proposed it; declining without a reason is refused with the field named; declined with a
// reason (markup stays text) and taken as a follow-up, each says so. A viewer reads them without
// the forms.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, loginAs, signIn } from '../helpers/auth.ts';
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
import { EMERGENCY } from '../helpers/reproduce.ts';

let t: BrowserApp;
let browser: Browser;
beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

const DAY = 86_400_000;

describe('the policy page: changes proposed by post-mortems', () => {
  it('lists them, declines one with a reason and takes one as a follow-up', async () => {
    const admin = await loginAs(t, 'admin');
    const rae = await createUser(t, { roles: ['responder'], displayName: 'Rae Responder' });
    const vic = await createUser(t, { roles: ['viewer'], displayName: 'Vic Viewer' });
    const call = async (url: string, payload?: object) => {
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: admin.headers,
        ...(payload ? { payload } : {}),
      });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return res.json() as { key: string };
    };
    // Declared on the emergency override: the record proposes reviewing it (verification).
    const declare = async (title: string) => {
      const { key } = await call('/api/v1/incidents', {
        title,
        severity: 'P2',
        severityOverride: EMERGENCY,
      });
      await call(`/api/v1/incidents/${key}/postmortem`);
      return key;
    };

    for (const viewport of [DESKTOP, PHONE]) {
      const declined = await declare(`Tokens in URLs ${viewport.width}`);
      const taken = await declare(`Cookies without Secure ${viewport.width}`);
      await call(`/api/v1/incidents/${taken}/postmortem/follow-ups`, {
        title: `Let two <b>responders</b> page the panel ${viewport.width}`,
        ownerId: admin.userId,
        dueAt: new Date(t.clock.now() + 10 * DAY).toISOString(),
        type: 'process',
        policySection: 'panel',
      });

      const { context, page } = await signedInPage(browser, t.baseUrl, rae, viewport);
      await page.goto('/app/policy');
      const section = page.getByRole('region', { name: 'Changes proposed by post-mortems' });
      await section.getByTestId('policy-changes').waitFor();
      const item = (key: string, text: string | RegExp) =>
        section.getByRole('listitem').filter({ hasText: key }).filter({ hasText: text });
      const toDecline = item(declined, 'emergency severity');
      const toTake = item(taken, 'emergency severity');
      const written = item(taken, 'page the panel');
      await toDecline.waitFor();
      expect(await toDecline.innerText()).toMatch(/Section\s+Verification/);
      expect(await toDecline.innerText()).toMatch(/Proposed by\s+The incident’s record/);
      expect(await toDecline.innerText()).toMatch(/Status\s+Waiting for an answer/);
      await toDecline.getByRole('link', { name: declined }).waitFor();
      // The follow-up a post-mortem wrote: its section, who wrote it, taken, markup as text.
      expect(await written.innerText()).toMatch(/Section\s+The assessment panel/);
      expect(await written.innerText()).toContain('<b>responders</b>');
      expect(await written.getByTestId('policy-change-status').innerText()).toMatch(
        /Taken as a follow-up, open/,
      );
      expect(await section.locator('b').count()).toBe(0);
      expect(await accessibilityViolations(page)).toEqual([]);

      // No reason: refused, the field named; then declined with one.
      await toDecline.getByRole('button', { name: 'Decline' }).click();
      await toDecline.getByRole('alert').filter({ hasText: 'must not be empty' }).waitFor();
      await toDecline.getByLabel('Why decline it').fill('The <i>override</i> was right');
      await toDecline.getByRole('button', { name: 'Decline' }).click();
      await toDecline
        .getByTestId('policy-change-status')
        .filter({ hasText: 'Declined by Rae Responder' })
        .waitFor();
      expect(await toDecline.getByTestId('policy-change-status').innerText()).toContain(
        'The <i>override</i> was right',
      );
      expect(await toDecline.getByRole('button').count()).toBe(0);

      // Taken as it is: a follow-up of Rae's.
      await toTake.getByRole('button', { name: 'Accept' }).click();
      await toTake
        .getByTestId('policy-change-status')
        .filter({ hasText: 'Taken as a follow-up, open: Rae Responder' })
        .waitFor();
      expect(await accessibilityViolations(page)).toEqual([]);
      if (viewport === PHONE) {
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
          PHONE.width,
        );
      }
      expect(requestsToOtherHosts(context)).toEqual([]);
      await context.close();

      // Recorded: the follow-up exists, the proposal is answered.
      const pm = await t.app.inject({
        method: 'GET',
        url: `/api/v1/incidents/${taken}/postmortem`,
        headers: await signIn(t, rae.email, rae.password),
      });
      expect(pm.json().followUps.at(-1)).toMatchObject({
        ownerId: rae.id,
        policySection: 'verification',
        proposalId: expect.stringMatching(/^override:/),
      });
    }

    // A viewer reads them, without the forms.
    const { context, page } = await signedInPage(browser, t.baseUrl, vic, PHONE);
    await page.goto('/app/policy');
    const list = page.getByTestId('policy-changes');
    await list.getByText('Declined by Rae Responder', { exact: false }).first().waitFor();
    expect(await list.getByRole('button').count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  }, 120_000);
});

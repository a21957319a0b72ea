// The Follow-ups page in a real browser (issue 14, items 4 and 8), at 1280 and 375 px with axe:
// a responder sees the follow-ups of every incident they may see, soonest due first, an overdue
// one said in words, a title with markup as text; not those of a restricted incident they are
// not part of; and narrows the list to their own, or to what is done.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, loginAs } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
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

describe('the follow-ups page', () => {
  it('lists what the post-mortems decided across incidents, hides restricted ones, and filters', async () => {
    const admin = await loginAs(t, 'admin');
    const rae = await createUser(t, { roles: ['responder'], displayName: 'Rae Responder' });
    const call = async (method: 'POST', url: string, payload?: object) => {
      const res = await t.app.inject({
        method,
        url,
        headers: admin.headers,
        ...(payload ? { payload } : {}),
      });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return res.json() as { key: string };
    };
    const withFollowUp = async (
      incident: { title: string; restricted: boolean },
      followUp: { title: string; ownerId: string; inDays: number; type: string },
    ) => {
      const { key } = await call('POST', '/api/v1/incidents', {
        ...incident,
        severity: 'P2',
        severityOverride: EMERGENCY,
      });
      await call('POST', `/api/v1/incidents/${key}/postmortem`);
      await call('POST', `/api/v1/incidents/${key}/postmortem/follow-ups`, {
        title: followUp.title,
        ownerId: followUp.ownerId,
        dueAt: new Date(t.clock.now() + followUp.inDays * DAY).toISOString(),
        type: followUp.type,
      });
      return key;
    };
    const open = await withFollowUp(
      { title: 'Keys in logs', restricted: false },
      { title: 'Rotate <b>keys</b> weekly', ownerId: rae.id, inDays: 1, type: 'prevent' },
    );
    await withFollowUp(
      { title: 'Insider case', restricted: true },
      {
        title: 'RESTRICTED-9 audit payroll access',
        ownerId: admin.userId,
        inDays: 3,
        type: 'detect',
      },
    );
    await withFollowUp(
      { title: 'Phishing wave', restricted: false },
      { title: 'Train support on phishing', ownerId: admin.userId, inDays: 5, type: 'training' },
    );
    t.clock.advance(2 * DAY);

    for (const viewport of [undefined, PHONE]) {
      const { context, page } = await signedInPage(browser, t.baseUrl, rae, viewport);
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Follow-ups' })
        .click();
      await page.getByRole('heading', { name: 'Follow-ups', level: 1 }).waitFor();
      const table = page.getByTestId('follow-ups');
      await table.getByText('Train support on phishing').waitFor();
      const rows = table.locator('tbody tr');
      expect(await rows.count()).toBe(2);
      // Soonest due first; the overdue one says so; the markup is text.
      expect(await rows.nth(0).textContent()).toMatch(
        /Overdue.*Rotate <b>keys<\/b> weekly.*Rae Responder.*Open/,
      );
      expect(await table.locator('b').count()).toBe(0);
      expect(await page.content()).not.toContain('RESTRICTED-9');
      await rows.nth(0).getByRole('link', { name: open }).waitFor();
      expect(await accessibilityViolations(page)).toEqual([]);

      // Mine only: the one Rae owns.
      await page.getByLabel('Mine only').check();
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await expect.poll(() => rows.count()).toBe(1);
      expect(new URL(page.url()).searchParams.get('owner')).toBe('me');
      // Nothing is done yet.
      await page.getByLabel('Status').selectOption('done');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.getByText('No follow-ups match these filters.').waitFor();
      expect(await accessibilityViolations(page)).toEqual([]);
      if (viewport === PHONE) {
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
          PHONE.width,
        );
      }
      expect(requestsToOtherHosts(context)).toEqual([]);
      await context.close();
    }
  }, 90_000);
});

// My calendar feed in a real browser (issue 14, item 8), at 1280 and 375 px with axe: the account
// page makes the feed's address and shows it once, a calendar app reads it (ical.js parses it),
// making a new one stops the old address, and revoking stops the feed.
import ICAL from 'ical.js';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/auth.ts';
import { declareOwned } from '../helpers/incidents-context.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
  openBrowserSuite,
  PHONE,
  requestsToOtherHosts,
  signedInPage,
} from '../helpers/browser.ts';

let t: BrowserApp;
let browser: Browser;
beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

/** What a calendar app gets at the address: the status and the events' summaries. */
async function subscribe(url: string) {
  const res = await fetch(url);
  const text = await res.text();
  if (res.status !== 200) return { status: res.status, text, summaries: [] as string[] };
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  const summaries = calendar
    .getAllSubcomponents('vevent')
    .map((v) => String(v.getFirstPropertyValue('summary')));
  return { status: res.status, text, summaries };
}

describe('the calendar feed on my account page', () => {
  for (const viewport of [undefined, PHONE]) {
    it(`is made, shown once, rotated and revoked (${viewport ? 'phone' : 'desktop'})`, async () => {
      const user = await createUser(t, { roles: ['responder'], displayName: 'Cal Endar' });
      const incident = await declareOwned(t, user.id, 'Leaky bucket <b>x</b>', 'P2');
      const { context, page } = await signedInPage(browser, t.baseUrl, user, viewport);
      await page.goto(`${t.baseUrl}/app/account`);
      const section = page.getByRole('region', { name: 'Calendar feed' });
      await section.getByText('You have no feed address.').waitFor();

      await section.getByRole('button', { name: 'Make a feed address' }).click();
      const shown = section.getByTestId('calendar-feed-url');
      await shown.waitFor();
      const first = await shown.inputValue();
      expect(first).toMatch(/\/api\/v1\/calendar\.ics\?token=stl_cal_/);
      expect(await section.getByLabel('Your calendar feed address').inputValue()).toBe(first);
      const fetched = await subscribe(first);
      expect(fetched.status).toBe(200);
      expect(fetched.summaries).toContain(
        `Due: respond to the incident — ${incident.key} Leaky bucket <b>x</b>`,
      );
      expect(await accessibilityViolations(page)).toEqual([]);

      // After a reload the address is not shown again; the page says when it was made.
      await page.reload();
      await section.getByText(/Your feed address was made/).waitFor();
      expect(await section.getByTestId('calendar-feed-url').count()).toBe(0);

      await section.getByRole('button', { name: 'Make a new address (the old one stops)' }).click();
      await shown.waitFor();
      const second = await shown.inputValue();
      expect(second).not.toBe(first);
      expect((await subscribe(first)).status).toBe(404);
      expect((await subscribe(second)).status).toBe(200);

      await section.getByRole('button', { name: 'Revoke the feed address' }).click();
      await section.getByText('Your feed address was revoked.').waitFor();
      expect(await section.getByTestId('calendar-feed-url').count()).toBe(0);
      const gone = await subscribe(second);
      expect(gone.status).toBe(404);
      expect(gone.text).not.toContain('VCALENDAR');
      expect(await accessibilityViolations(page)).toEqual([]);
      const overflow = await page.evaluate(
        'document.documentElement.scrollWidth > document.documentElement.clientWidth',
      );
      expect(overflow).toBe(false);
      expect(requestsToOtherHosts(context)).toEqual([]);
      await context.close();
    });
  }
});

// The incidents list in Chromium (docs/console.md): a page of 25 at a time with "Showing 26–27 of
// 27" and the buttons to older and newer incidents; the filters (severity, text) live in the URL,
// so a filtered view can be shared and reloaded, and a new filter goes back to the first page.
// axe at 1280 px and on a 375 px phone.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  closeBrowserSuite,
  openBrowserSuite,
  PHONE,
  signedInPage,
  type BrowserApp,
} from '../helpers/browser.ts';
import { admin, incidentInput } from '../helpers/incidents-context.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';

let t: BrowserApp;
let browser: Browser;

beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

describe('the incidents list', () => {
  it('pages by 25, filters by severity and text in the URL, and a filter starts at page one', async () => {
    const opener = admin('opener');
    for (let i = 1; i <= 26; i++) {
      await t.container.services.incidents.openIncident(
        opener,
        incidentInput({
          title: `Routine finding ${String(i).padStart(2, '0')}`,
          severity: 'P2',
          severityRationale: 'Found in review',
          severityOverride: EMERGENCY,
        }),
      );
    }
    const quartz = await t.container.services.incidents.openIncident(
      opener,
      incidentInput({
        title: 'Quartz credentials in a public bucket',
        severity: 'P1',
        severityRationale: 'Credentials for production are readable by anyone',
        severityOverride: EMERGENCY,
      }),
    );
    const lead = await createUser(t, { roles: ['security_lead'] });
    for (const size of [undefined, PHONE]) {
      const { context, page } = await signedInPage(browser, t.baseUrl, lead, size);
      await page.goto('/app/incidents');
      await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
      await page.getByText('Showing 1–25 of 27').waitFor();
      expect(await accessibilityViolations(page)).toEqual([]);
      const pages = page.getByRole('navigation', { name: 'Pages' });
      const list = page.getByTestId('incident-list');
      expect(await pages.getByRole('button').allTextContents()).toEqual(['Older incidents']);

      await pages.getByRole('button', { name: 'Older incidents' }).click();
      await page.getByText('Showing 26–27 of 27').waitFor();
      expect(new URL(page.url()).searchParams.get('offset')).toBe('25');
      expect(await pages.getByRole('button').allTextContents()).toEqual(['Newer incidents']);

      // A filter goes back to the first page and is kept in the URL.
      await page.getByLabel('Severity', { exact: true }).selectOption('P1');
      await page.getByText('Showing 1–1 of 1').waitFor();
      const url = new URL(page.url());
      expect(url.searchParams.get('severity')).toBe('P1');
      expect(url.searchParams.has('offset')).toBe(false);
      await list.getByRole('link', { name: new RegExp(quartz.key) }).waitFor();
      expect(await pages.getByRole('button').count()).toBe(0);

      // The shared link shows the same view; the text filter narrows further.
      await page.goto('/app/incidents?severity=P2&q=finding%2026');
      await page.getByText('Showing 1–1 of 1').waitFor();
      expect(await page.getByLabel('Severity', { exact: true }).inputValue()).toBe('P2');
      await list.getByRole('link', { name: /Routine finding 26/ }).waitFor();
      await page.getByLabel('Search title, summary or key').fill('no such words');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByText('No incidents match.').waitFor();
      await page.getByText('Try fewer filters.').waitFor();
      await context.close();
    }
  }, 120_000);
});

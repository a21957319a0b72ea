// An exercise's report on its incident page (issue 14, item 7): the section says EXERCISE, lists
// the objectives from the declaration, a participant judges each met or not with a note (hostile
// text stays text), the report is completed, and its downloads are offered; at 1280 px and 375 px
// with no serious accessibility violation.
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

const HOSTILE = 'Brief the press <img src=x onerror="window.pwned=1">';

describe('the exercise report in the console', () => {
  it('judges objectives, completes the report and offers its downloads', async () => {
    const lead = await createUser(t, { roles: ['security_lead'], displayName: 'Lea Lead' });
    const api = await signIn(t, lead.email, lead.password);
    const declared = await t.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: api,
      payload: {
        title: 'Tabletop: ransomware',
        exercise: {
          kind: 'tabletop',
          scenario: 'The build farm encrypts itself.',
          objectives: ['Page the on-call within 15 minutes', HOSTILE],
        },
      },
    });
    expect(declared.statusCode, declared.body).toBe(201);
    const key = (declared.json() as { key: string }).key;

    for (const viewport of [DESKTOP, PHONE]) {
      const { context, page } = await signedInPage(browser, t.baseUrl, lead, viewport);
      await page.goto(`/app/incidents/${key}`);
      const section = page.getByTestId('exercise-report');
      await section.getByRole('heading', { name: 'EXERCISE report' }).waitFor();
      const objectives = section.getByTestId('exercise-objectives');
      await objectives.getByText(HOSTILE).first().waitFor();
      expect(await page.evaluate('window.pwned')).toBeUndefined();
      expect(await section.getByTestId('exercise-participants').textContent()).toContain(
        'Lea Lead',
      );
      const links = section.getByTestId('exercise-report-files').getByRole('link');
      expect(await links.first().getAttribute('href')).toBe(
        `/api/v1/incidents/${key}/exercise-report/report.md`,
      );
      if (viewport === DESKTOP) {
        const first = section.getByRole('form', {
          name: 'Judge the objective: Page the on-call within 15 minutes',
        });
        await first.getByLabel('Met', { exact: true }).check();
        await first.getByLabel('What was seen').fill('Paged in 6 minutes');
        await first.getByRole('button', { name: 'Save the judgement' }).click();
        await section.getByText('Objectives (1 of 2 met)').waitFor();
        const second = section.getByRole('form', { name: `Judge the objective: ${HOSTILE}` });
        await second.getByLabel('Not met', { exact: true }).check();
        await second.getByLabel('What was seen').fill('Nobody <b>owned</b> it');
        await second.getByRole('button', { name: 'Save the judgement' }).click();
        await section.getByText('— Nobody <b>owned</b> it').waitFor();
        expect(await accessibilityViolations(page)).toEqual([]);
        const complete = section.getByRole('form', { name: 'Complete the EXERCISE report' });
        await complete.getByLabel('Summary: what the exercise showed').fill('Paging works.');
        await complete.getByRole('button', { name: 'Complete the EXERCISE report' }).click();
        await section
          .getByTestId('exercise-report-status')
          .getByText(/Completed by Lea Lead/)
          .waitFor();
      } else {
        // Completed on the desktop: the phone shows the judgements, no forms.
        expect(await section.getByTestId('exercise-report-status').textContent()).toMatch(
          /EXERCISE Completed by Lea Lead/,
        );
        expect(await objectives.textContent()).toMatch(/Met: Page the on-call.*Paged in 6 minutes/);
        expect(await section.getByRole('form').count()).toBe(0);
      }
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(
        Number(await page.evaluate('document.documentElement.scrollWidth')),
      ).toBeLessThanOrEqual(viewport.width);
      expect(requestsToOtherHosts(context)).toEqual([]);
      await context.close();
    }
  }, 120_000);
});

// The report → vote journey with the keyboard alone (issue 21, item 7): a responder on the
// dashboard opens a new report, opens an incident from it, takes it, records the reproduction,
// convenes the panel and votes (from the panel section's link to the vote form, first on the page). After every page
// change focus is on the page's main heading, after every action on its result (the section it
// changed, or the refusal), and the Tab presses of the whole journey are counted and held. And
// the command palette (Ctrl-K) and the incident page's shortcuts, at 1280 and 375 px.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signIn } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
  focused,
  type Focused,
  DESKTOP,
  openBrowserSuite,
  PHONE,
  requestsToOtherHosts,
  signedInPage,
} from '../helpers/browser.ts';
import { submitReport } from '../helpers/reports.ts';

let t: BrowserApp;
let browser: Browser;

beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

/**
 * Tab presses of the journey below (the whole of it: from the dashboard through the convening,
 * which issue 21's walk of 135 did not include), measured once focus landed on results. A change
 * that adds Tab stops on the way fails here: lower it as the page gets shorter, never raise it
 * without a reason.
 */
const JOURNEY_TABS = 221;

describe('the report → vote journey with the keyboard alone', () => {
  it('lands focus on each result and holds the number of Tab presses', async () => {
    const owner = await createUser(t, { roles: ['responder'], displayName: 'Kai Keyboard' });
    await createUser(t, { roles: ['responder'], displayName: 'Ana Developer' });
    await createUser(t, { roles: ['responder'], displayName: 'Ben Developer' });
    await createUser(t, { roles: ['security_lead'], displayName: 'Lena Lead' });
    const report = await submitReport(t, 'Session cookie readable by any subdomain');

    const { context, page } = await signedInPage(browser, t.baseUrl, owner);
    let tabs = 0;
    /** Presses Tab (or Shift+Tab) until the focused element matches, counting the presses. */
    async function tabTo(match: (f: Focused) => boolean, key = 'Tab') {
      for (let n = 0; n < 150; n++) {
        await page.keyboard.press(key);
        tabs++;
        const f = await focused(page);
        if (match(f)) {
          expect(f.outline).not.toBe('none');
          return f;
        }
      }
      throw new Error(`${key} never reached the element`);
    }
    // Sections load on their own: count the Tab stops of the page as it is once all have
    // loaded, never of a page still filling in (that made the count vary from run to run).
    const settled = () =>
      expect.poll(() => page.locator('main .loading').count(), { timeout: 15_000 }).toBe(0);
    const focusIs = async (expected: Partial<Focused>) => {
      await expect.poll(() => focused(page), { timeout: 15_000 }).toMatchObject(expected);
      await settled();
    };

    await page.goto('/app/');
    await page.getByTestId('reports-awaiting').getByText(report.key).waitFor();
    await settled();

    // Dashboard → the report: after the page change, focus is on its main heading.
    await tabTo((f) => f.href === `/app/reports/${report.key}`);
    await page.keyboard.press('Enter');
    await focusIs({ tag: 'h1', text: `Report ${report.key}` });

    // The report → a new incident: focus on the incident's heading.
    await tabTo((f) => f.text === 'Open an incident from this report');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/app\/incidents\/INC-\d{4}-\d{4,}$/);
    await page.getByRole('heading', { level: 1, name: /Session cookie readable/ }).waitFor();
    await focusIs({ tag: 'h1', id: 'incident-title' });

    // Take ownership: focus on the owner section, which names the new owner.
    await tabTo((f) => f.text === 'Take it myself');
    await page.keyboard.press('Enter');
    await page.getByText('Kai Keyboard is responsible for this incident').waitFor();
    await focusIs({ id: 'owner' });

    // Verify and reproduce: focus on the reproduction section, which shows the result.
    await tabTo((f) => f.text === 'Record the reproduction');
    await page.keyboard.press('Space');
    await tabTo((f) => f.tag === 'textarea');
    await page.keyboard.type('Set a cookie on a.example.com, read it on b.example.com');
    await tabTo((f) => f.text === 'Record reproduction');
    await page.keyboard.press('Enter');
    await page
      .locator('[aria-labelledby=reproduction] strong', { hasText: 'Reproduced' })
      .waitFor();
    await focusIs({ id: 'reproduction' });

    // Convene the panel (its form is above, in the main column): each seat chosen by typing.
    for (const [seat, name] of [
      ['Responder 1', 'Ana'],
      ['Responder 2', 'Ben'],
      ['Security lead', 'Lena'],
    ] as const) {
      const select = page.getByRole('form', { name: 'Convene the panel' }).getByLabel(seat);
      const id = await select.getAttribute('id');
      await tabTo((f) => f.id === id, 'Shift+Tab');
      await page.keyboard.type(name);
      await expect.poll(() => select.locator('option:checked').textContent()).toMatch(name);
    }
    await tabTo((f) => f.tag === 'button' && f.text === 'Convene the panel');
    await page.keyboard.press('Enter');
    const vote = page.getByRole('form', { name: 'Your vote' });
    await vote.waitFor();
    await focusIs({ id: 'panel' });

    // The panel section points to the vote form, first on the page: follow the link to it.
    await tabTo((f) => f.href === '#your-vote');
    await page.keyboard.press('Enter');
    // Vote: each question answered Yes (Space on its first radio), Critical, a rationale.
    const questions = t.container.policy.policy.criticality.criteria.length;
    for (let q = 0; q <= questions; q++) {
      await tabTo((f) => f.tag === 'input');
      await page.keyboard.press('Space');
    }
    await tabTo((f) => f.tag === 'textarea');
    await page.keyboard.type('Any subdomain can act as the signed-in user');
    await tabTo((f) => f.text === 'Cast my vote');
    await page.keyboard.press('Enter');
    await page.getByTestId('panel-results').waitFor();
    // Focus on the heading of the section the vote was cast in.
    await focusIs({ tag: 'h2' });

    console.log(`report → vote journey: ${tabs} Tab presses`);
    expect(tabs).toBeLessThanOrEqual(JOURNEY_TABS);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  }, 180_000);

  it('opens a command palette with Ctrl-K that goes to pages and to the incident’s actions', async () => {
    const lead = await createUser(t, { roles: ['security_lead'], displayName: 'Pia Palette' });
    const api = await signIn(t, lead.email, lead.password);
    const opened = await t.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: api,
      payload: { title: 'Build server token in a public log' },
    });
    expect(opened.statusCode).toBe(201);
    const { key } = opened.json() as { key: string };

    for (const viewport of [DESKTOP, PHONE]) {
      const { context, page } = await signedInPage(browser, t.baseUrl, lead);
      await page.setViewportSize(viewport);
      await page.goto(`/app/incidents/${key}`);
      await page.getByRole('heading', { level: 1, name: /Build server token/ }).waitFor();

      // Ctrl-K: a modal dialog whose combobox has the focus and lists the incident's actions
      // (with their shortcuts) before the pages.
      await page.keyboard.press('Control+K');
      const palette = page.getByRole('dialog', { name: 'Go to a page or do an action' });
      await palette.waitFor();
      const combo = palette.getByRole('combobox', { name: 'Go to or do' });
      await expect
        .poll(() => page.evaluate('document.activeElement.getAttribute("role")'))
        .toBe('combobox');
      const options = palette.getByRole('option');
      expect(await options.first().textContent()).toMatch(/^Assign the owner.*Alt\+Shift\+A$/);
      expect(await palette.textContent()).toContain('Go to Dashboard');
      expect(await accessibilityViolations(page)).toEqual([]);

      // Typing filters; ↓ chooses; Enter takes the keyboard to the note's field.
      await page.keyboard.type('no');
      await expect
        .poll(() => options.allTextContents())
        .toEqual([
          expect.stringMatching(/^Add a note/),
          expect.stringMatching(/^Move to another phase/),
        ]);
      expect(await combo.getAttribute('aria-activedescendant')).toBe(
        await options.first().getAttribute('id'),
      );
      await page.keyboard.press('ArrowDown');
      expect(await combo.getAttribute('aria-activedescendant')).toBe(
        await options.nth(1).getAttribute('id'),
      );
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('Enter');
      await palette.waitFor({ state: 'hidden' });
      await expect
        .poll(() =>
          page.evaluate('document.activeElement.closest("form").getAttribute("aria-label")'),
        )
        .toBe('Add a note');

      // A shortcut does the same without the palette: Alt+Shift+A to the owner's picker.
      await page.keyboard.press('Alt+Shift+A');
      await expect
        .poll(() =>
          page.evaluate('document.activeElement.closest("form").getAttribute("aria-label")'),
        )
        .toBe('Assign the owner');

      // Escape closes without doing anything; a page from the palette: focus on its heading.
      await page.keyboard.press('Control+K');
      await palette.waitFor();
      await page.keyboard.press('Escape');
      await palette.waitFor({ state: 'hidden' });
      // Closed and opened again within one task (the close event comes a task later): the list
      // of the new opening stays (CI once saw an empty palette after Escape then Ctrl-K).
      await page.evaluate(
        `document.querySelector('dialog.palette').showModal();
         document.querySelector('dialog.palette').close();
         document.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', ctrlKey: true }));`,
      );
      await palette.waitFor();
      await expect.poll(() => options.count()).toBeGreaterThan(1);
      await page.keyboard.press('Escape');
      await palette.waitFor({ state: 'hidden' });
      await page.keyboard.press('Control+K');
      await page.keyboard.type('dashboard');
      await page.keyboard.press('Enter');
      await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/app\/?$/);
      await expect
        .poll(() => page.evaluate('document.activeElement.textContent'), { timeout: 15_000 })
        .toBe('Dashboard');
      // Off an incident's page, only pages are offered.
      await page.keyboard.press('Control+K');
      await palette.waitFor();
      expect(await palette.textContent()).not.toContain('Assign the owner');
      expect(requestsToOtherHosts(context)).toEqual([]);
      await context.close();
    }
  }, 180_000);
});

// Working an incident on a 375 px phone: the page shows what still blocks leaving the phase
// before anyone tries, a move the rules would refuse is disabled with why, a task added here reaches the
// dashboard's "My tasks", the timeline narrows to notes, and a change made elsewhere while this
// page was stale (live updates down) is a conflict the page explains and recovers from.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signIn } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
  newContext,
  openBrowserSuite,
  PHONE,
  requestsToOtherHosts,
  signInInBrowser,
} from '../helpers/browser.ts';

let t: BrowserApp;
let browser: Browser;

beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

describe('an incident page on a phone', () => {
  it('shows the exit checks, disables a move the rules refuse, and recovers from a conflict, which takes the focus', async () => {
    const rosa = await createUser(t, { roles: ['responder'], displayName: 'Rosa Responder' });
    const colleague = await createUser(t, { roles: ['responder'], displayName: 'Carl Colleague' });
    const rosaApi = await signIn(t, rosa.email, rosa.password);
    const opened = await t.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: rosaApi,
      payload: { title: 'Open redirect on the login page' },
    });
    const { key } = opened.json() as { key: string };
    const owned = await t.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${key}/owner`,
      headers: rosaApi,
      payload: { userId: rosa.id },
    });
    expect(owned.statusCode).toBe(200);

    const context = await newContext(browser, t.baseUrl, PHONE);
    // Live updates down: this page only learns of others' changes when it next asks.
    await context.route('**/api/v1/stream', (route) => route.abort());
    const page = await context.newPage();
    await signInInBrowser(page, rosa);
    await page.goto(`/app/incidents/${key}`);
    await page.getByRole('heading', { name: /Open redirect on the login page/ }).waitFor();

    // What blocks leaving the phase is shown before trying.
    const checks = page.getByTestId('exit-checks');
    await expect.poll(() => checks.textContent()).toMatch(/No reproduction has been recorded/);
    expect(await checks.textContent()).toMatch(/The panel has not decided/);
    expect(await checks.textContent()).toMatch(/No severity has been set/);

    // The move the rules would refuse is not offered: disabled, saying why (the server's answer).
    const moveOn = page.getByRole('button', { name: 'Move to Containment' });
    expect(await moveOn.isDisabled()).toBe(true);
    expect(await moveOn.getAttribute('aria-describedby')).toBe('move-next-refused');
    expect(await page.getByTestId('move-next-refused').textContent()).toBe(
      'Move to Containment is not possible yet: first clear what is listed above.',
    );
    expect(await page.getByTestId('phase').textContent()).toBe('Detection & analysis');

    // The severity waits for the reproduction too, and says so by its disabled button.
    await page.getByText('Change the severity', { exact: true }).click();
    const severityForm = page.getByRole('form', { name: 'Change the severity' });
    const changeSeverity = severityForm.getByRole('button', { name: 'Change severity' });
    expect(await changeSeverity.isDisabled()).toBe(true);
    expect(await severityForm.getByTestId('waiting-reason').textContent()).toBe(
      'Waiting for verify & reproduce: no reproduction is recorded yet. The policy orders it before setting a severity.',
    );

    // Recording the reproduction clears that check, and lets the severity be set.
    await page.getByText('Record the reproduction', { exact: true }).click();
    const reproduce = page.getByRole('form', { name: 'Record the reproduction' });
    await reproduce.getByLabel('Result').selectOption('reproduced');
    await reproduce.getByLabel('Steps').fill('Log in with ?next=https://evil.example');
    await reproduce.getByRole('button', { name: 'Record reproduction' }).click();
    await expect.poll(() => checks.textContent()).not.toMatch(/No reproduction/);
    expect(await changeSeverity.isDisabled()).toBe(false);
    // Still refused: the panel and the severity remain.
    expect(await moveOn.isDisabled()).toBe(true);

    // A task for myself, due in two hours, appears on my dashboard.
    await page.getByText('Add a task', { exact: true }).click();
    const addTask = page.getByRole('form', { name: 'Add a task' });
    await addTask.getByLabel('What kind of work').selectOption('verify');
    await addTask.getByLabel('Task').fill('Check every redirect parameter');
    await addTask.getByLabel('Assignee').selectOption({ label: 'Rosa Responder' });
    const due = new Date(Date.now() + 2 * 3_600_000);
    const local = new Date(due.getTime() - due.getTimezoneOffset() * 60_000)
      .toISOString()
      .slice(0, 16);
    await addTask.getByLabel('Due (optional)').fill(local);
    await addTask.getByRole('button', { name: 'Add task' }).click();
    await page.getByTestId('tasks').getByText('Check every redirect parameter').waitFor();
    const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
    expect(width).toBeLessThanOrEqual(PHONE.width);
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Dashboard' }).click();
    const mine = page.getByTestId('my-tasks');
    await expect
      .poll(() => mine.textContent())
      .toMatch(
        new RegExp(`Check every redirect parameter${key} · Verify · Open · due in 1 h 5\\d min`),
      );
    await mine.getByRole('link', { name: 'Check every redirect parameter' }).click();
    await page.getByRole('heading', { name: /Open redirect on the login page/ }).waitFor();

    // A colleague adds a note while this page is stale; my note is refused as a conflict, the
    // page reloads the incident, and the second try goes through.
    const colleagueApi = await signIn(t, colleague.email, colleague.password);
    // They also move my task's due time: once the page reloads, the field shows their time.
    const seen = await t.app.inject({ url: `/api/v1/incidents/${key}`, headers: colleagueApi });
    const taskId = (seen.json().incident.tasks as { id: string }[])[0]!.id;
    const later = new Date(Date.now() + 5 * 3_600_000);
    later.setSeconds(0, 0);
    const moved = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/incidents/${key}/tasks/${taskId}`,
      headers: colleagueApi,
      payload: { dueAt: later.toISOString() },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const theirs = await t.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${key}/notes`,
      headers: colleagueApi,
      payload: { text: 'Marketing links use the same redirect' },
    });
    expect(theirs.statusCode).toBe(200);
    const note = page.getByRole('form', { name: 'Add a note' });
    await note.getByLabel('Note').fill('Allow-list the redirect targets');
    await note.getByRole('button', { name: 'Add note' }).click();
    await page.getByTestId('conflict').waitFor();
    // The refusal takes the focus, so a screen reader or keyboard user is where the answer is.
    await expect
      .poll(() => page.evaluate('document.activeElement?.getAttribute("data-testid")'))
      .toBe('conflict');
    const timeline = page.getByTestId('timeline');
    await timeline.getByText('Marketing links use the same redirect').waitFor();
    await note.getByRole('button', { name: 'Add note' }).click();
    await timeline.getByText('Allow-list the redirect targets').waitFor();
    expect(await page.getByTestId('conflict').count()).toBe(0);
    const laterLocal = new Date(later.getTime() - later.getTimezoneOffset() * 60_000)
      .toISOString()
      .slice(0, 16);
    const dueField = page
      .getByRole('form', { name: 'Due time of Check every redirect parameter' })
      .getByLabel('Due');
    await expect.poll(() => dueField.inputValue()).toBe(laterLocal);

    // The timeline narrows to notes.
    await page
      .getByRole('group', { name: /Show only/ })
      .getByLabel('Notes')
      .check();
    await expect.poll(() => timeline.locator('li').count()).toBe(2);
    expect(await timeline.textContent()).not.toMatch(/Declared/);

    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  }, 120_000);
});

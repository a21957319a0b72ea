// The incident page's remaining actions, as a security lead uses them on a desktop: a critical
// incident that stops the line is de-escalated (the line banner runs again), handed off to
// development (the tracker link shows), a report is linked (an unknown key is refused on its
// field), a participant is added and the title edited. And the de-escalation again, reached from
// the dashboard with the keyboard only, the focus always visible.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signIn } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
  focused,
  type Focused,
  openBrowserSuite,
  requestsToOtherHosts,
  screenshot,
  signedInPage,
} from '../helpers/browser.ts';
import { submitReport } from '../helpers/reports.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';

let t: BrowserApp;
let browser: Browser;

beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

/** A P0 incident (the line stops) whose containment is recorded, ready to de-escalate. */
async function containedCritical(headers: Record<string, string>, title: string) {
  const opened = await t.app.inject({
    method: 'POST',
    url: '/api/v1/incidents',
    headers,
    payload: {
      title,
      severity: 'P0',
      severityRationale: 'Customer data is being downloaded',
      severityOverride: EMERGENCY,
    },
  });
  expect(opened.statusCode).toBe(201);
  const { key, lineStopped } = opened.json() as { key: string; lineStopped: boolean };
  expect(lineStopped).toBe(true);
  const contained = await t.app.inject({
    method: 'POST',
    url: `/api/v1/incidents/${key}/containment`,
    headers,
    payload: { kind: 'feature_disabled', description: 'Export endpoint switched off' },
  });
  expect(contained.statusCode).toBe(201);
  return key;
}

/** Presses Tab until the focused element matches, as a keyboard user would. */
async function tabTo(page: Page, match: (f: Focused) => boolean) {
  for (let n = 0; n < 80; n++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (match(f)) return f;
  }
  throw new Error('Tab never reached the element');
}

describe('the incident page’s actions', () => {
  it('de-escalates, hands off, links a report, adds a participant and edits the title', async () => {
    const lead = await createUser(t, { roles: ['security_lead'], displayName: 'Lena Lead' });
    await createUser(t, { roles: ['responder'], displayName: 'Carl Colleague' });
    const api = await signIn(t, lead.email, lead.password);
    const key = await containedCritical(api, 'Customer export leaks other tenants');
    const report = await submitReport(t, 'I can download other customers’ exports');

    const { context, page } = await signedInPage(browser, t.baseUrl, lead);
    await page.goto(`/app/incidents/${key}`);
    await page.getByTestId('live-state').filter({ hasText: 'Live' }).waitFor();
    const banner = page.getByTestId('line-banner');
    await banner.filter({ hasText: 'The line is stopped' }).waitFor();

    // While this incident holds the line, de-escalation comes first, with the policy's words.
    const section = page.getByTestId('de-escalation');
    expect(await section.textContent()).toMatch(
      /This incident holds the line stopped\. The line runs again once this incident is contained \(past Containment\), de-escalated or closed\./,
    );
    expect(await section.textContent()).toMatch(/Deployments are held until the incident/);
    await section.getByText('De-escalate this incident', { exact: true }).click();
    const form = page.getByRole('form', { name: 'De-escalate this incident' });
    await form.getByLabel('Why it is no longer critical').fill('The export is off; no data leaves');
    await form.getByLabel('New severity').selectOption('P2');
    await form.getByRole('button', { name: 'De-escalate' }).click();
    await banner.filter({ hasText: 'The line is running' }).waitFor();
    await page.getByRole('heading', { name: 'De-escalated' }).waitFor();
    await expect.poll(async () => (await focused(page)).id).toBe('de-escalation-heading');
    expect(await page.getByTestId('incident-line').textContent()).toBe(
      'Not stopped by this incident',
    );
    expect(await page.getByTestId('criticality').textContent()).toBe('Not critical');
    await page.getByTestId('tasks').getByText(`Fix the root cause of ${key}`).waitFor();

    // Handed off to development: the tracker link shows, and opens without a referrer.
    await page.getByText('Hand off to development', { exact: true }).click();
    const handOff = page.getByRole('form', { name: 'Hand off to development' });
    await handOff.getByLabel('Tracker link').fill('https://tracker.example/issues/412');
    await handOff.getByRole('button', { name: 'Hand off' }).click();
    // Focus moves to the result once the incident has been read again: wait for it, never read once.
    const tracker = page.getByTestId('tracker').getByRole('link');
    await tracker.waitFor();
    expect(await tracker.getAttribute('href')).toBe('https://tracker.example/issues/412');
    expect(await tracker.getAttribute('rel')).toBe('noreferrer noopener');
    await expect
      .poll(async () => (await focused(page)).href)
      .toBe('https://tracker.example/issues/412');

    // An unknown report key is refused on its field; the real one is linked and listed as a link.
    await page.getByText('Link reports', { exact: true }).click();
    const link = page.getByRole('form', { name: 'Link reports' });
    await link.getByLabel('Report keys').fill('RPT-9999');
    await link.getByRole('button', { name: 'Link', exact: true }).click();
    await link.getByTestId('field-error').waitFor();
    expect(await link.getByTestId('field-error').textContent()).toBe(
      'RPT-9999 is not a report Stopline knows',
    );
    expect(await link.getByLabel('Report keys').getAttribute('aria-invalid')).toBe('true');
    await link.getByLabel('Report keys').fill(report.key);
    await link.getByRole('button', { name: 'Link', exact: true }).click();
    const linked = page.getByTestId('linked-reports').getByRole('link', { name: report.key });
    await linked.waitFor();
    expect(await linked.getAttribute('href')).toBe(`/app/reports/${report.key}`);
    expect(await link.getByTestId('field-error').count()).toBe(0);

    // A participant, listed by name.
    await page.getByText('Add a participant', { exact: true }).click();
    const add = page.getByRole('form', { name: 'Add a participant' });
    await add.getByLabel('Person').selectOption({ label: 'Carl Colleague' });
    await add.getByRole('button', { name: 'Add participant' }).click();
    await page.getByTestId('participants').getByText('Carl Colleague').waitFor();

    // The title edited; only what changed is sent.
    await page.getByText('Edit the incident', { exact: true }).click();
    const edit = page.getByRole('form', { name: 'Edit the incident' });
    await edit.getByLabel('Title').fill('Customer export served other tenants’ files');
    await edit.getByLabel(/^Restricted/).check();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page
      .getByRole('heading', { level: 1, name: /Customer export served other tenants’ files/ })
      .waitFor();
    await page.getByText('Restricted to its participants').waitFor();
    await expect.poll(async () => (await focused(page)).text).toMatch(/Saved/);
    const timeline = page.getByTestId('timeline');
    await timeline.getByText(/Details edited: (title, restricted|restricted, title)$/).waitFor();
    expect(await timeline.textContent()).toContain(
      'De-escalated from P0 to P2: The export is off; no data leaves',
    );
    expect(await timeline.textContent()).toContain('Participant added: Carl Colleague');
    // Declared P0 before anyone reproduced it: the timeline says who overrode, and why.
    expect(await timeline.textContent()).toContain(
      `Emergency: severity P0 set before verify & reproduce, by Lena Lead: ${EMERGENCY.reason}`,
    );

    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'incident-page');
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  }, 120_000);

  it('is reached and de-escalated with the keyboard alone, the focus always visible', async () => {
    const lead = await createUser(t, { roles: ['security_lead'], displayName: 'Kim Keyboard' });
    const api = await signIn(t, lead.email, lead.password);
    const key = await containedCritical(api, 'Admin panel reachable without sign-in');

    const { context, page } = await signedInPage(browser, t.baseUrl, lead);
    await page.goto('/app/');
    await page
      .getByRole('link', { name: new RegExp(key) })
      .first()
      .waitFor();

    // The skip link is the first Tab stop and takes focus to the content.
    await page.keyboard.press('Tab');
    const skip = await focused(page);
    expect(skip).toMatchObject({ tag: 'a', text: 'Skip to content' });
    expect(skip.outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).id).toBe('main');

    // From the content, Tab to the incident and open it.
    const incident = await tabTo(page, (f) => f.href === `/app/incidents/${key}`);
    expect(incident.outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: /Admin panel reachable/ }).waitFor();

    // The de-escalation form opens with Space, is filled and sent with the keyboard.
    const summary = await tabTo(page, (f) => f.text === 'De-escalate this incident');
    expect(summary.tag).toBe('summary');
    expect(summary.outline).not.toBe('none');
    await page.keyboard.press('Space');
    const why = await tabTo(page, (f) => f.tag === 'textarea');
    expect(why.outline).not.toBe('none');
    await page.keyboard.type('A sign-in check was added in front of the panel');
    const send = await tabTo(page, (f) => f.tag === 'button' && f.text === 'De-escalate');
    expect(send.outline).not.toBe('none');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: 'De-escalated' }).waitFor();
    await page.getByTestId('line-banner').filter({ hasText: 'The line is running' }).waitFor();
    await expect.poll(async () => (await focused(page)).id).toBe('de-escalation-heading');
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  }, 120_000);
});

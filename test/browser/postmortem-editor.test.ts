// The whole post-mortem in the browser (issue 14, item 8), on a P1 that may not close until its
// post-mortem is approved: its author answers every required section of the bundled template
// (hostile Markdown rendered as the server's sanitized HTML, nothing runs), names a reviewer,
// adds a follow-up for someone else (then marks it not doing, with why), sends it to review and is refused approving their own, in
// the server's words; a second security lead approves it and closes the incident. A post-mortem
// the policy does not require is sent back with what should change, then skipped with a reason.
// Focus moves to the post-mortem's status after each step; axe finds nothing serious at 1280 px
// and 375 px.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY } from '../../src/server/clock.ts';
import { createUser, signIn } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
  launchBrowser,
  PHONE,
  requestsToOtherHosts,
  screenshot,
  signedInPage,
  startBrowserApp,
} from '../helpers/browser.ts';
import { declareOwned } from '../helpers/incidents-context.ts';
import { withShortPhases } from '../helpers/policies.ts';

let t: BrowserApp;
let browser: Browser;

// The bundled policy (its template, one approval, the author may not approve) with phases that
// ask nothing but the post-mortem before closing.
beforeAll(async () => {
  const policy = join(mkdtempSync(join(tmpdir(), 'stopline-policy-')), 'policy.yaml');
  writeFileSync(policy, withShortPhases());
  t = await startBrowserApp({ env: { STOPLINE_POLICY: policy } });
  browser = await launchBrowser();
});
afterAll(() => closeBrowserSuite({ t, browser }));

/** The ids of the required sections of the post-mortem's template, as the API answers them. */
async function requiredSections(key: string, headers: Record<string, string>) {
  const view = await t.app.inject({
    method: 'GET',
    url: `/api/v1/incidents/${key}/postmortem`,
    headers,
  });
  expect(view.statusCode, view.body).toBe(200);
  const sections = (view.json() as { sections: { id: string; required: boolean }[] }).sections;
  return sections.filter((s) => s.required).map((s) => s.id);
}
const HOSTILE =
  '**Reset tokens** leaked <img src=x onerror="window.pwned=1"> [see](javascript:window.pwned=2)';

/** The test id of the element that has focus. */
const focused = async (page: Page) =>
  String(await page.evaluate('document.activeElement?.getAttribute("data-testid") ?? ""'));

/** A local datetime-local value `ms` from now. */
function localIn(ms: number): string {
  const at = new Date(Date.now() + ms - new Date().getTimezoneOffset() * 60_000);
  return at.toISOString().slice(0, 16);
}

describe('the post-mortem editor', () => {
  it('answers the sections, sends it to review, refuses self-approval, is approved by a second lead and lets the incident close', async () => {
    const lena = await createUser(t, { roles: ['security_lead'], displayName: 'Lena Lead' });
    const sam = await createUser(t, { roles: ['security_lead'], displayName: 'Sam Second' });
    const incident = await declareOwned(t, lena.id, 'Reset tokens leak', 'P1');
    const api = await signIn(t, lena.email, lena.password);
    for (const phase of ['recovery', 'lessons_learned']) {
      const moved = await t.app.inject({
        method: 'POST',
        url: `/api/v1/incidents/${incident.key}/phase`,
        headers: api,
        payload: { phase },
      });
      expect(moved.statusCode, moved.body).toBe(200);
    }

    const { context, page } = await signedInPage(browser, t.baseUrl, lena);
    await page.goto(`/app/incidents/${incident.key}`);
    // Closing waits for the post-mortem, before anyone tries.
    const checks = page.getByTestId('phase-section').getByTestId('exit-checks');
    await checks.getByText(/post-mortem the policy requires/).waitFor();

    const section = page.getByTestId('postmortem');
    await section.getByRole('button', { name: 'Start the post-mortem' }).click();
    const status = section.getByTestId('postmortem-status');
    await status.filter({ hasText: 'In draft' }).waitFor();
    await expect.poll(() => focused(page)).toBe('postmortem-status');
    expect(await section.getByTestId('postmortem-answered').textContent()).toContain(
      '0 of 10 required sections answered.',
    );
    // The template's question, its prompt and whether it is required.
    const impact = section.getByTestId('section-impact');
    expect(await impact.getByRole('heading').textContent()).toBe('Impact Required');
    expect(await impact.getByRole('textbox').getAttribute('aria-describedby')).toBeTruthy();
    await impact.getByText('Who and what was affected, for how long, and how much.').waitFor();
    await section.getByTestId('section-timeline').getByText('Optional').waitFor();
    const required = await requiredSections(incident.key, api);
    expect(required).toHaveLength(10); // Kundo's eight questions, impact and root cause
    const send = section.getByRole('button', { name: 'Send to review' });
    expect(await send.isDisabled()).toBe(true);
    expect(await section.getByTestId('waiting-reason').textContent()).toContain(
      '"Under which circumstances did the incident occur?"',
    );

    for (const id of required) {
      const form = section.getByTestId(`section-${id}`);
      const box = form.getByRole('textbox');
      await box.fill(id === 'root_cause' ? HOSTILE : `What we learned about ${id}.`);
      await form.getByTestId(`section-state-${id}`).filter({ hasText: 'not saved yet' }).waitFor();
      await form.getByRole('button', { name: /^Save/ }).click();
      await form
        .getByTestId(`section-state-${id}`)
        .filter({ hasText: /^Saved\.$/ })
        .waitFor();
    }
    await section
      .getByTestId('postmortem-answered')
      .filter({ hasText: '10 of 10 required sections answered.' })
      .waitFor();
    // The saved Markdown as the server rendered it: emphasis kept, the markup and the
    // javascript: link not.
    const rootCause = section.getByTestId('section-root_cause');
    await rootCause.getByText('Preview as saved').click();
    const html = rootCause.getByTestId('section-html-root_cause');
    expect(await html.locator('strong').textContent()).toBe('Reset tokens');
    expect(await html.locator('img').count()).toBe(0);
    expect(await html.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await page.evaluate('window.pwned')).toBeUndefined();

    // A follow-up for someone else, with its due date, priority and type.
    await section.getByText('Add a follow-up', { exact: true }).click();
    const add = section.getByRole('form', { name: 'Add a follow-up' });
    await add.getByLabel('What will be done').fill('Expire reset tokens <b>after use</b>');
    await add.getByLabel('Owner').selectOption({ label: 'Sam Second' });
    await add.getByLabel('Due').fill(localIn(3 * DAY));
    await add.getByLabel('Priority').selectOption('high');
    await add.getByLabel('Type').selectOption('prevent');
    await add.getByRole('button', { name: 'Add the follow-up' }).click();
    const followUps = section.getByTestId('postmortem-follow-ups');
    await followUps.getByText('Expire reset tokens <b>after use</b>', { exact: true }).waitFor();
    expect(await followUps.innerText()).toMatch(/Open\s+Prevent, high priority; owner Sam Second/);
    await expect
      .poll(() => page.evaluate('document.activeElement?.id'))
      .toBe('postmortem-follow-ups-heading');

    // Its status changes on the spot: not doing, with the reason.
    await followUps.getByText('Change the status').click();
    const change = followUps.getByRole('form', { name: /^Change the status/ });
    await change.getByLabel('Status').selectOption('not_doing');
    await change.getByLabel('Why it will not be done').fill('Tokens are single-use already');
    await change.getByRole('button', { name: 'Save the status' }).click();
    await followUps.getByText('not doing because: Tokens are single-use already').waitFor();

    // Sam is named the reviewer; then it goes to review.
    await section.getByText('Name the reviewers', { exact: true }).click();
    const reviewers = section.getByRole('form', { name: 'Name the reviewers' });
    await reviewers.getByLabel('Sam Second').check();
    await reviewers.getByRole('button', { name: 'Save the reviewers' }).click();
    await section.getByTestId('postmortem-review').getByText('Sam Second').waitFor();
    await send.click();
    await status.filter({ hasText: 'In review' }).waitFor();
    await expect.poll(() => focused(page)).toBe('postmortem-status');
    // The text no longer changes: the sections are shown as rendered.
    expect(await section.getByTestId('section-impact').getByRole('textbox').count()).toBe(0);

    // Lena sent it to review: the policy asks someone else to approve it, in the server's words.
    await section.getByRole('button', { name: 'Approve the post-mortem' }).click();
    const refusal = section.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain(
      'The policy asks someone other than whoever sent the post-mortem to review to approve it',
    );
    expect(await status.textContent()).toContain('In review');

    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'postmortem-editor');
    await page.setViewportSize(PHONE);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(
      PHONE.width,
    );
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();

    // Sam approves it; the incident may close now, and closes.
    const second = await signedInPage(browser, t.baseUrl, sam);
    await second.page.goto(`/app/incidents/${incident.key}`);
    const samSection = second.page.getByTestId('postmortem');
    await samSection.getByRole('button', { name: 'Approve the post-mortem' }).click();
    await samSection.getByTestId('postmortem-status').filter({ hasText: 'Approved' }).waitFor();
    await expect.poll(() => focused(second.page)).toBe('postmortem-status');
    expect(await samSection.getByTestId('postmortem-review').innerText()).toContain(
      'Approved by Sam Second',
    );
    const phase = second.page.getByTestId('phase-section');
    await phase.getByText('Every exit check of this phase holds.').waitFor();
    await phase.getByRole('button', { name: 'Move to Closed' }).click();
    await phase.getByRole('heading', { name: 'Phase: Closed' }).waitFor();
    expect(await accessibilityViolations(second.page)).toEqual([]);
    await second.context.close();
  }, 90_000);

  it('sends a post-mortem back with what should change, then skips it where the policy allows', async () => {
    const author = await createUser(t, { roles: ['responder'], displayName: 'Rita Responder' });
    const lead = await createUser(t, { roles: ['security_lead'], displayName: 'Leo Lead' });
    const incident = await declareOwned(t, author.id, 'Slow exports', 'P2');
    const api = await signIn(t, author.email, author.password);
    const pm = `/api/v1/incidents/${incident.key}/postmortem`;
    const started = await t.app.inject({ method: 'POST', url: pm, headers: api });
    expect(started.statusCode, started.body).toBe(201);
    for (const id of await requiredSections(incident.key, api)) {
      const written = await t.app.inject({
        method: 'PUT',
        url: `${pm}/sections/${id}`,
        headers: api,
        payload: { body: `On ${id}.` },
      });
      expect(written.statusCode, written.body).toBe(200);
    }
    const submitted = await t.app.inject({ method: 'POST', url: `${pm}/submit`, headers: api });
    expect(submitted.statusCode, submitted.body).toBe(200);

    const { context, page } = await signedInPage(browser, t.baseUrl, lead, PHONE);
    await page.goto(`/app/incidents/${incident.key}`);
    const section = page.getByTestId('postmortem');
    const status = section.getByTestId('postmortem-status');
    await status.filter({ hasText: 'In review' }).waitFor();
    expect(await status.textContent()).toContain('Not required by the policy.');
    await section.getByText('Request changes', { exact: true }).click();
    const back = section.getByRole('form', { name: 'Request changes' });
    await back.getByLabel('What should change').fill('Name the export job that was <b>slow</b>');
    await back.getByRole('button', { name: 'Send it back to draft' }).click();
    await status.filter({ hasText: 'In draft' }).waitFor();
    await expect.poll(() => focused(page)).toBe('postmortem-status');
    // The authors read what to change, who asked and when; the reason stays text.
    const asked = section.getByTestId('changes-requested');
    expect(await asked.innerText()).toMatch(
      /^by Leo Lead, .+: Name the export job that was <b>slow<\/b>$/,
    );

    await section.getByText('Skip the post-mortem', { exact: true }).click();
    const skip = section.getByRole('form', { name: 'Skip the post-mortem' });
    await skip.getByLabel('Why no post-mortem is held').fill('A P2 <i>nobody</i> noticed');
    await skip.getByRole('button', { name: 'Skip it' }).click();
    await status.filter({ hasText: 'Skipped' }).waitFor();
    await expect.poll(() => focused(page)).toBe('postmortem-status');
    expect(await section.getByTestId('postmortem-review').innerText()).toContain(
      'A P2 <i>nobody</i> noticed',
    );
    expect(await section.getByRole('button', { name: 'Send to review' }).count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  }, 60_000);
});

// The next step first, and the owner runs the incident (issue 21, items 5 and 6), in Chromium: on
// a 375 px phone a panel member's vote form is the first thing on the incident page, and the
// dashboard's "Needs you" names the vote; at 1280 px the owner, whom the policy lets assign roles,
// fills a required role from a picker without the read-only viewer (the task assignee's picker
// leaves the viewer out too), and "Skip ahead to Closed" on
// a critical incident is disabled with the rules' reasons; a closed incident offers no change but
// the record's notes. Axe on each page.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signIn } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  closeBrowserSuite,
  launchBrowser,
  newContext,
  PHONE,
  signInInBrowser,
  startBrowserApp,
  type BrowserApp,
} from '../helpers/browser.ts';
import { withShortPhases, writeEditedPolicyFragment } from '../helpers/policies.ts';
import { REPRODUCTION } from '../helpers/reproduce.ts';

// Short phases (to close in a few steps), and the owner assigns roles too.
const POLICY = writeEditedPolicyFragment(
  withShortPhases().replace(
    '\nphases:\n',
    '\nroleAssignment:\n  assignableBy: [owner, incident_commander]\n\nphases:\n',
  ),
  'policy.yaml',
);

let t: BrowserApp;
let browser: Browser;
beforeAll(async () => {
  t = await startBrowserApp({ env: { STOPLINE_POLICY: POLICY } });
  browser = await launchBrowser();
});
afterAll(() => closeBrowserSuite({ t, browser }));

type Headers = Record<string, string>;
async function api(headers: Headers, method: 'POST', url: string, payload: object = {}) {
  const res = await t.app.inject({ method, url: `/api/v1${url}`, headers, payload });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
}

/** An incident owned by `ownerId`, reproduced. */
async function ownedIncident(headers: Headers, ownerId: string, title: string): Promise<string> {
  const { key } = await api(headers, 'POST', '/incidents', { title });
  await api(headers, 'POST', `/incidents/${key}/owner`, { userId: ownerId });
  await api(headers, 'POST', `/incidents/${key}/reproduction`, REPRODUCTION);
  return key as string;
}

async function pageFor(user: { email: string; password: string }, viewport = PHONE) {
  const context = await newContext(browser, t.baseUrl, viewport);
  const page = await context.newPage();
  await signInInBrowser(page, user);
  return { context, page };
}

const top = async (page: Page, selector: string) =>
  Number(
    await page.evaluate(
      `document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect().top + window.scrollY`,
    ),
  );

describe('the next step first', () => {
  it("on a phone, a panel member's vote form comes first; the dashboard's Needs you names it", async () => {
    const owner = await createUser(t, { roles: ['responder'], displayName: 'Olga Owner' });
    const ana = await createUser(t, { roles: ['responder'], displayName: 'Ana Member' });
    const ben = await createUser(t, { roles: ['responder'], displayName: 'Ben Member' });
    const lead = await createUser(t, { roles: ['security_lead'], displayName: 'Lea Lead' });
    const ownerApi = await signIn(t, owner.email, owner.password);
    const key = await ownedIncident(ownerApi, owner.id, 'Tokens in the access log');
    await api(ownerApi, 'POST', `/incidents/${key}/panel`, {
      responderIds: [ana.id, ben.id],
      securityLeadId: lead.id,
    });

    const { context, page } = await pageFor(ana);
    await page.goto(`/app/incidents/${key}`);
    const form = page.getByRole('form', { name: 'Your vote' });
    await form.waitFor();
    const steps = page.getByTestId('next-steps');
    expect(await steps.getByRole('heading', { name: 'What you must do now' }).count()).toBe(1);
    // The form is in "What you must do now", above the incident's facts and every section, and
    // starts within the first screen of the phone.
    expect(await steps.getByRole('form', { name: 'Your vote' }).count()).toBe(1);
    const formTop = await top(page, 'form.vote-form');
    expect(formTop).toBeLessThan(PHONE.height);
    expect(formTop).toBeLessThan(await top(page, '.facts'));
    expect(formTop).toBeLessThan(await top(page, '[data-testid="panel-section"]'));
    // The panel section points to it rather than showing a second form.
    expect(
      await page.getByTestId('panel-section').getByRole('link', { name: 'Your vote' }).count(),
    ).toBe(1);
    expect(await page.getByRole('form', { name: 'Your vote' }).count()).toBe(1);
    const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
    expect(width).toBeLessThanOrEqual(PHONE.width);
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Dashboard' }).click();
    const needs = page.getByTestId('needs-you');
    await expect.poll(() => needs.textContent()).toMatch(/Tokens in the access log/);
    expect(await needs.textContent()).toMatch(/Vote: is this incident critical\?/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await needs.getByRole('link', { name: new RegExp(key) }).click();
    await page.getByRole('form', { name: 'Your vote' }).waitFor();
    await context.close();
  }, 120_000);
});

describe('the owner runs the incident', () => {
  it('fills a required role from eligible people; a refused skip is disabled with its reasons', async () => {
    const owner = await createUser(t, { roles: ['responder'], displayName: 'Otto Owner' });
    const carl = await createUser(t, { roles: ['responder'], displayName: 'Carl Commander' });
    await createUser(t, { roles: ['viewer'], displayName: 'Vera Viewer' });
    const lead = await createUser(t, { roles: ['security_lead'], displayName: 'Lisa Lead' });
    const leadApi = await signIn(t, lead.email, lead.password);
    const key = await ownedIncident(leadApi, owner.id, 'Admin panel open to the internet');
    await api(leadApi, 'POST', `/incidents/${key}/severity`, { severity: 'P1', rationale: 'Open' });

    const { context, page } = await pageFor(owner, { width: 1280, height: 900 });
    await page.goto(`/app/incidents/${key}`);
    const steps = page.getByTestId('next-steps');
    await expect
      .poll(() => steps.textContent())
      .toMatch(/Fill the role: Incident commander \(a P1 incident needs one\)/);
    await page.getByTestId('missing-incident_commander').waitFor();

    // "Skip ahead to Closed": the rules refuse it, so it is offered disabled with their reasons.
    const phase = page.getByRole('form', { name: 'Move to another phase' });
    await phase.getByLabel('Or skip ahead to').selectOption({ label: 'Closed (not allowed now)' });
    expect(await phase.getByRole('button', { name: 'Move', exact: true }).isDisabled()).toBe(true);
    const why = page.getByTestId('move-target-refused');
    expect(await why.locator('p').textContent()).toBe('Skip ahead to Closed is not possible yet:');
    expect(await why.locator('li').allTextContents()).toEqual(
      expect.arrayContaining([
        "Only someone allowed to close incidents (incidents.close), or this incident's commander, may do this",
        'Recovery cannot be skipped for this incident',
      ]),
    );

    // The owner assigns the commander; the picker lists no read-only viewer.
    await page.getByText('Assign a role', { exact: true }).click();
    const assign = page.getByRole('form', { name: 'Assign a role' });
    await assign.getByLabel('Role').selectOption({ label: 'Incident commander' });
    const people = await assign.getByLabel('Person').locator('option').allTextContents();
    expect(people).toContain('Carl Commander');
    expect(people).not.toContain('Vera Viewer');
    expect(await accessibilityViolations(page)).toEqual([]);
    await assign.getByLabel('Person').selectOption({ label: 'Carl Commander' });
    await assign.getByRole('button', { name: 'Assign role' }).click();
    await page.getByTestId('missing-incident_commander').waitFor({ state: 'detached' });
    await expect
      .poll(() => steps.textContent(), { timeout: 15_000 })
      .not.toMatch(/Incident commander/);
    expect(await page.getByTestId('roles-section').textContent()).toMatch(/Carl Commander/);
    // A task's assignee is picked from the same eligible people; a participant may be anyone on
    // the staff not yet taking part (a read-only viewer may follow a restricted incident).
    await page.getByText('Add a task', { exact: true }).click();
    const task = page.getByRole('form', { name: 'Add a task' });
    const assignees = await task.getByLabel('Assignee').locator('option').allTextContents();
    expect(assignees).toEqual(expect.arrayContaining(['Carl Commander', 'Otto Owner']));
    expect(assignees).not.toContain('Vera Viewer');
    await page.getByText('Add a participant', { exact: true }).click();
    const join = page.getByRole('form', { name: 'Add a participant' });
    await expect
      .poll(() => join.getByLabel('Person').locator('option').allTextContents())
      .toContain('Vera Viewer');
    const joining = await join.getByLabel('Person').locator('option').allTextContents();
    expect(joining).not.toContain('Otto Owner');
    expect(await accessibilityViolations(page)).toEqual([]);
    // The policy page says who assigns roles.
    await page.goto('/app/policy');
    await page.getByTestId('role-assigners').waitFor();
    await expect
      .poll(() => page.getByTestId('role-assigners').textContent())
      .toBe("Who assigns them: security leads, the incident's owner, the incident's commander.");
    await context.close();
    void carl;
  }, 120_000);

  it('a closed incident offers no change but notes and the decision log', async () => {
    const lead = await createUser(t, { roles: ['security_lead'], displayName: 'Lars Lead' });
    const leadApi = await signIn(t, lead.email, lead.password);
    const key = await ownedIncident(leadApi, lead.id, 'A false alarm');
    for (const phase of ['recovery', 'lessons_learned', 'closed'])
      await api(leadApi, 'POST', `/incidents/${key}/phase`, { phase });

    const { context, page } = await pageFor(lead);
    await page.goto(`/app/incidents/${key}`);
    await page
      .getByText(/^Closed /)
      .first()
      .waitFor();
    for (const form of [
      'Assign the owner',
      'Move to another phase',
      'Assign a role',
      'Record the reproduction',
      'Edit the incident',
    ])
      expect(await page.getByRole('form', { name: form }).count(), form).toBe(0);
    expect(await page.getByTestId('next-steps').count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Add a note' }).count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  }, 120_000);
});

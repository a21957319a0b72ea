// Components, public incidents and drafts in the console, in Chromium with axe at 1280 px and on
// a phone: an admin adds a component and sets its status; the communications lead publishes an
// incident on it and saves a second one as a draft, which they may not approve themselves (the
// refusal shown) and another communications lead approves, publishing it exactly as written; a
// responder reads components and incidents and gets no form.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  closeBrowserSuite,
  openBrowserSuite,
  PHONE,
  requestsToOtherHosts,
  signedInPage,
  type BrowserApp,
} from '../helpers/browser.ts';

let t: BrowserApp;
let browser: Browser;

beforeAll(async () => {
  ({ t, browser } = await openBrowserSuite());
});
afterAll(async () => closeBrowserSuite({ t, browser }));

describe('components, incidents and drafts in the console', () => {
  it('an admin adds a component and sets its status', async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, admin);
    await page.goto('/app/status-page');
    await page.getByRole('link', { name: 'Components, incidents and drafts' }).click();
    await page.getByRole('heading', { name: 'Add a component' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByLabel('Component name').fill('Payments API');
    await page.getByRole('button', { name: 'Add component' }).click();
    const table = page.getByTestId('components');
    await table.getByRole('rowheader', { name: 'Payments API' }).waitFor();
    await page.getByLabel('Status of Payments API').selectOption('degraded_performance');
    await expect
      .poll(async () => (await t.container.services.status.listComponents())[0]?.status)
      .toBe('degraded_performance');
    const [component] = await t.container.services.status.listComponents();
    expect(component).toMatchObject({ name: 'Payments API', status: 'degraded_performance' });
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  });

  it('the communications lead publishes, drafts for a second person, and cannot approve their own draft', async () => {
    const writer = await createUser(t, { roles: ['comms'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, writer);
    await page.goto('/app/status-page/incidents');
    await page.getByRole('heading', { name: 'Publish an incident' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Add a component' }).count()).toBe(0);
    await page.getByLabel('Title').fill('Card payments fail');
    await page.getByLabel('Impact').selectOption('major');
    await page.getByLabel('First update for customers (Markdown)').fill('Some payments fail.');
    await page.getByRole('checkbox', { name: 'Payments API' }).check();
    await page.getByRole('button', { name: 'Publish now' }).click();
    await page.getByRole('status').filter({ hasText: 'Published' }).waitFor();
    const incidents = page.getByTestId('public-incidents');
    await incidents.getByRole('rowheader', { name: 'Card payments fail' }).waitFor();
    expect(await incidents.textContent()).toContain('Investigating');

    await page.getByLabel('Title').fill('Refunds delayed <b>');
    await page.getByLabel('First update for customers (Markdown)').fill('Refunds take a day.');
    await page.getByRole('button', { name: 'Save as draft for approval' }).click();
    const drafts = page.getByTestId('drafts');
    await drafts.getByRole('rowheader', { name: 'Refunds delayed <b>' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Approve and publish Refunds delayed <b>' }).click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/another|second|own/i);
    expect((await t.container.services.status.listPublicIncidents(10)).map((i) => i.name)).toEqual([
      'Card payments fail',
    ]);
    await context.close();

    const approver = await createUser(t, { roles: ['comms'] });
    const second = await signedInPage(browser, t.baseUrl, approver, PHONE);
    await second.page.goto('/app/status-page/incidents');
    await second.page
      .getByRole('button', { name: 'Approve and publish Refunds delayed <b>' })
      .click();
    await second.page
      .getByTestId('public-incidents')
      .getByRole('rowheader', { name: 'Refunds delayed <b>' })
      .waitFor();
    expect(await second.page.getByText('No drafts are waiting.').count()).toBe(1);
    expect(await accessibilityViolations(second.page)).toEqual([]);
    const published = await t.container.services.status.listPublicIncidents(10);
    expect(published.find((i) => i.name === 'Refunds delayed <b>')!.updates[0]!.body).toBe(
      'Refunds take a day.',
    );
    await second.context.close();
  });

  it('a responder reads components and incidents, with no form', async () => {
    const responder = await createUser(t, { roles: ['responder'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, responder);
    await page.goto('/app/status-page/incidents');
    await page.getByTestId('public-incidents').getByText('Card payments fail').waitFor();
    expect(await page.getByRole('heading', { name: 'Publish an incident' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Drafts waiting for approval' }).count()).toBe(
      0,
    );
    expect(await page.getByRole('combobox').count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  });
});

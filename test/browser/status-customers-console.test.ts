// Customers and the stakeholder list in the console, in Chromium with axe at 1280 px and on a
// phone: an admin adds a customer with its components and two contacts (an address twice is
// refused, the field named), edits it and removes another after confirming; puts a member of
// staff on the stakeholder list and takes them off; the communications lead reads the customers
// with no form and no stakeholder list; a responder is not offered the page.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/server/domain/actor.ts';
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
import { addStatusComponent } from '../helpers/status.ts';

let t: BrowserApp;
let browser: Browser;
let api: string;

beforeAll(async () => {
  ({ t, browser } = await openBrowserSuite());
  api = await addStatusComponent(t, 'API');
  await addStatusComponent(t, 'Web app');
});
afterAll(async () => closeBrowserSuite({ t, browser }));

const customers = () => t.container.services.status.listCustomers();

describe('customers and stakeholders in the console', () => {
  it('an admin adds, edits and removes customers (1280 px)', async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, admin);
    await page.goto('/app/status-page');
    await page.getByRole('link', { name: 'Customers and stakeholders' }).click();
    const form = page.getByRole('region', { name: 'Add a customer' });
    await form.waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await form.getByLabel('Customer name').fill('Acme <GmbH>');
    await form.getByRole('checkbox', { name: 'API' }).check();
    await form.getByLabel('Contact 1 name').fill('Ana Ruiz');
    await form.getByLabel('Contact 1 e-mail address').fill('ana@acme.example');
    await form.getByRole('button', { name: 'Add another contact' }).click();
    await form.getByLabel('Contact 2 e-mail address').fill('ana@acme.example');
    await form.getByRole('button', { name: 'Add customer' }).click();
    const refusal = form.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('Contacts #2 email: ');
    expect(await customers()).toEqual([]);
    expect(await accessibilityViolations(page)).toEqual([]);

    await form.getByLabel('Contact 2 e-mail address').fill('ops@acme.example');
    await form.getByRole('button', { name: 'Add customer' }).click();
    const table = page.getByTestId('customers');
    await table.getByRole('rowheader', { name: 'Acme <GmbH>' }).waitFor();
    expect(await table.textContent()).toContain('Ana Ruiz <ana@acme.example>');
    const [added] = await customers();
    expect(added).toMatchObject({
      name: 'Acme <GmbH>',
      componentIds: [api],
      contacts: [
        { name: 'Ana Ruiz', email: 'ana@acme.example' },
        { name: '', email: 'ops@acme.example' },
      ],
    });

    await page.getByRole('button', { name: 'Edit Acme <GmbH>' }).click();
    const edit = page.getByRole('region', { name: 'Edit Acme <GmbH>' });
    await edit.getByRole('checkbox', { name: 'Web app' }).check();
    await edit.getByRole('button', { name: 'Remove contact 2' }).click();
    await edit.getByRole('button', { name: 'Save customer' }).click();
    await page.getByRole('status').filter({ hasText: 'Acme <GmbH> is saved.' }).waitFor();
    const [edited] = await customers();
    expect(edited!.componentIds).toHaveLength(2);
    expect(edited!.contacts.map((c) => c.email)).toEqual(['ana@acme.example']);

    await t.container.services.status.addCustomer(systemActor, {
      name: 'Old customer',
      componentIds: [api],
      contacts: [{ name: '', email: 'old@example.org' }],
    });
    await page.reload();
    await page.getByRole('button', { name: 'Remove Old customer' }).click();
    await page.getByRole('button', { name: 'Keep Old customer' }).click();
    expect((await customers()).map((c) => c.name)).toContain('Old customer');
    await page.getByRole('button', { name: 'Remove Old customer' }).click();
    await page.getByRole('button', { name: 'Yes, remove Old customer' }).click();
    await table.getByRole('rowheader', { name: 'Old customer' }).waitFor({ state: 'detached' });
    expect((await customers()).map((c) => c.name)).toEqual(['Acme <GmbH>']);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  });

  it('an admin keeps the stakeholder list on a phone; comms reads customers only; a responder is not offered it', async () => {
    const executive = await createUser(t, { roles: ['viewer'], displayName: 'Eve Exec' });
    const admin = await createUser(t, { roles: ['admin'] });
    const phone = await signedInPage(browser, t.baseUrl, admin, PHONE);
    await phone.page.goto('/app/status-page/customers');
    await phone.page.getByRole('heading', { name: 'Stakeholder list' }).waitFor();
    await phone.page
      .getByLabel('Member of staff')
      .selectOption({ label: `Eve Exec (${executive.email})` });
    await phone.page.getByLabel('What they are to the team').fill('Executive sponsor');
    await phone.page.getByRole('button', { name: 'Put on the list' }).click();
    const list = phone.page.getByTestId('stakeholders');
    await list.getByRole('rowheader', { name: `Eve Exec (${executive.email})` }).waitFor();
    expect(await t.container.services.status.listStakeholders()).toMatchObject([
      { userId: executive.id, label: 'Executive sponsor' },
    ]);
    expect(await accessibilityViolations(phone.page)).toEqual([]);
    await phone.page
      .getByRole('button', { name: `Take Eve Exec (${executive.email}) off the list` })
      .click();
    await phone.page.getByText('Nobody is on the list.').waitFor();
    expect(await t.container.services.status.listStakeholders()).toEqual([]);
    await phone.context.close();

    const comms = await createUser(t, { roles: ['comms'] });
    const reader = await signedInPage(browser, t.baseUrl, comms, PHONE);
    await reader.page.goto('/app/status-page/customers');
    await reader.page.getByTestId('customers').getByText('Acme <GmbH>').waitFor();
    expect(await reader.page.getByRole('region', { name: 'Add a customer' }).count()).toBe(0);
    expect(await reader.page.getByRole('button', { name: /^(Edit|Remove) / }).count()).toBe(0);
    expect(await reader.page.getByRole('heading', { name: 'Stakeholder list' }).count()).toBe(0);
    expect(await accessibilityViolations(reader.page)).toEqual([]);
    await reader.context.close();

    const responder = await createUser(t, { roles: ['responder'] });
    const other = await signedInPage(browser, t.baseUrl, responder);
    await other.page.goto('/app/status-page');
    await other.page.getByRole('heading', { name: 'Maintenance' }).waitFor();
    expect(await other.page.getByRole('link', { name: 'Customers and stakeholders' }).count()).toBe(
      0,
    );
    await other.context.close();
  });
});

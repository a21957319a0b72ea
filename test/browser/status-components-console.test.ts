// Components' groups, order, description and "only show if degraded" in the console, in Chromium
// with axe at 1280 px and on a phone: an admin adds a group and a component in it with a
// description, moves a component up, edits one into "only show if degraded" (a name left empty
// is refused by the browser's own check, a group inside a group cannot even be chosen); the public
// page shows the order, the group and the description; a responder reads with no form.
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
import { addStatusComponent } from '../helpers/status.ts';

let t: BrowserApp;
let browser: Browser;

beforeAll(async () => {
  ({ t, browser } = await openBrowserSuite());
  await addStatusComponent(t, 'Web app');
  await addStatusComponent(t, 'Mobile app');
});
afterAll(async () => closeBrowserSuite({ t, browser }));

const byName = async (name: string) =>
  (await t.container.services.status.listComponents()).find((c) => c.name === name)!;

describe('components in the console', () => {
  it('an admin adds a group with a component, reorders and edits one (1280 px)', async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, admin);
    await page.goto('/app/status-page/incidents');
    await page.getByRole('heading', { name: 'Add a component' }).waitFor();
    const add = page.getByRole('form', { name: 'Add a component' });
    await add.getByLabel('Component name').fill('EU region');
    await add.getByLabel('It is a group of components').check();
    expect(await add.getByLabel('Group', { exact: true }).count()).toBe(0);
    await add.getByRole('button', { name: 'Add group' }).click();
    const table = page.getByTestId('components');
    await table.getByRole('rowheader', { name: 'EU region (group)' }).waitFor();

    await add.getByLabel('Component name').fill('Payments API');
    await add.getByLabel('Description (optional, shown on the page)').fill('Card payments');
    await add.getByLabel('Group', { exact: true }).selectOption({ label: 'EU region' });
    await add.getByRole('button', { name: 'Add component' }).click();
    await table.getByRole('rowheader', { name: 'Payments API' }).waitFor();
    const group = await byName('EU region');
    expect(await byName('Payments API')).toMatchObject({
      groupId: group.id,
      description: 'Card payments',
      onlyShowIfDegraded: false,
    });
    expect(await accessibilityViolations(page)).toEqual([]);

    // Top level: Web app, Mobile app, EU region. Move Mobile app up: first.
    await page.getByRole('button', { name: 'Move Mobile app up' }).click();
    await expect
      .poll(async () =>
        (await t.container.services.status.listComponents())
          .filter((c) => c.groupId === null)
          .map((c) => c.name),
      )
      .toEqual(['Mobile app', 'Web app', 'EU region']);
    await expect
      .poll(async () => (await table.getByRole('rowheader').allTextContents()).join(' | '))
      .toBe('Mobile app | Web app | EU region (group) | Payments API');
    expect(await page.getByRole('button', { name: 'Move Mobile app up' }).isDisabled()).toBe(true);

    await page.getByRole('button', { name: 'Edit Web app' }).click();
    const edit = page.getByTestId('component-edit');
    await edit.getByRole('heading', { name: 'Edit Web app' }).waitFor();
    await edit.getByLabel('Show on the public page only while it is not operational').check();
    await edit.getByLabel('Group', { exact: true }).selectOption({ label: 'EU region' });
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Web app is saved.' }).waitFor();
    expect(await byName('Web app')).toMatchObject({ onlyShowIfDegraded: true, groupId: group.id });
    expect(await table.textContent()).toContain('Shown only while not operational');
    expect(await accessibilityViolations(page)).toEqual([]);

    const publicPage = await (await fetch(`${t.baseUrl}/status`)).text();
    expect(publicPage).toContain('Payments API');
    expect(publicPage).toContain('Card payments');
    expect(publicPage).not.toContain('Web app'); // operational and shown only if degraded
    expect(publicPage.indexOf('Mobile app')).toBeLessThan(publicPage.indexOf('EU region'));
    await context.close();
  });

  it('on a phone an admin edits a description; a responder reads with no form', async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    const phone = await signedInPage(browser, t.baseUrl, admin, PHONE);
    await phone.page.goto('/app/status-page/incidents');
    await phone.page.getByRole('button', { name: 'Edit Mobile app' }).click();
    const edit = phone.page.getByTestId('component-edit');
    await edit.getByLabel('Description (optional, shown on the page)').fill('iOS and Android');
    await edit.getByRole('button', { name: 'Save' }).click();
    await phone.page.getByRole('status').filter({ hasText: 'Mobile app is saved.' }).waitFor();
    expect((await byName('Mobile app')).description).toBe('iOS and Android');
    expect(await accessibilityViolations(phone.page)).toEqual([]);
    await phone.context.close();

    const responder = await createUser(t, { roles: ['responder'] });
    const seen = await signedInPage(browser, t.baseUrl, responder, PHONE);
    await seen.page.goto('/app/status-page/incidents');
    await seen.page.getByTestId('components').getByText('iOS and Android').waitFor();
    expect(await seen.page.getByRole('button', { name: /^(Move|Edit) / }).count()).toBe(0);
    expect(await seen.page.getByRole('heading', { name: 'Add a component' }).count()).toBe(0);
    expect(await accessibilityViolations(seen.page)).toEqual([]);
    await seen.context.close();
  });
});

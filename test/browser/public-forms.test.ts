// Every public form, sent from Chromium with JavaScript turned off, as a reporter or a new staff
// member on a locked-down browser would: the report form, the portal's sign-in and reply, the
// first-run setup and set-password pages. A real browser decides the Origin and Sec-Fetch-Site
// headers itself, so these catch a referrer policy or an origin check that refuses real browsers.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/server/domain/actor.ts';
import {
  type BrowserApp,
  closeBrowserSuite,
  newContext,
  openBrowserSuite,
  requestsToOtherHosts,
} from '../helpers/browser.ts';

let t: BrowserApp;
let browser: Browser;

beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

async function noScriptPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(browser, t.baseUrl, undefined, { javaScript: false });
  return { context, page: await context.newPage() };
}

describe('public forms in a browser without JavaScript', () => {
  it('a reporter sends a report, signs in to the portal with the receipt and writes to the team', async () => {
    const { context, page } = await noScriptPage();
    await page.goto('/report');
    await page.getByLabel('Summary (required)').fill('Session cookie readable by scripts');
    await page.getByLabel('Description (required)').fill('document.cookie shows the session id.');
    await page.getByRole('button', { name: 'Send the report' }).click();
    await page.getByRole('heading', { name: /report RPT-\d+ received/ }).waitFor();
    const key = (await page.locator('#report-key').textContent())!.trim();
    const accessCode = (await page.locator('#access-code').textContent())!.trim();

    await page.getByRole('link', { name: 'the report page' }).click();
    await page.getByLabel('Report key').fill(key);
    await page.getByLabel('Access code').fill(accessCode);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: `Report ${key}` }).waitFor();

    await page.getByLabel('Your message').fill('It also works in a private window.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText('It also works in a private window.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/portal');

    await page
      .getByLabel('Where you or someone else posted this issue publicly')
      .fill('https://paste.example/abc');
    await page.getByRole('button', { name: 'Tell us' }).click();
    await page.getByText('https://paste.example/abc').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Follow your report' }).waitFor();
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  });

  it('the first admin is created from the setup link, and a new colleague sets a password from theirs', async () => {
    const setup = await t.container.services.accounts.users.issueSetupLinkIfNoAdmin();
    expect(setup).not.toBeNull();
    const { context, page } = await noScriptPage();
    await page.goto(setup!.url);
    await page.getByRole('heading', { name: 'Create the first admin' }).waitFor();
    // Without JavaScript the page cannot read the link's secret (it is in the #fragment, which
    // browsers never send); the person pastes the link they opened.
    await page.getByLabel(/Your one-time link/).fill(setup!.url);
    await page.getByLabel('Your e-mail address').fill('ada@example.org');
    await page.getByLabel('Your name').fill('Ada Admin');
    await page.getByLabel(/Password/).fill('a long and private passphrase');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('You can now sign in as ada@example.org').waitFor();

    const { link } = await t.container.services.accounts.users.createUser(systemActor, {
      email: 'bo@example.org',
      displayName: 'Bo Responder',
      roles: ['responder'],
    });
    await page.goto(link.url);
    await page.getByRole('heading', { name: 'Set your password' }).waitFor();
    // A weak password is refused next to the field, and the link still works afterwards.
    await page.getByLabel(/Your one-time link/).fill(link.url);
    await page.getByLabel(/Password/).fill('short');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/There is a problem/).waitFor();
    await page.getByLabel(/Your one-time link/).fill(link.url);
    await page.getByLabel(/Password/).fill('another long private passphrase');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('You can now sign in as bo@example.org').waitFor();

    const signIn = await t.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { email: 'bo@example.org', password: 'another long private passphrase' },
    });
    expect(signIn.statusCode).toBe(200);
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  });

  it('with JavaScript on, the one-time link page reads the secret from the link by itself', async () => {
    const { link } = await t.container.services.accounts.users.createUser(systemActor, {
      email: 'cy@example.org',
      displayName: 'Cy Viewer',
      roles: ['viewer'],
    });
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    await page.goto(link.url);
    await page.getByRole('heading', { name: 'Set your password' }).waitFor();
    await expect.poll(() => page.locator('#f-link').inputValue()).toBe(link.url);
    expect(await page.getByLabel(/Your one-time link/).isVisible()).toBe(false);
    await page.getByLabel(/Password/).fill('a third long private passphrase');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('You can now sign in as cy@example.org').waitFor();
    await context.close();
  });
});

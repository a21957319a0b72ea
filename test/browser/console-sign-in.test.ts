// The console in a real browser: sign-in with a second factor, an expired session that comes back
// to the same page, the dashboard on a phone, and no third-party requests.
import { readFileSync } from 'node:fs';
import * as OTPAuth from 'otpauth';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
  newContext,
  openBrowserSuite,
  PHONE,
  requestsToOtherHosts,
  screenshot,
  signedInPage,
  signInInBrowser,
} from '../helpers/browser.ts';

let t: BrowserApp;
let browser: Browser;

beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

const totpNow = (secret: string) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
    timestamp: t.clock.now(),
  });

describe('signing in to the console', () => {
  it('enrols a second factor, then asks for it at the next sign-in', async () => {
    const user = await createUser(t, { roles: ['responder'], displayName: 'Rosa Responder' });
    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();

    await page.goto('/app/');
    await page.getByRole('heading', { name: 'Sign in to Stopline' }).waitFor();
    expect(page.url()).toMatch(/\/app\/sign-in\?next=/);
    await screenshot(page, 'sign-in');
    expect(await accessibilityViolations(page)).toEqual([]);
    await signInInBrowser(page, user);
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/app\/?$/);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    await page.getByRole('link', { name: 'Rosa Responder' }).click();
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = (await page.getByTestId('mfa-secret').textContent())!;
    await page.getByLabel('The six-digit code the app shows now').fill(totpNow(secret));
    await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    // allTextContents does not wait: wait for the codes to be shown first.
    await page.getByTestId('recovery-codes').locator('li').first().waitFor();
    const codes = await page.getByTestId('recovery-codes').locator('li').allTextContents();
    expect(codes.length).toBeGreaterThanOrEqual(8);
    // Each code stays on one line, and can be kept: copied, downloaded as text, printed.
    const wraps = await page.evaluate(
      "[...document.querySelectorAll('[data-testid=recovery-codes] code')].map((c) => getComputedStyle(c).whiteSpace)",
    );
    expect(new Set(wraps as string[])).toEqual(new Set(['nowrap']));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download them as a text file' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('stopline-recovery-codes.txt');
    const saved = readFileSync((await download.path())!, 'utf8');
    expect(saved).toContain(`Stopline recovery codes for ${user.email}`);
    expect(saved.trim().split('\n').slice(-codes.length)).toEqual(codes);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Copy the codes' }).click();
    await page.getByRole('status').filter({ hasText: 'copied to the clipboard' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(saved);
    expect(await page.getByRole('button', { name: 'Print them' }).count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: /I have stored them/ }).click();

    await page.getByRole('button', { name: 'Sign out' }).click();
    // A code is good once: the next sign-in uses the next time step's code.
    t.clock.advance(30_000);
    await page.getByRole('heading', { name: 'Sign in to Stopline' }).waitFor();

    // A wrong code is refused with a message; the right one signs in.
    await page.getByLabel('E-mail').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel(/Code from your authenticator/).fill('000000');
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/not right/);
    await page.getByLabel(/Code from your authenticator/).fill(totpNow(secret));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  });

  it('sends an expired session to sign-in and back to the page it was on', async () => {
    const user = await createUser(t, { roles: ['responder'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, user);
    await page.getByRole('link', { name: 'Deadlines' }).click();
    await page.getByRole('heading', { name: 'Deadlines' }).waitFor();

    t.clock.advance(t.container.config.sessionIdleMinutes * 60_000 + 1000);
    // The next request finds the session gone: the user's click, or a background refresh that
    // gets there first.
    await page
      .getByRole('button', { name: 'Breached' })
      .click({ timeout: 2000 })
      .catch(() => undefined);

    await page.getByText('Your session ended').waitFor();
    expect(new URL(page.url()).searchParams.get('next')).toBe('/deadlines');
    await page.getByLabel('E-mail').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Deadlines' }).waitFor();
    expect(page.url()).toBe(`${t.baseUrl}/app/deadlines`);
    await context.close();
  });

  it('shows a usable dashboard on a 375 px phone', async () => {
    const user = await createUser(t, { roles: ['responder'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, user, PHONE);
    await page.getByRole('heading', { name: 'Open incidents' }).waitFor();
    // Nothing wider than the screen: no sideways scrolling to reach the content.
    const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
    expect(width).toBeLessThanOrEqual(PHONE.width);
    await expect.poll(() => page.getByTestId('line-banner').textContent()).toMatch(/running/);
    await screenshot(page, 'dashboard-phone');
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  });
});

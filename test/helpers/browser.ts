// Browser tests: the real app on a real port, driven by Debian's Chromium through playwright-core,
// with axe-core for accessibility and screenshots (see screenshot()).
import { existsSync, mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { FakeClock } from '../../src/server/clock.ts';
import { freePort } from './cli-process.ts';
import { createTestApp, type TestApp } from './test-app.ts';

/** Chromium itself: the browser for what only the whole browser does (showing notifications). */
export const CHROMIUM = process.env.STOPLINE_CHROMIUM ?? '/usr/bin/chromium';
/**
 * The browser of most tests: Debian's headless shell (chromium-headless-shell, the same Blink
 * without the whole browser around it, which Playwright itself prefers for headless runs; a
 * fifth less CPU for the same pages here) when installed, else Chromium.
 */
const HEADLESS_SHELL =
  process.env.STOPLINE_CHROMIUM ??
  (existsSync('/usr/bin/chromium-headless-shell') ? '/usr/bin/chromium-headless-shell' : CHROMIUM);

export interface BrowserApp extends TestApp {
  baseUrl: string;
}

/**
 * The app listening on 127.0.0.1 with its base URL set to match (the CSRF check compares the
 * browser's Origin with it). The fake clock starts at the real time, because the browser's own
 * clock drives the countdowns.
 */
export async function startBrowserApp(
  options: {
    env?: Record<string, string>;
    /** Another app's database and clock: a second instance of the same Stopline (PostgreSQL). */
    database?: TestApp['database'];
    clock?: FakeClock;
    /** Stand-ins the container takes (the DNS inbound mail is checked against). */
    overrides?: NonNullable<Parameters<typeof createTestApp>[0]>['overrides'];
  } = {},
): Promise<BrowserApp> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const t = await createTestApp({
    env: { STOPLINE_BASE_URL: baseUrl, ...options.env },
    config: { baseUrl },
    clock: options.clock ?? new FakeClock(new Date().toISOString()),
    ...(options.database ? { database: options.database } : {}),
    ...(options.overrides ? { overrides: options.overrides } : {}),
  });
  await t.app.listen({ port, host: '127.0.0.1' });
  return { ...t, baseUrl };
}

/** The usual pair for a browser test file: the app on a real port and a browser. */
export async function openBrowserSuite(): Promise<{ t: BrowserApp; browser: Browser }> {
  const t = await startBrowserApp();
  return { t, browser: await launchBrowser() };
}

export async function closeBrowserSuite(suite: { t?: BrowserApp; browser?: Browser }) {
  await suite.browser?.close();
  await suite.t?.close();
}

/** `whole`: Chromium itself, for a service worker's notifications (the shell shows none). */
export async function launchBrowser(options: { whole?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: options.whole ? CHROMIUM : HEADLESS_SHELL,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const PHONE = { width: 375, height: 740 };
export const DESKTOP = { width: 1280, height: 900 };

const offHost = new WeakMap<BrowserContext, string[]>();

export async function newContext(
  browser: Browser,
  baseUrl: string,
  viewport = DESKTOP,
  options: { javaScript?: boolean } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport,
    javaScriptEnabled: options.javaScript ?? true,
  });
  // Fail on the step that waits, well before the test's own time-out, naming what it waited for.
  context.setDefaultTimeout(10_000);
  const seen: string[] = [];
  offHost.set(context, seen);
  // No third-party requests: anything leaving this origin is refused and recorded.
  const origin = new URL(baseUrl).origin;
  await context.route(
    (url) => url.origin !== origin && url.protocol !== 'data:',
    (route) => {
      seen.push(route.request().url());
      return route.abort();
    },
  );
  return context;
}

/** Requests the pages of this context tried to send anywhere but Stopline itself. */
export function requestsToOtherHosts(context: BrowserContext): string[] {
  return offHost.get(context) ?? [];
}

/** Signs in through the console's own form. */
export async function signInInBrowser(
  page: Page,
  user: { email: string; password: string },
  code?: () => string,
) {
  await page.goto('/app/sign-in');
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (code) {
    await page.getByLabel(/Code from your authenticator/).fill(code());
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
  }
  await page.getByRole('link', { name: 'Stopline' }).waitFor();
}

/** A new browser context (DESKTOP unless told) with a page signed in as `user`. */
export async function signedInPage(
  browser: Browser,
  baseUrl: string,
  user: { email: string; password: string },
  viewport = DESKTOP,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(browser, baseUrl, viewport);
  const page = await context.newPage();
  await signInInBrowser(page, user);
  return { context, page };
}

/** Every dialog a page opens (alert() from injected markup would be one). */
export function recordDialogs(page: Page): string[] {
  const seen: string[] = [];
  page.on('dialog', (dialog) => {
    seen.push(dialog.message());
    void dialog.dismiss();
  });
  return seen;
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21aa'])
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
}

/**
 * Saves a screenshot of the page. Test runs write to test-results/screenshots (ignored by git);
 * `npm run screenshots` sets STOPLINE_SCREENSHOTS_DIR=docs/screenshots to refresh the README's
 * and the docs' pictures on purpose.
 */
export async function screenshot(page: Page, name: string) {
  const dir = process.env.STOPLINE_SCREENSHOTS_DIR ?? 'test-results/screenshots';
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

/** What has the keyboard focus, and whether its focus ring shows. */
export interface Focused {
  tag: string;
  id: string;
  text: string;
  href: string;
  testId: string;
  /** The computed outline style: anything but 'none' is a visible focus ring. */
  outline: string;
}

/** What the focused element is, and whether its focus ring shows (run in the page). */
export function focused(page: Page): Promise<Focused> {
  return page.evaluate<Focused>(`(() => {
    const el = document.activeElement;
    return {
      tag: el ? el.tagName.toLowerCase() : '',
      id: el ? el.id : '',
      text: el ? el.textContent.trim() : '',
      href: (el && el.getAttribute('href')) || '',
      testId: (el && el.getAttribute('data-testid')) || '',
      outline: el ? getComputedStyle(el).outlineStyle : 'none',
    };
  })()`);
}

// Two Stopline instances on one PostgreSQL schema, as behind a load balancer: a browser connected
// to instance B shows, without reloading, a change made through instance A (LISTEN/NOTIFY).
// PostgreSQL only: on SQLite there is a single process.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signIn } from '../helpers/auth.ts';
import {
  launchBrowser,
  requestsToOtherHosts,
  signedInPage,
  startBrowserApp,
  type BrowserApp,
} from '../helpers/browser.ts';
import { testDialect } from '../helpers/test-db.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';

const onPostgres = testDialect === 'postgres';
let a: BrowserApp;
let b: BrowserApp;
let browser: Browser;

beforeAll(async () => {
  if (!onPostgres) return;
  a = await startBrowserApp();
  b = await startBrowserApp({ database: a.database, clock: a.clock });
  browser = await launchBrowser();
});
afterAll(async () => {
  if (!onPostgres) return;
  await browser?.close();
  await b?.close();
  await a?.close();
});

describe('the console across two instances', () => {
  it.runIf(onPostgres)(
    'a dashboard on instance B shows an incident declared on instance A, and the line stopping',
    async () => {
      const viewer = await createUser(a, { roles: ['viewer'], displayName: 'Val Viewer' });
      const lead = await createUser(a, { roles: ['security_lead'] });
      const { context, page } = await signedInPage(browser, b.baseUrl, viewer);
      await page.getByTestId('live-state').getByText('Live').waitFor();
      await expect.poll(() => page.getByTestId('line-banner').textContent()).toMatch(/running/);
      // A mark that a reload would wipe out.
      await page.evaluate('window.__notReloaded = true');

      const headers = await signIn(a, lead.email, lead.password);
      const declared = await a.app.inject({
        method: 'POST',
        url: '/api/v1/incidents',
        headers,
        payload: {
          title: 'Declared on A',
          severity: 'P1',
          severityRationale: 'test',
          severityOverride: EMERGENCY,
        },
      });
      expect(declared.statusCode, declared.body).toBe(201);
      const key = declared.json().key as string;

      await page
        .getByRole('link', { name: new RegExp(`${key}.*Declared on A`) })
        .first()
        .waitFor();
      await expect
        .poll(() => page.getByTestId('line-banner').textContent(), { timeout: 5000 })
        .toMatch(/stopped/);
      expect(await page.evaluate('window.__notReloaded')).toBe(true);
      expect(requestsToOtherHosts(context)).toEqual([]);
      await context.close();
    },
  );
});

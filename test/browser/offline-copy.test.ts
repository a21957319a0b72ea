// The offline copy in a real browser (issue 19, item 6): a responder downloads it from the On call
// page, and the file itself passes axe at 1280 and 375 px and asks for nothing from anywhere;
// a viewer (no continuity.offline: it holds contact details) sees no such link.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { createUser, loginAs } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
  DESKTOP,
  launchBrowser,
  PHONE,
  signedInPage,
  startBrowserApp,
} from '../helpers/browser.ts';
import { withContinuityProcedures } from '../helpers/policies.ts';

let t: BrowserApp;
let browser: Browser;
beforeAll(async () => {
  t = await startBrowserApp({
    clock: new FakeClock('2026-03-02T10:00:00Z'),
    env: { STOPLINE_POLICY: withContinuityProcedures() },
  });
  browser = await launchBrowser();
});
afterAll(() => closeBrowserSuite({ t, browser }));

describe('the offline copy', () => {
  it('is downloaded from the On call page and passes axe on a desktop and a phone', async () => {
    const lead = await loginAs(t, 'security_lead');
    const rae = await createUser(t, {
      roles: ['responder'],
      displayName: 'Rae <b>Responder</b>',
    });
    const schedule = await t.app.inject({
      method: 'POST',
      url: '/api/v1/on-call/schedules',
      headers: lead.headers,
      payload: {
        name: 'Security on call',
        rotation: {
          timeZone: 'Europe/Berlin',
          startsOn: '2026-03-02',
          shifts: [{ start: '09:00', length: '1w' }],
          members: [rae.id],
        },
      },
    });
    expect(schedule.statusCode, schedule.body).toBe(201);

    const { context, page } = await signedInPage(browser, t.baseUrl, rae);
    await page.goto(`${t.baseUrl}/app/on-call`);
    const link = page.getByRole('link', { name: 'Download the offline copy (HTML)' });
    expect(await link.getAttribute('href')).toBe('/api/v1/continuity/offline-copy');
    expect(await link.getAttribute('download')).toBe('');
    const answer = (await page.evaluate(
      `fetch('/api/v1/continuity/offline-copy').then(async (r) => r.headers.get('content-disposition') + '\\n' + (await r.text()))`,
    )) as string;
    expect(answer).toMatch(/^attachment; filename="stopline-offline-copy.html"\n<!doctype html>/);
    const html = answer.slice(answer.indexOf('\n') + 1);
    expect(html).toContain('Rae &lt;b&gt;Responder&lt;/b&gt;');
    expect(html).toContain('Take card payments by phone');
    await context.close();

    for (const viewport of [DESKTOP, PHONE]) {
      const offline = await browser.newContext({ viewport });
      const requests: string[] = [];
      offline.on('request', (r) => {
        if (!r.url().startsWith('data:') && r.url() !== 'about:blank') requests.push(r.url());
      });
      const copy = await offline.newPage();
      await copy.setContent(html);
      await copy.getByRole('heading', { name: 'Who to call' }).waitFor();
      expect(await copy.getByRole('heading', { level: 1 }).textContent()).toBe(
        'Stopline offline copy',
      );
      expect(await accessibilityViolations(copy)).toEqual([]);
      expect(requests).toEqual([]);
      await offline.close();
    }
  }, 240_000);

  it('is not offered to a viewer', async () => {
    const viewer = await createUser(t, { roles: ['viewer'], displayName: 'Vic Viewer' });
    const { context, page } = await signedInPage(browser, t.baseUrl, viewer);
    await page.goto(`${t.baseUrl}/app/on-call`);
    await page.getByRole('link', { name: 'Download my shifts (iCalendar)' }).waitFor();
    expect(await page.getByTestId('offline-copy').count()).toBe(0);
    await context.close();
  }, 60_000);
});

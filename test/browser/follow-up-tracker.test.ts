// A follow-up's tracker issue in the console (issue 18, item 5): once a connection with
// onFollowUp opened an issue for a post-mortem follow-up, the incident page's post-mortem section
// and the Follow-ups page show the connection, the issue's link and its state as the tracker last
// reported it; after the tracker closes it, "closed in the tracker" and done proposed (the
// follow-up stays open). A connection name written with markup stays text. Chromium at 1280 and
// 375 px, with axe.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, MINUTE } from '../../src/server/clock.ts';
import { createUser, loginAs } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
  DESKTOP,
  openBrowserSuite,
  PHONE,
  signedInPage,
} from '../helpers/browser.ts';
import { workerFor } from '../helpers/delivery.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';
import { connectTracker, startGithub } from '../helpers/trackers.ts';

let t: BrowserApp;
let browser: Browser;
beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

const TOKEN = 'github_pat_followup_browser';
const HOSTILE = 'web <img src=x onerror="document.title=1">';

describe('a follow-up’s tracker issue in the console', () => {
  it('shows the issue and its state on the post-mortem and the Follow-ups page, and done proposed once closed', async () => {
    const github = await startGithub('acme/web', TOKEN);
    const worker = workerFor(t, null);
    try {
      const admin = await loginAs(t, 'admin');
      await connectTracker(t, admin.headers, {
        name: HOSTILE,
        kind: 'github',
        baseUrl: github.baseUrl,
        project: 'acme/web',
        credential: TOKEN,
        onFollowUp: true,
      });
      const rae = await createUser(t, { roles: ['responder'], displayName: 'Rae Responder' });
      const call = async (url: string, payload?: object) => {
        const res = await t.app.inject({
          method: 'POST',
          url,
          headers: admin.headers,
          ...(payload ? { payload } : {}),
        });
        expect(res.statusCode, res.body).toBeLessThan(300);
        return res.json() as { key: string };
      };
      const { key } = await call('/api/v1/incidents', {
        title: 'Framework version on error pages',
        restricted: false,
        severity: 'P2',
        severityOverride: EMERGENCY,
      });
      await call(`/api/v1/incidents/${key}/postmortem`);
      await call(`/api/v1/incidents/${key}/postmortem/follow-ups`, {
        title: 'Hide the framework version',
        ownerId: rae.id,
        dueAt: new Date(t.clock.now() + 14 * DAY).toISOString(),
        type: 'prevent',
      });
      expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 1 });
      const issueUrl = `${github.baseUrl}/acme/web/issues/1`;

      /** What the pages show, at each viewport; axe at the last state only (it is slow). */
      const seen = async (closed: boolean, viewports: (typeof DESKTOP)[]) => {
        for (const viewport of viewports) {
          const { context, page } = await signedInPage(browser, t.baseUrl, rae, viewport);
          await page.goto(`/app/incidents/${key}`);
          const item = page
            .getByTestId('postmortem-follow-ups')
            .locator('li', { hasText: 'Hide the framework version' });
          const tracker = item.getByTestId('follow-up-tracker');
          await expect
            .poll(() => tracker.textContent())
            .toBe(`${HOSTILE}: acme/web#1, ${closed ? 'closed' : 'open'} in the tracker`);
          expect(await tracker.getByRole('link', { name: 'acme/web#1' }).getAttribute('href')).toBe(
            issueUrl,
          );
          const proposed = item.getByText('The tracker closed its issue: done is proposed.');
          expect(await proposed.count()).toBe(closed ? 1 : 0);
          expect(await item.locator('.badge').first().textContent()).toBe('Open');
          // The markup in the connection's name is text, never an element.
          expect(await item.locator('img').count()).toBe(0);
          expect(await page.title()).not.toBe('1');
          if (closed) expect(await accessibilityViolations(page)).toEqual([]);

          await page.goto('/app/follow-ups');
          const row = page.getByRole('row', { name: /Hide the framework version/ });
          await expect
            .poll(() => row.getByTestId('follow-up-tracker').textContent())
            .toBe(`${HOSTILE}: acme/web#1, ${closed ? 'closed' : 'open'} in the tracker`);
          await expect
            .poll(() => row.getByText('The tracker closed its issue: done is proposed.').count())
            .toBe(closed ? 1 : 0);
          if (closed) expect(await accessibilityViolations(page)).toEqual([]);
          if (viewport === PHONE) {
            const width = await page.evaluate('document.documentElement.scrollWidth');
            expect(width).toBeLessThanOrEqual(PHONE.width);
          }
          await context.close();
        }
      };
      await seen(false, [DESKTOP]);
      // The tracker closes its issue; the scheduler reads it back.
      github.close('1');
      t.clock.advance(11 * MINUTE);
      await t.container.workers.scheduler.tick(t.clock.now());
      await seen(true, [DESKTOP, PHONE]);
    } finally {
      await worker.close();
      await github.stop();
    }
  }, 300_000);
});

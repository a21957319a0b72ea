// The incident page shows where the hand-off to development went (issue 18, item 5): each
// connected tracker's issue with its link, its state as the tracker reports it, a tracker that
// gave up (credentials refused) with the reason, and the proposal to close once a tracker closed
// its issue, as a responder sees them in Chromium at 1280 and 375 px, with axe. A connection name
// written with markup stays text.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/server/clock.ts';
import { createUser, signIn } from '../helpers/auth.ts';
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
import {
  connectTracker,
  decideNonCritical,
  startGithub,
  startGitlab,
} from '../helpers/trackers.ts';

let t: BrowserApp;
let browser: Browser;

beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

const HOSTILE = '<img src=x onerror="document.title=1">gl';

describe('the incident page’s tracker issues', () => {
  it('shows each tracker’s issue, its state, a refused one with its reason, and the proposal to close', async () => {
    const github = await startGithub('acme/web', 'github_pat_right');
    const gitlab = await startGitlab('42', 'glpat-right');
    try {
      const admin = await createUser(t, { roles: ['admin'] });
      const headers = await signIn(t, admin.email, admin.password);
      const connect = (body: Record<string, unknown>) => connectTracker(t, headers, body);
      await connect({
        name: 'web issues',
        kind: 'github',
        baseUrl: github.baseUrl,
        project: 'acme/web',
        credential: 'github_pat_right',
      });
      // A credential the tracker refuses: given up at once, with the reason.
      await connect({
        name: HOSTILE,
        kind: 'gitlab',
        baseUrl: gitlab.baseUrl,
        project: '42',
        credential: 'glpat-wrong',
      });
      const incident = await decideNonCritical(t);
      const worker = workerFor(t, null);
      try {
        await worker.deliverDue(t.clock.now());
      } finally {
        await worker.close();
      }
      // The tracker closes its issue; the scheduler reads it back.
      github.close('1');
      t.clock.advance(11 * MINUTE);
      await t.container.workers.scheduler.tick(t.clock.now());

      const reader = await createUser(t, { roles: ['responder'], displayName: 'Rene Reader' });
      for (const viewport of [DESKTOP, PHONE]) {
        const { context, page } = await signedInPage(browser, t.baseUrl, reader, viewport);
        await page.goto(`/app/incidents/${incident.key}`);
        const list = page.getByRole('list', { name: 'Tracker issues' });
        await list.waitFor();
        const items = list.getByTestId('tracker-issue');
        expect(await items.count()).toBe(2);
        const web = items.filter({ hasText: 'web issues' });
        expect(await web.textContent()).toMatch(
          /web issues \(github\): Created · acme\/web#1 · closed in the tracker/,
        );
        expect(await web.getByRole('link', { name: 'acme/web#1' }).getAttribute('href')).toBe(
          `${github.baseUrl}/acme/web/issues/1`,
        );
        const refused = items.filter({ hasText: '(gitlab)' });
        expect(await refused.textContent()).toContain('Given up: not created');
        expect(await refused.textContent()).toMatch(/Last error: credentials refused/);
        // The markup in the connection's name is shown as text, never made an element.
        expect(await refused.locator('strong').textContent()).toBe(HOSTILE);
        expect(await list.locator('img').count()).toBe(0);
        expect(await page.title()).not.toBe('1');
        await page
          .getByText('A tracker closed its issue: closing this incident is proposed.')
          .waitFor();
        expect(await accessibilityViolations(page)).toEqual([]);
        if (viewport === PHONE) {
          const width = await page.evaluate('document.documentElement.scrollWidth');
          expect(width).toBeLessThanOrEqual(PHONE.width);
        }
        await context.close();
      }
    } finally {
      await github.stop();
      await gitlab.stop();
    }
  }, 120_000);
});

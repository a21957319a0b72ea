// Changing a follow-up from the Follow-ups page, in Chromium at 1280 and 375 px with axe: a
// responder hands one to someone else and moves its due date; a date in the past is refused with
// the field named; not doing asks why; a change someone made meanwhile is a conflict said in the
// form, and Save again keeps theirs. A viewer sees no change form.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, loginAs, signIn } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
  DESKTOP,
  openBrowserSuite,
  PHONE,
  requestsToOtherHosts,
  signedInPage,
} from '../helpers/browser.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';

let t: BrowserApp;
let browser: Browser;
beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

const DAY = 86_400_000;

describe('changing a follow-up from the Follow-ups page', () => {
  it('hands it over and moves it, refuses a past date, and asks why for not doing', async () => {
    const admin = await loginAs(t, 'admin');
    const rae = await createUser(t, { roles: ['responder'], displayName: 'Rae Responder' });
    const otto = await createUser(t, { roles: ['responder'], displayName: 'Otto Other' });
    const vic = await createUser(t, { roles: ['viewer'], displayName: 'Vic Viewer' });
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

    for (const viewport of [DESKTOP, PHONE]) {
      const title = `Rotate keys weekly ${viewport.width}`;
      const { key } = await call('/api/v1/incidents', {
        title: `Keys in logs ${viewport.width}`,
        severity: 'P2',
        severityOverride: EMERGENCY,
      });
      await call(`/api/v1/incidents/${key}/postmortem`);
      await call(`/api/v1/incidents/${key}/postmortem/follow-ups`, {
        title,
        ownerId: rae.id,
        dueAt: new Date(t.clock.now() + 3 * DAY).toISOString(),
        type: 'prevent',
      });

      const { context, page } = await signedInPage(browser, t.baseUrl, rae, viewport);
      await page.goto('/app/follow-ups?owner=me');
      const row = page.getByTestId('follow-ups').locator('tbody tr').filter({ hasText: title });
      await row.waitFor();
      await row.getByText('Change', { exact: true }).click();
      const form = row.getByRole('form', { name: `Change “${title}”` });
      expect(await accessibilityViolations(page)).toEqual([]);

      // A date in the past: refused, the field named.
      await form.getByLabel('Due').fill('2020-01-01T09:00');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.getByRole('alert').filter({ hasText: 'must be in the future' }).waitFor();

      // To Otto, ten days from now.
      const later = new Date(t.clock.now() + 10 * DAY);
      const local = new Date(later.getTime() - later.getTimezoneOffset() * 60_000)
        .toISOString()
        .slice(0, 16);
      await form.getByLabel('Due').fill(local);
      await form.getByLabel('Owner').selectOption({ label: 'Otto Other' });
      await form.getByRole('button', { name: 'Save' }).click();
      // No longer Rae's: it leaves "Mine only".
      await expect.poll(() => row.count()).toBe(0);

      const pm = await t.app.inject({
        method: 'GET',
        url: `/api/v1/incidents/${key}/postmortem`,
        headers: await signIn(t, rae.email, rae.password),
      });
      const followUp = pm.json().followUps[0];
      expect(followUp.ownerId).toBe(otto.id);
      expect(Math.abs(Date.parse(followUp.dueAt) - later.getTime())).toBeLessThan(60_000);

      // Not doing asks why.
      await page.goto('/app/follow-ups');
      const all = page.getByTestId('follow-ups').locator('tbody tr').filter({ hasText: title });
      await all.getByRole('cell', { name: 'Otto Other' }).waitFor();
      await all.getByText('Change', { exact: true }).click();
      const again = all.getByRole('form', { name: `Change “${title}”` });
      await again.getByLabel('New status').selectOption('not_doing');
      await again.getByRole('button', { name: 'Save' }).click();
      await again.getByRole('alert').filter({ hasText: 'say why' }).waitFor();
      await again.getByLabel('Why not').fill('Keys move to the vault instead');
      // Meanwhile someone else moves its due date: this form's version is stale, Save says so.
      const meanwhile = new Date(t.clock.now() + 12 * DAY).toISOString();
      const moved = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/follow-ups/${followUp.id}`,
        headers: admin.headers,
        payload: { dueAt: meanwhile },
      });
      expect(moved.statusCode, moved.body).toBe(200);
      await again.getByRole('button', { name: 'Save' }).click();
      await again.getByRole('alert').filter({ hasText: 'changed by someone else' }).waitFor();
      expect(await accessibilityViolations(page)).toEqual([]);
      // Save again: this form's change (not doing, why) goes on top of theirs (the due date).
      await again.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => all.count()).toBe(0); // the open list no longer holds it
      const [closed] = (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/follow-ups?status=not_doing',
          headers: admin.headers,
        })
      )
        .json()
        .items.filter((x: { id: string }) => x.id === followUp.id);
      expect(closed).toMatchObject({
        status: 'not_doing',
        reason: 'Keys move to the vault instead',
        dueAt: meanwhile, // theirs, kept
      });
      expect(await accessibilityViolations(page)).toEqual([]);
      if (viewport === PHONE) {
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
          PHONE.width,
        );
      }
      expect(requestsToOtherHosts(context)).toEqual([]);
      await context.close();
    }

    const { context, page } = await signedInPage(browser, t.baseUrl, vic, PHONE);
    await page.goto('/app/follow-ups?status=all');
    await page.getByTestId('follow-ups').waitFor();
    expect(await page.getByText('Change', { exact: true }).count()).toBe(0);
    await context.close();
  }, 120_000);
});

// Tuning proposals answered in a real browser (issue 18, item 4), at 1280 and 375 px with axe: a
// security lead takes the proposal behind alerts marked as noise (an owner picked among the staff,
// a due date), follows the link to its follow-up on the Follow-ups page, and from there back to
// the alerts; declines another with the reason. Markup in alert names and reasons stays text.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerAlert, alertmanagerHook, newSource, sendAlert } from '../helpers/alerts.ts';
import { createUser, loginAs } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
  openBrowserSuite,
  PHONE,
  requestsToOtherHosts,
  signedInPage,
} from '../helpers/browser.ts';

let t: BrowserApp;
let browser: Browser;
beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

describe('tuning proposals on the Alerts page', () => {
  let lead: Awaited<ReturnType<typeof createUser>>;
  let owner: Awaited<ReturnType<typeof createUser>>;

  it('takes one as a follow-up with an owner and a due date, and declines another', async () => {
    const admin = (await loginAs(t, 'admin')).headers;
    const am = await newSource(t, admin, { name: 'prod-am', kind: 'alertmanager' });
    const now = t.clock.now();
    const res = await sendAlert(
      t,
      '/api/v1/alert-intake/alertmanager',
      alertmanagerHook([
        alertmanagerAlert({ alertname: 'DiskFull', instance: 'db-1' }, 'f1', now - 60_000),
        alertmanagerAlert({ alertname: HOSTILE, instance: 'evil-1' }, 'f2', now - 60_000),
      ]),
      { authorization: `Bearer ${am.key}` },
    );
    expect(res.statusCode, res.body).toBe(202);
    const alerts = (
      await t.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: admin })
    ).json().items as { id: string }[];
    const marked = await t.app.inject({
      method: 'POST',
      url: '/api/v1/alerts/noise',
      headers: admin,
      payload: { alertIds: alerts.map((a) => a.id), reason: '<b>Nightly</b> backups' },
    });
    expect(marked.statusCode, marked.body).toBe(200);

    lead = await createUser(t, { roles: ['security_lead'], displayName: 'Lee Lead' });
    owner = await createUser(t, { roles: ['responder'], displayName: 'Olive Owner' });
    const { context, page } = await signedInPage(browser, t.baseUrl, lead);
    await page.goto('/app/alerts');
    const tuning = page.getByTestId('tuning-proposals');
    await tuning.getByText(/behind alertname=DiskFull/).waitFor();
    expect(await tuning.textContent()).toContain(HOSTILE);
    expect(await tuning.textContent()).toContain('<b>Nightly</b> backups');
    expect(await accessibilityViolations(page)).toEqual([]);

    const take = page.getByRole('form', {
      name: /^Take “Tune the detection rule behind alertname=DiskFull/,
    });
    await take.getByLabel('Owner').selectOption({ label: 'Olive Owner' });
    await take.getByLabel('Due').fill('2099-03-20T09:00');
    await take.getByRole('button', { name: 'Take' }).click();
    await tuning.getByRole('link', { name: 'its follow-up' }).waitFor();

    const decline = page.getByRole('form', {
      name: /^Decline “Tune the detection rule behind alertname=<img/,
    });
    await decline.getByLabel('Why decline it').fill('<i>Red team</i> rule');
    await decline.getByRole('button', { name: 'Decline' }).click();
    await tuning.getByText('Declined: “<i>Red team</i> rule”.').waitFor();
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await accessibilityViolations(page)).toEqual([]);

    const listed = (
      await t.app.inject({ method: 'GET', url: '/api/v1/follow-ups', headers: admin })
    ).json().items;
    expect(listed).toEqual([
      expect.objectContaining({ ownerId: owner.id, dueAt: expect.any(String), incident: null }),
    ]);

    // The link goes to its follow-up, which links back to the alerts behind it.
    await tuning.getByRole('link', { name: 'its follow-up' }).click();
    const table = page.getByTestId('follow-ups');
    await table.getByText(/Tune the detection rule behind alertname=DiskFull/).waitFor();
    expect(await table.textContent()).toContain('Olive Owner');
    expect(await accessibilityViolations(page)).toEqual([]);
    await table.getByRole('link', { name: 'Alerts alertname=DiskFull (prod-am)' }).click();
    await page.getByText('Showing alerts similar by alertname=DiskFull.').waitFor();
    await page.getByTestId('alert-queue').getByText(/db-1/).first().waitFor();
    expect(await page.getByTestId('alert-queue').textContent()).not.toContain('evil-1');
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  });

  it('fits a 375 px phone', async () => {
    const phone = await signedInPage(browser, t.baseUrl, lead, PHONE);
    for (const [path, text] of [
      ['/app/alerts', 'Declined: “<i>Red team</i> rule”.'],
      ['/app/follow-ups', 'Alerts alertname=DiskFull (prod-am)'],
    ] as const) {
      await phone.page.goto(path);
      await phone.page.getByText(text).first().waitFor();
      expect(await accessibilityViolations(phone.page)).toEqual([]);
      const overflow = await phone.page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await phone.context.close();
  });
});

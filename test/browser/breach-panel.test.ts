// The breach screens in a real browser (issue 15, item 7): a responder raises a suspected breach
// from the incident page and then sees only that a record exists and its clocks; the legal role
// sees the record's determinations, records one from the panel (a high risk drafts the people's
// notice), and finds the stage clocks on the dashboard and every record in the register.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signIn } from '../helpers/auth.ts';
import { recordDeterminations } from '../helpers/breach.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
  openBrowserSuite,
  requestsToOtherHosts,
  signedInPage,
} from '../helpers/browser.ts';

let t: BrowserApp;
let browser: Browser;
beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

const REASON = 'The support export held customer e-mail addresses';

describe('the breach panel, the register and the legal dashboard', () => {
  it('a responder raises it and sees the clocks only; the legal role keeps the record', async () => {
    const responder = await createUser(t, { roles: ['responder'], displayName: 'Rae Responder' });
    const legal = await createUser(t, { roles: ['legal'], displayName: 'Dana DPO' });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: await signIn(t, responder.email, responder.password),
      payload: { title: 'Support export on a public share' },
    });
    const key = created.json().key as string;

    const { context, page } = await signedInPage(browser, t.baseUrl, responder);
    await page.goto(`${t.baseUrl}/app/incidents/${key}`);
    const panel = page.getByTestId('breach-panel');
    await panel.getByText('No personal-data breach is recorded').waitFor();
    await panel.getByRole('button', { name: 'Raise a suspected breach' }).click();
    await panel.getByTestId('breach-clocks').waitFor();
    await panel.getByTestId('breach-restricted').waitFor();
    expect(await panel.getByTestId('breach-clocks').textContent()).toContain(
      'Waiting for its determination',
    );
    expect(await accessibilityViolations(page)).toEqual([]);

    // The legal role records awareness and personal data through the API, then works in the panel.
    const legalHeaders = await signIn(t, legal.email, legal.password);
    await recordDeterminations(
      t,
      key,
      legalHeaders,
      [['became_aware'], ['personal_data_involved']],
      REASON,
    );
    // The responder's page follows live: the authority stage now counts down, reasons unseen.
    await panel.getByTestId('countdown').first().waitFor();
    expect(await page.content()).not.toContain(REASON);

    const { context: legalContext, page: legalPage } = await signedInPage(
      browser,
      t.baseUrl,
      legal,
    );
    // The dashboard: the stage due, soonest first.
    const clocks = legalPage.getByTestId('breach-clocks-list');
    await clocks.getByText('gdpr.authority').waitFor();
    expect(await clocks.textContent()).toContain(key);
    expect(await accessibilityViolations(legalPage)).toEqual([]);

    await legalPage.goto(`${t.baseUrl}/app/incidents/${key}`);
    const legalPanel = legalPage.getByTestId('breach-panel');
    await legalPanel.getByTestId('breach-determinations').getByText(REASON).first().waitFor();
    await legalPanel.getByText('Record a determination').click();
    await legalPanel.getByLabel('Determination', { exact: true }).selectOption('high_risk');
    await legalPanel.getByLabel('Why', { exact: true }).fill('Phishing with our name is likely');
    await legalPanel.getByRole('button', { name: 'Record the determination' }).click();
    const notices = legalPanel.getByTestId('breach-notices');
    await notices
      .getByText('Important: a problem with your personal information', { exact: true })
      .waitFor();
    expect(await notices.textContent()).toContain('Dear {name},');
    expect(await accessibilityViolations(legalPage)).toEqual([]);

    await legalPage.getByRole('link', { name: 'Breaches', exact: true }).click();
    const register = legalPage.getByTestId('breach-register');
    await register.getByRole('link', { name: key }).waitFor();
    expect(await register.textContent()).toContain('Suspected');
    expect(await accessibilityViolations(legalPage)).toEqual([]);

    // The responder has no register link, and the register API refuses them.
    await page.goto(`${t.baseUrl}/app/`);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await page.getByRole('link', { name: 'Breaches', exact: true }).count()).toBe(0);
    expect(requestsToOtherHosts(context)).toEqual([]);
    expect(requestsToOtherHosts(legalContext)).toEqual([]);
    await context.close();
    await legalContext.close();
  }, 90_000);
});

// My account in a real browser: choosing how Stopline reaches me (channels per notice, quiet
// hours, Slack member id, my ntfy topic and its token), with a wrong Slack id and an internal
// ntfy address refused by field, the choices kept and the token never shown again.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signIn } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
  DESKTOP,
  openBrowserSuite,
  PHONE,
  requestsToOtherHosts,
  screenshot,
  signedInPage,
} from '../helpers/browser.ts';

let t: BrowserApp;
let browser: Browser;
beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

describe('my notification settings', () => {
  it('keeps channels per notice, quiet hours and a Slack id; refuses a wrong id by field', async () => {
    const user = await createUser(t, { roles: ['responder'], displayName: 'Nia Night' });
    const { context, page } = await signedInPage(browser, t.baseUrl, user, PHONE);
    await page.getByRole('link', { name: 'Nia Night' }).click();
    await page.getByRole('heading', { name: 'Notifications', exact: true }).waitFor();

    // The line stopping reaches everyone on every channel: it cannot be turned off.
    const lineStops = page.getByRole('checkbox', { name: 'The line stops: E-mail' });
    expect(await lineStops.isDisabled()).toBe(true);
    expect(await lineStops.isChecked()).toBe(true);

    await page.getByRole('checkbox', { name: 'Reminders before a deadline: E-mail' }).uncheck();
    await page.getByRole('checkbox', { name: 'Hold notices back at night' }).check();
    await page.getByLabel('From').fill('21:30');
    await page.getByLabel('Until').fill('06:45');
    // A choice among the time zones, not free text: this browser's zone is chosen to start with.
    const zone = page.getByLabel('Time zone');
    expect(await page.evaluate("document.getElementById('quiet-zone').tagName")).toBe('SELECT');
    expect(await zone.inputValue()).toBe(
      await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone),
    );
    expect(await zone.locator('option', { hasText: 'America/New York' }).count()).toBe(1);
    await zone.selectOption('Europe/Stockholm');
    await page.getByLabel('Slack member id').fill('not-a-slack-id');
    await page.getByRole('button', { name: 'Save notification settings' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    // The field in words, not the API's name for it.
    expect(await alert.textContent()).toMatch(/Slack member ID: .*Slack member id such as/);
    expect(await alert.textContent()).not.toContain('slackMemberId');

    await page.getByLabel('Slack member id').fill('U024BE7LH');
    await page.getByLabel('Phone number for texts and calls').fill('+49 151 1234-5678');
    await page.getByRole('button', { name: 'Save notification settings' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    await screenshot(page, 'account-phone');
    expect(await accessibilityViolations(page)).toEqual([]);

    // What the server now holds is what was chosen.
    const headers = await signIn(t, user.email, user.password);
    const saved = await t.app.inject({ url: '/api/v1/me/notification-preferences', headers });
    expect(saved.json()).toMatchObject({
      quietHours: { start: '21:30', end: '06:45', timeZone: 'Europe/Stockholm' },
      slackMemberId: 'U024BE7LH',
      phone: '+4915112345678',
      // Every channel but the one unticked (texts and calls since 46bc045, browser push after).
      channels: { deadline_reminder: ['slack', 'ntfy', 'sms', 'voice', 'push'] },
    });

    // And the page shows it after a reload.
    await page.reload();
    await page.getByRole('heading', { name: 'Notifications', exact: true }).waitFor();
    expect(
      await page.getByRole('checkbox', { name: 'Reminders before a deadline: E-mail' }).isChecked(),
    ).toBe(false);
    expect(await page.getByLabel('Slack member id').inputValue()).toBe('U024BE7LH');
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  });

  it('keeps my ntfy topic and its token, never showing the token again; an internal address is refused', async () => {
    const user = await createUser(t, { roles: ['responder'], displayName: 'Oda Oncall' });
    for (const size of [DESKTOP, PHONE]) {
      const { context, page } = await signedInPage(browser, t.baseUrl, user, size);
      await page.getByRole('link', { name: 'Oda Oncall' }).click();
      await page.getByRole('heading', { name: 'Notifications', exact: true }).waitFor();
      await page.getByLabel('Topic URL').fill('http://169.254.169.254/latest/meta-data');
      await page.getByRole('button', { name: 'Save notification settings' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/Ntfy URL: .*169\.254\.169\.254/);

      const topic = `http://127.0.0.1:9/oda-${size.width}`;
      await page.getByLabel('Topic URL').fill(topic);
      await page.getByLabel('Access token (optional)').fill('tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2');
      await page.getByRole('checkbox', { name: 'A panel asks for my vote: ntfy push' }).uncheck();
      await page.getByRole('button', { name: 'Save notification settings' }).click();
      await page.getByRole('status').getByText('Saved.').waitFor();
      // The token field is emptied; the page says one is stored and never shows it.
      expect(await page.getByLabel('Access token (optional)').inputValue()).toBe('');
      await page.getByText('A token is stored; it is never shown.').waitFor();
      expect(await page.content()).not.toContain('tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2');
      await screenshot(page, `account-ntfy-${size.width}`);
      expect(await accessibilityViolations(page)).toEqual([]);

      const headers = await signIn(t, user.email, user.password);
      const saved = await t.app.inject({ url: '/api/v1/me/notification-preferences', headers });
      expect(saved.json()).toMatchObject({
        ntfy: { url: topic, hasToken: true },
        channels: { panel_vote: ['email', 'slack', 'sms', 'voice', 'push'] },
      });
      expect(saved.body).not.toContain('tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2');
      expect(requestsToOtherHosts(context)).toEqual([]);
      await context.close();
    }
  });
});

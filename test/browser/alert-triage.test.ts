// The alert queue in a real browser (issue 18, item 4), at 1280 and 375 px with axe: a security
// lead filters the queue, sees similar alerts grouped, selects two alerts and opens one incident
// for them with a severity, snoozes one and marks one as noise with a reason. Markup in an alert's summary and
// labels stays text.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerAlert, alertmanagerHook, newSource, sendAlert } from '../helpers/alerts.ts';
import { createUser, loginAs, signIn } from '../helpers/auth.ts';
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

describe('the alert queue', () => {
  let admin: Record<string, string>;
  let lead: Awaited<ReturnType<typeof createUser>>;
  let context: Awaited<ReturnType<typeof signedInPage>>['context'];
  let page: Awaited<ReturnType<typeof signedInPage>>['page'];
  let now: number;
  const queue = () => page.getByTestId('alert-queue');

  it('filters, groups and opens one incident for two alerts selected', async () => {
    admin = (await loginAs(t, 'admin')).headers;
    const am = await newSource(t, admin, { name: 'prod-am', kind: 'alertmanager' });
    now = t.clock.now();
    const res = await sendAlert(
      t,
      '/api/v1/alert-intake/alertmanager',
      alertmanagerHook([
        alertmanagerAlert(
          { alertname: 'HighErrorRate', instance: 'api-1', severity: 'critical' },
          'f1',
          now - 9 * 60_000,
        ),
        alertmanagerAlert(
          { alertname: 'HighErrorRate', instance: 'api-2', severity: 'critical' },
          'f2',
          now - 4 * 60_000,
        ),
        alertmanagerAlert(
          { alertname: 'DiskFull', instance: 'db-1', severity: 'warning' },
          'f3',
          now - 60_000,
        ),
        alertmanagerAlert(
          { alertname: HOSTILE, instance: 'evil-1' },
          'f4',
          now - 60_000,
          `<script>window.__pwned=1</script> load test`,
        ),
      ]),
      { authorization: `Bearer ${am.key}` },
    );
    expect(res.statusCode, res.body).toBe(202);

    lead = await createUser(t, { roles: ['security_lead'], displayName: 'Lee Lead' });
    await signIn(t, lead.email, lead.password);
    ({ context, page } = await signedInPage(browser, t.baseUrl, lead));
    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await queue().getByText('HighErrorRate on api-1').waitFor();
    expect(await queue().locator('tbody tr').count()).toBe(4);
    // Similar alerts grouped with counts.
    const groups = page.getByTestId('alert-groups');
    await groups.getByText('from prod-am: 2 alerts').waitFor();
    // Hostile text is shown as text and runs nothing.
    await queue().getByText('<script>window.__pwned=1</script> load test').waitFor();
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await accessibilityViolations(page)).toEqual([]);

    // Filter: critical only.
    await page.getByLabel('Severity').selectOption('critical');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('DiskFull on db-1').waitFor({ state: 'detached' });
    await queue().getByText('HighErrorRate on api-2').waitFor();
    expect(await queue().locator('tbody tr').count()).toBe(2);

    // Select two, open one incident.
    await page.getByLabel('Select HighErrorRate on api-1').check();
    await page.getByLabel('Select HighErrorRate on api-2').check();
    await page.getByLabel('Decision').selectOption('open');
    await page.getByLabel('Incident title (optional)').fill('API errors');
    // With a severity of the policy: the security lead sets it before a reproduction, saying why.
    await page.getByLabel('Classify as').selectOption('P1');
    await page
      .getByLabel('Emergency: why set it before a reproduction? (security lead)')
      .fill('errors for every customer');
    await page.getByRole('button', { name: 'Apply to selected' }).click();
    await page.getByText(/Opened INC-\d+-\d+ for 2 alerts\./).waitFor();
    await page.getByText('No alerts match these filters.').waitFor();
    const { items: incidents } = (
      await t.app.inject({ method: 'GET', url: '/api/v1/incidents?open=true', headers: admin })
    ).json() as { items: { title: string; key: string }[] };
    const { key } = incidents.find((i) => i.title === 'API errors')!;
    const opened = (
      await t.app.inject({ method: 'GET', url: `/api/v1/incidents/${key}`, headers: admin })
    ).json().incident as { detectedAt: string; severity: string };
    expect(opened.detectedAt).toBe(new Date(now - 9 * 60_000).toISOString());
    expect(opened.severity).toBe('P1');
  });

  it('snoozes one alert and marks one as noise with a reason', async () => {
    // Back to every severity; snooze the disk alert for an hour (server time).
    await page.getByLabel('Severity').selectOption('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await queue().getByText('DiskFull on db-1').waitFor();
    await page.getByLabel('Select DiskFull on db-1').check();
    await page.getByLabel('Decision').selectOption('snooze');
    const until = new Date(t.clock.now() + 60 * 60_000);
    const local = new Date(until.getTime() - until.getTimezoneOffset() * 60_000)
      .toISOString()
      .slice(0, 16);
    await page.getByLabel('Snooze until').fill(local);
    await page.getByRole('button', { name: 'Apply to selected' }).click();
    await page.getByText('Snoozed 1 alerts.').waitFor();
    await queue().getByText('DiskFull on db-1').waitFor({ state: 'detached' });

    // Mark the hostile one as noise, with a reason.
    await page.getByLabel('Select <script>window.__pwned=1</script> load test').check();
    await page.getByLabel('Decision').selectOption('noise');
    await page.getByLabel('Why is it noise? (recorded)').fill('Our own load test');
    await page.getByRole('button', { name: 'Apply to selected' }).click();
    await page.getByText(/Marked 1 alerts as noise/).waitFor();
    await page.getByText('No alerts match these filters.').waitFor();
    const proposals = (
      await t.app.inject({ method: 'GET', url: '/api/v1/alerts/tuning-proposals', headers: admin })
    ).json() as { items: { alertCount: number; reasons: { reason: string }[] }[] };
    expect(proposals.items).toEqual([
      expect.objectContaining({
        alertCount: 1,
        reasons: [expect.objectContaining({ reason: 'Our own load test' })],
      }),
    ]);

    // The page proposes tuning the rule behind it, with the reason; the hostile name stays text.
    const tuning = page.getByTestId('tuning-proposals');
    await tuning.getByText('“Our own load test”', { exact: false }).waitFor();
    expect(await tuning.textContent()).toMatch(
      /Tune the detection rule behind .*1 alert marked as noise/,
    );
    expect(await tuning.textContent()).toContain(HOSTILE);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();

    // The snoozed alert is in the snoozed view, the noise in the noise view.
    await page.getByLabel('Status').selectOption('snoozed');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await queue().getByText('DiskFull on db-1').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  });

  it('fits a 375 px phone', async () => {
    const phone = await signedInPage(browser, t.baseUrl, lead, PHONE);
    await phone.page.goto('/app/alerts?status=noise');
    await phone.page.getByTestId('alert-queue').getByText('Noise: Our own load test').waitFor();
    expect(await accessibilityViolations(phone.page)).toEqual([]);
    const overflow = await phone.page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.context.close();
  });
});

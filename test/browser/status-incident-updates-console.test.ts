// Updates to a public incident in the console, in Chromium with axe at 1280 px and on a phone,
// under a policy that asks for four eyes on critical incidents: the communications lead sees the
// policy's own reminders beside the form, publishes an incident linked to an internal one, posts a
// backdated update that sets a component's status (a time in the future is refused, the field
// named); on a critical incident publishing alone is refused, the update is saved as a draft and a
// second person approves it on a phone. A restricted internal incident's link is shown only to
// those who may see it; a responder gets no form.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, loginAs } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  closeBrowserSuite,
  launchBrowser,
  PHONE,
  requestsToOtherHosts,
  signedInPage,
  startBrowserApp,
  type BrowserApp,
} from '../helpers/browser.ts';
import { addStatusComponent } from '../helpers/status.ts';
import { writeEditedPolicy } from '../helpers/policies.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';

let t: BrowserApp;
let browser: Browser;
let api: string;
let admin: Record<string, string>;

const REMINDER = 'Report the status in a way that is as free of technical jargon as possible.';
const local = (ms: number) =>
  new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

async function call(method: 'POST' | 'GET', url: string, headers: object, payload?: object) {
  const res = await t.app.inject({
    method,
    url,
    headers: headers as Record<string, string>,
    ...(payload ? { payload } : {}),
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json() as { id: string; key: string };
}

const internalIncident = (title: string, restricted: boolean) =>
  call('POST', '/api/v1/incidents', admin, {
    title,
    severity: 'P2',
    severityOverride: EMERGENCY,
    restricted,
  });

const incidentNamed = async (name: string) =>
  (await t.container.services.status.listPublicIncidents(50)).find((i) => i.name === name)!;

beforeAll(async () => {
  const policy = writeEditedPolicy(
    '      severities: []\n      impacts: []',
    '      severities: []\n      impacts: [critical]',
  );
  t = await startBrowserApp({ env: { STOPLINE_POLICY: policy } });
  browser = await launchBrowser();
  admin = (await loginAs(t, 'admin')).headers;
  api = await addStatusComponent(t, 'API');
});
afterAll(async () => closeBrowserSuite({ t, browser }));

describe('updates to a public incident in the console', () => {
  it('the communications lead publishes a linked incident and a backdated update (1280 px)', async () => {
    const internal = await internalIncident('Checkout errors', false);
    const comms = await createUser(t, { roles: ['comms'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, comms);
    await page.goto('/app/status-page/incidents');
    const publishForm = page.getByRole('region', { name: 'Publish an incident' });
    await publishForm.getByText(REMINDER).waitFor();
    expect(await publishForm.getByTestId('four-eyes-rule').textContent()).toContain('Critical');
    await publishForm.getByLabel('Title').fill('Slow checkout');
    await publishForm.getByLabel('First update for customers (Markdown)').fill('Checkout is slow.');
    await publishForm
      .getByLabel('Internal incident it speaks for (optional key)')
      .fill(internal.key);
    await publishForm.getByRole('button', { name: 'Publish now' }).click();
    const incidents = page.getByTestId('public-incidents');
    const row = incidents.getByRole('row').filter({ hasText: 'Slow checkout' });
    await row.getByRole('link', { name: internal.key }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Update Slow checkout' }).click();
    const form = page.getByTestId('incident-update');
    await form.getByRole('heading', { name: 'Update Slow checkout' }).waitFor();
    expect(await form.getByText(REMINDER).count()).toBe(1);
    await form.getByLabel('Status', { exact: true }).selectOption('identified');
    await form
      .getByLabel('Update for customers (Markdown)')
      .fill('We found the cause: a **full** disk.');
    await form.getByLabel('Shown as written at').fill(local(t.clock.now() + 2 * 3_600_000));
    await form.getByLabel('API').selectOption('degraded_performance');
    await form.getByRole('button', { name: 'Publish update' }).click();
    const refusal = form.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('Display at: ');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect((await incidentNamed('Slow checkout')).updates).toHaveLength(1);

    const shown = Math.floor((t.clock.now() - 30 * 60_000) / 60_000) * 60_000;
    await form.getByLabel('Shown as written at').fill(local(shown));
    await form.getByRole('button', { name: 'Publish update' }).click();
    await page.getByRole('status').filter({ hasText: 'is published' }).waitFor();
    expect(await row.textContent()).toContain('Identified');
    const published = await incidentNamed('Slow checkout');
    expect(published.updates.at(-1)).toMatchObject({
      status: 'identified',
      body: 'We found the cause: a **full** disk.',
      displayAt: shown,
      affectedComponents: [
        expect.objectContaining({ componentId: api, newStatus: 'degraded_performance' }),
      ],
    });

    // The customers using the API are told the latest update, once; the name stays text.
    await call('POST', '/api/v1/status/customers', admin, {
      name: 'Acme <b>Corp</b>',
      componentIds: [api],
      contacts: [
        { name: 'Ops', email: 'ops@acme.example' },
        { name: 'CTO', email: 'cto@acme.example' },
      ],
    });
    await page.getByRole('button', { name: 'Update Slow checkout' }).click();
    const tell = page.getByRole('region', { name: 'Affected customers' });
    await tell.getByRole('button', { name: 'Notify affected customers' }).click();
    await tell
      .getByRole('status')
      .filter({ hasText: 'Sent to Acme <b>Corp</b> (2 contacts).' })
      .waitFor();
    expect(await tell.locator('b').count()).toBe(0);
    const outbox = await t.container.db
      .selectFrom('outbox')
      .select('recipient')
      .where('channel', '=', 'email')
      .execute();
    expect(
      outbox
        .map((m) => m.recipient)
        .filter((r) => r.endsWith('@acme.example'))
        .sort(),
    ).toEqual(['cto@acme.example', 'ops@acme.example']);
    await tell.getByRole('button', { name: 'Notify affected customers' }).click();
    await tell.getByRole('alert').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(requestsToOtherHosts(context)).toEqual([]);
    await context.close();
  });

  it('on a critical incident an update needs a second person: drafted, then approved on a phone', async () => {
    const writer = await loginAs(t, 'comms');
    const approver = await loginAs(t, 'comms');
    const draft = await call('POST', '/api/v1/status/drafts', writer.headers, {
      name: 'Payments down',
      impact: 'critical',
      body: 'Payments fail.',
    });
    await call('POST', `/api/v1/status/drafts/${draft.id}/approve`, approver.headers);

    const comms = await createUser(t, { roles: ['comms'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, comms);
    await page.goto('/app/status-page/incidents');
    await page.getByRole('button', { name: 'Update Payments down' }).click();
    const form = page.getByTestId('incident-update');
    await form.getByText('This incident needs a second person.').waitFor();
    await form.getByLabel('Status', { exact: true }).selectOption('monitoring');
    await form.getByLabel('Update for customers (Markdown)').fill('A fix is out; we are watching.');
    await form.getByRole('button', { name: 'Publish update' }).click();
    const refusal = form.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/second|four|approv/i);
    await form.getByRole('button', { name: 'Save update as draft for approval' }).click();
    await page.getByRole('status').filter({ hasText: 'saved as a draft' }).waitFor();
    const drafts = page.getByTestId('drafts');
    await drafts.getByRole('rowheader', { name: 'Update to Payments down' }).waitFor();
    expect((await incidentNamed('Payments down')).updates).toHaveLength(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();

    const second = await createUser(t, { roles: ['comms'] });
    const phone = await signedInPage(browser, t.baseUrl, second, PHONE);
    await phone.page.goto('/app/status-page/incidents');
    await phone.page
      .getByRole('button', { name: 'Approve and publish Update to Payments down' })
      .click();
    await phone.page.getByText('No drafts are waiting.').waitFor();
    const after = await incidentNamed('Payments down');
    expect(after.status).toBe('monitoring');
    expect(after.updates.at(-1)!.body).toBe('A fix is out; we are watching.');
    expect(await accessibilityViolations(phone.page)).toEqual([]);
    await phone.context.close();
  });

  it("a restricted incident's link shows only to those who may see it; a responder gets no form", async () => {
    const secret = await internalIncident('Insider copying files', true);
    const open = await call('POST', '/api/v1/status/incidents', admin, {
      name: 'Files unavailable',
      impact: 'minor',
      body: 'Some files cannot be opened.',
      internalIncident: secret.key,
    });
    expect(open.id).toBeTruthy();

    const adminUser = await createUser(t, { roles: ['admin'] });
    const seen = await signedInPage(browser, t.baseUrl, adminUser, PHONE);
    await seen.page.goto('/app/status-page/incidents');
    const adminRow = seen.page
      .getByTestId('public-incidents')
      .getByRole('row')
      .filter({ hasText: 'Files unavailable' });
    await adminRow.getByRole('link', { name: secret.key }).waitFor();
    await seen.context.close();

    const comms = await createUser(t, { roles: ['comms'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, comms, PHONE);
    await page.goto('/app/status-page/incidents');
    const row = page
      .getByTestId('public-incidents')
      .getByRole('row')
      .filter({ hasText: 'Files unavailable' });
    await row.waitFor();
    await page.getByRole('button', { name: 'Update Files unavailable' }).click();
    await page.getByTestId('incident-update').waitFor();
    expect(await page.content()).not.toContain(secret.key);
    expect(await page.getByLabel('Internal incident key').inputValue()).toBe('');
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();

    const responder = await createUser(t, { roles: ['responder'] });
    const reader = await signedInPage(browser, t.baseUrl, responder, PHONE);
    await reader.page.goto('/app/status-page/incidents');
    await reader.page.getByTestId('public-incidents').getByText('Slow checkout').waitFor();
    expect(await reader.page.getByRole('button', { name: /^Update / }).count()).toBe(0);
    expect(await reader.page.getByText(REMINDER).count()).toBe(0);
    expect(await accessibilityViolations(reader.page)).toEqual([]);
    await reader.context.close();
  });
});

// The legal role's breach forms in a real browser (issue 15, items 5 and 7): from the incident's
// breach panel they draft the authority's notice, edit it, approve it, record its submission
// through the authority's portal (a moment before the clock started is refused with the field
// named; the copy is the approved notice), and import the people affected from a CSV file whose
// hostile cells stay text. A responder on the same incident gets none of these forms.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signIn } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
  newContext,
  openBrowserSuite,
  requestsToOtherHosts,
  signedInPage,
  signInInBrowser,
} from '../helpers/browser.ts';
import { recordDeterminations } from '../helpers/breach.ts';

let t: BrowserApp;
let browser: Browser;
beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

const HOUR = 3_600_000;
const CSV = [
  'name,email,customer number',
  'Ada Lovelace,ada@example.org,C-1',
  '<img src=x onerror=alert(1)>,script@example.org,=1+2',
  'No Address,,C-3',
].join('\r\n');

describe('the legal role works the breach from the panel', () => {
  it('drafts, edits and approves a notice, records its submission and imports the people', async () => {
    const legal = await createUser(t, { roles: ['legal'], displayName: 'Dana DPO' });
    const responder = await createUser(t, { roles: ['responder'], displayName: 'Rae Responder' });
    const headers = await signIn(t, legal.email, legal.password);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: await signIn(t, responder.email, responder.password),
      payload: { title: 'CRM backup readable without a password' },
    });
    const key = created.json().key as string;
    const opened = await t.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${key}/breach`,
      headers,
      payload: { status: 'confirmed', contactPoint: 'dpo@example.org' },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    // Awareness two hours before now (the server's clock stands still), on a whole minute.
    const awareAt = Math.floor((t.clock.now() - 2 * HOUR) / 60_000) * 60_000;
    await recordDeterminations(t, key, headers, [
      ['became_aware', new Date(awareAt).toISOString()],
      ['personal_data_involved'],
    ]);

    const context = await newContext(browser, t.baseUrl);
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signInInBrowser(page, legal);
    await page.goto(`${t.baseUrl}/app/incidents/${key}`);
    const panel = page.getByTestId('breach-panel');
    await panel.getByRole('button', { name: 'Draft: Notify the supervisory authority' }).click();
    const notices = panel.getByTestId('breach-notices');
    await notices.getByText('Draft', { exact: false }).first().waitFor();

    // Edit the draft: the subject and the text, replacing every gap.
    await notices.getByText('Edit this draft').click();
    const edit = notices.getByRole('form', { name: /^Edit the draft/ });
    await edit.getByLabel('Subject', { exact: true }).fill('Breach notification: CRM backup');
    await edit
      .getByLabel('Text', { exact: true })
      .fill('A backup of our CRM was readable without a password for two days.');
    expect(await accessibilityViolations(page)).toEqual([]);
    await edit.getByRole('button', { name: 'Save the draft' }).click();
    await notices.getByText('Breach notification: CRM backup', { exact: true }).waitFor();
    expect(await notices.textContent()).toContain('readable without a password for two days');

    await notices
      .getByRole('button', { name: 'Approve “Breach notification: CRM backup”' })
      .click();
    await notices.getByText(/Approved/).waitFor();
    expect(await notices.getByText('Edit this draft').count()).toBe(0);

    // Record its submission through the authority's portal.
    const localValue = (ms: number) =>
      page.evaluate(
        (at) => new Date(at - new Date(at).getTimezoneOffset() * 60_000).toISOString().slice(0, 16),
        ms,
      );
    await panel.getByText('Record a submission').click();
    const form = panel.getByRole('form', { name: 'Record a submission made outside Stopline' });
    expect(await form.getByLabel('Stage').inputValue()).toBe('gdpr.authority');
    await form.getByLabel('Part').selectOption('initial');
    await form.getByLabel('Submitted to', { exact: true }).fill('The data protection authority');
    await form.getByLabel('Reference', { exact: true }).fill('DPA-2026-0042');
    await form.getByRole('button', { name: /^Use the approved notice/ }).click();
    expect(await form.getByLabel('Copy of what was sent').inputValue()).toContain(
      'Breach notification: CRM backup',
    );
    expect(await accessibilityViolations(page)).toEqual([]);
    // Before the clock started: refused, with the field named, and nothing recorded.
    await form.getByLabel('Submitted at').fill(await localValue(awareAt - 24 * HOUR));
    await form.getByRole('button', { name: 'Record the submission' }).click();
    await form.getByRole('alert').getByText('Submitted at', { exact: true }).waitFor();
    expect(await form.getByRole('alert').textContent()).toContain('before the stage started');
    expect(await panel.getByTestId('breach-submissions').count()).toBe(0);

    await form.getByLabel('Submitted at').fill(await localValue(awareAt + HOUR));
    await form.getByRole('button', { name: 'Record the submission' }).click();
    const submissions = panel.getByTestId('breach-submissions');
    await submissions.getByText(/ref DPA-2026-0042/).waitFor();
    expect(await submissions.textContent()).toContain('gdpr.authority (initial)');
    const clocks = panel.getByTestId('breach-clocks');
    expect(
      await clocks.getByRole('row', { name: /supervisory authority/ }).textContent(),
    ).toContain('Submitted');
    const record = await t.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${key}/breach`,
      headers,
    });
    const copy = record.json().details.submissions[0].copy;
    expect(copy.text).toBe(
      'Breach notification: CRM backup\n\nA backup of our CRM was readable without a password for two days.',
    );
    expect(copy.sha256).toMatch(/^[0-9a-f]{64}$/);

    // Import the people affected: hostile cells stay text, the line without an address is named.
    await panel.getByText('Import the people affected (CSV)').click();
    const importForm = panel.getByRole('form', { name: 'Import the people affected' });
    await importForm.getByLabel('Contact list (CSV)').setInputFiles({
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV),
    });
    expect(await accessibilityViolations(page)).toEqual([]);
    await importForm.getByRole('button', { name: 'Import the list' }).click();
    const result = importForm.getByTestId('contact-import-result');
    await result.getByText('2 people are on the list.').waitFor();
    expect(await result.textContent()).toContain('Line 4:');
    const people = await t.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${key}/breach/contacts`,
      headers,
    });
    expect(people.json().items.map((p: { name: string }) => p.name)).toEqual([
      'Ada Lovelace',
      '<img src=x onerror=alert(1)>',
    ]);
    expect(dialogs).toEqual([]);

    // A responder on the incident sees the clocks and none of the forms.
    const { context: responderContext, page: responderPage } = await signedInPage(
      browser,
      t.baseUrl,
      responder,
    );
    await responderPage.goto(`${t.baseUrl}/app/incidents/${key}`);
    const theirs = responderPage.getByTestId('breach-panel');
    await theirs.getByTestId('breach-restricted').waitFor();
    for (const form of [
      'Record a submission',
      'Import the people affected (CSV)',
      'Edit this draft',
    ])
      expect(await theirs.getByText(form).count()).toBe(0);
    expect(await responderPage.content()).not.toContain('DPA-2026-0042');

    expect(requestsToOtherHosts(context)).toEqual([]);
    expect(requestsToOtherHosts(responderContext)).toEqual([]);
    await context.close();
    await responderContext.close();
  }, 90_000);
});

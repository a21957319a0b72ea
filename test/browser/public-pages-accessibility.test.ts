// axe-core on every public page, as a reporter or a new staff member sees it: Chromium with
// JavaScript turned off, in the light and the dark colour scheme. The report form (empty, shown
// again with errors, the receipt), the portal (sign-in, sign-in refused, the conversation, a reply
// refused, a key refused, its disclosure section), the policy and thanks pages, the one-time link pages (and their errors), the saved
// page, the 404 page, the public status page, an incident's page, the subscription pages, the
// advisories list and an advisory. None may have a serious or critical violation (contrast
// included).
// axe-core is a script and cannot run where scripts are off, so each page, as the browser built it
// without JavaScript, is audited in a copy opened with scripts on (its own scripts blocked).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/server/domain/actor.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  closeBrowserSuite,
  newContext,
  DESKTOP,
  openBrowserSuite,
  PHONE,
  screenshot,
  startBrowserApp,
} from '../helpers/browser.ts';

let t: BrowserApp;
let browser: Browser;

beforeAll(async () => ({ t, browser } = await openBrowserSuite()));
afterAll(() => closeBrowserSuite({ t, browser }));

type Scheme = 'light' | 'dark';

/** axe's findings on the page exactly as it is now, in the same colour scheme. */
async function auditCopy(page: Page, scheme: Scheme, baseUrl = t.baseUrl): Promise<string[]> {
  const html = await page.content();
  const shown = new URL(page.url());
  const context = await newContext(browser, baseUrl);
  await context.route(
    (url) => url.pathname.endsWith('.js'),
    (route) => route.abort(),
  );
  await context.route(
    (url) => url.pathname === shown.pathname && url.search === shown.search,
    (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }),
  );
  const copy = await context.newPage();
  await copy.emulateMedia({ colorScheme: scheme });
  await copy.goto(shown.href);
  const violations = await accessibilityViolations(copy);
  // axe takes a transparent page for white; a page on the browser's dark canvas must set its own
  // background, or its contrast in the dark scheme goes unchecked.
  const background = String(await copy.evaluate('getComputedStyle(document.body).backgroundColor'));
  if (background === 'rgba(0, 0, 0, 0)' || background === 'transparent') {
    violations.push('page-background: the page sets no background colour of its own');
  }
  await context.close();
  return violations;
}

/** Runs `visit` in a fresh page without JavaScript, and collects axe's findings at each `check`. */
async function auditJourney(
  scheme: Scheme,
  visit: (page: Page, check: (name: string) => Promise<void>) => Promise<void>,
  baseUrl = t.baseUrl,
): Promise<Record<string, string[]>> {
  const context = await newContext(browser, baseUrl, undefined, { javaScript: false });
  const page = await context.newPage();
  await page.emulateMedia({ colorScheme: scheme });
  const found: Record<string, string[]> = {};
  await visit(page, async (name) => {
    found[`${name} (${scheme})`] = await auditCopy(page, scheme, baseUrl);
  });
  await context.close();
  return found;
}

/** A status page with a group, a degraded component and an incident with Markdown updates. */
let statusIncident: Promise<string> | undefined;
function publishStatus(): Promise<string> {
  statusIncident ??= publishStatusOn(t);
  return statusIncident;
}

async function publishStatusOn(app: BrowserApp): Promise<string> {
  const status = app.container.services.status;
  const group = await status.addComponent(systemActor, {
    name: 'EU region',
    description: null,
    groupId: null,
    isGroup: true,
    onlyShowIfDegraded: false,
  });
  const component = (name: string, groupId: string | null) =>
    status.addComponent(systemActor, {
      name,
      description: name === 'API' ? 'The REST API and its webhooks' : null,
      groupId,
      isGroup: false,
      onlyShowIfDegraded: false,
    });
  const api = await component('API', group.id);
  await component('Web app', group.id);
  await component('Billing', null);
  const opened = await status.openIncident(systemActor, {
    name: 'Slow API responses',
    impact: 'minor',
    status: 'investigating',
    body: 'We are looking into **slow** responses.',
    displayAt: null,
    startedAt: null,
    components: [{ componentId: api.id, status: 'degraded_performance' }],
    internalIncident: null,
  });
  await status.publishUpdate(systemActor, opened.incident.id, {
    status: 'identified',
    body: 'A cache node failed. See [our notes](https://example.org/notes).\n\n- failover started\n- `api-7` replaced',
    displayAt: null,
    components: [],
    reopen: false,
  });
  return opened.incident.id;
}

/** A published advisory with Markdown, CVSS, affected versions and references. */
let advisoryKey: Promise<string> | undefined;
function publishAdvisory(): Promise<string> {
  advisoryKey ??= (async () => {
    const disclosure = t.container.services.disclosure;
    const made = await disclosure.recordVulnerability(systemActor, {
      title: 'Download links never expire',
      description: '',
      advisory:
        'Signed download links stayed valid forever.\n\n## Fix\n\n**Upgrade** to `2.4.1`. See [the notes](https://example.org/notes).',
      affected: [
        {
          purl: 'pkg:npm/%40acme/files',
          vendor: null,
          product: null,
          versions: [{ type: 'semver', introduced: '2.0.0', fixed: '2.4.1', lastAffected: null }],
        },
      ],
      cwes: ['CWE-613'],
      cvss31: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
      cvss40: null,
      cveId: 'CVE-2026-40001',
      references: [{ url: 'https://example.org/releases/2.4.1', type: 'fix' }],
      credits: [{ name: 'Dee Analyst', type: 'analyst' }],
    });
    await disclosure.moveStatus(systemActor, made.key, { to: 'accepted', reason: 'Reproduced' });
    await disclosure.setEmbargo(systemActor, made.key, {
      disclosureAt: t.container.clock.now() + 60_000,
      reason: 'Agreed',
    });
    await disclosure.breakEmbargo(systemActor, made.key, { reason: 'Public' });
    return made.key;
  })();
  return advisoryKey;
}

function withViolations(found: Record<string, string[]>) {
  return Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0));
}

describe.each<Scheme>(['light', 'dark'])('public pages in the %s colour scheme', (scheme) => {
  it('the report form, the form shown again with errors, and the receipt', async () => {
    const found = await auditJourney(scheme, async (page, check) => {
      await page.goto('/report');
      await page.getByRole('heading', { name: 'Report a security vulnerability' }).waitFor();
      await check('/report');

      await page.getByRole('button', { name: 'Send the report' }).click();
      await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
      await check('/report with errors');

      await page.getByLabel('Summary (required)').fill('Stack trace on the login page');
      await page.getByLabel('Description (required)').fill('It shows the SQL query.');
      await page.getByRole('button', { name: 'Send the report' }).click();
      await page.getByRole('heading', { name: /report RPT-\d+ received/ }).waitFor();
      await check('receipt');
    });
    expect(withViolations(found)).toEqual({});
    expect(Object.keys(found)).toHaveLength(3);
  }, 60_000);

  it('the portal: sign-in, sign-in refused, the conversation, a reply and a key refused', async () => {
    const found = await auditJourney(scheme, async (page, check) => {
      await page.goto('/report');
      await page.getByLabel('Summary (required)').fill('Open redirect after sign-out');
      await page.getByLabel('Description (required)').fill('/logout?next=https://evil.example');
      await page.getByLabel('Your e-mail address').fill('reporter@example.org');
      await page.getByRole('button', { name: 'Send the report' }).click();
      const key = (await page.locator('#report-key').textContent())!.trim();
      const accessCode = (await page.locator('#access-code').textContent())!.trim();

      await page.goto('/portal');
      await page.getByRole('heading', { name: 'Follow your report' }).waitFor();
      await check('/portal sign-in');

      await page.getByLabel('Report key').fill(key);
      await page.getByLabel('Access code').fill('not the code');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
      await check('/portal sign-in refused');

      await page.getByLabel('Report key').fill(key);
      await page.getByLabel('Access code').fill(accessCode);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: `Report ${key}` }).waitFor();
      await page.getByLabel('Your message').fill('Here is a second example.');
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await page.getByText('Here is a second example.').waitFor();
      await check('/portal conversation');

      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
      await check('/portal reply refused');

      await page.getByLabel('Your OpenPGP public key (armoured)').fill('not a key');
      await page.getByRole('button', { name: 'Keep my key' }).click();
      await page.getByRole('link', { name: /not an OpenPGP public key/ }).waitFor();
      await check('/portal key refused');
    });
    expect(withViolations(found)).toEqual({});
    expect(Object.keys(found)).toHaveLength(5);
  }, 120_000);

  it('the portal’s disclosure section: the vulnerability, a date refused, a date proposed, credit and the draft for review', async () => {
    const found = await auditJourney(scheme, async (page, check) => {
      await page.goto('/report');
      await page.getByLabel('Summary (required)').fill('Download links never expire');
      await page.getByLabel('Description (required)').fill('A signed link from 2019 still works.');
      await page.getByLabel('Your e-mail address').fill(`finder-${scheme}@example.org`);
      await page.getByRole('button', { name: 'Send the report' }).click();
      const reportKey = (await page.locator('#report-key').textContent())!.trim();
      const accessCode = (await page.locator('#access-code').textContent())!.trim();

      // The team links a vulnerability to the report, accepts it and shares the draft.
      const disclosure = t.container.services.disclosure;
      const made = await disclosure.recordVulnerability(systemActor, {
        title: `Links never expire <script>alert(1)</script> (${scheme})`,
        description: '',
        advisory: 'Signed links stayed valid.\n\n## Fix\n\n**Upgrade** to `2.4.1`.',
        affected: [],
        cwes: [],
        cvss31: null,
        cvss40: null,
        cveId: null,
        references: [],
        credits: [],
        reports: [reportKey],
      });
      await disclosure.moveStatus(systemActor, made.key, { to: 'accepted', reason: 'Reproduced' });
      await disclosure.requestReview(systemActor, made.key);

      await page.goto('/portal');
      await page.getByLabel('Report key').fill(reportKey);
      await page.getByLabel('Access code').fill(accessCode);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Vulnerability and disclosure' }).waitFor();
      // The title is text, even without JavaScript: no script element came from it.
      await page
        .getByRole('heading', { level: 3, name: /Links never expire <script>alert\(1\)<\/script>/ })
        .waitFor();
      expect(await page.locator('.vulnerability script').count()).toBe(0);
      await check('/portal disclosure');

      const dateField = page.getByLabel('Propose a disclosure date (UTC)');
      const far = new Date(t.container.clock.now() + 400 * 24 * 60 * 60 * 1000);
      await dateField.fill(far.toISOString().slice(0, 16));
      await page.getByRole('button', { name: 'Propose this date' }).click();
      await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
      await check('/portal disclosure date refused');

      const soon = new Date(t.container.clock.now() + 30 * 24 * 60 * 60 * 1000);
      await page
        .getByLabel('Propose a disclosure date (UTC)')
        .fill(soon.toISOString().slice(0, 16));
      await page.getByRole('button', { name: 'Propose this date' }).click();
      await page
        .getByText(/Proposed by /)
        .first()
        .waitFor();
      await check('/portal disclosure date proposed');

      await page.getByLabel('As Anonymous').check();
      await page.getByRole('button', { name: 'Save credit' }).click();
      await page.getByText('You are credited as Anonymous.').waitFor();
      await page.getByRole('heading', { name: 'Advisory draft for your review' }).waitFor();
      await check('/portal disclosure credit and review');
    });
    expect(withViolations(found)).toEqual({});
    expect(Object.keys(found)).toHaveLength(4);
  }, 120_000);

  it('the policy, thanks and 404 pages', async () => {
    const found = await auditJourney(scheme, async (page, check) => {
      await page.goto('/policy');
      await page.getByRole('heading', { name: 'How we handle security reports' }).waitFor();
      await check('/policy');

      await page.goto('/thanks');
      await page.getByRole('heading', { name: 'Thanks' }).waitFor();
      await check('/thanks');

      const notFound = await page.goto('/no-such-page');
      expect(notFound?.status()).toBe(404);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      await check('404');
    });
    expect(withViolations(found)).toEqual({});
    expect(Object.keys(found)).toHaveLength(3);
  }, 60_000);

  it('the public status page and an incident page', async () => {
    const id = await publishStatus();
    const found = await auditJourney(scheme, async (page, check) => {
      await page.goto('/status');
      await page.getByRole('heading', { name: 'Service status' }).waitFor();
      await check('/status');

      await page.getByRole('link', { name: 'Slow API responses', exact: true }).click();
      await page.getByRole('heading', { name: 'Slow API responses' }).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/status/incidents/${id}`);
      await check('/status/incidents/…');
    });
    expect(withViolations(found)).toEqual({});
    expect(Object.keys(found)).toHaveLength(2);
  }, 60_000);

  it('the advisories list and an advisory page', async () => {
    const key = await publishAdvisory();
    const found = await auditJourney(scheme, async (page, check) => {
      await page.goto('/advisories');
      await page.getByRole('heading', { name: 'Security advisories' }).waitFor();
      await check('/advisories');

      await page.getByRole('link', { name: 'Download links never expire' }).click();
      await page.getByRole('heading', { name: 'Download links never expire' }).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/advisories/${key}`);
      await check('/advisories/…');
    });
    expect(withViolations(found)).toEqual({});
    expect(Object.keys(found)).toHaveLength(2);
  }, 60_000);

  it('subscribing: the form, its errors, the mailbox page, confirming, the own page, unsubscribed', async () => {
    await publishStatus();
    const address = `sub-${scheme}@example.org`;
    const found = await auditJourney(scheme, async (page, check) => {
      await page.goto('/status');
      await page.getByRole('link', { name: 'by e-mail' }).click();
      await page.getByRole('heading', { name: 'Subscribe to updates' }).waitFor();
      await check('/status/subscribe');

      await page.getByLabel(/Your e-mail address/).fill('not an address');
      await page.getByRole('button', { name: 'Subscribe' }).click();
      await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
      await check('/status/subscribe with errors');

      await page.getByLabel(/Your e-mail address/).fill(address);
      await page.getByLabel('API', { exact: true }).check();
      await page.getByRole('button', { name: 'Subscribe' }).click();
      await page.getByRole('heading', { name: 'Check your mailbox' }).waitFor();
      await check('check your mailbox');

      const mail = await t.container.db
        .selectFrom('outbox')
        .select('body_text')
        .where('recipient', '=', address)
        .executeTakeFirstOrThrow();
      const link = new URL(
        /https?:\/\/\S+\/status\/subscription\/confirm\S+/.exec(mail.body_text)![0],
      );
      await page.goto(link.pathname + link.search);
      await page.getByRole('heading', { name: 'Confirm your subscription' }).waitFor();
      await check('confirm');

      await page.getByRole('button', { name: 'Confirm' }).click();
      await page.getByRole('heading', { name: 'Your subscription' }).waitFor();
      expect(await page.getByLabel('API', { exact: true }).isChecked()).toBe(true);
      await check('your subscription');

      await page.getByRole('button', { name: 'Unsubscribe' }).click();
      await page.getByRole('heading', { name: 'You are unsubscribed' }).waitFor();
      await check('unsubscribed');
    });
    expect(withViolations(found)).toEqual({});
    expect(Object.keys(found)).toHaveLength(6);
  }, 60_000);

  it('the one-time link pages: setup, set-password, their errors and the saved page', async () => {
    const { link } = await t.container.services.accounts.users.createUser(systemActor, {
      email: `dee-${scheme}@example.org`,
      displayName: 'Dee Viewer',
      roles: ['viewer'],
    });
    const found = await auditJourney(scheme, async (page, check) => {
      await page.goto('/setup');
      await page.getByRole('heading', { name: 'Create the first admin' }).waitFor();
      await check('/setup');

      await page.goto(link.url);
      await page.getByRole('heading', { name: 'Set your password' }).waitFor();
      await check('/set-password');

      await page.getByLabel(/Your one-time link/).fill(link.url);
      await page.getByLabel(/Password/).fill('short');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
      await check('/set-password with errors');

      await page.getByLabel(/Your one-time link/).fill(link.url);
      await page.getByLabel(/Password/).fill('a long and private passphrase');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('heading', { name: 'Saved' }).waitFor();
      await check('saved');
    });
    expect(withViolations(found)).toEqual({});
    expect(Object.keys(found)).toHaveLength(4);
  }, 60_000);
});

describe('the public status page on a 375 px phone, without JavaScript', () => {
  it('fits the width and reads in order', async () => {
    const id = await publishStatus();
    const context = await newContext(browser, t.baseUrl, PHONE, { javaScript: false });
    const page = await context.newPage();
    for (const path of ['/status', `/status/incidents/${id}`, '/status/subscribe']) {
      await page.goto(path);
      const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
      expect(width, path).toBeLessThanOrEqual(PHONE.width);
    }
    await page.goto('/status');
    await page.getByText('Minor Service Outage').waitFor();
    await page.getByRole('heading', { name: 'Active incidents' }).waitFor();
    await screenshot(page, 'status-page-phone');
    await page.goto(`/status/incidents/${id}`);
    await screenshot(page, 'status-incident-phone');
    await context.close();

    // The same page at desktop width, for the README and docs/status-page.md.
    const desktop = await newContext(browser, t.baseUrl, DESKTOP, { javaScript: false });
    const wide = await desktop.newPage();
    await wide.goto('/status');
    await wide.getByRole('heading', { name: 'Active incidents' }).waitFor();
    await screenshot(wide, 'status-page-desktop');
    await desktop.close();
  }, 60_000);
});

describe('the status page and its subscription page in German (STOPLINE_STATUS_LANGUAGE=de), without JavaScript', () => {
  let de: BrowserApp;
  beforeAll(async () => {
    de = await startBrowserApp({ env: { STOPLINE_STATUS_LANGUAGE: 'de' } });
  });
  afterAll(() => de.close());

  let published: Promise<string> | undefined;
  for (const scheme of ['light', 'dark'] as const) {
    it(`the status page says German, with lang="de", and passes axe (${scheme})`, async () => {
      published ??= publishStatusOn(de);
      await published;
      const found = await auditJourney(
        scheme,
        async (page, check) => {
          await page.goto('/status');
          expect(await page.getAttribute('html', 'lang')).toBe('de');
          await page.getByText('Geringfügige Störung').waitFor();
          await page.getByRole('heading', { name: 'Aktuelle Störungen' }).waitFor();
          // The skip link shows only on focus: it is there, in German.
          expect(await page.getByRole('link', { name: 'Zum Inhalt springen' }).count()).toBe(1);
          await check('/status');
        },
        de.baseUrl,
      );
      expect(withViolations(found)).toEqual({});
      expect(Object.keys(found)).toHaveLength(1);
    }, 60_000);

    it(`the subscription page says German, with lang="de", and passes axe (${scheme})`, async () => {
      published ??= publishStatusOn(de);
      await published;
      const found = await auditJourney(
        scheme,
        async (page, check) => {
          await page.goto('/status');
          await page.getByRole('link', { name: 'per E-Mail' }).click();
          await page.getByRole('heading', { name: 'Meldungen abonnieren' }).waitFor();
          expect(await page.getAttribute('html', 'lang')).toBe('de');
          await check('/status/subscribe');

          await page.getByLabel(/Ihre E-Mail-Adresse/).fill('keine Adresse');
          await page.getByRole('button', { name: 'Abonnieren' }).click();
          await page.getByRole('heading', { name: 'Es gibt ein Problem' }).waitFor();
          await page.getByText('Geben Sie eine E-Mail-Adresse ein').first().waitFor();
          await check('/status/subscribe with errors');
        },
        de.baseUrl,
      );
      expect(withViolations(found)).toEqual({});
      expect(Object.keys(found)).toHaveLength(2);
    }, 60_000);
  }
});

// Credit (issue 16, item 5): the reporters of the reports a vulnerability came from are credited
// on its advisory and in its exports as each chose when reporting: by the name they gave, as
// Anonymous when they agreed to be credited without a name, not at all when they did not agree;
// beside the people the team credits. The acknowledgments page (/thanks) lists the advisory with
// its names once it is published, and not before. A name is the reporter's text: escaped.
// A reporter credited by name may give a link in the portal (http or https only, else a 400
// naming the field): the advisory and /thanks link the name (rel="nofollow ugc noopener"), the
// CVE credit carries it after the name, OSV as the credit's contact, CSAF as the urls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { loginAs } from '../helpers/auth.ts';
import { csafErrors, cveRecordErrors, osvErrors } from '../helpers/official-schemas.ts';
import { formEncoded, signIn, type PortalVisit } from '../helpers/reports.ts';
import { ReportFields } from '../../src/shared/api/reports.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Who = { userId: string; headers: Record<string, string> };
let t: TestApp;
let lead: Who, responder: Who;

const DAY = 24 * 60 * 60 * 1000;
const url = '/api/v1/vulnerabilities';
const clock = new FakeClock('2026-12-04T09:00:00Z');
const call = (who: Who, method: 'GET' | 'POST', path: string, payload?: object) =>
  t.app.inject({ method, url: path, headers: who.headers, ...(payload ? { payload } : {}) });
const visit = (path: string) => t.app.inject({ method: 'GET', url: path });

beforeAll(async () => {
  t = await createTestApp({
    clock,
    config: {
      baseUrl: 'https://security.example.org',
      cveOrgId: '8254265b-2729-46b6-b9e3-3dfca2d5bfca',
    },
  });
  [lead, responder] = await Promise.all([loginAs(t, 'security_lead'), loginAs(t, 'responder')]);
});
afterAll(async () => t.close());

async function report(summary: string, credit: { creditConsent: boolean; creditName?: string }) {
  const made = await t.app.inject({
    method: 'POST',
    url: '/api/v1/reports',
    payload: { summary, description: 'Steps to reproduce.', ...credit },
  });
  expect(made.statusCode, made.body).toBe(201);
  return made.json().key as string;
}

const NAMED = 'Zoë <b>Hacker</b>';

describe('credit on a published advisory', () => {
  it('honours each reporter’s choice: named, anonymous or none, beside the team’s credits', async () => {
    const reports = [
      await report('Open redirect, named', { creditConsent: true, creditName: NAMED }),
      await report('Open redirect, anonymous', { creditConsent: true }),
      await report('Open redirect, no credit', {
        creditConsent: false,
        creditName: 'Should Not Appear',
      }),
      await report('Open redirect, same name again', { creditConsent: true, creditName: NAMED }),
    ];
    const made = await call(responder, 'POST', url, {
      title: 'Open redirect after sign-out',
      advisory: 'The `next` parameter was followed to any host.',
      affected: [
        { purl: 'pkg:npm/acme-auth', versions: [{ introduced: '1.0.0', fixed: '1.2.0' }] },
      ],
      cveId: 'CVE-2026-42001',
      credits: [{ name: 'Acme PSIRT', type: 'coordinator' }],
      reports,
    });
    expect(made.statusCode, made.body).toBe(201);
    const key = made.json().key as string;
    expect(made.json().credits).toEqual([{ name: 'Acme PSIRT', type: 'coordinator' }]);
    await call(responder, 'POST', `${url}/${key}/status`, { to: 'accepted', reason: 'Confirmed' });
    const at = clock.now() + 7 * DAY;
    await call(lead, 'POST', `${url}/${key}/embargo`, {
      disclosureAt: new Date(at).toISOString(),
      reason: 'Agreed',
    });

    await t.container.workers.scheduler.tick(at - 1);
    const before = (await visit('/thanks')).body;
    expect(before).not.toContain('Zoë');
    expect(before).not.toContain('Open redirect after sign-out');

    await t.container.workers.scheduler.tick(at);
    const page = (await visit(`/advisories/${key}`)).body;
    expect(page).toContain('<h2>Credits</h2>');
    expect(page).toContain('<li>Zoë &lt;b&gt;Hacker&lt;/b&gt; (reported it)</li>');
    expect(page).toContain('<li>Anonymous (reported it)</li>');
    expect(page).toContain('<li>Acme PSIRT (coordination)</li>');
    expect(page).not.toContain('Should Not Appear');
    expect(page.split('Zoë')).toHaveLength(2);

    const expected = [
      { name: NAMED, type: 'reporter' },
      { name: 'Anonymous', type: 'reporter' },
      { name: 'Acme PSIRT', type: 'coordinator' },
    ];
    const cve = (await visit(`/advisories/${key}/cve.json`)).json();
    expect(cveRecordErrors(cve)).toEqual([]);
    expect(cve.containers.cna.credits).toEqual(
      expected.map((c) => ({ lang: 'en', value: c.name, type: c.type })),
    );
    const osv = (await visit(`/advisories/${key}/osv.json`)).json();
    expect(osvErrors(osv)).toEqual([]);
    expect(osv.credits).toEqual(
      expected.map((c) => ({ name: c.name, type: c.type.toUpperCase() })),
    );
    const csaf = (await visit(`/advisories/${key}/csaf.json`)).json();
    expect(csafErrors(csaf)).toEqual([]);
    expect(csaf.document.acknowledgments).toEqual(
      expected.map((c) => ({ names: [c.name], summary: c.type })),
    );
    for (const body of [JSON.stringify(cve), JSON.stringify(osv), JSON.stringify(csaf)]) {
      expect(body).not.toContain('Should Not Appear');
    }

    const thanks = (await visit('/thanks')).body;
    expect(thanks).toContain('Credited in our security advisories');
    expect(thanks.split(`href="/advisories/${key}"`)).toHaveLength(2);
    expect(thanks).toContain('Zoë &lt;b&gt;Hacker&lt;/b&gt;, Anonymous, Acme PSIRT');
    expect(thanks).not.toContain('<b>Hacker');
  });

  it('refuses a credit without a name or of an unknown kind, naming the field', async () => {
    const bad = await call(responder, 'POST', url, {
      title: 'Bad credit',
      credits: [
        { name: '', type: 'analyst' },
        { name: 'X', type: 'hero' },
      ],
    });
    expect(bad.statusCode).toBe(400);
    const fields = (bad.json().errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['credits.0.name', 'credits.1.type']));
  });

  it('links a reporter’s name as they chose in the portal, refusing a link that is not a web address', async () => {
    const filed = await t.container.services.reports.submitReport(
      ReportFields.parse({
        summary: 'Token leak in logs',
        description: 'What I saw.',
        contact: { email: 'lina@reporter.test' },
        creditConsent: true,
        creditName: 'Lina',
      }),
      [],
      { ip: '127.0.0.1' },
    );
    const made = await call(responder, 'POST', url, {
      title: 'Session tokens written to the access log',
      advisory: 'Tokens were logged.',
      affected: [
        { purl: 'pkg:npm/acme-logs', versions: [{ introduced: '2.0.0', fixed: '2.0.1' }] },
      ],
      cveId: 'CVE-2026-42002',
      reports: [filed.key],
    });
    expect(made.statusCode, made.body).toBe(201);
    const key = made.json().key as string;
    await call(responder, 'POST', `${url}/${key}/status`, { to: 'accepted', reason: 'Confirmed' });

    const lina = await signIn(t.app, filed.key, filed.accessCode);
    const choose = async (visit: PortalVisit, fields: Record<string, string>) => {
      const form = formEncoded({ csrf: await visit.csrf(), ...fields });
      return t.app.inject({
        method: 'POST',
        url: `/portal/vulnerabilities/${key}/credit`,
        payload: form.payload,
        headers: { ...form.headers, cookie: visit.cookie },
      });
    };
    for (const bad of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'ftp://files.example.org/',
      'not a link',
      `https://example.org/${'a'.repeat(2000)}`,
    ]) {
      const refused = await choose(lina, { credit: 'named', creditName: 'Lina', creditUrl: bad });
      expect(refused.statusCode, bad).toBe(400);
      expect(refused.body).toContain(`href="#f-${key}-creditUrl"`);
      expect(refused.body).toContain(`id="f-${key}-creditUrl-error"`);
      expect(refused.body).not.toContain('href="javascript:');
      expect(refused.body).not.toContain('<script>alert(1)');
    }
    expect((await call(lead, 'GET', `${url}/${key}`)).json().reporterCredits).toEqual([]);

    // Anonymous links to no one, even when a link was typed.
    await choose(lina, { credit: 'anonymous', creditUrl: 'https://lina.example/' });
    expect((await call(lead, 'GET', `${url}/${key}`)).json().reporterCredits).toMatchObject([
      { reportKey: filed.key, consent: true, name: null, url: null },
    ]);

    // Kept as a URI (percent-encoded), as the exports' schemas require.
    const GIVEN = 'https://lina.example/about?a=1&b="><script>alert(3)</script>';
    const LINK = 'https://lina.example/about?a=1&b=%22%3E%3Cscript%3Ealert(3)%3C/script%3E';
    const saved = await choose(lina, { credit: 'named', creditName: 'Lina', creditUrl: GIVEN });
    expect(saved.statusCode, saved.body).toBe(303);
    const escaped = LINK.replace(/&/g, '&amp;')
      .replace(/"/g, '&quot;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;');
    expect(await lina.page()).toContain(
      `linked to <a href="${escaped}" rel="nofollow ugc noopener">`,
    );
    expect((await call(lead, 'GET', `${url}/${key}`)).json().reporterCredits).toMatchObject([
      { reportKey: filed.key, consent: true, name: 'Lina', url: LINK },
    ]);

    const at = clock.now() + 3 * DAY;
    await call(lead, 'POST', `${url}/${key}/embargo`, {
      disclosureAt: new Date(at).toISOString(),
      reason: 'Agreed',
    });
    await t.container.workers.scheduler.tick(at - 1);
    expect((await visit('/thanks')).body).not.toContain('lina.example');
    await t.container.workers.scheduler.tick(at);

    const linked = `<a href="${escaped}" rel="nofollow ugc noopener">Lina</a>`;
    const page = (await visit(`/advisories/${key}`)).body;
    expect(page).toContain(`<li>${linked} (reported it)</li>`);
    expect(page).not.toContain('<script>alert(3)');
    const thanks = (await visit('/thanks')).body;
    expect(thanks).toContain(`Session tokens written to the access log</a>: ${linked}</li>`);
    expect(thanks).not.toContain('<script>alert(3)');

    const cve = (await visit(`/advisories/${key}/cve.json`)).json();
    expect(cveRecordErrors(cve)).toEqual([]);
    expect(cve.containers.cna.credits).toEqual([
      { lang: 'en', value: `Lina (${LINK})`, type: 'reporter' },
    ]);
    const osv = (await visit(`/advisories/${key}/osv.json`)).json();
    expect(osvErrors(osv)).toEqual([]);
    expect(osv.credits).toEqual([{ name: 'Lina', contact: [LINK], type: 'REPORTER' }]);
    const csaf = (await visit(`/advisories/${key}/csaf.json`)).json();
    expect(csafErrors(csaf)).toEqual([]);
    expect(csaf.document.acknowledgments).toEqual([
      { names: ['Lina'], summary: 'reporter', urls: [LINK] },
    ]);
  });

  it('takes a link on a credit the team gives, and refuses one that is not a web address', async () => {
    const bad = await call(responder, 'POST', url, {
      title: 'Bad credit link',
      credits: [{ name: 'Acme PSIRT', type: 'coordinator', url: 'javascript:alert(1)' }],
    });
    expect(bad.statusCode).toBe(400);
    expect((bad.json().errors as { field: string }[]).map((e) => e.field)).toEqual([
      'credits.0.url',
    ]);
    const good = await call(responder, 'POST', url, {
      title: 'Good credit link',
      credits: [{ name: 'Acme PSIRT', type: 'coordinator', url: 'https://psirt.acme.example/' }],
    });
    expect(good.statusCode, good.body).toBe(201);
    expect(good.json().credits).toEqual([
      { name: 'Acme PSIRT', type: 'coordinator', url: 'https://psirt.acme.example/' },
    ]);
  });
});

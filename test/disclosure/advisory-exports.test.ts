// The exports of a published advisory (issue 16, item 4): a CVE Record 5.1 (the CNA container),
// a CSAF 2.0 csaf_security_advisory and an OSV record, each validated against its official JSON
// schema (test/fixtures/schemas); the CSAF provider layout (provider-metadata.json, a folder per
// year with .sha256 and .sha512 files, index.txt, changes.csv) and the CSAF line of security.txt.
// None exists before the disclosure date; after it each is there once, also when two instances
// tick the same PostgreSQL database at the date.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { loginAs } from '../helpers/auth.ts';
import {
  csafErrors,
  csafProviderErrors,
  cveRecordErrors,
  osvErrors,
} from '../helpers/official-schemas.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { testDialect } from '../helpers/test-db.ts';

type Who = { userId: string; headers: Record<string, string> };
let t: TestApp;
let lead: Who, responder: Who;

const DAY = 24 * 60 * 60 * 1000;
const BASE = 'https://security.example.org';
const CNA = '8254265b-2729-46b6-b9e3-3dfca2d5bfca';
const url = '/api/v1/vulnerabilities';
const clock = new FakeClock('2026-12-04T09:00:00Z');
const call = (who: Who, method: 'GET' | 'POST', path: string, payload?: object) =>
  t.app.inject({ method, url: path, headers: who.headers, ...(payload ? { payload } : {}) });
const visit = (path: string) => t.app.inject({ method: 'GET', url: path });

beforeAll(async () => {
  t = await createTestApp({
    clock,
    config: { baseUrl: BASE, cveOrgId: CNA, advisoryPublisher: 'Acme Security' },
  });
  [lead, responder] = await Promise.all([loginAs(t, 'security_lead'), loginAs(t, 'responder')]);
});
afterAll(async () => t.close());

const fullRecord = (marker: string, cveId: string | null) => ({
  title: `Reset token leaks through the Referer header ${marker}`,
  advisory: `The reset page loaded a third-party script (${marker}).\n\n**Upgrade** to 2.4.1.`,
  affected: [
    {
      purl: 'pkg:npm/%40acme/accounts',
      versions: [
        { type: 'semver', introduced: '2.0.0', fixed: '2.4.1' },
        { type: 'semver', introduced: '3.0.0', lastAffected: '3.0.2' },
      ],
    },
    {
      purl: 'pkg:maven/org.acme/accounts-core',
      versions: [{ type: 'ecosystem', introduced: '0', fixed: '5.2' }],
    },
    {
      vendor: 'Acme',
      product: 'Accounts appliance',
      versions: [{ type: 'ecosystem', introduced: '0', lastAffected: '2026.11' }],
    },
  ],
  cwes: ['CWE-598', 'CWE-200'],
  cvss31: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:L/A:N',
  cvss40: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:P/VC:H/VI:L/VA:N/SC:L/SI:L/SA:N',
  cveId,
  references: [
    { url: 'https://example.org/fix/123', type: 'fix' },
    { url: 'https://example.org/blog', type: 'web' },
  ],
});

async function embargoed(marker: string, at: number, cveId: string | null = 'CVE-2026-41234') {
  const made = await call(responder, 'POST', url, fullRecord(marker, cveId));
  expect(made.statusCode, made.body).toBe(201);
  const key = made.json().key as string;
  await call(responder, 'POST', `${url}/${key}/status`, { to: 'accepted', reason: 'Reproduced' });
  const set = await call(lead, 'POST', `${url}/${key}/embargo`, {
    disclosureAt: new Date(at).toISOString(),
    reason: 'Agreed with the reporter',
  });
  expect(set.statusCode, set.body).toBe(200);
  return key;
}

const csafPath = (key: string, at: number) =>
  `/.well-known/csaf/white/${new Date(at).getUTCFullYear()}/${key.toLowerCase()}.json`;
const exportPaths = (key: string, at: number) => [
  `/advisories/${key}/cve.json`,
  `/advisories/${key}/csaf.json`,
  `/advisories/${key}/osv.json`,
  csafPath(key, at),
  `${csafPath(key, at)}.sha512`,
];
const linesNaming = (text: string, key: string) =>
  text.split('\n').filter((line) => line.includes(key.toLowerCase())).length;

describe('the exports of an advisory', () => {
  it('do not exist before the date; after it each validates against its official schema', async () => {
    const marker = 'mk-exports-5e1d';
    const at = clock.now() + 10 * DAY;
    const key = await embargoed(marker, at);

    await t.container.workers.scheduler.tick(at - 1);
    for (const path of exportPaths(key, at)) {
      const answer = await visit(path);
      expect(answer.statusCode, path).toBe(404);
      expect(answer.body, path).not.toContain(marker);
    }
    for (const path of [
      '/.well-known/csaf/white/index.txt',
      '/.well-known/csaf/white/changes.csv',
    ]) {
      expect(linesNaming((await visit(path)).body, key), path).toBe(0);
    }

    await t.container.workers.scheduler.tick(at);

    const cve = await visit(`/advisories/${key}/cve.json`);
    expect(cve.statusCode, cve.body).toBe(200);
    expect(cveRecordErrors(cve.json())).toEqual([]);
    // The validators do refuse: a record without its CNA container is not one.
    expect(cveRecordErrors({ ...(cve.json() as object), containers: {} })).not.toEqual([]);
    expect(cve.json()).toMatchObject({
      dataVersion: '5.1',
      cveMetadata: { cveId: 'CVE-2026-41234', assignerOrgId: CNA, state: 'PUBLISHED' },
      containers: {
        cna: {
          affected: [
            {
              collectionURL: 'https://registry.npmjs.org',
              packageName: '@acme/accounts',
              versions: [
                { version: '2.0.0', lessThan: '2.4.1', status: 'affected', versionType: 'semver' },
                { version: '3.0.0', lessThanOrEqual: '3.0.2' },
              ],
            },
            { packageName: 'org.acme:accounts-core' },
            { vendor: 'Acme', product: 'Accounts appliance' },
          ],
          problemTypes: [{ descriptions: [{ cweId: 'CWE-598' }, { cweId: 'CWE-200' }] }],
          metrics: [
            { cvssV3_1: { baseScore: 8.5, baseSeverity: 'HIGH' } },
            { cvssV4_0: { version: '4.0' } },
          ],
        },
      },
    });
    expect(cve.json().containers.cna.references[0]).toEqual({
      url: `${BASE}/advisories/${key}`,
      tags: ['vendor-advisory'],
    });

    const csaf = await visit(`/advisories/${key}/csaf.json`);
    expect(csafErrors(csaf.json())).toEqual([]);
    expect(
      csafErrors({ ...(csaf.json() as object), document: { category: 'csaf_security_advisory' } }),
    ).not.toEqual([]);
    expect(csaf.json().document).toMatchObject({
      category: 'csaf_security_advisory',
      csaf_version: '2.0',
      publisher: { name: 'Acme Security', namespace: BASE },
      tracking: { id: key, status: 'final' },
    });
    const vulnerability = csaf.json().vulnerabilities[0];
    expect(vulnerability.cve).toBe('CVE-2026-41234');
    expect(vulnerability.product_status.fixed).toEqual(['CSAFPID-1-1-FIXED', 'CSAFPID-2-1-FIXED']);
    expect(vulnerability.remediations[0]).toMatchObject({
      category: 'vendor_fix',
      product_ids: ['CSAFPID-1-1'],
    });
    expect(vulnerability.scores[0].cvss_v3.vectorString).toBe(fullRecord('', null).cvss31);

    const osv = await visit(`/advisories/${key}/osv.json`);
    expect(osvErrors(osv.json())).toEqual([]);
    expect(osvErrors({ ...(osv.json() as object), id: 'VULN-1' })).not.toEqual([]);
    expect(osv.json()).toMatchObject({
      id: `x_${key}`,
      aliases: ['CVE-2026-41234'],
      affected: [
        {
          package: { ecosystem: 'npm', name: '@acme/accounts', purl: 'pkg:npm/%40acme/accounts' },
          ranges: [
            { type: 'SEMVER', events: [{ introduced: '2.0.0' }, { fixed: '2.4.1' }] },
            { type: 'SEMVER', events: [{ introduced: '3.0.0' }, { last_affected: '3.0.2' }] },
          ],
        },
        { package: { ecosystem: 'Maven', name: 'org.acme:accounts-core' } },
      ],
      severity: [{ type: 'CVSS_V3' }, { type: 'CVSS_V4' }],
    });
    expect(osv.json().affected).toHaveLength(2);

    // The CSAF provider layout: the same document, its hashes, the index and the changes.
    const document = await visit(csafPath(key, at));
    expect(document.body).toBe(csaf.body);
    const sha512 = createHash('sha512').update(document.rawPayload).digest('hex');
    expect((await visit(`${csafPath(key, at)}.sha512`)).body).toBe(
      `${sha512}  ${key.toLowerCase()}.json\n`,
    );
    const sha256 = createHash('sha256').update(document.rawPayload).digest('hex');
    expect((await visit(`${csafPath(key, at)}.sha256`)).body.split(' ')[0]).toBe(sha256);
    const index = (await visit('/.well-known/csaf/white/index.txt')).body;
    expect(index).toContain(`2026/${key.toLowerCase()}.json\n`);
    expect(linesNaming(index, key)).toBe(1);
    const changes = (await visit('/.well-known/csaf/white/changes.csv')).body;
    expect(changes).toContain(`"2026/${key.toLowerCase()}.json","${new Date(at).toISOString()}"`);

    const page = (await visit(`/advisories/${key}`)).body;
    for (const format of ['cve', 'csaf', 'osv']) {
      expect(page).toContain(`href="/advisories/${key}/${format}.json"`);
    }
  });

  it('has no CVE Record without a CVE id, and the CSAF and OSV documents still', async () => {
    const key = await embargoed('mk-nocve-0c3a', clock.now() + DAY, null);
    await call(lead, 'POST', `${url}/${key}/embargo/break`, { reason: 'Public' });
    expect((await visit(`/advisories/${key}/cve.json`)).statusCode).toBe(404);
    const csaf = await visit(`/advisories/${key}/csaf.json`);
    expect(csafErrors(csaf.json())).toEqual([]);
    const osv = await visit(`/advisories/${key}/osv.json`);
    expect(osvErrors(osv.json())).toEqual([]);
    expect(osv.json().aliases).toBeUndefined();
    expect((await visit(`/advisories/${key}`)).body).not.toContain('/cve.json');
    expect((await visit(`/advisories/${key}/pdf.json`)).statusCode).toBe(400);
  });

  it('are announced: provider-metadata.json valid against its schema, CSAF: in security.txt', async () => {
    const metadata = await visit('/.well-known/csaf/provider-metadata.json');
    expect(metadata.statusCode).toBe(200);
    expect(csafProviderErrors(metadata.json())).toEqual([]);
    expect(metadata.json()).toMatchObject({
      canonical_url: `${BASE}/.well-known/csaf/provider-metadata.json`,
      distributions: [{ directory_url: `${BASE}/.well-known/csaf/white/` }],
      role: 'csaf_publisher',
    });
    const securityTxt = (await visit('/.well-known/security.txt')).body;
    expect(securityTxt).toContain(`CSAF: ${BASE}/.well-known/csaf/provider-metadata.json\n`);
  });

  it('are released once when two instances tick at the date', async () => {
    const second =
      testDialect === 'postgres' ? await createTestApp({ database: t.database, clock }) : t;
    try {
      const at = clock.now() + 4 * DAY;
      const key = await embargoed('mk-twice-7d20', at);
      await Promise.all([
        t.container.workers.scheduler.tick(at),
        second.container.workers.scheduler.tick(at),
        t.container.workers.scheduler.tick(at),
        second.container.workers.scheduler.tick(at),
      ]);
      for (const app of [t, second]) {
        const read = (path: string) => app.app.inject({ method: 'GET', url: path });
        expect(linesNaming((await read('/.well-known/csaf/white/index.txt')).body, key)).toBe(1);
        expect(linesNaming((await read('/.well-known/csaf/white/changes.csv')).body, key)).toBe(1);
        const feed = (await read('/advisories.atom')).body;
        expect(feed.split('<entry>').filter((e) => e.includes(key))).toHaveLength(1);
        expect((await read(`/advisories/${key}/osv.json`)).statusCode).toBe(200);
      }
    } finally {
      if (second !== t) await second.close();
    }
  });
});

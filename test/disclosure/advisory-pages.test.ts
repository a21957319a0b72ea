// The advisory (issue 16, item 3): written in Stopline as Markdown, published at /advisories/{id},
// listed at /advisories and in its Atom feed, with the published bytes hashed onto the record.
// Nothing about an embargoed vulnerability is on any public path a millisecond before its date;
// at the date (or at once when the embargo is broken) it is on each exactly once. The advisory's
// Markdown is rendered without raw HTML or script links; what is published stays as it was.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { verifyEventLog } from '../../src/server/db/verify-chain.ts';
import { loginAs } from '../helpers/auth.ts';
import { submitReport } from '../helpers/reports.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Who = { userId: string; headers: Record<string, string> };
let t: TestApp;
let lead: Who, responder: Who;

const DAY = 24 * 60 * 60 * 1000;
const url = '/api/v1/vulnerabilities';
const clock = new FakeClock('2026-12-04T09:00:00Z');
const call = (who: Who, method: 'GET' | 'POST' | 'PATCH', path: string, payload?: object) =>
  t.app.inject({ method, url: path, headers: who.headers, ...(payload ? { payload } : {}) });
const visit = (path: string) => t.app.inject({ method: 'GET', url: path });

/** Every public path that could show a vulnerability: advisories, the status page, the rest. */
const publicPaths = (key: string) => [
  '/advisories',
  '/advisories.atom',
  `/advisories/${key}`,
  `/advisories/${key}.json`,
  '/status',
  '/status/history',
  '/status/history.atom',
  '/status/history.rss',
  '/api/v2/summary.json',
  '/api/v2/incidents.json',
  '/api/v2/incidents/unresolved.json',
  '/thanks',
  '/.well-known/security.txt',
  '/policy',
  // The exports and the CSAF provider layout.
  `/advisories/${key}/cve.json`,
  `/advisories/${key}/csaf.json`,
  `/advisories/${key}/osv.json`,
  '/.well-known/csaf/provider-metadata.json',
  '/.well-known/csaf/white/index.txt',
  '/.well-known/csaf/white/changes.csv',
  `/.well-known/csaf/white/2026/${key.toLowerCase()}.json`,
  `/.well-known/csaf/white/2026/${key.toLowerCase()}.json.sha512`,
];

beforeAll(async () => {
  t = await createTestApp({ clock });
  [lead, responder] = await Promise.all([loginAs(t, 'security_lead'), loginAs(t, 'responder')]);
});
afterAll(async () => t.close());

/** An accepted vulnerability from a report, its advisory written, embargoed until `at`. */
async function embargoed(marker: string, at: number, advisory?: string) {
  const report = await submitReport(t, `Signed download links never expire ${marker}`);
  const made = await call(responder, 'POST', url, {
    title: `Download links never expire ${marker}`,
    description: `Internal notes ${marker}: reproduced on staging.`,
    advisory:
      advisory ??
      `Signed download links stayed valid forever (${marker}).\n\n**Upgrade** to 2.4.1.`,
    affected: [
      {
        purl: 'pkg:npm/%40acme/files',
        versions: [{ type: 'semver', introduced: '2.0.0', fixed: '2.4.1' }],
      },
    ],
    cwes: ['CWE-613'],
    cvss31: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
    cveId: 'CVE-2026-40001',
    references: [{ url: 'https://example.org/releases/2.4.1', type: 'fix' }],
    reports: [report.key],
  });
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

async function expectNowhere(key: string, marker: string) {
  for (const path of publicPaths(key)) {
    const answer = await visit(path);
    expect(answer.body, path).not.toContain(marker);
    // A 404 page names the path asked for; the key must be nowhere else.
    if (path.toLowerCase().includes(key.toLowerCase())) expect(answer.statusCode, path).toBe(404);
    else {
      expect(answer.statusCode, path).toBe(200);
      expect(answer.body, path).not.toContain(key);
    }
  }
}

const entriesNaming = (atom: string, key: string) =>
  atom
    .split('<entry>')
    .slice(1)
    .filter((entry) => entry.includes(key)).length;

async function expectPublishedOnce(key: string, marker: string) {
  const page = await visit(`/advisories/${key}`);
  expect(page.statusCode).toBe(200);
  expect(page.headers['content-type']).toContain('text/html');
  expect(page.body).toContain(`<h1>Download links never expire ${marker}</h1>`);
  expect(page.body).toContain('<strong>Upgrade</strong>');
  expect(page.body).toContain('CVE-2026-40001');
  expect(page.body).toContain('pkg:npm/%40acme/files');
  expect(page.body).toContain('fixed in 2.4.1');
  // The team's internal description is not the advisory once one is written.
  expect(page.body).not.toContain('Internal notes');
  const list = await visit('/advisories');
  expect(list.body.split(`href="/advisories/${key}"`)).toHaveLength(2);
  const feed = await visit('/advisories.atom');
  expect(feed.headers['content-type']).toContain('application/atom+xml');
  expect(entriesNaming(feed.body, key)).toBe(1);
  const index = (await visit('/.well-known/csaf/white/index.txt')).body;
  expect(index.split('\n').filter((l) => l.includes(key.toLowerCase()))).toHaveLength(1);
  for (const format of ['csaf', 'osv']) {
    expect((await visit(`/advisories/${key}/${format}.json`)).body).toContain(marker);
  }
  // The status page has one entry for it: a resolved notice of impact none linking the advisory.
  const entry = await statusEntry(key);
  expect(entry).toMatchObject({
    name: `Security advisory ${key}: Download links never expire ${marker}`,
    impact: 'none',
    status: 'resolved',
  });
  expect(entry.incident_updates).toHaveLength(1);
  expect(entry.incident_updates[0]!.body).toBe(
    `We published security advisory ${key} (CVE-2026-40001). [Read the advisory](${t.container.config.baseUrl}/advisories/${key}) to see what is affected and what to do.`,
  );
  const entryPage = await visit(`/status/incidents/${entry.id}`);
  expect(entryPage.statusCode).toBe(200);
  expect(entryPage.body).toContain(`href="${t.container.config.baseUrl}/advisories/${key}"`);
  expect((await visit('/status')).body.split(`/status/incidents/${entry.id}"`)).toHaveLength(2);
  expect(entriesNaming((await visit('/status/history.atom')).body, key)).toBe(1);
  const rss = (await visit('/status/history.rss')).body;
  expect(rss.split('<item>').filter((item) => item.includes(key))).toHaveLength(1);
  // It is no open incident: the page's overall status does not move.
  const summary = (await visit('/api/v2/summary.json')).json();
  expect(summary.status.indicator).toBe('none');
  expect(JSON.stringify(summary.incidents)).not.toContain(key);
}

/** The status page's one entry (Statuspage JSON) that names the advisory. */
async function statusEntry(key: string) {
  const incidents = (await visit('/api/v2/incidents.json')).json().incidents as {
    id: string;
    name: string;
    impact: string;
    status: string;
    incident_updates: { body: string }[];
  }[];
  const naming = incidents.filter((i) => i.name.includes(key));
  expect(naming).toHaveLength(1);
  return naming[0]!;
}

/** The published event's recorded advisory hash, and how many published events there are. */
async function recordedPublications(key: string) {
  const rows = await t.container.db
    .selectFrom('events')
    .innerJoin('vulnerabilities', 'vulnerabilities.id', 'events.stream_id')
    .select('events.data_json')
    .where('vulnerabilities.key', '=', key)
    .where('events.type', '=', 'vulnerability.published')
    .execute();
  return rows.map((r) => JSON.parse(r.data_json) as { advisory: { sha256: string } });
}

describe('the advisory of an embargoed vulnerability', () => {
  it('is on no public path a millisecond before the date, then on each exactly once', async () => {
    const marker = 'mk-date-7f3a';
    const at = clock.now() + 20 * DAY;
    const key = await embargoed(marker, at);

    await t.container.workers.scheduler.tick(at - 1);
    await expectNowhere(key, marker);

    await t.container.workers.scheduler.tick(at);
    await t.container.workers.scheduler.tick(at + 1);
    await expectPublishedOnce(key, marker);

    // The bytes at /advisories/{id}.json are the ones whose hash the record keeps, and the chain
    // holds.
    const json = await visit(`/advisories/${key}.json`);
    expect(json.headers['content-type']).toContain('application/json');
    const published = await recordedPublications(key);
    expect(published).toHaveLength(1);
    const sha256 = createHash('sha256').update(json.rawPayload).digest('hex');
    expect(sha256).toBe(published[0]!.advisory.sha256);
    expect(JSON.parse(json.body)).toMatchObject({
      id: key,
      cveId: 'CVE-2026-40001',
      publishedAt: at,
    });
    const read = (await call(responder, 'GET', `${url}/${key}`)).json();
    expect(read.publishedAdvisory).toEqual({ path: `/advisories/${key}`, sha256 });
    expect((await verifyEventLog(t.container.db)).breaks).toEqual([]);
    expect((await visit(`/advisories/${key}`)).body).toContain(sha256);
  });

  it('is published at once when the embargo is broken', async () => {
    const marker = 'mk-broken-91c2';
    const key = await embargoed(marker, clock.now() + 60 * DAY);
    await expectNowhere(key, marker);
    const broken = await call(lead, 'POST', `${url}/${key}/embargo/break`, {
      reason: 'A proof of concept is public',
    });
    expect(broken.statusCode, broken.body).toBe(200);
    await expectPublishedOnce(key, marker);
    await t.container.workers.scheduler.tick(clock.now() + 61 * DAY);
    expect(await recordedPublications(key)).toHaveLength(1);
    expect(entriesNaming((await visit('/advisories.atom')).body, key)).toBe(1);
    await statusEntry(key);
  });

  it('stays as published when the vulnerability changes afterwards, and says when withdrawn', async () => {
    const marker = 'mk-frozen-44d0';
    const key = await embargoed(marker, clock.now() + 5 * DAY);
    await call(lead, 'POST', `${url}/${key}/embargo/break`, { reason: 'Exploited in the wild' });
    const before = (await visit(`/advisories/${key}.json`)).body;
    const changed = await call(responder, 'PATCH', `${url}/${key}`, {
      title: 'An internal rename',
      advisory: 'A draft of a second revision',
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await visit(`/advisories/${key}.json`)).body).toBe(before);
    expect((await visit(`/advisories/${key}`)).body).not.toContain('internal rename');

    const withdrawn = await call(responder, 'POST', `${url}/${key}/status`, {
      to: 'withdrawn',
      reason: 'Not a vulnerability after all',
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    const page = (await visit(`/advisories/${key}`)).body;
    expect(page).toContain('Withdrawn on');
    expect(page).not.toContain('Not a vulnerability after all');
    expect((await visit('/advisories.atom')).body).toContain('(withdrawn)');
    // Its status-page entry says so too, and is still the only one.
    expect((await statusEntry(key)).name).toBe(
      `Withdrawn: Security advisory ${key}: Download links never expire ${marker}`,
    );
  });

  it('renders its Markdown without raw HTML, scripts or script links', async () => {
    const marker = 'mk-hostile-2b8e';
    const hostile = [
      `Hostile advisory ${marker}`,
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(2)>',
      '[click me](javascript:alert(3))',
      '**Upgrade** now.',
    ].join('\n\n');
    const key = await embargoed(marker, clock.now() + 3 * DAY, hostile);
    await call(lead, 'POST', `${url}/${key}/embargo/break`, { reason: 'Public' });
    for (const path of [`/advisories/${key}`, '/advisories.atom']) {
      const body = (await visit(path)).body;
      expect(body, path).not.toMatch(/<script>alert|<img src|href="javascript:/);
    }
    const page = (await visit(`/advisories/${key}`)).body;
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(page).not.toContain('<script');
  });

  it('is a 404 for an advisory that does not exist, like one under embargo', async () => {
    const none = await visit('/advisories/VULN-2026-9999');
    expect(none.statusCode).toBe(404);
    expect(none.headers['cache-control']).toBe('no-store');
    expect((await visit('/advisories')).statusCode).toBe(200);
  });
});

// A published advisory's status-page entry speaks the page's language (issue 16, item 2, and the
// status page's catalogue of issue 13, item 6): with STOPLINE_STATUS_LANGUAGE=de its name, its one
// update and the withdrawn mark are German, recorded as written; the reporter's title and the
// link stay as they are, the title as text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { loginAs } from '../helpers/auth.ts';
import { submitReport } from '../helpers/reports.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Who = { userId: string; headers: Record<string, string> };
let t: TestApp;
let lead: Who, responder: Who;

const DAY = 24 * 60 * 60 * 1000;
const url = '/api/v1/vulnerabilities';
const clock = new FakeClock('2026-12-04T09:00:00Z');
const TITLE = 'Links <b>never</b> expire';
const call = (who: Who, path: string, payload: object) =>
  t.app.inject({ method: 'POST', url: path, headers: who.headers, payload });
const visit = (path: string) => t.app.inject({ method: 'GET', url: path });

beforeAll(async () => {
  t = await createTestApp({ clock, env: { STOPLINE_STATUS_LANGUAGE: 'de' } });
  [lead, responder] = await Promise.all([loginAs(t, 'security_lead'), loginAs(t, 'responder')]);
});
afterAll(async () => t.close());

async function entryNaming(key: string) {
  const incidents = (await visit('/api/v2/incidents.json')).json().incidents as {
    id: string;
    name: string;
    incident_updates: { body: string }[];
  }[];
  const naming = incidents.filter((i) => i.name.includes(key));
  expect(naming).toHaveLength(1);
  return naming[0]!;
}

describe('an advisory’s status-page entry in German', () => {
  it('is named and worded from the German catalogue, and says Zurückgezogen when withdrawn', async () => {
    const report = await submitReport(t, 'Download links never expire');
    const made = await call(responder, url, {
      title: TITLE,
      cveId: 'CVE-2026-40002',
      reports: [report.key],
    });
    expect(made.statusCode, made.body).toBe(201);
    const key = made.json().key as string;
    await call(responder, `${url}/${key}/status`, { to: 'accepted', reason: 'Reproduced' });
    const set = await call(lead, `${url}/${key}/embargo`, {
      disclosureAt: new Date(clock.now() + 10 * DAY).toISOString(),
      reason: 'Agreed',
    });
    expect(set.statusCode, set.body).toBe(200);
    expect((await visit('/api/v2/incidents.json')).body).not.toContain(key);
    const broken = await call(lead, `${url}/${key}/embargo/break`, { reason: 'Public' });
    expect(broken.statusCode, broken.body).toBe(200);

    const entry = await entryNaming(key);
    expect(entry.name).toBe(`Sicherheitshinweis ${key}: ${TITLE}`);
    expect(entry.incident_updates.map((u) => u.body)).toEqual([
      `Wir haben den Sicherheitshinweis ${key} (CVE-2026-40002) veröffentlicht. [Lesen Sie den Hinweis](${t.container.config.baseUrl}/advisories/${key}), um zu erfahren, was betroffen ist und was zu tun ist.`,
    ]);
    const page = await visit(`/status/incidents/${entry.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<html lang="de"');
    expect(page.body).toContain('Lesen Sie den Hinweis</a>');
    expect(page.body).toContain('Links &lt;b&gt;never&lt;/b&gt; expire');
    expect(page.body).not.toContain('<b>never</b>');
    expect(page.body).not.toContain('We published');

    const withdrawn = await call(responder, `${url}/${key}/status`, {
      to: 'withdrawn',
      reason: 'Not a vulnerability after all',
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect((await entryNaming(key)).name).toBe(
      `Zurückgezogen: Sicherheitshinweis ${key}: ${TITLE}`,
    );
  });
});

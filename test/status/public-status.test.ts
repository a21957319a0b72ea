// The public side of the status page: /status and one page per incident, server-rendered with no
// script, and the Statuspage-compatible JSON under /api/v2 read by an existing Statuspage client
// from npm over real HTTP. Hostile text is inert; nothing of an internal incident reaches any of it.
import { Statuspage } from 'statuspage.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SpComponents,
  SpIncidents,
  SpScheduledMaintenances,
  SpStatusAnswer,
  SpSummary,
} from '../../src/shared/api/statuspage.ts';
import { loginAs } from '../helpers/auth.ts';
import { freePort } from '../helpers/cli-process.ts';
import { succeeding } from '../helpers/status.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let admin: Record<string, string>;
let comms: Record<string, string>;
let baseUrl: string;
const ids: Record<string, string> = {};

const call = succeeding(() => t);

const HOSTILE =
  'Fixed **now**. <script>alert(1)</script> <img src=x onerror=alert(2)> ' +
  '[details](javascript:alert(3)) [post](https://example.org/post)';

beforeAll(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  t = await createTestApp({
    env: { STOPLINE_BASE_URL: baseUrl, STOPLINE_STATUS_PAGE_NAME: 'Acme status' },
    config: { baseUrl },
  });
  await t.app.listen({ port, host: '127.0.0.1' });
  admin = (await loginAs(t, 'admin')).headers;
  comms = (await loginAs(t, 'comms')).headers;
  const component = async (payload: object) =>
    (await call('POST', '/api/v1/status/components', admin, payload)).id as string;
  ids.region = await component({ name: 'EU region', isGroup: true });
  ids.api = await component({ name: 'API', groupId: ids.region, description: 'The REST API' });
  ids.web = await component({ name: 'Web app', groupId: ids.region });
  ids.sms = await component({ name: 'SMS gateway', onlyShowIfDegraded: true });
  ids.billing = await component({ name: 'Billing' });

  const internal = await call('POST', '/api/v1/incidents', admin, {
    title: 'Insider copies the payroll export',
    restricted: true,
  });
  ids.internalKey = internal.key;
  ids.internalId = internal.id;
  const slow = await call('POST', '/api/v1/status/incidents', admin, {
    name: 'Slow API <b>responses</b>',
    impact: 'major',
    body: 'We are looking into slow responses.',
    components: [{ componentId: ids.api, status: 'partial_outage' }],
    internalIncident: internal.key,
  });
  ids.slow = slow.id;
  t.clock.advance(5 * 60_000);
  await call('POST', `/api/v1/status/incidents/${slow.id}/updates`, comms, {
    status: 'identified',
    body: HOSTILE,
  });
  const past = await call('POST', '/api/v1/status/incidents', comms, {
    name: 'Billing emails delayed',
    impact: 'minor',
    body: 'Invoices are late.',
    components: [{ componentId: ids.billing, status: 'degraded_performance' }],
  });
  ids.past = past.id;
  await call('POST', `/api/v1/status/incidents/${past.id}/updates`, comms, {
    status: 'resolved',
    body: 'Invoices went out.',
  });
});
afterAll(async () => t.close());

describe('the public page', () => {
  it('shows the overall status, the components in their groups and the active incident, with no script', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/status' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).not.toContain('script-src');
    const html = res.body;
    expect(html).toContain('<h1>Acme status</h1>');
    expect(html).toContain('Partial System Outage');
    expect(html).toMatch(
      /EU region<\/span>\s*<span class="badge badge-partial_outage">Partial outage/,
    );
    expect(html).toMatch(/API<\/span>\s*<span class="badge badge-partial_outage">/);
    expect(html).toMatch(/Web app<\/span>\s*<span class="badge badge-operational">Operational/);
    expect(html).toContain('The REST API');
    // Only shown while degraded.
    expect(html).not.toContain('SMS gateway');
    expect(html).toContain('Slow API &lt;b&gt;responses&lt;/b&gt;');
    expect(html).toContain(`href="/status/incidents/${ids.slow}"`);
    expect(html).toContain('<strong>now</strong>');
    expect(html).toContain(`href="/status/incidents/${ids.past}"`);
    expect(html).not.toMatch(/<script/i);
  });

  it('renders update text as Markdown with raw HTML inert and only safe links', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/status/incidents/${ids.slow}` });
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html).toContain('<h1>Slow API &lt;b&gt;responses&lt;/b&gt;</h1>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).not.toMatch(/<img|<script|href="javascript:/i);
    expect(html).toContain(
      '<a href="https://example.org/post" rel="noopener noreferrer nofollow">post</a>',
    );
    expect(html).toContain('We are looking into slow responses.');
    expect(html).toMatch(/API: Operational →\s*Partial outage/);
  });

  it('shows a degraded "only if degraded" component, and a 404 page for an unknown incident', async () => {
    await call('PATCH', `/api/v1/status/components/${ids.sms}`, admin, {
      status: 'degraded_performance',
    });
    const page = await t.app.inject({ method: 'GET', url: '/status' });
    expect(page.body).toMatch(
      /SMS gateway<\/span>\s*<span class="badge badge-degraded_performance">/,
    );
    await call('PATCH', `/api/v1/status/components/${ids.sms}`, admin, { status: 'operational' });

    const missing = await t.app.inject({ method: 'GET', url: '/status/incidents/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('text/html');
  });

  it('answers 304 to a browser that holds the same page', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/status' });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers['cache-control']).toBe('public, max-age=10, must-revalidate');
    const again = await t.app.inject({
      method: 'GET',
      url: '/status',
      headers: { 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });
});

describe('the Statuspage-compatible JSON', () => {
  it('summary.json has Statuspage’s fields and values, CORS-open, with an ETag that changes with the page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v2/summary.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['cache-control']).toBe('public, max-age=10, must-revalidate');
    const summary = SpSummary.parse(res.json());
    expect(summary.page).toMatchObject({ name: 'Acme status', url: `${baseUrl}/status` });
    expect(summary.page.id).toMatch(/^[0-9a-f]{12}$/);
    expect(summary.status).toEqual({ indicator: 'major', description: 'Partial System Outage' });
    const group = summary.components.find((c) => c.id === ids.region)!;
    expect(group).toMatchObject({ group: true, group_id: null, status: 'partial_outage' });
    expect(group.components).toEqual([ids.api, ids.web]);
    expect(summary.components.find((c) => c.id === ids.sms)).toMatchObject({
      only_show_if_degraded: true,
      status: 'operational',
    });
    expect(summary.incidents.map((i) => i.id)).toEqual([ids.slow]);
    const [incident] = summary.incidents;
    expect(incident!.shortlink).toBe(`${baseUrl}/status/incidents/${ids.slow}`);
    expect(incident!.incident_updates.map((u) => u.status)).toEqual([
      'identified',
      'investigating',
    ]);
    expect(incident!.incident_updates[0]!.body).toBe(HOSTILE);
    expect(incident!.incident_updates[1]!.affected_components).toEqual([
      { code: ids.api, name: 'API', old_status: 'operational', new_status: 'partial_outage' },
    ]);
    expect(summary.scheduled_maintenances).toEqual([]);

    const etag = res.headers.etag as string;
    const same = await t.app.inject({
      method: 'GET',
      url: '/api/v2/summary.json',
      headers: { 'if-none-match': etag },
    });
    expect(same.statusCode).toBe(304);
    expect(same.headers['access-control-allow-origin']).toBe('*');
    t.clock.advance(60_000);
    await call('POST', `/api/v1/status/incidents/${ids.slow}/updates`, comms, {
      status: 'monitoring',
      body: 'A fix is out.',
    });
    const changed = await t.app.inject({
      method: 'GET',
      url: '/api/v2/summary.json',
      headers: { 'if-none-match': etag },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
  });

  it('the other answers parse as declared', async () => {
    const get = async (url: string) => (await t.app.inject({ method: 'GET', url })).json();
    expect(SpStatusAnswer.parse(await get('/api/v2/status.json')).status.indicator).toBe('major');
    expect(SpComponents.parse(await get('/api/v2/components.json')).components).toHaveLength(5);
    const all = SpIncidents.parse(await get('/api/v2/incidents.json'));
    expect(all.incidents.map((i) => i.id).sort()).toEqual([ids.slow, ids.past].sort());
    const unresolved = SpIncidents.parse(await get('/api/v2/incidents/unresolved.json'));
    expect(unresolved.incidents.map((i) => i.id)).toEqual([ids.slow]);
  });

  it('an existing Statuspage client (statuspage.io from npm) reads it over HTTP unchanged', async () => {
    const client = new Statuspage('stopline');
    client.setApiUrl(baseUrl);
    const summary = await client.api.getSummary();
    expect(summary.page.name).toBe('Acme status');
    expect(summary.components.map((c) => c.name)).toEqual([
      'EU region',
      'API',
      'Web app',
      'SMS gateway',
      'Billing',
    ]);
    const status = await client.api.getStatus();
    expect(status.status.indicator).toBe('major');
    const components = await client.api.getComponents();
    expect(components.components.find((c) => c.name === 'API')?.status).toBe('partial_outage');
    const unresolved = await client.api.incidents.getUnresolved();
    expect(unresolved.incidents.map((i) => i.name)).toEqual(['Slow API <b>responses</b>']);
    const all = await client.api.incidents.getAll();
    const past = all.incidents.find((i) => i.id === ids.past)!;
    expect(past.status).toBe('resolved');
    expect(past.incident_updates[0]!.body).toBe('Invoices went out.');
  });
});

describe('scheduled maintenance through the Statuspage client', () => {
  it('statuspage.io reads the scheduled-maintenances answers unchanged, and active.json parses as declared', async () => {
    const now = t.clock.now();
    const upcoming = await call('POST', '/api/v1/status/maintenances', comms, {
      name: 'Billing database upgrade',
      body: 'Invoices wait an hour.',
      scheduledFor: new Date(now + 24 * 3_600_000).toISOString(),
      scheduledUntil: new Date(now + 25 * 3_600_000).toISOString(),
      componentIds: [ids.billing],
    });
    ids.maintenance = upcoming.id;
    const client = new Statuspage('stopline');
    client.setApiUrl(baseUrl);
    const all = await client.api.scheduledMaintenances.getAll();
    expect(all.page.name).toBe('Acme status');
    const [listed] = all.scheduled_maintenances;
    expect(listed).toMatchObject({
      id: upcoming.id,
      name: 'Billing database upgrade',
      status: 'scheduled',
      impact: 'maintenance',
      scheduled_for: new Date(now + 24 * 3_600_000).toISOString(),
      shortlink: `${baseUrl}/status/maintenance/${upcoming.id}`,
    });
    expect(listed!.incident_updates[0]!.body).toBe('Invoices wait an hour.');
    const soon = await client.api.scheduledMaintenances.getUpcoming();
    expect(soon.scheduled_maintenances.map((m) => m.id)).toEqual([upcoming.id]);
    const summary = await client.api.getSummary();
    expect(summary.scheduled_maintenances.map((m) => m.id)).toEqual([upcoming.id]);
    // The client's getActive() asks for upcoming.json (its Endpoint.ACTIVE_JSON is
    // 'upcoming.json'); active.json is read directly.
    const active = await fetch(`${baseUrl}/api/v2/scheduled-maintenances/active.json`);
    expect(active.headers.get('access-control-allow-origin')).toBe('*');
    expect(SpScheduledMaintenances.parse(await active.json()).scheduled_maintenances).toEqual([]);
  });
});

describe('nothing of an internal incident reaches the public side', () => {
  it('neither the restricted incident’s key, id nor title on the page, the incident page or any JSON', async () => {
    const urls = [
      '/status',
      `/status/incidents/${ids.slow}`,
      '/api/v2/summary.json',
      '/api/v2/status.json',
      '/api/v2/components.json',
      '/api/v2/incidents.json',
      '/api/v2/incidents/unresolved.json',
      '/status/history.atom',
      '/status/history.rss',
      '/api/v2/scheduled-maintenances.json',
      '/api/v2/scheduled-maintenances/upcoming.json',
      '/api/v2/scheduled-maintenances/active.json',
      `/status/maintenance/${ids.maintenance}`,
    ];
    for (const url of urls) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      for (const secret of [ids.internalKey!, ids.internalId!, 'payroll']) {
        expect(res.body.toLowerCase(), `${url} shows ${secret}`).not.toContain(
          secret.toLowerCase(),
        );
      }
    }
  });
});

describe('the Atom and RSS feeds', () => {
  it('carry every incident with its updates, hostile text inert and no way out of CDATA', async () => {
    t.clock.advance(60_000);
    await call('POST', `/api/v1/status/incidents/${ids.slow}/updates`, comms, {
      status: 'monitoring',
      body: 'Watching ]]> <script>alert(4)</script> closely.',
    });
    const atom = await t.app.inject({ method: 'GET', url: '/status/history.atom' });
    expect(atom.statusCode).toBe(200);
    expect(atom.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(atom.headers.etag).toBeDefined();
    const xml = atom.body;
    expect(xml).toContain(
      '<title type="html"><![CDATA[Slow API &lt;b&gt;responses&lt;/b&gt;]]></title>',
    );
    expect(xml).toContain(`<link href="${baseUrl}/status/incidents/${ids.slow}"/>`);
    expect(xml).toContain('Watching ]]&gt; &lt;script&gt;alert(4)&lt;/script&gt; closely.');
    expect(xml).toContain('Invoices went out.');
    expect(xml).not.toMatch(/<script|href="javascript:|<img/i);
    // Every CDATA section closes where it was meant to: text cannot end one early.
    expect(xml.split('<![CDATA[').length).toBe(xml.split(']]>').length);

    const rss = await t.app.inject({ method: 'GET', url: '/status/history.rss' });
    expect(rss.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    expect(rss.body).toContain(`<link>${baseUrl}/status/incidents/${ids.past}</link>`);
    expect(rss.body).not.toMatch(/<script|href="javascript:|<img/i);
    expect(rss.body.split('<![CDATA[').length).toBe(rss.body.split(']]>').length);
  });
});

describe('the OpenAPI description', () => {
  it('lists the staff routes and the public JSON, the latter without credentials', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    const { paths } = res.json() as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    expect(paths['/api/v1/status/incidents/{id}/updates']?.post).toBeDefined();
    expect(paths['/api/v1/status/components/{id}']?.patch).toBeDefined();
    expect(paths['/api/v2/summary.json']?.get?.security).toEqual([]);
    expect(paths['/api/v2/incidents/unresolved.json']?.get).toBeDefined();
    expect(paths['/api/v2/scheduled-maintenances/active.json']?.get?.security).toEqual([]);
    expect(paths['/api/v1/status/maintenances/{id}/updates']?.post).toBeDefined();
  });
});

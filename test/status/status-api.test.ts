// The staff side of the public status page over HTTP: admins manage the components, the
// communications lead publishes public incidents and their updates, every published text is an
// event on the record, and a restricted internal incident's link stays with those who may see it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../helpers/auth.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let admin: Record<string, string>;
let comms: Record<string, string>;
let commsId: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = (await loginAs(t, 'admin')).headers;
  const c = await loginAs(t, 'comms');
  comms = c.headers;
  commsId = c.userId;
});
afterAll(async () => t.close());

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const call = (method: Method, url: string, headers: Record<string, string>, payload?: object) =>
  t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

async function component(payload: object) {
  const res = await call('POST', '/api/v1/status/components', admin, payload);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; name: string; position: number; groupId: string | null };
}

async function shownStatuses() {
  const res = await call('GET', '/api/v1/status/components', comms);
  expect(res.statusCode).toBe(200);
  return Object.fromEntries(
    (res.json().items as { name: string; shownStatus: string }[]).map((c) => [
      c.name,
      c.shownStatus,
    ]),
  );
}

describe('components', () => {
  it('admins add groups and components in order; the communications lead may not', async () => {
    const region = await component({ name: 'EU region', isGroup: true });
    const api = await component({ name: 'API', groupId: region.id, description: 'REST API' });
    const web = await component({ name: 'Web app', groupId: region.id });
    expect([api.position, web.position]).toEqual([1, 2]);
    expect(api.groupId).toBe(region.id);

    const refused = await call('POST', '/api/v1/status/components', comms, { name: 'Billing' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().permission).toBe('status.manage');

    const nested = await call('POST', '/api/v1/status/components', admin, {
      name: 'Nested',
      isGroup: true,
      groupId: region.id,
    });
    expect(nested.statusCode).toBe(400);
    expect(nested.json().errors).toEqual([
      { field: 'groupId', message: 'A group cannot be inside another group' },
    ]);
    const notAGroup = await call('POST', '/api/v1/status/components', admin, {
      name: 'Inside the API',
      groupId: api.id,
    });
    expect(notAGroup.statusCode).toBe(400);
    expect(notAGroup.json().errors[0].field).toBe('groupId');

    const full = await call('DELETE', `/api/v1/status/components/${region.id}`, admin);
    expect(full.statusCode).toBe(422);
    expect(full.json().detail).toContain('still holds 2 component(s)');

    const renamed = await call('PATCH', `/api/v1/status/components/${web.id}`, admin, {
      name: 'Web console',
      onlyShowIfDegraded: true,
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Web console', onlyShowIfDegraded: true });
    const unknown = await call('PATCH', '/api/v1/status/components/nope', admin, { name: 'x' });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('public incidents', () => {
  it('the communications lead publishes an incident from investigating to resolved and its post-incident report', async () => {
    const storage = await component({ name: 'Storage' });
    const search = await component({ name: 'Search' });
    const opened = await call('POST', '/api/v1/status/incidents', comms, {
      name: 'Uploads failing',
      impact: 'major',
      body: 'We are **looking into** failed uploads.',
      components: [{ componentId: storage.id, status: 'partial_outage' }],
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const incident = opened.json();
    expect(opened.headers.location).toBe(`/api/v1/status/incidents/${incident.id}`);
    expect(incident).toMatchObject({ status: 'investigating', impact: 'major', version: 2 });
    expect(incident.url).toBe(`${t.container.config.baseUrl}/status/incidents/${incident.id}`);
    expect(incident.updates[0]).toMatchObject({
      status: 'investigating',
      body: 'We are **looking into** failed uploads.',
      createdBy: commsId,
      affectedComponents: [
        {
          componentId: storage.id,
          name: 'Storage',
          oldStatus: 'operational',
          newStatus: 'partial_outage',
        },
      ],
    });
    expect((await shownStatuses()).Storage).toBe('partial_outage');

    const url = `/api/v1/status/incidents/${incident.id}/updates`;
    t.clock.advance(60_000);
    const identified = await call('POST', url, comms, {
      status: 'identified',
      body: 'A full disk on one storage node.',
      components: [
        { componentId: storage.id, status: 'major_outage' },
        { componentId: search.id, status: 'degraded_performance' },
      ],
    });
    expect(identified.statusCode, identified.body).toBe(201);
    expect(identified.json().updates[1].affectedComponents).toEqual([
      {
        componentId: storage.id,
        name: 'Storage',
        oldStatus: 'partial_outage',
        newStatus: 'major_outage',
      },
      {
        componentId: search.id,
        name: 'Search',
        oldStatus: 'operational',
        newStatus: 'degraded_performance',
      },
    ]);
    t.clock.advance(60_000);
    const monitoring = await call('POST', url, comms, { status: 'monitoring', body: 'Fixed.' });
    expect(monitoring.json().monitoringAt).toBe(new Date(t.clock.now()).toISOString());

    t.clock.advance(60_000);
    const resolved = await call('POST', url, comms, { status: 'resolved', body: 'All good.' });
    expect(resolved.statusCode).toBe(201);
    expect(resolved.json().resolvedAt).toBe(new Date(t.clock.now()).toISOString());
    // Ending the incident speaks of every component it affected, back to what they show without it.
    expect(resolved.json().updates[3].affectedComponents).toEqual([
      {
        componentId: storage.id,
        name: 'Storage',
        oldStatus: 'major_outage',
        newStatus: 'operational',
      },
      {
        componentId: search.id,
        name: 'Search',
        oldStatus: 'degraded_performance',
        newStatus: 'operational',
      },
    ]);
    expect(await shownStatuses()).toMatchObject({ Storage: 'operational', Search: 'operational' });

    const again = await call('POST', url, comms, { status: 'monitoring', body: 'Hmm.' });
    expect(again.statusCode).toBe(422);
    expect(again.json().detail).toContain('reopen it (reopen: true)');
    const report = await call('POST', url, comms, {
      status: 'postmortem',
      body: '## What happened\n\nA disk filled up.',
    });
    expect(report.statusCode).toBe(201);
    expect(report.json()).toMatchObject({
      status: 'postmortem',
      resolvedAt: resolved.json().resolvedAt,
    });
    const reopened = await call('POST', url, comms, {
      status: 'investigating',
      body: 'It is back.',
      reopen: true,
    });
    expect(reopened.statusCode).toBe(201);
    expect(reopened.json()).toMatchObject({ status: 'investigating', resolvedAt: null });
  });

  it('refuses unknown or group components, future times and a stale version, field by field', async () => {
    const group = await component({ name: 'Group of two', isGroup: true });
    const res = await call('POST', '/api/v1/status/incidents', comms, {
      name: 'Bad components',
      body: 'x',
      components: [
        { componentId: 'no-such-component', status: 'major_outage' },
        { componentId: group.id, status: 'major_outage' },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors).toEqual([
      { field: 'components.0.componentId', message: 'There is no component with this id' },
      {
        field: 'components.1.componentId',
        message: 'Group of two is a group: name its components',
      },
    ]);
    const badStatus = await call('POST', '/api/v1/status/incidents', comms, {
      name: 'Bad status',
      body: 'x',
      status: 'fixed',
    });
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.json().errors[0].field).toBe('status');
    const future = await call('POST', '/api/v1/status/incidents', comms, {
      name: 'From the future',
      body: 'x',
      displayAt: '2099-01-01T00:00:00Z',
    });
    expect(future.statusCode).toBe(400);
    expect(future.json().errors).toEqual([
      { field: 'displayAt', message: 'must not be in the future' },
    ]);

    const ok = await call('POST', '/api/v1/status/incidents', comms, { name: 'Fine', body: 'x' });
    const stale = await call('POST', `/api/v1/status/incidents/${ok.json().id}/updates`, comms, {
      status: 'identified',
      body: 'y',
      expectedVersion: 1,
    });
    expect(stale.statusCode).toBe(409);
    const missing = await call('POST', '/api/v1/status/incidents/nope/updates', comms, {
      status: 'identified',
      body: 'y',
    });
    expect(missing.statusCode).toBe(404);
  });

  it('viewers read the public incidents as staff but cannot publish', async () => {
    const viewer = (await loginAs(t, 'viewer')).headers;
    expect((await call('GET', '/api/v1/status/incidents', viewer)).statusCode).toBe(200);
    const refused = await call('POST', '/api/v1/status/incidents', viewer, {
      name: 'x',
      body: 'y',
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().permission).toBe('status.publish');
  });

  it('every published text is an event on the record: the exact text, who and when', async () => {
    const body = '<script>alert(1)</script> [click](javascript:alert(2)) \u00e9\r\n  trailing  ';
    const res = await call('POST', '/api/v1/status/incidents', comms, { name: 'Exact', body });
    const id = res.json().id as string;
    const events = await t.container.db
      .selectFrom('events')
      .select(['type', 'actor_id', 'at', 'visibility', 'data_json'])
      .where('stream_id', '=', id)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.type)).toEqual([
      'status.incident_opened',
      'status.update_published',
    ]);
    const published = events[1]!;
    expect(JSON.parse(published.data_json).body).toBe(body);
    expect(published.actor_id).toBe(commsId);
    expect(Number(published.at)).toBe(t.clock.now());
    expect(published.visibility).toBe('public');
    expect(res.json().updates[0].body).toBe(body);
  });
});

describe('the link to an internal incident', () => {
  it('is shown only to staff who may see the internal incident, and only they may link it', async () => {
    const opened = await call('POST', '/api/v1/incidents', admin, {
      title: 'Insider copies the payroll export',
      restricted: true,
    });
    expect(opened.statusCode).toBe(201);
    const key = opened.json().key as string;

    const byComms = await call('POST', '/api/v1/status/incidents', comms, {
      name: 'Payroll delays',
      body: 'Payroll exports are delayed.',
      internalIncident: key,
    });
    expect(byComms.statusCode).toBe(400);
    expect(byComms.json().errors[0].field).toBe('internalIncident');

    const byAdmin = await call('POST', '/api/v1/status/incidents', admin, {
      name: 'Payroll delays',
      body: 'Payroll exports are delayed.',
      internalIncident: key,
    });
    expect(byAdmin.statusCode).toBe(201);
    expect(byAdmin.json().internalIncident).toEqual({ id: opened.json().id, key });
    const id = byAdmin.json().id as string;

    const seenByComms = await call('GET', `/api/v1/status/incidents/${id}`, comms);
    expect(seenByComms.json().internalIncident).toBeNull();
    expect(seenByComms.body).not.toContain(key);
    expect(seenByComms.body).not.toContain(opened.json().id);
    const unlink = await call('PATCH', `/api/v1/status/incidents/${id}`, comms, {
      internalIncident: null,
    });
    expect(unlink.statusCode).toBe(403);

    // The link itself is kept off the public record.
    const link = await t.container.db
      .selectFrom('events')
      .select(['visibility'])
      .where('stream_id', '=', id)
      .where('type', '=', 'status.incident_linked')
      .executeTakeFirstOrThrow();
    expect(link.visibility).toBe('internal');
  });
});

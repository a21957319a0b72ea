// Linking a report to an incident from the report's side: only an incident the caller can see,
// recorded on both sides, and undone the same way (DELETE …/incident-link), so a wrong link is
// never stuck. An unknown incident and a hidden one get the same 404 naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from './helpers/auth.ts';
import { submitReport } from './helpers/reports.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

type Who = { userId: string; headers: Record<string, string> };

let t: TestApp;
let lead: Who;
let admin: Who;

beforeAll(async () => {
  t = await createTestApp({ env: { STOPLINE_INTAKE_RATE_LIMIT: '1000' } });
  lead = await loginAs(t, 'security_lead');
  admin = await loginAs(t, 'admin');
});
afterAll(async () => t.close());

const call = (who: Who, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

async function openIncident(who: Who, body: object = {}) {
  const res = await call(who, 'POST', '/api/v1/incidents', { title: 'Token leak', ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; key: string };
}

const report = async (key: string) => (await call(lead, 'GET', `/api/v1/reports/${key}`)).json();

async function reportEventTypes(id: string) {
  const rows = await t.container.db
    .selectFrom('events')
    .select('type')
    .where('stream_id', '=', id)
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.type);
}

async function incidentTimeline(key: string) {
  const res = await call(lead, 'GET', `/api/v1/incidents/${key}/timeline?limit=200`);
  return (res.json().items as { type: string; data: { reportIds?: string[] } }[]).map((e) => e);
}

describe('POST /api/v1/reports/:key/incident-link', () => {
  it('an incident that does not exist is a 404 naming incidentId, and nothing changes', async () => {
    const { key } = await submitReport(t);
    for (const incidentId of ['INC-2026-9999', '0190a0d6-0000-7000-8000-000000000000']) {
      const res = await call(lead, 'POST', `/api/v1/reports/${key}/incident-link`, { incidentId });
      expect(res.statusCode, res.body).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().errors).toEqual([
        { field: 'incidentId', message: `no incident ${incidentId} was found` },
      ]);
    }
    expect(await report(key)).toMatchObject({ status: 'received', incidentId: null });
  });

  it('a restricted incident the caller may not see gets the same 404; a participant links it', async () => {
    const { key } = await submitReport(t);
    const secret = await openIncident(admin, { restricted: true });
    const refused = await call(lead, 'POST', `/api/v1/reports/${key}/incident-link`, {
      incidentId: secret.key,
    });
    expect(refused.statusCode, refused.body).toBe(404);
    expect(refused.json().errors).toEqual([
      { field: 'incidentId', message: `no incident ${secret.key} was found` },
    ]);
    expect(refused.body).not.toContain(secret.id);
    expect(await report(key)).toMatchObject({ status: 'received', incidentId: null });

    const linked = await call(admin, 'POST', `/api/v1/reports/${key}/incident-link`, {
      incidentId: secret.key,
    });
    expect(linked.statusCode, linked.body).toBe(204);
  });

  it('links an incident by key or id, recorded on both sides', async () => {
    const byKey = await submitReport(t);
    const byId = await submitReport(t);
    const incident = await openIncident(lead);
    for (const [r, incidentId] of [
      [byKey, incident.key],
      [byId, incident.id],
    ] as const) {
      const res = await call(lead, 'POST', `/api/v1/reports/${r.key}/incident-link`, {
        incidentId,
      });
      expect(res.statusCode, res.body).toBe(204);
      expect(res.body).toBe('');
      expect(await report(r.key)).toMatchObject({
        status: 'investigating',
        incidentId: incident.id,
      });
    }
    const detail = (await call(lead, 'GET', `/api/v1/incidents/${incident.key}`)).json();
    expect(detail.reports.map((r: { key: string }) => r.key).sort()).toEqual(
      [byKey.key, byId.key].sort(),
    );
    const again = await call(lead, 'POST', `/api/v1/reports/${byKey.key}/incident-link`, {
      incidentId: incident.key,
    });
    expect(again.statusCode).toBe(422);
    expect(again.json().detail).toMatch(/already linked to an incident; unlink it first/);
  });

  it('needs incidents.update as well as reports.triage, since the incident records it', async () => {
    const { key } = await submitReport(t);
    const incident = await openIncident(lead);
    for (const role of ['viewer', 'comms']) {
      const who = await loginAs(t, role);
      const res = await call(who, 'POST', `/api/v1/reports/${key}/incident-link`, {
        incidentId: incident.key,
      });
      expect(res.statusCode).toBe(403);
    }
  });
});

describe('DELETE /api/v1/reports/:key/incident-link', () => {
  it('unlinks on both sides, records it, and the report can be linked or opened again', async () => {
    const r = await submitReport(t);
    expect((await call(lead, 'POST', `/api/v1/reports/${r.key}/acknowledge`)).statusCode).toBe(200);
    const incident = await openIncident(lead, { reportIds: [r.key] });
    expect(await report(r.key)).toMatchObject({ status: 'investigating' });

    const res = await call(lead, 'DELETE', `/api/v1/reports/${r.key}/incident-link`);
    expect(res.statusCode, res.body).toBe(204);
    expect(await report(r.key)).toMatchObject({ status: 'acknowledged', incidentId: null });
    const detail = (await call(lead, 'GET', `/api/v1/incidents/${incident.key}`)).json();
    expect(detail.reports).toEqual([]);
    const unlinked = (await incidentTimeline(incident.key)).find(
      (e) => e.type === 'incident.reports_unlinked',
    );
    expect(unlinked?.data.reportIds).toEqual([r.id]);
    const types = await reportEventTypes(r.id);
    expect(types.slice(-2)).toEqual(['report.incident_unlinked', 'report.status_changed']);

    const notLinked = await call(lead, 'DELETE', `/api/v1/reports/${r.key}/incident-link`);
    expect(notLinked.statusCode).toBe(422);
    expect(notLinked.json().detail).toBe('This report is not linked to an incident.');

    const reopened = await call(lead, 'POST', `/api/v1/reports/${r.key}/open-incident`);
    expect(reopened.statusCode, reopened.body).toBe(201);
  });

  it('a report never acknowledged goes back to received', async () => {
    const r = await submitReport(t);
    const incident = await openIncident(lead);
    await call(lead, 'POST', `/api/v1/reports/${r.key}/incident-link`, {
      incidentId: incident.key,
    });
    expect((await call(lead, 'DELETE', `/api/v1/reports/${r.key}/incident-link`)).statusCode).toBe(
      204,
    );
    expect(await report(r.key)).toMatchObject({ status: 'received', incidentId: null });
  });

  it('undoes a link to an incident that does not exist (made before links were checked)', async () => {
    const r = await submitReport(t);
    // The state the unchecked link left behind: the report points at an id no incident has.
    await t.container.db
      .updateTable('reports')
      .set({ incident_id: 'INC-2026-4242', status: 'investigating' })
      .where('id', '=', r.id)
      .execute();
    const res = await call(lead, 'DELETE', `/api/v1/reports/${r.key}/incident-link`);
    expect(res.statusCode, res.body).toBe(204);
    expect(await report(r.key)).toMatchObject({ status: 'received', incidentId: null });
    expect((await reportEventTypes(r.id)).slice(-2)).toEqual([
      'report.incident_unlinked',
      'report.status_changed',
    ]);
  });

  it('a report linked to a restricted incident cannot be unlinked by someone who may not see it', async () => {
    const r = await submitReport(t);
    await openIncident(admin, { restricted: true, reportIds: [r.key] });
    const res = await call(lead, 'DELETE', `/api/v1/reports/${r.key}/incident-link`);
    expect(res.statusCode).toBe(404);
    const viewer = await loginAs(t, 'viewer');
    const refused = await call(viewer, 'DELETE', `/api/v1/reports/${r.key}/incident-link`);
    expect(refused.statusCode).toBe(403);
  });
});

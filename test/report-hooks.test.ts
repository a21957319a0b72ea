// The hooks other subjects plug into: openIncident (incidents) opens an incident in the same
// transaction as the link; recordAudit (accounts) receives contact reads and failed sign-ins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileStore } from '../src/server/db/file-store.ts';
import { systemActor } from '../src/server/domain/actor.ts';
import {
  createAttachmentStore,
  createReportsService,
  type OpenedIncident,
  type ReportsDeps,
} from '../src/server/domain/reports/index.ts';
import { loginAs } from './helpers/auth.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** A reports service on the test app's database, with the given hooks wired. */
function serviceWith(hooks: Pick<ReportsDeps, 'openIncident' | 'recordAudit'>) {
  const { config, db, clock } = t.container;
  return createReportsService({
    db,
    clock,
    policy: () => t.container.policy.policy,
    attachments: createAttachmentStore(
      config.dataDir,
      createFileStore(config.fileStore, { db, clock, dataDir: config.dataDir }),
    ),
    settings: {
      baseUrl: config.baseUrl,
      attachmentMaxBytes: 1024,
      attachmentMaxCount: 1,
      intakeRateLimit: 10,
    },
    // Nothing is restricted here: these tests are about the hooks, not need-to-know.
    redactionHash: () => 'not used here',
    incidents: {
      findSight: async () => null,
      listHiddenIds: async () => [],
      linkReport: async () => {},
      unlinkReport: async () => {},
    },
    notices: t.container.services.notifications,
    // No e-mail intake here.
    mail: {
      threadingFor: async () => null,
      keepReporterKey: async () => 'unusable' as const,
      keepPortalKey: async () => ({ problem: 'no e-mail intake here' }),
    },
    ...hooks,
  });
}

const submit = async (extra: Record<string, string> = {}) =>
  (
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: { summary: 'Open me', description: 'd', ...extra },
    })
  ).json().key as string;

describe('opening an incident from a report', () => {
  it('staff open an incident from a report: it is linked both ways, and a viewer may not', async () => {
    const key = await submit();
    const viewer = await loginAs(t, 'viewer');
    const refused = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${key}/open-incident`,
      headers: viewer.headers,
    });
    expect(refused.statusCode).toBe(403);

    const lead = await loginAs(t, 'security_lead');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${key}/open-incident`,
      headers: lead.headers,
    });
    expect(res.statusCode).toBe(201);
    // The same answer as POST /api/v1/incidents: the incident, its key, version and address.
    const opened = res.json() as { id: string; key: string; version: number; title: string };
    expect(opened.key).toMatch(/^INC-\d{4}-\d{4,}$/);
    expect(opened.title).toBe('Open me');
    expect(res.headers.location).toBe(`/api/v1/incidents/${opened.key}`);
    expect(res.headers.etag).toBe(`"${opened.version}"`);
    const incidentId = opened.id;
    const atLocation = await t.app.inject({
      method: 'GET',
      url: res.headers.location as string,
      headers: lead.headers,
    });
    expect(atLocation.json().incident).toMatchObject({ id: incidentId, key: opened.key });
    const declared = await t.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: lead.headers,
      payload: { title: 'Declared by hand' },
    });
    expect(declared.headers.location).toBe(`/api/v1/incidents/${declared.json().key}`);
    expect(Object.keys(opened).sort()).toEqual(Object.keys(declared.json()).sort());
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v1/reports/${key}`,
      headers: lead.headers,
    });
    expect(detail.json()).toMatchObject({ incidentId });
    const incident = await t.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${incidentId}`,
      headers: lead.headers,
    });
    expect(incident.statusCode).toBe(200);
    expect(JSON.stringify(incident.json())).toContain('Open me');
    const reportRow = await t.container.db
      .selectFrom('reports')
      .select('id')
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    const links = await t.container.db
      .selectFrom('incident_report_links')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .execute();
    expect(links.map((l) => l.report_id)).toEqual([reportRow.id]);
  });

  it('a report posted in public opens an incident whose first task is removing it from view', async () => {
    const key = await submit({ publicUrl: 'https://forum.example/thread/1' });
    const lead = await loginAs(t, 'security_lead');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${key}/open-incident`,
      headers: lead.headers,
    });
    const { id: incidentId } = res.json() as { id: string };
    const incident = await t.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${incidentId}`,
      headers: lead.headers,
    });
    const body = incident.json();
    expect(body.incident.publiclyDisclosed).toBe(true);
    expect(body.incident.tasks.map((task: { type: string }) => task.type)).toEqual([
      'remove_public_disclosure',
    ]);
  });

  it('an incident opened from the incidents side with report keys marks those reports as handled', async () => {
    const first = await submit();
    const second = await submit();
    const lead = await loginAs(t, 'security_lead');
    const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: lead.headers, ...(payload ? { payload } : {}) });

    const missing = await call('POST', '/api/v1/incidents', {
      title: 'Two reports, one bug',
      reportIds: [first, 'RPT-9999'],
    });
    expect(missing.statusCode).toBe(404);
    expect((await call('GET', `/api/v1/reports/${first}`)).json()).toMatchObject({
      status: 'received',
      incidentId: null,
    });

    const opened = await call('POST', '/api/v1/incidents', {
      title: 'Two reports, one bug',
      reportIds: [first],
    });
    expect(opened.statusCode).toBe(201);
    const incident = opened.json() as { id: string; key: string; version: number };
    expect((await call('GET', `/api/v1/reports/${first}`)).json()).toMatchObject({
      status: 'investigating',
      incidentId: incident.id,
    });

    const linked = await call('POST', `/api/v1/incidents/${incident.key}/reports`, {
      reportIds: [second],
    });
    expect(linked.statusCode).toBe(200);
    expect(linked.json().reportIds).toHaveLength(2);
    expect((await call('GET', `/api/v1/reports/${second}`)).json()).toMatchObject({
      status: 'investigating',
      incidentId: incident.id,
    });
  });

  it('a read of reporter contact details lands in the audit trail', async () => {
    const key = await submit();
    const lead = await loginAs(t, 'security_lead');
    await t.app.inject({
      method: 'GET',
      url: `/api/v1/reports/${key}/contact`,
      headers: lead.headers,
    });
    const admin = await loginAs(t, 'admin');
    const audit = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit?action=report.contact_read',
      headers: admin.headers,
    });
    expect(audit.statusCode).toBe(200);
    expect(JSON.stringify(audit.json())).toContain(key);
    expect(JSON.stringify(audit.json())).toContain(lead.userId);
  });

  it('with the hook, the incident is opened and linked in one step, and a failure links nothing', async () => {
    const key = await submit();
    const seen: string[] = [];
    let fail = true;
    // What the incidents subject answers; the reports service hands it back as it is.
    const opened = {
      incidentId: 'INC-2026-0042',
      incident: { id: 'INC-2026-0042', key: 'INC-2026-0042' } as OpenedIncident['incident'],
    };
    const reports = serviceWith({
      openIncident: async (_tx, _actor, report) => {
        seen.push(`${report.key}: ${report.summary}`);
        if (fail) throw new Error('incident store down');
        return opened;
      },
    });
    await expect(reports.openIncidentFromReport(systemActor, key)).rejects.toThrow(
      'incident store down',
    );
    expect((await reports.getReport(systemActor, key)).report.incidentId).toBeNull();
    fail = false;
    expect(await reports.openIncidentFromReport(systemActor, key)).toEqual(opened);
    const { report } = await reports.getReport(systemActor, key);
    expect(report).toMatchObject({ status: 'investigating', incidentId: 'INC-2026-0042' });
    expect(seen).toEqual([`${key}: Open me`, `${key}: Open me`]);
    await expect(reports.openIncidentFromReport(systemActor, key)).rejects.toThrow(
      /already linked/,
    );
  });
});

describe('the audit hook', () => {
  it('receives every contact read and every failed portal sign-in, in the same transaction', async () => {
    const key = await submit();
    const entries: { action: string; subject: string }[] = [];
    const reports = serviceWith({
      recordAudit: async (tx, entry) => {
        await tx.selectFrom('reports').select('id').execute(); // runs inside the caller's transaction
        entries.push({ action: entry.action, subject: entry.target?.id ?? '' });
      },
    });
    await reports.getReportContact(systemActor, key);
    await expect(
      reports.signInToPortal({ key, accessCode: 'wrong', ip: '192.0.2.9' }),
    ).rejects.toThrow();
    expect(entries).toEqual([
      { action: 'report.contact_read', subject: key },
      { action: 'report.portal_sign_in_failed', subject: key },
    ]);
  });
});

// Where reports meet the other subjects: "open an incident" goes through the incidents subject,
// and contact reads and failed portal sign-ins are on the audit trail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/server/domain/actor.ts';
import {
  createAttachmentStore,
  createReportsService,
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
function serviceWith(hooks: Pick<ReportsDeps, 'openIncident'>) {
  const { config, db, clock } = t.container;
  return createReportsService({
    db,
    clock,
    policy: () => t.container.policy.policy,
    attachments: createAttachmentStore(config.dataDir),
    settings: {
      baseUrl: config.baseUrl,
      attachmentMaxBytes: 1024,
      attachmentMaxCount: 1,
      intakeRateLimit: 10,
    },
    ...hooks,
  });
}

const submit = async () =>
  (
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: { summary: 'Open me', description: 'd' },
    })
  ).json().key as string;

describe('opening an incident from a report', () => {
  it('opens a real incident that names the report, and the reporter sees "being investigated"', async () => {
    const key = await submit();
    const lead = await loginAs(t, 'security_lead');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${key}/open-incident`,
      headers: lead.headers,
    });
    expect(res.statusCode, res.body).toBe(201);
    const { incidentId } = res.json();
    expect(incidentId).toMatch(/^INC-\d{4}-\d{4}$/);
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v1/reports/${key}`,
      headers: lead.headers,
    });
    expect(detail.json()).toMatchObject({ status: 'investigating', incidentId });
    const incident = await t.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${incidentId}`,
      headers: lead.headers,
    });
    expect(incident.statusCode, incident.body).toBe(200);
    expect(incident.body).toContain(key);
    expect(incident.body).toContain('Open me');
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${key}/open-incident`,
      headers: lead.headers,
    });
    expect(again.statusCode).toBe(422);
  });

  it('without the hook the service says it is not available; a failing hook links nothing', async () => {
    const key = await submit();
    await expect(serviceWith({}).openIncidentFromReport(systemActor, key)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    const seen: string[] = [];
    let fail = true;
    const reports = serviceWith({
      openIncident: async (_actor, report) => {
        seen.push(`${report.key}: ${report.summary}`);
        if (fail) throw new Error('incident store down');
        return { incidentId: 'INC-2026-0042' };
      },
    });
    await expect(reports.openIncidentFromReport(systemActor, key)).rejects.toThrow(
      'incident store down',
    );
    expect((await reports.getReport(systemActor, key)).report.incident_id).toBeNull();
    fail = false;
    expect(await reports.openIncidentFromReport(systemActor, key)).toEqual({
      incidentId: 'INC-2026-0042',
    });
    const { report } = await reports.getReport(systemActor, key);
    expect(report).toMatchObject({ status: 'investigating', incident_id: 'INC-2026-0042' });
    expect(seen).toEqual([`${key}: Open me`, `${key}: Open me`]);
  });
});

describe('the audit trail', () => {
  it('records every read of contact details and every failed portal sign-in', async () => {
    const key = await submit();
    const lead = await loginAs(t, 'security_lead');
    await t.app.inject({
      method: 'GET',
      url: `/api/v1/reports/${key}/contact`,
      headers: lead.headers,
    });
    await t.app.inject({
      method: 'POST',
      url: '/portal/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ key, accessCode: 'wrong' }).toString(),
    });
    const rows = await t.container.db
      .selectFrom('audit_log')
      .select(['action', 'actor_id', 'target_type', 'target_id'])
      .where('target_id', '=', key)
      .orderBy('seq')
      .execute();
    expect(rows).toEqual([
      {
        action: 'personal_data.read',
        actor_id: lead.userId,
        target_type: 'report',
        target_id: key,
      },
      {
        action: 'report.portal_sign_in_failed',
        actor_id: null,
        target_type: 'report',
        target_id: key,
      },
    ]);
  });
});

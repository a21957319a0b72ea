// Opening an incident from a report: the incidents subject is reached through the openIncident
// hook, in the same transaction as the link; without the hook the API says it is not available.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/server/domain/actor.ts';
import { createAttachmentStore, createReportsService } from '../src/server/domain/reports/index.ts';
import { loginAs } from './helpers/auth.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const submit = async () =>
  (
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: { summary: 'Open me', description: 'd' },
    })
  ).json().key as string;

describe('opening an incident from a report', () => {
  it('without the incidents subject wired, the API answers 503 and nothing changes', async () => {
    const key = await submit();
    const lead = await loginAs(t, 'security_lead');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${key}/open-incident`,
      headers: lead.headers,
    });
    expect(res.statusCode).toBe(503);
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v1/reports/${key}`,
      headers: lead.headers,
    });
    expect(detail.json()).toMatchObject({ status: 'received', incidentId: null });
  });

  it('with the hook, the incident is opened and linked in one step, and a failure links nothing', async () => {
    const key = await submit();
    const { config, db, clock } = t.container;
    const seen: string[] = [];
    let fail = true;
    const reports = createReportsService({
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
      openIncident: async (_tx, _actor, report) => {
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
    await expect(reports.openIncidentFromReport(systemActor, key)).rejects.toThrow(
      /already linked/,
    );
  });
});

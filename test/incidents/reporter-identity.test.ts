// Kundo step 6, recorded once: a reporter's identity verified on their report counts on the
// incident opened from it, so telling the reporter the results needs no second "verify the
// reporter" task; every linked report's reporter must be verified.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../helpers/auth.ts';
import { submitReport } from '../helpers/reports.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let responder: Awaited<ReturnType<typeof loginAs>>;
beforeAll(async () => {
  t = await createTestApp();
  responder = await loginAs(t, 'responder');
});
afterAll(async () => t.close());

const post = (url: string, payload: object) =>
  t.app.inject({ method: 'POST', url, headers: responder.headers, payload });

const verifyOnReport = async (key: string) => {
  const res = await post(`/api/v1/reports/${key}/identity-verifications`, {
    method: 'call_back_public_number',
    note: 'Called the number on their company website',
  });
  expect(res.statusCode).toBe(201);
};

const informReporter = (incidentKey: string) =>
  post(`/api/v1/incidents/${incidentKey}/milestones`, {
    milestone: 'reporter_informed',
    note: 'Told them it is fixed',
  });

describe('the reporter identity verified on the report counts on the incident', () => {
  it('is refused until every linked report has a verified reporter, then needs nothing more', async () => {
    const first = await submitReport(t, 'Reset link leaks to analytics');
    const second = await submitReport(t, 'Same leak, seen from the mobile app');
    const opened = await post('/api/v1/incidents', {
      title: 'Reset link leak',
      reportIds: [first.key, second.key],
    });
    expect(opened.statusCode).toBe(201);
    const incident = opened.json() as { key: string };

    const before = await informReporter(incident.key);
    expect(before.statusCode).toBe(422);
    expect(before.json().detail).toMatch(/identity/);

    await verifyOnReport(first.key);
    const half = await informReporter(incident.key);
    expect(half.statusCode).toBe(422);
    expect(half.json()).toMatchObject({ unverifiedReportIds: [second.id] });

    await verifyOnReport(second.key);
    const after = await informReporter(incident.key);
    expect(after.statusCode).toBe(200);
    expect(after.json().milestones).toContain('reporter_informed');
    // No task was needed: the verification is recorded once, on the reports.
    expect(after.json().tasks).toEqual([]);
  });
});

// A refused phase move says every reason as data: `failedChecks[]`, each with a code and a reason,
// whether an exit check fails, a phase cannot be skipped or the move goes backwards; and the
// OpenAPI description declares that answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../helpers/auth.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let responder: { userId: string; headers: Record<string, string> };
beforeAll(async () => {
  t = await createTestApp();
  responder = await loginAs(t, 'responder');
});
afterAll(async () => {
  await t.close();
});

const post = (url: string, payload: object) =>
  t.app.inject({ method: 'POST', url, headers: responder.headers, payload });

async function openIncident(): Promise<string> {
  const res = await post('/api/v1/incidents', { title: 'Session fixation' });
  expect(res.statusCode).toBe(201);
  return res.json().key as string;
}

/** Every entry has a code and a reason in words. */
function expectCodedReasons(checks: unknown) {
  expect(Array.isArray(checks) && checks.length > 0).toBe(true);
  for (const c of checks as object[]) {
    expect(c).toEqual(
      expect.objectContaining({ code: expect.any(String), reason: expect.any(String) }),
    );
  }
}

describe('a refused phase move lists every reason in failedChecks', () => {
  it('phases that cannot be skipped are failed checks too, next to the exit checks', async () => {
    const key = await openIncident();
    const res = await post(`/api/v1/incidents/${key}/phase`, { phase: 'recovery' });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expectCodedReasons(body.failedChecks);
    expect(body.failedChecks.map((c: { code: string }) => c.code)).toEqual([
      'phase_not_skippable',
      'phase_not_skippable',
      'owner_assigned',
      'reproduction_recorded',
      'decision_recorded',
      'severity_set',
    ]);
    expect(body.failedChecks[0]).toEqual({
      code: 'phase_not_skippable',
      phase: 'containment',
      reason: 'Containment cannot be skipped for this incident',
    });
    expect(body.failedChecks[2]).toMatchObject({
      code: 'owner_assigned',
      check: 'owner_assigned',
      phase: 'detection_analysis',
    });
    expect(body.phasesNotSkippable).toEqual(['containment', 'eradication']);
    // The sentence says the same as the list.
    for (const c of body.failedChecks) expect(body.detail).toContain(c.reason);
  });

  it('a move backwards or to the same phase carries its reason with a code', async () => {
    const key = await openIncident();
    const res = await post(`/api/v1/incidents/${key}/phase`, { phase: 'detection_analysis' });
    expect(res.statusCode).toBe(422);
    expect(res.json().failedChecks).toEqual([
      {
        code: 'phase_not_forward',
        phase: 'detection_analysis',
        reason: 'The incident is in Detection & analysis; phases only move forward',
      },
    ]);
  });

  it('the OpenAPI description declares the 422 with failedChecks (code and reason each)', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const refusal = doc.paths['/api/v1/incidents/{ref}/phase'].post.responses['422'];
    const schema = refusal.content['application/problem+json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['failedChecks', 'detail']));
    const item = schema.properties.failedChecks.items;
    expect(item.required).toEqual(expect.arrayContaining(['code', 'reason', 'phase']));
    // Other lifecycle steps declare the policy's refusal too.
    const severity = doc.paths['/api/v1/incidents/{ref}/severity'].post.responses['422'];
    expect(severity.content['application/problem+json'].schema.properties).toHaveProperty(
      'failedChecks',
    );
  });
});

// Continuity (issue 19, item 6; Kai section 7): the policy's manual fallback procedures appear on
// an incident that affects a covered system, as a checklist whose ticks are on the record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/server/clock.ts';
import { verifyEventLog } from '../../src/server/db/verify-chain.ts';
import { ContinuityChecklist } from '../../src/shared/api/incidents.ts';
import { loginAs } from '../helpers/auth.ts';
import { withContinuityProcedures } from '../helpers/policies.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Who = { userId: string; headers: Record<string, string> };
let t: TestApp;
let responder: Who;
let viewer: Who;
beforeAll(async () => {
  t = await createTestApp({ env: { STOPLINE_POLICY: withContinuityProcedures() } });
  responder = await loginAs(t, 'responder');
  viewer = await loginAs(t, 'viewer');
});
afterAll(async () => t.close());

const call = (who: Who, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

async function openIncident(who: Who, body: object) {
  const res = await call(who, 'POST', '/api/v1/incidents', { title: 'Card skimming', ...body });
  expect(res.statusCode).toBe(201);
  return res.json() as { key: string };
}

const checklistOf = async (who: Who, key: string) => {
  const res = await call(who, 'GET', `/api/v1/incidents/${key}/continuity`);
  expect(res.statusCode).toBe(200);
  return ContinuityChecklist.parse(res.json());
};

describe('the continuity checklist', () => {
  it('holds only the procedures covering a system the incident affects, whatever the case', async () => {
    const payments = await openIncident(responder, { affectedSystems: ['PAYMENTS', 'search'] });
    const list = await checklistOf(viewer, payments.key);
    expect(list.procedures).toEqual([
      {
        id: 'payments-manual',
        title: 'Take card payments by phone',
        covers: ['Payments', 'payments-api'],
        matched: ['PAYMENTS'],
        stakeholders: ['Head of support', 'Finance on-call'],
        steps: [
          { step: 1, text: 'Switch the checkout banner to "call us to order".', done: null },
          { step: 2, text: 'Take orders on the paper form kept by the support desk.', done: null },
        ],
      },
    ]);
    const other = await openIncident(responder, { affectedSystems: ['search'] });
    expect((await checklistOf(viewer, other.key)).procedures).toEqual([]);
    const none = await openIncident(responder, {});
    expect((await checklistOf(viewer, none.key)).procedures).toEqual([]);
  });

  it('records a tick with who and when on the incident’s chained record, and an untick with the reason', async () => {
    const { key } = await openIncident(responder, { affectedSystems: ['payments-api'] });
    const at = t.clock.now();
    const step = `/api/v1/incidents/${key}/continuity/payments-manual/steps/2`;
    const ticked = await call(responder, 'POST', `${step}/tick`);
    expect(ticked.statusCode).toBe(200);
    expect(ContinuityChecklist.parse(ticked.json()).procedures[0]!.steps[1]!.done).toEqual({
      by: responder.userId,
      at: new Date(at).toISOString(),
    });
    t.clock.advance(5 * MINUTE);
    // A second tick changes nothing: the step stays done by the first.
    expect((await call(responder, 'POST', `${step}/tick`)).statusCode).toBe(200);
    const seen = await checklistOf(viewer, key);
    expect(seen.procedures[0]!.steps.map((s) => s.done?.at ?? null)).toEqual([
      null,
      new Date(at).toISOString(),
    ]);

    const unticked = await call(responder, 'POST', `${step}/untick`, {
      reason: 'The paper forms ran out',
    });
    expect(unticked.statusCode).toBe(200);
    expect(ContinuityChecklist.parse(unticked.json()).procedures[0]!.steps[1]!.done).toBeNull();
    const again = await call(responder, 'POST', `${step}/untick`, { reason: 'twice' });
    expect(again.statusCode).toBe(409);

    const timeline = await call(
      viewer,
      'GET',
      `/api/v1/incidents/${key}/timeline?type=incident.continuity_step_ticked,incident.continuity_step_unticked`,
    );
    expect(timeline.json().items).toMatchObject([
      {
        type: 'incident.continuity_step_ticked',
        actorId: responder.userId,
        at: new Date(at).toISOString(),
        data: {
          procedureId: 'payments-manual',
          step: 2,
          text: 'Take orders on the paper form kept by the support desk.',
        },
      },
      {
        type: 'incident.continuity_step_unticked',
        actorId: responder.userId,
        at: new Date(at + 5 * MINUTE).toISOString(),
        data: { procedureId: 'payments-manual', step: 2, reason: 'The paper forms ran out' },
      },
    ]);
    expect((await verifyEventLog(t.container.db)).breaks).toEqual([]);
  });

  it('needs incidents.update to tick, and a reason to untick', async () => {
    const { key } = await openIncident(responder, { affectedSystems: ['Email'] });
    const step = `/api/v1/incidents/${key}/continuity/mail-by-hand/steps/1`;
    expect((await call(viewer, 'POST', `${step}/tick`)).statusCode).toBe(403);
    expect((await call(responder, 'POST', `${step}/tick`)).statusCode).toBe(200);
    const noReason = await call(responder, 'POST', `${step}/untick`, { reason: '' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(noReason.json())).toContain('reason');
  });

  it('answers 404 problem+json for a procedure not on the checklist or a step it does not have', async () => {
    const { key } = await openIncident(responder, { affectedSystems: ['Email'] });
    const base = `/api/v1/incidents/${key}/continuity`;
    for (const [url, field] of [
      [`${base}/payments-manual/steps/1/tick`, 'params.procedureId'],
      [`${base}/nope/steps/1/tick`, 'params.procedureId'],
      [`${base}/mail-by-hand/steps/2/tick`, 'params.step'],
    ] as const) {
      const res = await call(responder, 'POST', url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors).toEqual([expect.objectContaining({ field })]);
    }
    const notANumber = await call(responder, 'POST', `${base}/mail-by-hand/steps/first/tick`);
    expect(notANumber.statusCode).toBe(400);
    expect(notANumber.headers['content-type']).toContain('application/problem+json');
  });

  it('is 404 to someone who may not see a restricted incident, for reading and ticking alike', async () => {
    const lead = await loginAs(t, 'security_lead');
    const { key } = await openIncident(lead, { affectedSystems: ['Payments'], restricted: true });
    const outsider = await loginAs(t, 'responder');
    const base = `/api/v1/incidents/${key}/continuity`;
    for (const res of [
      await call(outsider, 'GET', base),
      await call(outsider, 'POST', `${base}/payments-manual/steps/1/tick`),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().detail).toBe('Incident was not found');
      expect(JSON.stringify(res.json())).not.toContain('Take card payments');
    }
    expect((await checklistOf(lead, key)).procedures[0]!.steps[0]!.done).toBeNull();
  });
});

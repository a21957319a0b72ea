// Kundo step 3 before step 4: the critical decision and the severity wait for verify & reproduce.
// On an incident with an owner and no reproduction, the panel, the votes and a severity are
// refused with a 422 that names the missing step; in an emergency the default policy lets the
// security lead set a severity first, and the incident records who and why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../helpers/auth.ts';
import { EMERGENCY, REPRODUCTION } from '../helpers/reproduce.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Who = { userId: string; headers: Record<string, string> };
let t: TestApp;
let owner: Who, devA: Who, devB: Who, lead: Who;

const call = (who: Who, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

const vote = (v: 'critical' | 'non_critical') => ({
  answers: { specific_circumstances_only: true },
  vote: v,
  rationale: `${v}: only with a stolen session`,
});

beforeAll(async () => {
  t = await createTestApp();
  [owner, devA, devB, lead] = await Promise.all([
    loginAs(t, 'responder'),
    loginAs(t, 'responder'),
    loginAs(t, 'responder'),
    loginAs(t, 'security_lead'),
  ]);
});
afterAll(async () => {
  await t.close();
});

/** An incident with an owner and no reproduction: where the finding starts. */
async function ownedIncident(): Promise<string> {
  const created = await call(owner, 'POST', '/api/v1/incidents', { title: 'Session fixation' });
  expect(created.statusCode).toBe(201);
  const path = `/api/v1/incidents/${created.json().key}`;
  expect((await call(owner, 'POST', `${path}/owner`, { userId: owner.userId })).statusCode).toBe(
    200,
  );
  return path;
}

const panelOf = () => ({ responderIds: [devA.userId, devB.userId], securityLeadId: lead.userId });

/** The 422 names the missing step as a failed check, as a refused phase move does. */
function expectWaitingForReproduction(
  res: Awaited<ReturnType<typeof call>>,
  step: string,
  words: RegExp,
) {
  expect(res.statusCode, res.body).toBe(422);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body.step).toBe(step);
  expect(body.failedChecks).toEqual([
    {
      code: 'reproduction_recorded',
      check: 'reproduction_recorded',
      phase: 'detection_analysis',
      reason: expect.stringMatching(words),
    },
  ]);
  expect(body.detail).toMatch(/^Verify and reproduce the issue before/);
}

describe('verify & reproduce comes before the panel, the votes and the severity', () => {
  it('without a reproduction, severity and panel are refused with the missing step; after it they work', async () => {
    const path = await ownedIncident();
    expectWaitingForReproduction(
      await call(owner, 'POST', `${path}/severity`, { severity: 'P2', rationale: 'minor' }),
      'severity',
      /No reproduction has been recorded.*before setting a severity/,
    );
    expectWaitingForReproduction(
      await call(owner, 'POST', `${path}/panel`, panelOf()),
      'panel',
      /No reproduction has been recorded.*before convening the panel/,
    );
    // Nothing was recorded by the refusals.
    const before = (await call(owner, 'GET', path)).json().incident;
    expect(before).toMatchObject({ severity: null, panelMembers: [] });

    // "Needs information" is not a reproduction either.
    await call(owner, 'POST', `${path}/reproduction`, {
      result: 'needs_information',
      steps: 'asked the reporter which browser',
      evidence: '',
    });
    expectWaitingForReproduction(
      await call(owner, 'POST', `${path}/panel`, panelOf()),
      'panel',
      /waiting for information from the reporter/,
    );

    expect((await call(owner, 'POST', `${path}/reproduction`, REPRODUCTION)).statusCode).toBe(200);
    expect((await call(owner, 'POST', `${path}/panel`, panelOf())).statusCode).toBe(200);
    for (const who of [owner, devA, devB, lead]) {
      expect((await call(who, 'POST', `${path}/votes`, vote('non_critical'))).statusCode).toBe(200);
    }
    const decided = (await call(owner, 'GET', path)).json().incident;
    expect(decided).toMatchObject({ criticality: 'non_critical', severity: 'P2' });
  });

  it('votes and the final call wait while the reproduction waits for the reporter', async () => {
    const path = await ownedIncident();
    await call(owner, 'POST', `${path}/reproduction`, REPRODUCTION);
    expect((await call(owner, 'POST', `${path}/panel`, panelOf())).statusCode).toBe(200);
    // New doubts: the reproduction now waits for the reporter; nobody decides meanwhile.
    await call(owner, 'POST', `${path}/reproduction`, {
      result: 'needs_information',
      steps: 'it did not reproduce on the second try',
      evidence: '',
    });
    expectWaitingForReproduction(
      await call(devA, 'POST', `${path}/votes`, vote('non_critical')),
      'vote',
      /before voting/,
    );
    expectWaitingForReproduction(
      await call(lead, 'POST', `${path}/final-call`, {
        outcome: 'critical',
        rationale: 'better safe',
      }),
      'vote',
      /before voting/,
    );
    expect((await call(owner, 'GET', path)).json().incident).toMatchObject({
      votes: [],
      criticality: null,
    });
  });

  it('opening an incident with a severity is the same step: refused without a reproduction', async () => {
    const res = await call(lead, 'POST', '/api/v1/incidents', {
      title: 'Keys in a public bucket',
      severity: 'P0',
      severityRationale: 'keys exposed',
    });
    expectWaitingForReproduction(res, 'severity', /before setting a severity/);
    expect(res.json().detail).toMatch(/the security lead may set it first, with a reason/);
    const list = (await call(lead, 'GET', '/api/v1/incidents?q=public%20bucket')).json();
    expect(list.total).toBe(0);
  });
});

describe('an emergency severity before the reproduction', () => {
  it('the security lead may set one with a reason; it is recorded with who and why, in the timeline', async () => {
    const path = await ownedIncident();
    const res = await call(lead, 'POST', `${path}/severity`, {
      severity: 'P0',
      rationale: 'active exploitation',
      override: EMERGENCY,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ severity: 'P0', lineStopped: true });
    const timeline = (await call(owner, 'GET', `${path}/timeline`)).json().items as {
      type: string;
      actorId: string | null;
      data: Record<string, unknown>;
    }[];
    const types = timeline.map((e) => e.type);
    const overridden = timeline.find((e) => e.type === 'incident.reproduction_overridden');
    expect(overridden).toMatchObject({
      actorId: lead.userId,
      data: { step: 'severity', severity: 'P0', reason: EMERGENCY.reason, reproduction: null },
    });
    // Recorded before the severity it lets through.
    expect(types.indexOf('incident.reproduction_overridden')).toBe(
      types.indexOf('incident.severity_set') - 1,
    );
    // The panel still waits for the reproduction.
    expectWaitingForReproduction(
      await call(owner, 'POST', `${path}/panel`, panelOf()),
      'panel',
      /before convening the panel/,
    );
  });

  it('a responder cannot override (403), and an override without need records nothing extra', async () => {
    const path = await ownedIncident();
    const refused = await call(owner, 'POST', `${path}/severity`, {
      severity: 'P0',
      rationale: 'looks bad',
      override: EMERGENCY,
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toMatch(/Only the security lead/);
    expect((await call(owner, 'GET', path)).json().incident.severity).toBeNull();

    await call(owner, 'POST', `${path}/reproduction`, REPRODUCTION);
    const set = await call(lead, 'POST', `${path}/severity`, {
      severity: 'P1',
      rationale: 'reproduced: account takeover',
      override: EMERGENCY,
    });
    expect(set.statusCode).toBe(200);
    const types = (await call(owner, 'GET', `${path}/timeline`))
      .json()
      .items.map((e: { type: string }) => e.type);
    expect(types).not.toContain('incident.reproduction_overridden');
  });

  it('the security lead may declare an incident with an emergency severity', async () => {
    const res = await call(lead, 'POST', '/api/v1/incidents', {
      title: 'Tokens in a public paste',
      severity: 'P0',
      severityRationale: 'tokens are public',
      severityOverride: EMERGENCY,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ severity: 'P0' });
    const timeline = (await call(lead, 'GET', `${res.headers.location}/timeline`)).json().items;
    expect(timeline.map((e: { type: string }) => e.type).slice(0, 3)).toEqual([
      'incident.opened',
      'incident.reproduction_overridden',
      'incident.severity_set',
    ]);
  });
});

describe('the policy decides the order', () => {
  it('GET /api/v1/policy says which steps wait and whether an emergency severity is allowed', async () => {
    const policy = (await call(owner, 'GET', '/api/v1/policy')).json();
    expect(policy.verification).toMatchObject({
      requiredBefore: ['panel', 'vote', 'severity'],
      allowEmergencySeverity: true,
    });
  });

  it('the OpenAPI description declares the refusals of the severity and opening', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const severity = doc.paths['/api/v1/incidents/{ref}/severity'].post;
    expect(Object.keys(severity.responses)).toContain('422');
    expect(JSON.stringify(severity.requestBody)).toContain('override');
    const open = doc.paths['/api/v1/incidents'].post;
    expect(Object.keys(open.responses)).toContain('422');
    expect(JSON.stringify(open.requestBody)).toContain('severityOverride');
  });
});

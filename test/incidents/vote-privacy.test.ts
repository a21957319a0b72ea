// The panel judges independently (Kundo step 4): the API, not only the console, keeps a member
// who has not voted from reading how the others voted, on every path that shows votes (detail,
// command answers, timeline), per role, until the member votes or the panel decides.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../helpers/auth.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Who = { userId: string; headers: Record<string, string> };
let t: TestApp;
let owner: Who, devA: Who, devB: Who, lead: Who, viewer: Who, outsider: Who, admin: Who;
let path = '';

const call = (who: Who, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

const vote = (rationale: string) => ({
  answers: { customer_data_privacy: true },
  vote: 'critical',
  rationale,
});

beforeAll(async () => {
  t = await createTestApp();
  [owner, devA, devB, lead, viewer, outsider, admin] = await Promise.all([
    loginAs(t, 'responder'),
    loginAs(t, 'responder'),
    loginAs(t, 'responder'),
    loginAs(t, 'security_lead'),
    loginAs(t, 'viewer'),
    loginAs(t, 'responder'),
    loginAs(t, 'admin'),
  ]);
  const created = await call(owner, 'POST', '/api/v1/incidents', { title: 'Session fixation' });
  expect(created.statusCode).toBe(201);
  path = `/api/v1/incidents/${created.json().key}`;
  expect((await call(owner, 'POST', `${path}/owner`, { userId: owner.userId })).statusCode).toBe(
    200,
  );
  const reproduced = await call(owner, 'POST', `${path}/reproduction`, {
    result: 'reproduced',
    steps: 'log in twice with the same cookie',
    evidence: 'HAR',
  });
  expect(reproduced.statusCode).toBe(200);
  const panel = await call(owner, 'POST', `${path}/panel`, {
    responderIds: [devA.userId, devB.userId],
    securityLeadId: lead.userId,
  });
  expect(panel.statusCode).toBe(200);
  expect((await call(devA, 'POST', `${path}/votes`, vote('devA: tokens leak'))).statusCode).toBe(
    200,
  );
});
afterAll(async () => {
  await t.close();
});

async function detailFor(who: Who) {
  const res = await call(who, 'GET', path);
  expect(res.statusCode).toBe(200);
  return res.json();
}

async function votesInTimeline(who: Who) {
  const res = await call(who, 'GET', `${path}/timeline?limit=200`);
  expect(res.statusCode).toBe(200);
  return (res.json().items as { type: string; data: Record<string, unknown> }[]).filter(
    (e) => e.type === 'incident.panel_vote_recorded',
  );
}

describe('panel votes stay private until you vote', () => {
  it('a member who has not voted sees that devA voted, not how, in the detail and the timeline', async () => {
    for (const member of [devB, owner, lead]) {
      const detail = await detailFor(member);
      expect(detail.incident.votes).toEqual([
        expect.objectContaining({
          memberId: devA.userId,
          sealed: true,
          vote: null,
          rationale: null,
          answers: {},
        }),
      ]);
      expect(detail.assessment).toMatchObject({ sealed: true, recommendation: null });
      expect(detail.assessment.tally).toMatchObject({ critical: null, nonCritical: null });
      expect(detail.assessment.answers.every((a: { yes: unknown }) => a.yes === null)).toBe(true);
      expect(JSON.stringify(detail)).not.toContain('devA: tokens leak');

      const [recorded] = await votesInTimeline(member);
      expect(recorded!.data).toEqual({
        round: 1,
        memberId: devA.userId,
        seat: 'responder',
        sealed: true,
      });
    }
  });

  it('the answer to a member’s own unrelated command does not reveal the votes either', async () => {
    const detail = await detailFor(devB);
    const note = await call(devB, 'POST', `${path}/notes`, {
      text: 'looking at the cookie flags',
      visibility: 'internal',
    });
    expect(note.statusCode, note.body).toBe(200);
    expect(note.body).not.toContain('devA: tokens leak');
    expect(note.json().votes[0]).toMatchObject({ sealed: true, vote: null });
    expect(detail.incident.version).toBeLessThan(note.json().version);
  });

  it('people outside the panel see the votes as they are', async () => {
    for (const who of [viewer, admin, outsider]) {
      const detail = await detailFor(who);
      expect(detail.incident.votes[0]).toMatchObject({
        memberId: devA.userId,
        sealed: false,
        vote: 'critical',
        rationale: 'devA: tokens leak',
      });
      expect(detail.assessment).toMatchObject({ sealed: false });
      expect(detail.assessment.tally).toMatchObject({ critical: 1, nonCritical: 0 });
      expect((await votesInTimeline(who))[0]!.data).toMatchObject({ vote: 'critical' });
    }
  });

  it('a member sees the votes once they have voted, and everyone once the panel decided', async () => {
    const cast = await call(devB, 'POST', `${path}/votes`, vote('devB: agreed'));
    expect(cast.statusCode).toBe(200);
    expect(cast.json().votes.map((v: { vote: string }) => v.vote)).toEqual([
      'critical',
      'critical',
    ]);
    const forB = await detailFor(devB);
    expect(forB.assessment.tally).toMatchObject({ critical: 2, nonCritical: 0 });
    expect((await votesInTimeline(devB)).map((e) => e.data.rationale)).toEqual([
      'devA: tokens leak',
      'devB: agreed',
    ]);
    // The owner still has to vote: still sealed for them.
    expect((await detailFor(owner)).assessment.sealed).toBe(true);

    for (const who of [owner, lead])
      expect((await call(who, 'POST', `${path}/votes`, vote('last'))).statusCode).toBe(200);
    const decided = await detailFor(owner);
    expect(decided.incident.criticality).toBe('critical');
    expect(decided.assessment.sealed).toBe(false);
    expect(decided.incident.votes.every((v: { sealed: boolean }) => !v.sealed)).toBe(true);
  });
});

// Bad input and contested changes: each refused with a clear reason, nothing stored half-way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  createIncidentsContext,
  responder,
  incidentInput,
  type IncidentsContext,
} from '../helpers/incidents-context.ts';
import type { OpenInput } from '../../src/server/domain/incidents/index.ts';
import { reproduce } from '../helpers/reproduce.ts';

let t: IncidentsContext;
beforeAll(async () => {
  t = await createIncidentsContext();
});
afterAll(async () => {
  await t.close();
});

const owner = responder('owner');
// The staff the seats below are weighed against: each a responder.
for (const id of ['dev-a', 'dev-b', 'lead', 'ann', 'bob', 'first', 'second', 'filter-owner'])
  responder(id);
const open = (title: string, extra: Partial<OpenInput> = {}) =>
  t.container.services.incidents.openIncident(owner, incidentInput({ title, ...extra }));

async function withPanel() {
  const s = t.container.services.incidents;
  const incident = await open('Panel incident');
  await s.assignOwner(owner, incident.key, undefined, 'owner');
  await reproduce(s, owner, incident.key);
  return s.convenePanel(owner, incident.key, undefined, {
    responderIds: ['dev-a', 'dev-b'],
    securityLeadId: 'lead',
  });
}

describe('refusals', () => {
  it('an unknown severity is a validation error naming the policy’s severities', async () => {
    const incident = await open('Severity typo');
    await expect(
      t.container.services.incidents.setSeverity(owner, incident.key, undefined, 'SEV9', 'x'),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { errors: [{ field: 'severity', message: 'must be one of P0, P1, P2' }] },
    });
  });

  it('a vote by someone not on the panel is refused and not recorded', async () => {
    const incident = await withPanel();
    await expect(
      t.container.services.incidents.castVote(responder('stranger'), incident.key, undefined, {
        answers: {},
        vote: 'critical',
        rationale: 'drive-by',
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const after = await t.container.services.incidents.getIncident(owner, incident.key);
    expect(after.incident.votes).toEqual([]);
  });

  it('a member voting twice is refused; the first vote stands', async () => {
    const s = t.container.services.incidents;
    const incident = await withPanel();
    const vote = { answers: {}, vote: 'critical' as const, rationale: 'first' };
    await s.castVote(responder('dev-a'), incident.key, undefined, vote);
    await expect(
      s.castVote(responder('dev-a'), incident.key, undefined, { ...vote, vote: 'non_critical' }),
    ).rejects.toMatchObject({ code: 'RULE_REFUSED' });
    // Read by the voter: the owner has not voted yet, so the votes are sealed for them.
    const after = await s.getIncident(responder('dev-a'), incident.key);
    expect(after.incident.votes.map((v) => [v.memberId, v.vote])).toEqual([['dev-a', 'critical']]);
  });

  it('reopening a decision starts a new round and keeps the old votes on the record', async () => {
    const s = t.container.services.incidents;
    let incident = await withPanel();
    for (const id of ['owner', 'dev-a', 'dev-b', 'lead']) {
      incident = await s.castVote(responder(id), incident.key, undefined, {
        answers: { specific_circumstances_only: true },
        vote: 'non_critical',
        rationale: 'hard to hit',
      });
    }
    expect(incident.criticality).toBe('non_critical');
    incident = await s.reopenDecision(owner, incident.key, undefined, 'Seen exploited in the wild');
    expect(incident).toMatchObject({ criticality: null, panelRound: 2, votes: [] });
    expect(incident.panelMembers).toHaveLength(4);
    incident = await s.recordFinalCall(responder('lead'), incident.key, undefined, {
      outcome: 'critical',
      rationale: 'Exploited: no time for a vote',
    });
    expect(incident).toMatchObject({ criticality: 'critical', severity: 'P1', lineStopped: true });
    const votes = await s.timeline(owner, incident.key, {
      limit: 50,
      types: ['incident.panel_vote_recorded', 'incident.decision_recorded'],
    });
    expect(votes.items).toHaveLength(6);
  });

  it('a phase jump is refused naming the phases that cannot be skipped', async () => {
    const incident = await open('Jumper');
    await expect(
      t.container.services.incidents.movePhase(owner, incident.key, undefined, 'recovery'),
    ).rejects.toMatchObject({
      code: 'RULE_REFUSED',
      details: { phasesNotSkippable: ['containment', 'eradication'] },
    });
  });

  it('two conflicting updates at the same version: one wins, the other gets CONFLICT', async () => {
    const s = t.container.services.incidents;
    const incident = await open('Contested');
    const results = await Promise.allSettled([
      s.updateIncident(owner, incident.key, incident.version, { title: 'Title A' }),
      s.updateIncident(responder('other'), incident.key, incident.version, { title: 'Title B' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason,
    ).toMatchObject({
      code: 'CONFLICT',
    });
    const after = await s.getIncident(owner, incident.key);
    expect(['Title A', 'Title B']).toContain(after.incident.title);
    expect(after.incident.version).toBe(incident.version + 1);
  });

  it('script in every text field is stored as-is and returned as data', async () => {
    const s = t.container.services.incidents;
    const hostile = `<script>alert(1)</script>'; DROP TABLE incidents; -- {{7*7}} %_\\`;
    let incident = await open(hostile, {
      summary: hostile,
      source: hostile,
      affectedSystems: [hostile],
    });
    await s.assignOwner(owner, incident.key, undefined, 'owner');
    await s.recordReproduction(owner, incident.key, undefined, {
      result: 'reproduced',
      steps: hostile,
      evidence: hostile,
    });
    const task = await s.addTask(owner, incident.key, undefined, {
      type: 'other',
      title: hostile,
      description: hostile,
      assigneeId: null,
      dueAt: null,
    });
    await s.recordContainment(owner, incident.key, undefined, {
      kind: 'other',
      description: hostile,
    });
    await s.logDecision(owner, incident.key, undefined, {
      what: hostile,
      why: hostile,
      alternatives: hostile,
      decidedBy: hostile,
    });
    incident = await s.addNote(owner, incident.key, undefined, hostile, 'internal');
    expect(incident).toMatchObject({
      title: hostile,
      summary: hostile,
      source: hostile,
      affectedSystems: [hostile],
    });
    expect(incident.reproduction).toEqual({
      result: 'reproduced',
      steps: hostile,
      evidence: hostile,
    });
    expect(incident.tasks.find((x) => x.id === task.id)).toMatchObject({
      title: hostile,
      description: hostile,
    });
    expect(incident.containment[0]!.description).toBe(hostile);
    expect((await s.listDecisions(owner, incident.key))[0]).toMatchObject({
      what: hostile,
      decidedBy: hostile,
    });
    const notes = await s.timeline(owner, incident.key, {
      limit: 10,
      types: ['incident.note_added'],
    });
    expect(notes.items[0]!.data.text).toBe(hostile);
    // The search text is data, not a LIKE pattern.
    const found = await s.listIncidents(owner, { text: '%_\\', limit: 10, offset: 0 });
    expect(found.items.map((i) => i.key)).toEqual([incident.key]);
  });
});

describe('restricted incidents', () => {
  it('are invisible to non-participants and visible to participants and admins', async () => {
    const s = t.container.services.incidents;
    const secret = await open('Insider access to payroll', { restricted: true });
    await expect(s.getIncident(responder('outsider'), secret.key)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      s.addNote(responder('outsider'), secret.key, undefined, 'peek', 'internal'),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const listed = await s.listIncidents(responder('outsider'), { limit: 100, offset: 0 });
    expect(listed.items.map((i) => i.key)).not.toContain(secret.key);
    expect((await s.getIncident(admin('root'), secret.key)).incident.key).toBe(secret.key);
    await s.addParticipant(owner, secret.key, undefined, 'legal-counsel');
    expect((await s.getIncident(responder('legal-counsel'), secret.key)).incident.title).toBe(
      'Insider access to payroll',
    );
    const theirs = await s.listIncidents(responder('legal-counsel'), { limit: 100, offset: 0 });
    expect(theirs.items.map((i) => i.key)).toContain(secret.key);
  });
});

describe('restricted incidents on the line', () => {
  it('show only their key and severity to whoever reads the line', async () => {
    const s = t.container.services.incidents;
    const secret = await open('Payroll export by a former admin', { restricted: true });
    await reproduce(s, owner, secret.key);
    await s.setSeverity(owner, secret.key, undefined, 'P0', 'Data is leaving');
    const line = await s.getLine();
    expect(line.incidents.find((i) => i.key === secret.key)).toMatchObject({
      title: 'Restricted incident',
      severity: 'P0',
    });
  });
});

describe('roles', () => {
  it('a hand-over keeps who held the role, from when to when', async () => {
    const s = t.container.services.incidents;
    const incident = await open('Hand-over');
    await s.assignRole(owner, incident.key, undefined, {
      role: 'communications_lead',
      userId: 'ann',
    });
    t.clock.advance(60_000);
    const after = await s.assignRole(owner, incident.key, undefined, {
      role: 'communications_lead',
      userId: 'bob',
      replacesUserId: 'ann',
    });
    expect(after.roles.map((r) => [r.role, r.userId])).toEqual([['communications_lead', 'bob']]);
    const detail = await s.getIncident(owner, incident.key);
    expect(detail.roleHistory).toEqual([
      expect.objectContaining({ userId: 'ann', from: t.clock.now() - 60_000, to: t.clock.now() }),
      expect.objectContaining({ userId: 'bob', from: t.clock.now(), to: null }),
    ]);
    await expect(
      s.assignRole(owner, incident.key, undefined, { role: 'janitor', userId: 'x' }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    // Only someone who manages roles, or the incident's commander, assigns roles.
    const plain = { ...responder('plain'), permissions: new Set(['incidents.update' as const]) };
    await expect(
      s.assignRole(plain, incident.key, undefined, { role: 'legal', userId: 'lawyer' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('re-assigning the owner keeps the history', async () => {
    const s = t.container.services.incidents;
    const incident = await open('Owner change');
    await s.assignOwner(owner, incident.key, undefined, 'first');
    t.clock.advance(1000);
    await s.assignOwner(owner, incident.key, undefined, 'second');
    const detail = await s.getIncident(owner, incident.key);
    expect(detail.incident.ownerId).toBe('second');
    expect(detail.ownerHistory.map((h) => [h.userId, h.how, h.to === null])).toEqual([
      ['first', 'manual', false],
      ['second', 'manual', true],
    ]);
  });
});

describe('listing', () => {
  it('filters by phase, severity, owner, criticality and text, a page at a time', async () => {
    const s = t.container.services.incidents;
    const a = await open('Filter alpha SQL injection');
    await s.assignOwner(owner, a.key, undefined, 'filter-owner');
    await reproduce(s, owner, a.key);
    await s.setSeverity(owner, a.key, undefined, 'P0', 'exploited');
    const b = await open('Filter beta XSS');
    const bySeverity = await s.listIncidents(owner, { severity: 'P0', limit: 10, offset: 0 });
    expect(bySeverity.items.map((i) => i.key)).toContain(a.key);
    expect(bySeverity.items.map((i) => i.severity)).toEqual(bySeverity.items.map(() => 'P0'));
    const byOwner = await s.listIncidents(owner, { ownerId: 'filter-owner', limit: 10, offset: 0 });
    expect(byOwner.items.map((i) => i.key)).toEqual([a.key]);
    const byText = await s.listIncidents(owner, { text: 'xss', limit: 10, offset: 0 });
    expect(byText.items.map((i) => i.key)).toEqual([b.key]);
    const undecided = await s.listIncidents(owner, {
      criticality: 'undecided',
      phase: 'detection_analysis',
      limit: 1,
      offset: 0,
    });
    expect(undecided.items).toHaveLength(1);
    expect(undecided.total).toBeGreaterThan(1);
  });
});

// A team with its own words: four severities, a panel of two, its own phases and roles.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContainer } from '../../src/server/container.ts';
import { loadPolicyFile } from '../../src/server/domain/policy/index.ts';
import { createLogger } from '../../src/server/logger.ts';
import { DEFAULT_POLICY_PATH } from '../helpers/incident-factory.ts';
import { runCli } from '../helpers/cli-process.ts';
import {
  createIncidentsContext,
  responder,
  incidentInput,
  type IncidentsContext,
} from '../helpers/incidents-context.ts';
import { reproduce } from '../helpers/reproduce.ts';

const POLICY = fileURLToPath(new URL('../fixtures/policies/sev-1-to-4.yaml', import.meta.url));

let t: IncidentsContext;
// The panel named below sits as responders (the seats are weighed against them).
for (const id of ['team-dev', 'head-of-security']) responder(id);
beforeAll(async () => {
  t = await createIncidentsContext({ policy: loadPolicyFile(POLICY) });
});
afterAll(async () => {
  await t.close();
});

describe('a SEV1–SEV4 policy with its own phases', () => {
  it('runs an incident end to end under its rules', async () => {
    const s = t.container.services.incidents;
    const owner = responder('owner');
    const peer = responder('peer');
    let incident = await s.openIncident(
      owner,
      incidentInput({
        title: 'Checkout down after a WAF rule',
        source: 'monitoring',
        affectedSystems: ['checkout'],
      }),
    );
    expect(incident.phase).toBe('triage');
    expect(incident.policyHash).toBe(loadPolicyFile(POLICY).hash);
    await expect(s.setSeverity(owner, incident.key, undefined, 'P1', 'x')).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { errors: [{ message: 'must be one of SEV1, SEV2, SEV3, SEV4' }] },
    });
    await s.assignOwner(owner, incident.key, undefined, 'owner');
    // "Reproduce first", as this policy says.
    await reproduce(s, owner, incident.key);
    // A panel of two with no security lead; a tie counts as critical under this policy.
    await s.convenePanel(owner, incident.key, undefined, {
      responderIds: ['peer'],
      securityLeadId: null,
    });
    await s.castVote(owner, incident.key, undefined, {
      answers: { customers_hurt: true },
      vote: 'critical',
      rationale: 'down',
    });
    incident = await s.castVote(peer, incident.key, undefined, {
      answers: { theoretical: true },
      vote: 'non_critical',
      rationale: 'edge',
    });
    expect(incident).toMatchObject({
      criticality: 'critical',
      severity: 'SEV2',
      lineStopped: true,
    });
    incident = await s.setSeverity(
      owner,
      incident.key,
      undefined,
      'SEV1',
      'Every customer is affected',
    );
    expect((await s.getIncident(owner, incident.key)).flags.map((f) => f.role)).toEqual([
      'lead',
      'scribe',
    ]);

    await s.assignRole(owner, incident.key, undefined, { role: 'lead', userId: 'owner' });
    incident = await s.movePhase(owner, incident.key, undefined, 'mitigate');
    await expect(s.movePhase(owner, incident.key, undefined, 'resolve')).rejects.toThrow(
      /Required roles are not filled: Scribe/,
    );
    await s.assignRole(owner, incident.key, undefined, { role: 'scribe', userId: 'peer' });
    const fix = await s.addTask(owner, incident.key, undefined, {
      type: 'eradicate',
      title: 'Roll back the WAF rule',
      description: '',
      assigneeId: 'peer',
      dueAt: null,
    });
    expect((await s.getIncident(owner, incident.key)).flags).toMatchObject([
      { kind: 'troubleshooting_conflict', role: 'scribe', userId: 'peer' },
    ]);
    await s.updateTask(owner, incident.key, undefined, fix.id, { assigneeId: 'owner' });
    incident = await s.movePhase(owner, incident.key, undefined, 'resolve');
    // This policy holds the line until the incident is resolved, not merely mitigated.
    expect(incident.lineStopped).toBe(true);
    await expect(s.movePhase(owner, incident.key, undefined, 'review')).rejects.toThrow(
      /Tasks still open: "Roll back the WAF rule"/,
    );
    await s.updateTask(owner, incident.key, undefined, fix.id, { status: 'done' });
    incident = await s.movePhase(owner, incident.key, undefined, 'review');
    expect(incident.lineStopped).toBe(false);
    expect((await s.lineHistory(5))[0]).toMatchObject({ change: 'resumed', reason: 'resolved' });
    incident = await s.movePhase(
      responder('owner', ['incidents.close']),
      incident.key,
      undefined,
      'done',
    );
    expect(incident.phase).toBe('done');
    expect(incident.closedAt).not.toBeNull();
    expect((await runCli(['verify'], t.database.env)).code).toBe(0);
  });
});

describe('a policy change while incidents are open', () => {
  it('keeps each incident under the policy it was opened with', async () => {
    // The same database, restarted with the default policy in force.
    const other = await createContainer(t.database.config, {
      clock: t.clock,
      logger: createLogger('silent'),
      policy: loadPolicyFile(DEFAULT_POLICY_PATH),
    });
    try {
      const owner = responder('owner');
      const before = await t.container.services.incidents.openIncident(
        owner,
        incidentInput({ title: 'Opened under the four-severity policy' }),
      );
      const s = other.services.incidents;
      // The old incident still speaks SEV1–SEV4 and its own phases...
      await reproduce(s, owner, before.key);
      const old = await s.setSeverity(owner, before.key, undefined, 'SEV3', 'minor after all');
      expect(old).toMatchObject({ severity: 'SEV3', phase: 'triage' });
      expect(
        (await s.getIncident(owner, before.key)).exitChecksFailing.map((c) => c.check),
      ).toEqual(['owner_assigned', 'decision_recorded']);
      // ...while a new incident is handled under the policy now in force.
      const fresh = await s.openIncident(
        owner,
        incidentInput({ title: 'Opened under the default' }),
      );
      expect(fresh.phase).toBe('detection_analysis');
      await expect(s.setSeverity(owner, fresh.key, undefined, 'SEV3', 'x')).rejects.toMatchObject({
        code: 'VALIDATION',
      });
    } finally {
      await other.close();
    }
  });
});

describe('the shipped example policy (policies/examples/sev-1-to-4.yaml)', () => {
  it('runs a non-critical incident from triage to closed, skipping what it may skip', async () => {
    const example = fileURLToPath(
      new URL('../../policies/examples/sev-1-to-4.yaml', import.meta.url),
    );
    const c = await createIncidentsContext({ policy: loadPolicyFile(example) });
    try {
      const s = c.container.services.incidents;
      const oncall = responder('oncall', ['incidents.close']);
      let incident = await s.openIncident(oncall, incidentInput({ title: 'Stack trace on 500' }));
      await s.assignOwner(oncall, incident.key, undefined, 'oncall');
      await s.recordReproduction(oncall, incident.key, undefined, {
        result: 'reproduced',
        steps: 'GET /boom',
        evidence: '',
      });
      await s.convenePanel(oncall, incident.key, undefined, {
        responderIds: ['team-dev'],
        securityLeadId: 'head-of-security',
      });
      const answers = { data_exposed: false, needs_insider_access: true };
      await s.castVote(oncall, incident.key, undefined, {
        answers,
        vote: 'non_critical',
        rationale: 'noise',
      });
      incident = await s.castVote(responder('team-dev'), incident.key, undefined, {
        answers,
        vote: 'non_critical',
        rationale: 'internal only',
      });
      expect(incident).toMatchObject({
        criticality: 'non_critical',
        severity: 'SEV3',
        lineStopped: false,
      });
      incident = await s.movePhase(oncall, incident.key, undefined, 'resolve');
      await s.recordMilestone(
        oncall,
        incident.key,
        undefined,
        'root_cause_fixed',
        'Error page hides traces',
      );
      incident = await s.movePhase(oncall, incident.key, undefined, 'closed');
      const moves = await s.timeline(oncall, incident.key, {
        limit: 10,
        types: ['incident.phase_changed'],
      });
      expect(moves.items.map((e) => e.data)).toEqual([
        { from: 'triage', to: 'resolve', skipped: ['mitigate'], closes: false },
        { from: 'resolve', to: 'closed', skipped: ['review'], closes: true },
      ]);
    } finally {
      await c.close();
    }
  });
});

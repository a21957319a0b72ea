import { describe, expect, it } from 'vitest';
import {
  deEscalate,
  handOffToDevelopment,
  movePhase,
  recordMilestone,
  setSeverity,
} from '../../src/server/domain/incidents/incident-rules.ts';
import type { ContainmentAction, Task } from '../../src/server/domain/incidents/incident-state.ts';
import {
  gateVerdict,
  holdsLine,
  lineChange,
} from '../../src/server/domain/incidents/line-rules.ts';
import { planPhaseMove } from '../../src/server/domain/incidents/phase-rules.ts';
import { roleFlags } from '../../src/server/domain/incidents/role-rules.ts';
import { aReproducedIncident, anIncident, defaultPolicy } from '../helpers/incident-factory.ts';

const policy = defaultPolicy();
let n = 0;
const ctx = { newId: () => `id-${++n}` };

const task = (overrides: Partial<Task>): Task => ({
  id: 't1',
  type: 'other',
  title: 'a task',
  description: '',
  assigneeId: null,
  dueAt: null,
  status: 'open',
  createdAt: 0,
  updatedAt: 0,
  completedAt: null,
  ...overrides,
});
const blockPasswordReset: ContainmentAction = {
  id: 'c1',
  kind: 'feature_disabled',
  description: 'Password reset disabled',
  hookId: null,
  hookAnswer: null,
  status: 'active',
  justification: null,
  recordedAt: 0,
  endedAt: null,
};
// Decided critical: verify & reproduce came first.
const criticalIncident = aReproducedIncident({ severity: 'P1', criticality: 'critical' });

describe('incident roles', () => {
  it('a critical incident without a communications lead is flagged', () => {
    const incident = anIncident({
      severity: 'P1',
      criticality: 'critical',
      roles: [
        { role: 'incident_commander', userId: 'ic', since: 0 },
        { role: 'security_engineer', userId: 'se', since: 0 },
      ],
    });
    expect(roleFlags(incident, policy)).toEqual([
      expect.objectContaining({ kind: 'missing_role', role: 'communications_lead' }),
    ]);
  });

  it('a P0 also needs an executive sponsor; a P2 needs nobody in particular', () => {
    const p0 = roleFlags(anIncident({ severity: 'P0' }), policy).map((f) => f.role);
    expect(p0).toContain('executive_sponsor');
    expect(roleFlags(anIncident({ severity: 'P2' }), policy)).toEqual([]);
  });

  it('a communications lead given a troubleshooting task is flagged', () => {
    const incident = anIncident({
      severity: 'P2',
      roles: [{ role: 'communications_lead', userId: 'comms', since: 0 }],
      tasks: [
        task({ id: 'fix', type: 'eradicate', title: 'Patch the token check', assigneeId: 'comms' }),
        task({ id: 'tell', type: 'communicate', title: 'Tell customers', assigneeId: 'comms' }),
      ],
    });
    const flags = roleFlags(incident, policy);
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({
      kind: 'troubleshooting_conflict',
      userId: 'comms',
      taskId: 'fix',
    });
    expect(flags[0]!.message).toMatch(/takes no part in troubleshooting/);
  });
});

describe('phases', () => {
  it('the decision cannot be skipped: leaving detection needs owner, reproduction, decision, severity', () => {
    const refusal = (() => {
      try {
        planPhaseMove(anIncident({ ownerId: null }), policy, 'containment');
      } catch (error) {
        return error as {
          code: string;
          details: { failedChecks: { check: string; reason: string }[] };
        };
      }
    })();
    expect(refusal?.code).toBe('RULE_REFUSED');
    expect(refusal?.details.failedChecks.map((c) => c.check)).toEqual([
      'owner_assigned',
      'reproduction_recorded',
      'decision_recorded',
      'severity_set',
    ]);
  });

  it('a critical incident cannot jump from detection to recovery', () => {
    const incident = {
      ...criticalIncident,
      reproduction: { result: 'reproduced' as const, steps: '', evidence: '' },
    };
    expect(() => planPhaseMove(incident, policy, 'recovery')).toThrow(
      /Containment cannot be skipped/,
    );
    expect(planPhaseMove(incident, policy, 'containment')).toEqual({
      from: 'detection_analysis',
      to: 'containment',
      skipped: [],
    });
  });

  it('a non-critical incident skips containment, eradication and recovery', () => {
    const incident = anIncident({
      severity: 'P2',
      criticality: 'non_critical',
      reproduction: { result: 'reproduced', steps: '', evidence: '' },
    });
    expect(planPhaseMove(incident, policy, 'lessons_learned').skipped).toEqual([
      'containment',
      'eradication',
      'recovery',
    ]);
  });

  it('a public disclosure must be taken down before the analysis phase ends', () => {
    const disclosed = anIncident({
      ...criticalIncident,
      publiclyDisclosed: true,
      reproduction: { result: 'reproduced', steps: '', evidence: '' },
      tasks: [task({ type: 'remove_public_disclosure', title: 'Hide the forum post' })],
    });
    expect(() => planPhaseMove(disclosed, policy, 'containment')).toThrow(/disclosed publicly/);
    const hidden = {
      ...disclosed,
      tasks: [task({ type: 'remove_public_disclosure', status: 'done' })],
    };
    expect(planPhaseMove(hidden, policy, 'containment').to).toBe('containment');
  });

  it('phases never move backwards', () => {
    const incident = anIncident({ phase: 'eradication' });
    expect(() => planPhaseMove(incident, policy, 'containment')).toThrow(/only move forward/);
  });

  it('a closed incident refuses every move, with the reason as a failed check', () => {
    const closed = anIncident({ phase: 'closed' });
    expect(() => movePhase(closed, policy, 'closed')).toThrow(
      expect.objectContaining({
        code: 'RULE_REFUSED',
        details: expect.objectContaining({
          failedChecks: [
            {
              code: 'incident_closed',
              phase: 'closed',
              reason: 'INC-2026-0001 is closed; its record can only be read',
            },
          ],
        }),
      }),
    );
  });

  it('closing with an active containment action is refused with the reason', () => {
    const incident = anIncident({
      ...criticalIncident,
      phase: 'lessons_learned',
      containment: [blockPasswordReset],
      milestones: ['post_mortem_recorded', 'final_report_step_recorded'],
    });
    expect(() => movePhase(incident, policy, 'closed')).toThrow(
      'Cannot move to Closed: Containment still in force without a justification: "Password reset disabled"; revert it or record why it stays',
    );
    const kept = { ...blockPasswordReset, status: 'kept' as const, justification: 'stays off' };
    expect(movePhase({ ...incident, containment: [kept] }, policy, 'closed')[0]).toMatchObject({
      type: 'incident.phase_changed',
      data: { to: 'closed' },
    });
  });

  it('a critical incident cannot close without its required post-mortem approved and the final report step', () => {
    const incident = anIncident({ ...criticalIncident, phase: 'lessons_learned' });
    const postmortem = { requiredBecause: ['severity P1'], status: 'draft' as const };
    expect(() => movePhase(incident, policy, 'closed', { postmortem })).toThrow(
      /The post-mortem the policy requires \(severity P1\) is not approved: it is in draft; The final report step/,
    );
    const approved = { ...postmortem, status: 'approved' as const };
    const reported = { ...incident, milestones: ['final_report_step_recorded' as const] };
    expect(movePhase(reported, policy, 'closed', { postmortem: approved })[0]).toMatchObject({
      data: { to: 'closed' },
    });
    // A policy that lists the check nowhere still weighs it on the way to the terminal phase.
    const unlisted = {
      ...policy,
      phases: policy.phases.map((p) => ({
        ...p,
        exitChecks: p.exitChecks.filter((c) => c.check !== 'postmortem_approved'),
      })),
    };
    expect(() => movePhase(reported, unlisted, 'closed', { postmortem })).toThrow(/not approved/);
  });
});

describe('severity, de-escalation and hand-off', () => {
  it('an unknown severity is bad input', () => {
    expect(() => setSeverity(anIncident(), policy, 'SEV9', 'x')).toThrow(
      expect.objectContaining({
        code: 'VALIDATION',
        message: '"SEV9" is not one of the policy\'s severities',
      }),
    );
  });

  it('a decided-critical incident cannot quietly get a non-critical severity', () => {
    expect(() => setSeverity(criticalIncident, policy, 'P2', 'feels minor')).toThrow(/de-escalate/);
    expect(setSeverity(criticalIncident, policy, 'P0', 'actively exploited')[0]!.data).toEqual({
      severity: 'P0',
      previous: 'P1',
      rationale: 'actively exploited',
    });
  });

  it('de-escalation records rationale and creates a root-cause follow-up', () => {
    const incident = anIncident({ ...criticalIncident, containment: [blockPasswordReset] });
    const events = deEscalate(
      incident,
      policy,
      { rationale: 'Feature off; no data reachable' },
      ctx,
    );
    expect(events[0]).toMatchObject({
      type: 'incident.de_escalated',
      data: { rationale: 'Feature off; no data reachable', fromSeverity: 'P1', toSeverity: 'P2' },
    });
    expect(events[1]).toMatchObject({
      type: 'incident.task_added',
      data: {
        type: 'follow_up',
        title: 'Fix the root cause of INC-2026-0001',
        assigneeId: 'owner',
      },
    });
    expect((events[1]!.data as { taskId: string }).taskId).toBe(
      (events[0]!.data as { followUpTaskId: string }).followUpTaskId,
    );
  });

  it('de-escalation needs a containment that made it non-critical', () => {
    expect(() => deEscalate(criticalIncident, policy, { rationale: 'x' }, ctx)).toThrow(
      /containment/,
    );
  });

  it('only a non-critical incident is handed to the normal development process', () => {
    expect(() => handOffToDevelopment(criticalIncident, policy, 'https://tracker/1')).toThrow(
      /non-critical/,
    );
    const minor = anIncident({ severity: 'P2', criticality: 'non_critical' });
    expect(handOffToDevelopment(minor, policy, 'https://tracker/1')[0]!.data).toEqual({
      trackerUrl: 'https://tracker/1',
    });
  });

  it('the reporter is told results only after their identity is verified', () => {
    const incident = anIncident({ reportIds: ['report-1'] });
    expect(() => recordMilestone(incident, policy, 'reporter_informed', 'called')).toThrow(
      /identity/,
    );
    // The refusal says what to do in the console's words, not an internal name.
    expect(() => recordMilestone(incident, policy, 'reporter_informed', 'called')).toThrow(
      /a task of the kind "verify reporter identity"$/,
    );
    expect(() => recordMilestone(incident, policy, 'reporter_informed', 'called')).not.toThrow(
      /verify_reporter_identity/,
    );
    const verified = {
      ...incident,
      tasks: [task({ type: 'verify_reporter_identity', status: 'done' })],
    };
    expect(recordMilestone(verified, policy, 'reporter_informed', 'called')).toHaveLength(1);
    // Verified on the report itself: that counts, once.
    const onReport = new Set(['report-1']);
    expect(recordMilestone(incident, policy, 'reporter_informed', 'called', onReport)).toHaveLength(
      1,
    );
  });
});

describe('stop the line', () => {
  it('a critical incident stops the line', () => {
    expect(lineChange(criticalIncident, policy)).toMatchObject({ change: 'stopped' });
    expect(holdsLine(anIncident({ severity: 'P2', criticality: 'non_critical' }), policy)).toBe(
      false,
    );
  });

  it('the line resumes once the incident has left containment', () => {
    const stopped = { ...criticalIncident, lineStopped: true };
    expect(lineChange({ ...stopped, phase: 'containment' }, policy)).toBeNull();
    expect(lineChange({ ...stopped, phase: 'eradication' }, policy)).toEqual({
      change: 'resumed',
      reason: 'contained',
    });
  });

  it('de-escalation lets the line run when the policy says so', () => {
    const deEscalated = anIncident({
      severity: 'P2',
      criticality: 'non_critical',
      deEscalatedAt: 5,
      lineStopped: true,
    });
    expect(lineChange(deEscalated, policy)).toEqual({ change: 'resumed', reason: 'de_escalated' });
    const strict = {
      ...policy,
      stopTheLine: { ...policy.stopTheLine, resumesWhen: ['closed' as const] },
    };
    expect(lineChange(deEscalated, strict)).toBeNull();
  });

  it('the gate passes only a change that names every stopping incident', () => {
    const stopping = [{ key: 'INC-2026-0003' }, { key: 'INC-2026-0007' }];
    expect(gateVerdict([])).toEqual({ pass: true, blocking: [], allowed: [] });
    expect(gateVerdict(stopping).pass).toBe(false);
    expect(gateVerdict(stopping, 'fix INC-2026-0003: escape the token').blocking).toEqual([
      'INC-2026-0007',
    ]);
    expect(gateVerdict(stopping, 'fix inc-2026-0003 and INC-2026-0007').pass).toBe(true);
    expect(gateVerdict([{ key: 'INC-2026-0003' }], 'fix INC-2026-00031').pass).toBe(false);
  });
});

// What the incident page offers and what a person must do now: answered by the rules that
// refuse the actions, so the console and the server agree (issue 21, items 5 and 6).
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/server/domain/actor.ts';
import { permissionsForRoles } from '../../src/server/domain/accounts/index.ts';
import { assertMayAssignRoles, seatsOf } from '../../src/server/domain/incidents/access-rules.ts';
import { allowedActions, nextSteps } from '../../src/server/domain/incidents/next-step-rules.ts';
import { movePhase } from '../../src/server/domain/incidents/incident-rules.ts';
import { parsePolicy, type Policy } from '../../src/server/domain/policy/index.ts';
import { aReproducedIncident, anIncident, defaultPolicy } from '../helpers/incident-factory.ts';
import { readFileSync } from 'node:fs';
import { DEFAULT_POLICY_PATH } from '../helpers/incident-factory.ts';

const policy = defaultPolicy();
const person = (userId: string, roles: string[], kind: Actor['kind'] = 'user'): Actor => ({
  kind,
  userId,
  roles,
  permissions: permissionsForRoles(roles),
});
const responder = (id: string) => person(id, ['responder']);
const lead = person('lead', ['security_lead']);

/** The default policy with the owner allowed to assign roles too. */
function ownerAssigns(): Policy {
  const text = readFileSync(DEFAULT_POLICY_PATH, 'utf8').replace(
    /^phases:/m,
    'roleAssignment:\n  assignableBy: [owner, incident_commander]\n\nphases:',
  );
  const parsed = parsePolicy(text);
  if (!parsed.ok) throw new Error('the edited policy does not load');
  return parsed.policy;
}

const find = (answers: ReturnType<typeof allowedActions>, action: string, target?: string) =>
  answers.find((a) => a.action === action && (target === undefined || a.target === target))!;

describe('who assigns incident roles (roleAssignment.assignableBy)', () => {
  const incident = aReproducedIncident({
    severity: 'P1',
    criticality: 'critical',
    ownerId: 'owner',
    roles: [{ role: 'incident_commander', userId: 'ic', since: 0 }],
  });

  it('by default a security lead and the commander; the owner is told who can', () => {
    expect(policy.roleAssignment.assignableBy).toEqual(['incident_commander']);
    expect(() => assertMayAssignRoles(incident, policy, lead)).not.toThrow();
    expect(() => assertMayAssignRoles(incident, policy, responder('ic'))).not.toThrow();
    expect(() => assertMayAssignRoles(incident, policy, responder('owner'))).toThrow(
      "Only a security lead (incidents.manage_roles) or this incident's commander may assign this incident's roles",
    );
  });

  it('the owner too when the policy says so; anyone else is refused, naming who can', () => {
    const edited = ownerAssigns();
    expect(() => assertMayAssignRoles(incident, edited, responder('owner'))).not.toThrow();
    expect(() => assertMayAssignRoles(incident, edited, responder('someone'))).toThrow(
      "Only a security lead (incidents.manage_roles), this incident's owner or this incident's commander may assign this incident's roles",
    );
  });

  it("the owner's token carries the right only with incidents.command in its scope", () => {
    const token: Actor = {
      kind: 'token',
      userId: 'owner',
      roles: ['responder'],
      permissions: new Set(['incidents.read', 'incidents.update']),
    };
    expect(() => assertMayAssignRoles(incident, ownerAssigns(), token)).toThrow(
      "Assigning roles as this incident's owner needs incidents.command; this token's scope does not have it",
    );
  });

  it('a policy naming an unknown assigner is refused', () => {
    const text = readFileSync(DEFAULT_POLICY_PATH, 'utf8').replace(
      /^phases:/m,
      'roleAssignment:\n  assignableBy: [reporter]\n\nphases:',
    );
    expect(parsePolicy(text).ok).toBe(false);
  });
});

describe('allowed actions: the rules that refuse them answer', () => {
  it('moving on lists the blockers of the phase, the same reasons the move is refused with', () => {
    const incident = aReproducedIncident({ severity: 'P1', criticality: 'critical' });
    const answers = allowedActions(incident, policy, responder('owner'), {});
    const next = find(answers, 'move_phase', 'containment');
    expect(next.allowed).toBe(true);
    const containment = { ...incident, phase: 'containment' };
    const moveOn = find(
      allowedActions(containment, policy, responder('owner'), {}),
      'move_phase',
      'eradication',
    );
    expect(moveOn.allowed).toBe(false);
    let refused: string[] = [];
    try {
      movePhase(containment, policy, 'eradication', {});
    } catch (error) {
      refused = (
        error as { details: { failedChecks: { reason: string }[] } }
      ).details.failedChecks.map((f) => f.reason);
    }
    expect(moveOn.reasons).toEqual(refused);
    expect(moveOn.reasons.length).toBeGreaterThan(1);
  });

  it('skipping ahead to Closed on a critical incident is refused with its reasons; closing needs the permission', () => {
    const incident = aReproducedIncident({ severity: 'P0', criticality: 'critical' });
    const close = find(
      allowedActions(incident, policy, responder('owner'), {}),
      'move_phase',
      'closed',
    );
    expect(close.allowed).toBe(false);
    expect(close.reasons).toContain(
      "Only someone allowed to close incidents (incidents.close), or this incident's commander, may do this",
    );
    expect(close.reasons.some((r) => /cannot be skipped/.test(r))).toBe(true);
  });

  it('a read-only viewer is told which permission each action needs', () => {
    const viewer = person('v', ['viewer']);
    const answers = allowedActions(anIncident(), policy, viewer, {});
    expect(answers.every((a) => !a.allowed)).toBe(true);
    expect(find(answers, 'edit').reasons).toEqual(['This needs the incidents.update permission']);
  });

  it('a closed incident is read-only: every change refused, saying so', () => {
    const closed = anIncident({ phase: 'closed', closedAt: 1 });
    const answers = allowedActions(closed, policy, lead, {});
    expect(answers.filter((a) => a.allowed)).toEqual([]);
    expect(find(answers, 'edit').reasons).toEqual([
      'INC-2026-0001 is closed; its record can only be read',
    ]);
  });

  it('de-escalation and the hand-off say why not', () => {
    const answers = allowedActions(aReproducedIncident(), policy, lead, {});
    expect(find(answers, 'de_escalate').reasons).toEqual([
      'Only a critical incident can be de-escalated',
    ]);
    expect(find(answers, 'hand_off').reasons).toEqual([
      'Only an incident decided non-critical goes to the normal development process',
    ]);
  });
});

describe('what you must do now', () => {
  it('a panel member who has not voted is asked to vote first', () => {
    const incident = aReproducedIncident({
      panelMembers: [
        { userId: 'owner', seat: 'owner' },
        { userId: 'm1', seat: 'responder' },
      ],
      tasks: [],
    });
    const steps = nextSteps(incident, policy, responder('m1'), {});
    expect(steps[0]).toMatchObject({ kind: 'vote' });
    expect(
      nextSteps({ ...incident, criticality: 'critical' }, policy, responder('m1'), {}),
    ).toEqual([]);
  });

  it('the owner of a P1 sees the missing roles, and who can fill them when they cannot', () => {
    const incident = aReproducedIncident({
      severity: 'P1',
      criticality: 'critical',
      phase: 'containment',
      panelMembers: [{ userId: 'owner', seat: 'owner' }],
    });
    const steps = nextSteps(incident, policy, responder('owner'), {});
    const roles = steps.filter((s) => s.kind === 'fill_role');
    expect(roles.map((s) => s.text)).toEqual([
      'Fill the role: Incident commander (a P1 incident needs one)',
      'Fill the role: Security engineer (a P1 incident needs one)',
      'Fill the role: Communications lead (a P1 incident needs one)',
    ]);
    expect(roles[0]!.detail).toMatch(/^Only a security lead/);
    expect(
      nextSteps(incident, ownerAssigns(), responder('owner'), {}).find(
        (s) => s.kind === 'fill_role',
      )!.detail,
    ).toBeNull();
    expect(steps.map((s) => s.kind)).toContain('clear_blocker');
  });

  it('tasks, an incident nobody owns, and the duties of a role held', () => {
    const incident = anIncident({
      ownerId: null,
      roles: [{ role: 'communications_lead', userId: 'c', since: 0 }],
      tasks: [
        {
          id: 't1',
          type: 'communicate',
          title: 'Tell the customers',
          description: '',
          assigneeId: 'c',
          dueAt: null,
          status: 'open',
          createdAt: 0,
          updatedAt: 0,
          completedAt: null,
        },
      ],
    });
    const comms = nextSteps(incident, policy, person('c', ['comms']), {});
    expect(comms.map((s) => [s.kind, s.text])).toEqual([
      ['task', 'Your task: Tell the customers'],
      ['role_duty', 'As Communications lead'],
    ]);
    expect(nextSteps(incident, policy, responder('r'), {}).map((s) => s.kind)).toEqual([
      'take_ownership',
    ]);
    expect(nextSteps({ ...incident, phase: 'closed' }, policy, person('c', ['comms']), {})).toEqual(
      [],
    );
  });
});

describe('who can be picked for a seat', () => {
  it('the read-only viewer for none; legal for a role; a responder for owner, panel and role', () => {
    expect(seatsOf(permissionsForRoles(['viewer']))).toEqual([]);
    expect(seatsOf(permissionsForRoles(['legal']))).toEqual(['role']);
    expect(seatsOf(permissionsForRoles(['comms']))).toEqual(['role']);
    expect(seatsOf(permissionsForRoles(['responder']))).toEqual(['owner', 'panel', 'role']);
    expect(seatsOf(permissionsForRoles(['security_lead']))).toEqual([
      'owner',
      'panel',
      'security_lead',
      'role',
    ]);
  });
});

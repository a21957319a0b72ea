// What the signed-in person may do on an incident and what they must do now. Each action is
// put to the same rules (and permission checks) that refuse it, so what the console offers and
// what the server accepts cannot disagree; a refusal's words are the reasons shown.
import type { IncidentAction, NextStepKind } from '../../../shared/domain/incidents.ts';
import { AppError } from '../../errors.ts';
import { can, requirePermission, type Actor } from '../actor.ts';
import type { Permission } from '../../../shared/domain/permissions.ts';
import type { Policy } from '../policy/index.ts';
import { assertCommanderOr, assertMayAssignRoles } from './access-rules.ts';
import { tallyVotes } from './assessment-rules.ts';
import * as rules from './incident-rules.ts';
import {
  assertOpen,
  holdsRole,
  isClosed,
  phaseIndex,
  type IncidentState,
  type RuleContext,
} from './incident-state.ts';
import { failedExitChecks, type ExitContext } from './phase-rules.ts';
import { missingRoles } from './role-rules.ts';
import { waitingForReproduction } from './verification-rules.ts';

export interface ActionAnswer {
  action: IncidentAction;
  /** The phase of a move; null for the other actions. */
  target: string | null;
  allowed: boolean;
  /** Why not, in words (every reason); empty when allowed. */
  reasons: string[];
}

export interface NextStep {
  kind: NextStepKind;
  text: string;
  /** More about it: the role's duty, what still stands in the way; null when nothing to add. */
  detail: string | null;
  /** The task's id (kind task). */
  taskId: string | null;
}

/** A refusal's reasons: every failed check of a phase move, or its message. */
function reasonsOf(error: unknown): string[] {
  if (!(error instanceof AppError) || !['RULE_REFUSED', 'FORBIDDEN'].includes(error.code))
    throw error;
  const failed = error.details.failedChecks;
  return Array.isArray(failed) ? failed.map((f: { reason: string }) => f.reason) : [error.message];
}

function answer(
  action: IncidentAction,
  target: string | null,
  checks: (() => unknown)[],
): ActionAnswer {
  const reasons: string[] = [];
  for (const check of checks) {
    try {
      check();
    } catch (error) {
      reasons.push(...reasonsOf(error));
    }
  }
  return { action, target, allowed: reasons.length === 0, reasons };
}

const needs = (actor: Actor, permission: Permission) => () => requirePermission(actor, permission);

const ctx: RuleContext = { newId: () => 'probe' };

/**
 * Each action the incident page offers, answered for this actor: the route's permission and the
 * rule that would refuse it, run on the incident as it is (nothing recorded). A phase move is
 * answered for every later phase (the next one, and each skip ahead).
 */
export function allowedActions(
  state: IncidentState,
  policy: Policy,
  actor: Actor,
  exit: ExitContext,
): ActionAnswer[] {
  const open = () => assertOpen(state, policy);
  const later = policy.phases.slice(phaseIndex(policy, state.phase) + 1);
  return [
    answer('edit', null, [needs(actor, 'incidents.update'), open]),
    answer('assign_owner', null, [needs(actor, 'incidents.update'), open]),
    answer('assign_roles', null, [
      needs(actor, 'incidents.update'),
      open,
      () => assertMayAssignRoles(state, policy, actor),
    ]),
    ...later.map((phase) =>
      answer('move_phase', phase.id, [
        needs(actor, 'incidents.update'),
        ...(phase.terminal
          ? [() => assertCommanderOr(state, actor, 'incidents.close', 'close incidents')]
          : []),
        () => rules.movePhase(state, policy, phase.id, exit),
      ]),
    ),
    answer('de_escalate', null, [
      needs(actor, 'incidents.decide'),
      () => rules.deEscalate(state, policy, { rationale: '' }, ctx),
    ]),
    answer('hand_off', null, [
      needs(actor, 'incidents.update'),
      () => rules.handOffToDevelopment(state, policy, ''),
    ]),
  ];
}

const step = (
  kind: NextStepKind,
  text: string,
  detail: string | null = null,
  taskId: string | null = null,
): NextStep => ({ kind, text, detail, taskId });

/** Exit checks that another step already names (ownership, the reproduction, the roles). */
const NAMED_ELSEWHERE = new Set([
  'owner_assigned',
  'reproduction_recorded',
  'required_roles_filled',
]);

/** Whether this person runs the incident (its owner or commander): only then do its exit checks weigh. */
export function weighsExitChecks(state: IncidentState, actor: Actor): boolean {
  const me = actor.userId;
  return me !== null && (state.ownerId === me || holdsRole(state, me, 'incident_commander'));
}

/**
 * What this person must do now on the incident, most pressing first: their vote (or the final
 * call on a tie), taking an incident nobody owns, their open tasks; for its owner or commander the
 * reproduction, the panel, the missing roles and what still keeps it in its phase; then the
 * duties of the roles they hold. Nothing on a closed incident. `exit` may be null (not read) only
 * where weighsExitChecks is false.
 */
export function nextSteps(
  state: IncidentState,
  policy: Policy,
  actor: Actor,
  exit: ExitContext | null,
): NextStep[] {
  const me = actor.userId;
  if (me === null || isClosed(state, policy)) return [];
  const steps: NextStep[] = [];
  const undecided = state.criticality === null;
  const member = state.panelMembers.find((m) => m.userId === me);
  if (member && undecided && !state.votes.some((v) => v.memberId === me)) {
    const waiting = waitingForReproduction(state, policy, 'vote');
    steps.push(
      step(
        'vote',
        'Vote: is this incident critical? The panel waits for your vote',
        waiting ? `${waiting.reason}.` : null,
      ),
    );
  }
  if (
    member?.seat === 'security_lead' &&
    undecided &&
    policy.panel.securityLeadHasFinalSay &&
    tallyVotes(policy, state.votes).waitingFor === 'security_lead'
  ) {
    steps.push(step('final_call', 'The votes are tied: make the final call'));
  }
  if (state.ownerId === null && can(actor, 'incidents.update')) {
    steps.push(step('take_ownership', 'Nobody owns this incident: take it, or assign an owner'));
  }
  for (const task of state.tasks) {
    if (task.assigneeId === me && (task.status === 'open' || task.status === 'in_progress'))
      steps.push(step('task', `Your task: ${task.title}`, null, task.id));
  }
  if (weighsExitChecks(state, actor)) {
    if (exit === null) throw new Error('nextSteps: the exit context of an incident one runs');
    if (state.reproduction === null || state.awaitingReporter) {
      const text = state.reproduction
        ? 'Verify and reproduce: the reproduction waits for information from the reporter'
        : 'Verify and reproduce the issue';
      steps.push(step('reproduce', text));
    }
    if (undecided && state.panelMembers.length === 0) {
      const waiting = waitingForReproduction(state, policy, 'panel');
      steps.push(
        step(
          'convene_panel',
          'Convene the panel to decide whether it is critical',
          waiting ? `${waiting.reason}.` : null,
        ),
      );
    }
    let assignRefusal: string | null = null;
    try {
      assertMayAssignRoles(state, policy, actor);
    } catch (error) {
      assignRefusal = reasonsOf(error)[0]!;
    }
    for (const role of missingRoles(state, policy)) {
      steps.push(
        step(
          'fill_role',
          `Fill the role: ${role.name} (a ${state.severity} incident needs one)`,
          assignRefusal,
        ),
      );
    }
    const phase = policy.phases.find((p) => p.id === state.phase);
    if (phase) {
      for (const failed of failedExitChecks(phase, state, policy, exit)) {
        if (!NAMED_ELSEWHERE.has(failed.check))
          steps.push(step('clear_blocker', `Before leaving ${phase.name}: ${failed.reason}`));
      }
    }
  }
  for (const held of state.roles.filter((r) => r.userId === me)) {
    const role = policy.roles.find((r) => r.id === held.role);
    if (role) steps.push(step('role_duty', `As ${role.name}`, role.description));
  }
  return steps;
}

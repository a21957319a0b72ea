// The incident's state transitions: each takes the loaded incident and a request, checks it
// against the policy, and returns the events that record it (or throws a refusal that says why).
import type {
  ContainmentKind,
  Criticality,
  Milestone,
  OwnerAssignment,
  ReproductionResult,
  TaskStatus,
} from '../../../shared/domain/incidents.ts';
import type { Visibility } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Policy } from '../policy/index.ts';
import {
  checkFinalCall,
  checkVote,
  recommend,
  seatPanel,
  tallyVotes,
  type PanelNomination,
  type VoteInput,
} from './assessment-rules.ts';
import {
  incidentEvent as ev,
  type DecisionHow,
  type IncidentEvent,
  type IncidentFields,
  type TaskFields,
} from './incident-events.ts';
import { isClosed, isCritical, type IncidentState } from './incident-state.ts';
import { planPhaseMove } from './phase-rules.ts';

/** What a transition may need besides the incident: ids for new parts. */
export interface RuleContext {
  newId(): string;
}

const refuse = (message: string, details: Record<string, unknown> = {}) =>
  new AppError('RULE_REFUSED', message, details);

function assertOpen(state: IncidentState, policy: Policy): void {
  if (isClosed(state, policy)) throw refuse(`${state.key} is closed; its record can only be read`);
}

export function severityById(policy: Policy, id: string) {
  const severity = policy.severities.find((s) => s.id === id);
  if (!severity) {
    throw new AppError('VALIDATION', `"${id}" is not one of the policy's severities`, {
      errors: [
        {
          field: 'severity',
          message: `must be one of ${policy.severities.map((s) => s.id).join(', ')}`,
        },
      ],
    });
  }
  return severity;
}

export interface OpenIncidentInput extends IncidentFields {
  key: string;
  declaredAt: number;
  reportIds: string[];
  severity?: string | undefined;
  severityRationale?: string | undefined;
}

export function openIncident(
  policy: Policy,
  policyHash: string,
  input: OpenIncidentInput,
  ctx: RuleContext,
): IncidentEvent[] {
  const { severity, severityRationale, ...fields } = input;
  const events = [ev('incident.opened', { ...fields, phase: policy.phases[0]!.id, policyHash })];
  if (severity !== undefined) {
    severityById(policy, severity);
    events.push(
      ev('incident.severity_set', {
        severity,
        previous: null,
        rationale: severityRationale ?? 'set when the incident was opened',
      }),
    );
  }
  if (input.publiclyDisclosed) {
    // The first step of the process: take a publicly posted issue out of public view.
    events.push(
      ev('incident.task_added', {
        taskId: ctx.newId(),
        type: 'remove_public_disclosure',
        title: 'Remove the public disclosure from public view',
        description: 'The issue was posted in a public place; take it out of public view first.',
        assigneeId: null,
        dueAt: null,
      }),
    );
  }
  return events;
}

export function updateIncident(
  state: IncidentState,
  policy: Policy,
  changes: Partial<IncidentFields>,
): IncidentEvent[] {
  assertOpen(state, policy);
  const changed = Object.fromEntries(
    Object.entries(changes).filter(
      ([field, value]) =>
        value !== undefined &&
        JSON.stringify(value) !== JSON.stringify(state[field as keyof IncidentFields]),
    ),
  ) as Partial<IncidentFields>;
  return Object.keys(changed).length === 0 ? [] : [ev('incident.updated', { changes: changed })];
}

export function linkReports(state: IncidentState, reportIds: string[]): IncidentEvent[] {
  const fresh = [...new Set(reportIds)].filter((id) => !state.reportIds.includes(id));
  return fresh.length === 0 ? [] : [ev('incident.reports_linked', { reportIds: fresh })];
}

export function assignOwner(
  state: IncidentState,
  policy: Policy,
  ownerId: string,
  how: OwnerAssignment,
): IncidentEvent[] {
  assertOpen(state, policy);
  if (state.ownerId === ownerId) throw refuse('That person already owns the incident');
  return [ev('incident.owner_assigned', { ownerId, previousOwnerId: state.ownerId, how })];
}

/** Of the candidates, the one with the fewest open incidents (the first listed on a tie). */
export function pickLeastLoaded(
  candidates: readonly string[],
  openIncidents: ReadonlyMap<string, number>,
): string | null {
  let best: string | null = null;
  for (const id of candidates) {
    if (best === null || (openIncidents.get(id) ?? 0) < (openIncidents.get(best) ?? 0)) best = id;
  }
  return best;
}

export function addParticipant(state: IncidentState, userId: string): IncidentEvent[] {
  return state.participants.includes(userId) ? [] : [ev('incident.participant_added', { userId })];
}

export function recordReproduction(
  state: IncidentState,
  policy: Policy,
  input: { result: ReproductionResult; steps: string; evidence: string },
): IncidentEvent[] {
  assertOpen(state, policy);
  const awaitingReporter = input.result === 'needs_information';
  return [
    ev('incident.reproduction_recorded', {
      ...input,
      awaitingReporter,
      clocksPaused: awaitingReporter && policy.verification.pauseClocksWhileAwaitingReporter,
    }),
  ];
}

export function convenePanel(
  state: IncidentState,
  policy: Policy,
  nomination: Omit<PanelNomination, 'ownerId'>,
): IncidentEvent[] {
  assertOpen(state, policy);
  if (state.criticality !== null) throw refuse('The panel has decided; reopen the decision first');
  if (state.votes.length > 0) throw refuse('Votes have been cast; the panel cannot change now');
  const members = seatPanel(policy, { ...nomination, ownerId: state.ownerId });
  return [ev('incident.panel_convened', { round: state.panelRound, members })];
}

function decided(
  state: IncidentState,
  policy: Policy,
  votes: IncidentState['votes'],
  outcome: Criticality,
  how: DecisionHow,
  rationale: string,
): IncidentEvent[] {
  const events = [
    ev('incident.decision_recorded', {
      round: state.panelRound,
      outcome,
      how,
      recommendation: recommend(policy, votes).recommendation,
      votes: votes.map((v) => ({ memberId: v.memberId, vote: v.vote })),
      rationale,
    }),
  ];
  const current = state.severity ? severityById(policy, state.severity) : null;
  if (!current || current.critical !== (outcome === 'critical')) {
    const severity = policy.criticality.defaultSeverity[outcome];
    events.push(
      ev('incident.severity_set', {
        severity,
        previous: state.severity,
        rationale: `The panel decided ${outcome.replace('_', '-')}; the policy's default severity`,
      }),
    );
  }
  return events;
}

export function castVote(
  state: IncidentState,
  policy: Policy,
  voterId: string | null,
  input: VoteInput,
  at: number,
): IncidentEvent[] {
  assertOpen(state, policy);
  const seat = checkVote(policy, state, voterId, input);
  const vote = { memberId: voterId!, seat, ...input, at };
  const votes = [...state.votes, vote];
  const events = [ev('incident.panel_vote_recorded', { round: state.panelRound, ...vote })];
  const tally = tallyVotes(policy, votes);
  if (tally.outcome && tally.how) {
    const rationale = votes.map((v) => `${v.seat} (${v.vote}): ${v.rationale}`).join('\n');
    events.push(...decided(state, policy, votes, tally.outcome, tally.how, rationale));
  }
  return events;
}

export function recordFinalCall(
  state: IncidentState,
  policy: Policy,
  actorId: string | null,
  input: { outcome: Criticality; rationale: string },
): IncidentEvent[] {
  assertOpen(state, policy);
  checkFinalCall(policy, state, actorId);
  if (state.criticality === input.outcome) {
    throw refuse(`The incident is already decided ${input.outcome.replace('_', '-')}`);
  }
  return decided(state, policy, state.votes, input.outcome, 'final_call', input.rationale);
}

export function reopenDecision(
  state: IncidentState,
  policy: Policy,
  reason: string,
): IncidentEvent[] {
  assertOpen(state, policy);
  if (state.criticality === null) throw refuse('The decision is still open');
  return [
    ev('incident.decision_reopened', {
      round: state.panelRound + 1,
      reason,
      members: state.panelMembers,
    }),
  ];
}

export function setSeverity(
  state: IncidentState,
  policy: Policy,
  severity: string,
  rationale: string,
): IncidentEvent[] {
  assertOpen(state, policy);
  const chosen = severityById(policy, severity);
  if (state.severity === severity) throw refuse(`The severity is already ${severity}`);
  if (state.criticality !== null && chosen.critical !== (state.criticality === 'critical')) {
    throw refuse(
      `${severity} ${chosen.critical ? 'is' : 'is not'} critical, but the incident is decided ${state.criticality.replace('_', '-')}; reopen the decision${state.criticality === 'critical' ? ' or de-escalate' : ''} instead`,
    );
  }
  return [ev('incident.severity_set', { severity, previous: state.severity, rationale })];
}

export function assignRole(
  state: IncidentState,
  policy: Policy,
  input: { role: string; userId: string; replacesUserId?: string | undefined },
): IncidentEvent[] {
  assertOpen(state, policy);
  if (!policy.roles.some((r) => r.id === input.role)) {
    throw new AppError('VALIDATION', `"${input.role}" is not one of the policy's roles`, {
      errors: [
        { field: 'role', message: `must be one of ${policy.roles.map((r) => r.id).join(', ')}` },
      ],
    });
  }
  const holders = state.roles.filter((r) => r.role === input.role).map((r) => r.userId);
  if (holders.includes(input.userId)) throw refuse('That person already holds this role');
  const replaced = input.replacesUserId ?? null;
  if (replaced !== null && !holders.includes(replaced)) {
    throw refuse('The person being replaced does not hold this role');
  }
  return [
    ev('incident.role_assigned', {
      role: input.role,
      userId: input.userId,
      replacedUserId: replaced,
    }),
  ];
}

export function releaseRole(
  state: IncidentState,
  policy: Policy,
  role: string,
  userId: string,
): IncidentEvent[] {
  assertOpen(state, policy);
  if (!state.roles.some((r) => r.role === role && r.userId === userId)) {
    throw new AppError('NOT_FOUND', 'That person does not hold this role');
  }
  return [ev('incident.role_released', { role, userId })];
}

export function addTask(
  state: IncidentState,
  policy: Policy,
  task: TaskFields,
  ctx: RuleContext,
): { events: IncidentEvent[]; taskId: string } {
  assertOpen(state, policy);
  const taskId = ctx.newId();
  return { events: [ev('incident.task_added', { taskId, ...task })], taskId };
}

export function updateTask(
  state: IncidentState,
  policy: Policy,
  taskId: string,
  changes: Partial<Omit<TaskFields, 'type'> & { status: TaskStatus }>,
): IncidentEvent[] {
  assertOpen(state, policy);
  const task = state.tasks.find((t) => t.id === taskId);
  if (!task) throw new AppError('NOT_FOUND', 'Task was not found');
  const changed = Object.fromEntries(
    Object.entries(changes).filter(
      ([field, value]) => value !== undefined && value !== task[field as keyof typeof task],
    ),
  );
  return Object.keys(changed).length === 0
    ? []
    : [ev('incident.task_updated', { taskId, changes: changed })];
}

export function recordContainment(
  state: IncidentState,
  policy: Policy,
  input: { kind: ContainmentKind; description: string },
  ctx: RuleContext,
): { events: IncidentEvent[]; actionId: string } {
  assertOpen(state, policy);
  const actionId = ctx.newId();
  return { events: [ev('incident.containment_recorded', { actionId, ...input })], actionId };
}

function activeContainment(state: IncidentState, actionId: string) {
  const action = state.containment.find((c) => c.id === actionId);
  if (!action) throw new AppError('NOT_FOUND', 'Containment action was not found');
  if (action.status !== 'active')
    throw refuse(`That containment action is already ${action.status}`);
  return action;
}

export function revertContainment(
  state: IncidentState,
  policy: Policy,
  actionId: string,
  note: string,
): IncidentEvent[] {
  assertOpen(state, policy);
  activeContainment(state, actionId);
  return [ev('incident.containment_reverted', { actionId, note })];
}

export function keepContainment(
  state: IncidentState,
  policy: Policy,
  actionId: string,
  justification: string,
): IncidentEvent[] {
  assertOpen(state, policy);
  activeContainment(state, actionId);
  return [ev('incident.containment_kept', { actionId, justification })];
}

/**
 * A critical incident whose containment made it non-critical: record why, lower the severity,
 * and turn the root-cause fix into a follow-up task so it is not forgotten.
 */
export function deEscalate(
  state: IncidentState,
  policy: Policy,
  input: { rationale: string; severity?: string | undefined },
  ctx: RuleContext,
): IncidentEvent[] {
  assertOpen(state, policy);
  if (!isCritical(state, policy)) throw refuse('Only a critical incident can be de-escalated');
  if (state.containment.length === 0) {
    throw refuse('Record the containment that made the incident non-critical before de-escalating');
  }
  const toSeverity = input.severity ?? policy.criticality.defaultSeverity.non_critical;
  if (severityById(policy, toSeverity).critical) {
    throw refuse(`${toSeverity} is a critical severity; de-escalation needs a non-critical one`);
  }
  const followUpTaskId = ctx.newId();
  return [
    ev('incident.de_escalated', {
      rationale: input.rationale,
      fromSeverity: state.severity,
      toSeverity,
      followUpTaskId,
    }),
    ev('incident.task_added', {
      taskId: followUpTaskId,
      type: 'follow_up',
      title: `Fix the root cause of ${state.key}`,
      description: `Postponed when ${state.key} was de-escalated: ${input.rationale}`,
      assigneeId: state.ownerId,
      dueAt: null,
    }),
  ];
}

export function handOffToDevelopment(
  state: IncidentState,
  policy: Policy,
  trackerUrl: string,
): IncidentEvent[] {
  assertOpen(state, policy);
  if (state.criticality !== 'non_critical' || isCritical(state, policy)) {
    throw refuse('Only an incident decided non-critical goes to the normal development process');
  }
  return [ev('incident.handed_off', { trackerUrl })];
}

export function movePhase(state: IncidentState, policy: Policy, to: string): IncidentEvent[] {
  assertOpen(state, policy);
  const move = planPhaseMove(state, policy, to);
  return [ev('incident.phase_changed', { ...move })];
}

export function logDecision(
  input: { what: string; why: string; alternatives: string; decidedBy: string },
  ctx: RuleContext,
): IncidentEvent[] {
  return [ev('incident.decision_logged', { decisionId: ctx.newId(), ...input })];
}

export function addNote(text: string, visibility: Visibility): IncidentEvent[] {
  return [ev('incident.note_added', { text }, visibility)];
}

export function recordMilestone(
  state: IncidentState,
  policy: Policy,
  milestone: Milestone,
  note: string,
): IncidentEvent[] {
  assertOpen(state, policy);
  if (state.milestones.includes(milestone)) throw refuse(`"${milestone}" is already recorded`);
  if (
    milestone === 'reporter_informed' &&
    policy.reporters.verifyIdentityBeforeSharingResults &&
    state.reportIds.length > 0 &&
    !state.tasks.some((t) => t.type === 'verify_reporter_identity' && t.status === 'done')
  ) {
    throw refuse(
      "The policy requires verifying the reporter's identity before sharing results; complete a verify_reporter_identity task first",
    );
  }
  return [ev('incident.milestone_recorded', { milestone, note })];
}

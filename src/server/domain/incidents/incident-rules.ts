// The incident's state transitions: each takes the loaded incident and a request, checks it
// against the policy, and returns the events that record it (or throws a refusal that says why).
import {
  isRecoveryStep,
  type Exercise,
  type Milestone,
  type OwnerAssignment,
  type ReproductionResult,
} from '../../../shared/domain/incidents.ts';
import type { Visibility } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Policy } from '../policy/index.ts';
import { incidentEvent as ev, type IncidentEvent, type IncidentFields } from './incident-events.ts';
import {
  assertOpen,
  isCritical,
  refuse,
  severityById,
  type IncidentState,
  type RuleContext,
} from './incident-state.ts';
import { planPhaseMove, type ExitContext } from './phase-rules.ts';
import { severityBeforeReproduction, type SeverityOverride } from './verification-rules.ts';
import type { AlertEvidence } from './incident-events.ts';

export interface OpenIncidentInput extends IncidentFields {
  key: string;
  declaredAt: number;
  reportIds: string[];
  severity?: string | undefined;
  severityRationale?: string | undefined;
  /** A severity before verify & reproduce, when the policy orders it: the emergency override. */
  severityOverride?: SeverityOverride | undefined;
  /** Declared as an exercise: it plays a scenario, and no real report can be linked to it. */
  exercise?: Exercise | null | undefined;
  /** Who takes part from the start (active staff): an exercise's notices reach only them. */
  participantIds?: string[] | undefined;
}

const NO_REPORTS_ON_EXERCISE =
  'An exercise plays a scenario: no real security report can be linked to it, so no reporter hears of it';

/** What a security report says that an incident opened from it starts with. */
export interface ReportSource {
  reportId: string;
  key: string;
  summary: string;
  receivedAt: number;
  /** The reporter or staff recorded that the issue was posted in public. */
  postedPublicly: boolean;
}

/**
 * The incident a report opens: its summary as the title (up to 200 characters), the report
 * named in the summary, received as reported, not restricted, linked to the report; posted in
 * public, it starts with its own "remove from public view" task.
 */
export function incidentFromReport(
  report: ReportSource,
): Omit<OpenIncidentInput, 'key' | 'declaredAt'> {
  return {
    title: report.summary.slice(0, 200),
    summary: `Opened from security report ${report.key}.`,
    source: 'report',
    affectedSystems: [],
    detectedAt: null,
    reportedAt: report.receivedAt,
    restricted: false,
    publiclyDisclosed: report.postedPublicly,
    reportIds: [report.reportId],
  };
}

/** What an alert rule opens an incident with (the alerts subject says it). */
export interface AlertOpening {
  alert: AlertEvidence;
  ruleId: string;
  policyRevision: string;
  /** The rule's severity (null: none). */
  severity: string | null;
}

/**
 * The incident an alert opens: the alert's summary as the title, detected and declared at the
 * alert's own detection time (never later than now), so its clocks run from when monitoring saw
 * it; the rule's severity as the policy's emergency severity, the rule as its reason.
 */
export function incidentFromAlert(
  opening: AlertOpening,
  now: number,
): Omit<OpenIncidentInput, 'key'> {
  const { alert, ruleId, policyRevision, severity } = opening;
  const why = `alert rule "${ruleId}" of the policy (revision ${policyRevision})`;
  return {
    ...fromAlerts([alert], null, `Opened by ${why} for an alert from ${alert.source}.`, now),
    ...(severity === null
      ? {}
      : {
          severity,
          severityRationale: `set by ${why}`,
          severityOverride: {
            reason: `the policy's ${why} opens with ${severity}`,
            bySecurityLead: true,
          },
        }),
  };
}

/**
 * The incident a person opens from the alert queue for the alerts selected: detected and declared
 * at the earliest alert's detection time (never later than now), as an alert rule's is, so its
 * clocks run from when monitoring first saw it; titled by the person or the first alert.
 */
export function incidentFromTriage(
  alerts: readonly AlertEvidence[],
  title: string | null,
  now: number,
): Omit<OpenIncidentInput, 'key'> {
  const sources = [...new Set(alerts.map((a) => a.source))].join(', ');
  const count = alerts.length === 1 ? 'an alert' : `${alerts.length} alerts`;
  return fromAlerts(alerts, title, `Opened in alert triage for ${count} from ${sources}.`, now);
}

/**
 * An incident opened for alerts: detected and declared at the earliest one's detection time
 * (never later than now); titled as given, or with the first alert's summary.
 */
function fromAlerts(
  alerts: readonly AlertEvidence[],
  title: string | null,
  summary: string,
  now: number,
): Omit<OpenIncidentInput, 'key'> {
  const detectedAt = Math.min(now, ...alerts.map((a) => a.detectedAt));
  const first = alerts[0]!;
  return {
    title: (title?.trim() || first.summary.trim() || `Alert from ${first.source}`).slice(0, 200),
    summary,
    source: 'alert',
    affectedSystems: [],
    detectedAt,
    reportedAt: null,
    declaredAt: detectedAt,
    restricted: false,
    publiclyDisclosed: false,
    reportIds: [],
  };
}

export function openIncident(
  policy: Policy,
  policyHash: string,
  input: OpenIncidentInput,
  ctx: RuleContext,
): IncidentEvent[] {
  const { severity, severityRationale, severityOverride, participantIds, ...fields } = input;
  if (fields.exercise && fields.reportIds.length > 0) {
    throw new AppError('VALIDATION', NO_REPORTS_ON_EXERCISE, {
      errors: [{ field: 'reportIds', message: 'must be empty for an exercise' }],
    });
  }
  const phase = policy.phases[0]!.id;
  const events: IncidentEvent[] = [
    ev('incident.opened', { ...fields, exercise: fields.exercise ?? null, phase, policyHash }),
  ];
  for (const userId of new Set(participantIds ?? [])) {
    events.push(ev('incident.participant_added', { userId }));
  }
  if (severity !== undefined) {
    severityById(policy, severity);
    // A new incident has no reproduction yet: a severity now is an emergency, if allowed.
    const unverified = { reproduction: null, phase };
    events.push(...severityBeforeReproduction(unverified, policy, severity, severityOverride));
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
  if (state.exercise && reportIds.length > 0) {
    throw refuse(NO_REPORTS_ON_EXERCISE, { errors: [{ field: 'reportIds', message: 'exercise' }] });
  }
  const fresh = [...new Set(reportIds)].filter((id) => !state.reportIds.includes(id));
  return fresh.length === 0 ? [] : [ev('incident.reports_linked', { reportIds: fresh })];
}

/** Only reports this incident handles can be unlinked from it. */
export function unlinkReports(state: IncidentState, reportIds: string[]): IncidentEvent[] {
  const linked = [...new Set(reportIds)].filter((id) => state.reportIds.includes(id));
  return linked.length === 0 ? [] : [ev('incident.reports_unlinked', { reportIds: linked })];
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
/** Those of the candidates who are on call, if any is; otherwise every candidate. */
export function preferOnCall(candidates: readonly string[], onCall: readonly string[]): string[] {
  const on = candidates.filter((id) => onCall.includes(id));
  return on.length > 0 ? on : [...candidates];
}

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

export function setSeverity(
  state: IncidentState,
  policy: Policy,
  severity: string,
  rationale: string,
  override?: SeverityOverride,
): IncidentEvent[] {
  assertOpen(state, policy);
  const chosen = severityById(policy, severity);
  if (state.severity === severity) throw refuse(`The severity is already ${severity}`);
  if (state.criticality !== null && chosen.critical !== (state.criticality === 'critical')) {
    throw refuse(
      `${severity} ${chosen.critical ? 'is' : 'is not'} critical, but the incident is decided ${state.criticality.replace('_', '-')}; reopen the decision${state.criticality === 'critical' ? ' or de-escalate' : ''} instead`,
    );
  }
  return [
    ...severityBeforeReproduction(state, policy, severity, override),
    ev('incident.severity_set', { severity, previous: state.severity, rationale }),
  ];
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

/** A refused move (a closed incident too) lists every reason in `failedChecks`. */
export function movePhase(
  state: IncidentState,
  policy: Policy,
  to: string,
  context: ExitContext = {},
): IncidentEvent[] {
  const move = planPhaseMove(state, policy, to, context);
  const closes = policy.phases.find((p) => p.id === move.to)?.terminal ?? false;
  return [ev('incident.phase_changed', { ...move, closes })];
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

/**
 * Records a step. Telling the reporter the results waits, when the policy says so, until their
 * identity is verified: on each linked report (recorded once there, it counts here), or by a
 * verify_reporter_identity task on the incident.
 */
export function recordMilestone(
  state: IncidentState,
  policy: Policy,
  milestone: Milestone,
  note: string,
  verifiedReportIds: ReadonlySet<string> = new Set(),
): IncidentEvent[] {
  assertOpen(state, policy);
  if (state.milestones.includes(milestone)) throw refuse(`"${milestone}" is already recorded`);
  if (isRecoveryStep(milestone) && note.trim() === '') {
    throw new AppError('VALIDATION', 'A recovery step is recorded with its evidence', {
      errors: [{ field: 'note', message: 'must say what shows it (the evidence)' }],
    });
  }
  const unverified = state.reportIds.filter((id) => !verifiedReportIds.has(id));
  if (
    milestone === 'reporter_informed' &&
    policy.reporters.verifyIdentityBeforeSharingResults &&
    unverified.length > 0 &&
    !state.tasks.some((t) => t.type === 'verify_reporter_identity' && t.status === 'done')
  ) {
    throw refuse(
      `The policy requires verifying the reporter's identity before sharing results; ${unverified.length} of ${state.reportIds.length} linked report(s) have no verified reporter. Verify the identity on the report, or complete a task of the kind "verify reporter identity"`,
      { unverifiedReportIds: unverified },
    );
  }
  return [ev('incident.milestone_recorded', { milestone, note })];
}

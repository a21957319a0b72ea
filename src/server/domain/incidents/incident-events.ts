// The incident's event types and their data: the contract between the rules that decide and the
// projection that records. Every change to an incident is one of these on its stream.
import type {
  ContainmentKind,
  Criticality,
  Exercise,
  Milestone,
  OwnerAssignment,
  ReproductionResult,
  TaskStatus,
  TaskType,
} from '../../../shared/domain/incidents.ts';
import type { Recorded } from '../../db/event-store.ts';
import type { DeadlineEventData } from '../clocks/index.ts';
import type { Visibility } from '../../db/schema.ts';
import type { ContainmentHookAnswer, PanelMember } from './incident-state.ts';
import type { TrackerIssueRef } from '../trackers/index.ts';

export interface IncidentFields {
  title: string;
  summary: string;
  source: string;
  affectedSystems: string[];
  detectedAt: number | null;
  reportedAt: number | null;
  restricted: boolean;
  publiclyDisclosed: boolean;
}

export interface TaskFields {
  type: TaskType;
  title: string;
  description: string;
  assigneeId: string | null;
  dueAt: number | null;
}

/** An alert from monitoring, as an incident's record names it. */
export interface AlertEvidence {
  alertId: string;
  source: string;
  dedupKey: string;
  summary: string;
  alertSeverity: string;
  detectedAt: number;
}

export type DecisionHow = 'majority' | 'tie_rule' | 'security_lead_on_tie' | 'final_call';

export interface IncidentEventData {
  'incident.opened': IncidentFields & {
    key: string;
    declaredAt: number;
    phase: string;
    policyHash: string;
    reportIds: string[];
    /** Declared as an exercise (absent on incidents opened before exercises existed). */
    exercise?: Exercise | null;
  };
  'incident.updated': { changes: Partial<IncidentFields> };
  'incident.reports_linked': { reportIds: string[] };
  /** Reports no longer handled by this incident (linked by mistake, or handled elsewhere). */
  'incident.reports_unlinked': { reportIds: string[] };
  'incident.owner_assigned': {
    ownerId: string;
    previousOwnerId: string | null;
    how: OwnerAssignment;
  };
  'incident.participant_added': { userId: string };
  'incident.reproduction_recorded': {
    result: ReproductionResult;
    steps: string;
    evidence: string;
    awaitingReporter: boolean;
    /** Response clocks stop while waiting for the reporter, when the policy allows it. */
    clocksPaused: boolean;
  };
  /**
   * The security lead set a severity before verify & reproduce was recorded (an emergency the
   * policy allows, `verification.allowEmergencySeverity`): who (the event's actor) and why.
   */
  'incident.reproduction_overridden': {
    step: 'severity';
    severity: string;
    reason: string;
    /** The reproduction at the time: none, or still waiting for the reporter. */
    reproduction: ReproductionResult | null;
  };
  'incident.panel_convened': { round: number; members: PanelMember[] };
  'incident.panel_vote_recorded': {
    round: number;
    memberId: string;
    seat: PanelMember['seat'];
    answers: Record<string, boolean>;
    vote: Criticality;
    rationale: string;
  };
  'incident.decision_recorded': {
    round: number;
    outcome: Criticality;
    how: DecisionHow;
    recommendation: Criticality | null;
    votes: { memberId: string; vote: Criticality }[];
    rationale: string;
  };
  'incident.decision_reopened': { round: number; reason: string; members: PanelMember[] };
  'incident.severity_set': { severity: string; previous: string | null; rationale: string };
  'incident.role_assigned': { role: string; userId: string; replacedUserId: string | null };
  'incident.role_released': { role: string; userId: string };
  'incident.task_added': TaskFields & { taskId: string };
  'incident.task_updated': {
    taskId: string;
    changes: Partial<Omit<TaskFields, 'type'> & { status: TaskStatus }>;
  };
  'incident.containment_recorded': {
    actionId: string;
    kind: ContainmentKind;
    description: string;
    /** The containment hook it calls (absent: none). */
    hookId?: string;
  };
  'incident.containment_hook_answered': Omit<ContainmentHookAnswer, 'at'> & {
    actionId: string;
    hookId: string;
  };
  'incident.containment_reverted': { actionId: string; note: string };
  'incident.containment_kept': { actionId: string; justification: string };
  'incident.de_escalated': {
    rationale: string;
    fromSeverity: string | null;
    toSeverity: string;
    followUpTaskId: string;
  };
  /** `tracker`: the issue Stopline opened in a configured tracker (absent when typed in by hand). */
  'incident.handed_off': { trackerUrl: string; tracker?: TrackerIssueRef };
  /**
   * The tracker says the issue handed to development is closed (or open again): evidence, and a
   * proposal to close the incident shown on it, never a change of phase.
   */
  'incident.tracker_issue_changed': TrackerIssueRef & {
    trackerUrl: string;
    state: 'open' | 'closed';
  };
  /** `closes`: the phase moved to is terminal (the incident is closed). */
  'incident.phase_changed': { from: string; to: string; skipped: string[]; closes: boolean };
  'incident.decision_logged': {
    decisionId: string;
    what: string;
    why: string;
    alternatives: string;
    decidedBy: string;
  };
  'incident.note_added': { text: string };
  /**
   * An alert from monitoring opened this incident (`opened`) or joined it, as the policy's alert
   * rule `ruleId` decided; its detection time is the alert's own.
   */
  'incident.alert_attached': AlertEvidence & { ruleId: string | null; opened: boolean };
  /** Monitoring says an alert of this incident is over: evidence, never a change of phase. */
  'incident.alert_resolved': AlertEvidence & { resolvedAt: number };
  'incident.milestone_recorded': { milestone: Milestone; note: string };
  'incident.line_stopped': { reason: string };
  'incident.line_resumed': { reason: string };
  /**
   * A step of the policy's continuity procedure `procedureId` (continuity.procedures) was done
   * by the event's actor: its number (from 1) and its wording at the time.
   */
  'incident.continuity_step_ticked': { procedureId: string; step: number; text: string };
  /** A ticked step was not done after all, or must be done again: why. */
  'incident.continuity_step_unticked': { procedureId: string; step: number; reason: string };
  /** Written by the clocks: a reminder, the breach, each escalation, and the deadline met. */
  'incident.deadline_reminded': DeadlineEventData;
  'incident.deadline_breached': DeadlineEventData;
  'incident.deadline_escalated': DeadlineEventData;
  'incident.deadline_met': DeadlineEventData;
}

export type IncidentEventType = keyof IncidentEventData;
export const INCIDENT_EVENT_TYPES = [
  'incident.opened',
  'incident.updated',
  'incident.reports_linked',
  'incident.reports_unlinked',
  'incident.owner_assigned',
  'incident.participant_added',
  'incident.reproduction_recorded',
  'incident.reproduction_overridden',
  'incident.panel_convened',
  'incident.panel_vote_recorded',
  'incident.decision_recorded',
  'incident.decision_reopened',
  'incident.severity_set',
  'incident.role_assigned',
  'incident.role_released',
  'incident.task_added',
  'incident.task_updated',
  'incident.containment_recorded',
  'incident.containment_reverted',
  'incident.containment_kept',
  'incident.containment_hook_answered',
  'incident.de_escalated',
  'incident.handed_off',
  'incident.tracker_issue_changed',
  'incident.phase_changed',
  'incident.decision_logged',
  'incident.note_added',
  'incident.alert_attached',
  'incident.alert_resolved',
  'incident.milestone_recorded',
  'incident.line_stopped',
  'incident.line_resumed',
  'incident.continuity_step_ticked',
  'incident.continuity_step_unticked',
  'incident.deadline_reminded',
  'incident.deadline_breached',
  'incident.deadline_escalated',
  'incident.deadline_met',
] as const satisfies readonly IncidentEventType[];

export type IncidentEvent = {
  [K in IncidentEventType]: { type: K; data: IncidentEventData[K]; visibility: Visibility };
}[IncidentEventType];

/** An event as decided by the rules, with what the log added. */
export type RecordedIncidentEvent = Recorded<IncidentEvent>;

export function incidentEvent<K extends IncidentEventType>(
  type: K,
  data: IncidentEventData[K],
  visibility: Visibility = 'internal',
): IncidentEvent {
  return { type, data, visibility } as IncidentEvent;
}

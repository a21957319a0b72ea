// The incident as the rules see it: plain data loaded from the projections, no I/O.
import type {
  ContainmentKind,
  ContainmentStatus,
  Criticality,
  Exercise,
  Milestone,
  PanelSeat,
  ReproductionResult,
  TaskStatus,
  TaskType,
} from '../../../shared/domain/incidents.ts';
import { AppError } from '../../errors.ts';
import type { Policy } from '../policy/index.ts';

export interface PanelMember {
  userId: string;
  seat: PanelSeat;
}

export interface PanelVote {
  memberId: string;
  seat: PanelSeat;
  /** Criterion id → yes (true) or no (false); unanswered questions are absent. */
  answers: Record<string, boolean>;
  vote: Criticality;
  rationale: string;
  at: number;
}

export interface RoleHolder {
  role: string;
  userId: string;
  since: number;
}

export interface Task {
  id: string;
  type: TaskType;
  title: string;
  description: string;
  assigneeId: string | null;
  dueAt: number | null;
  status: TaskStatus;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
}

export interface ContainmentAction {
  id: string;
  kind: ContainmentKind;
  description: string;
  status: ContainmentStatus;
  justification: string | null;
  recordedAt: number;
  endedAt: number | null;
  /** The containment hook the action calls (and its revert calls back), if any. */
  hookId: string | null;
  /** The last answer of its hook (apply or revert). */
  hookAnswer: ContainmentHookAnswer | null;
}

/** What a containment hook answered to one call, as recorded on the incident. */
export interface ContainmentHookAnswer {
  phase: 'apply' | 'revert';
  /** ok: a 2xx answer; failed: anything else (retried through the outbox); skipped: not called. */
  outcome: 'ok' | 'failed' | 'skipped';
  /** The HTTP status, null when no answer came (network error, refused address). */
  status: number | null;
  /** The first bytes of the answer's body, as text (bounded). */
  excerpt: string;
  /** Why it failed or was skipped, in Stopline's words. */
  error: string | null;
  attempt: number;
  /** When the outbox tries again; null when it does not (answered, or given up). */
  retryAt: number | null;
  at: number;
}

export interface Reproduction {
  result: ReproductionResult;
  steps: string;
  evidence: string;
}

export interface IncidentState {
  id: string;
  key: string;
  title: string;
  summary: string;
  source: string;
  affectedSystems: string[];
  detectedAt: number | null;
  reportedAt: number | null;
  declaredAt: number;
  restricted: boolean;
  publiclyDisclosed: boolean;
  /** Declared as an exercise: notices reach its participants only; left out of the measures. */
  exercise: Exercise | null;
  severity: string | null;
  /** The panel's decision (or the de-escalation); null while undecided. */
  criticality: Criticality | null;
  phase: string;
  ownerId: string | null;
  policyHash: string;
  lineStopped: boolean;
  lineStoppedAt: number | null;
  awaitingReporter: boolean;
  reproduction: Reproduction | null;
  trackerUrl: string | null;
  deEscalatedAt: number | null;
  /** Panel rounds start at 1; reopening the decision starts the next. */
  panelRound: number;
  panelMembers: PanelMember[];
  /** Votes of the current round. */
  votes: PanelVote[];
  roles: RoleHolder[];
  tasks: Task[];
  containment: ContainmentAction[];
  milestones: Milestone[];
  reportIds: string[];
  participants: string[];
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  version: number;
}

/**
 * Critical when its severity counts as critical; before a severity is set, when the panel
 * decided critical.
 */
export function isCritical(state: IncidentState, policy: Policy): boolean {
  if (state.severity !== null) {
    return policy.severities.find((s) => s.id === state.severity)?.critical ?? false;
  }
  return state.criticality === 'critical';
}

export function phaseIndex(policy: Policy, phaseId: string): number {
  return policy.phases.findIndex((p) => p.id === phaseId);
}

export function isClosed(state: IncidentState, policy: Policy): boolean {
  return policy.phases.find((p) => p.id === state.phase)?.terminal ?? false;
}

export function holdsRole(state: IncidentState, userId: string | null, role?: string): boolean {
  return state.roles.some((r) => r.userId === userId && (role === undefined || r.role === role));
}

/** What a transition may need besides the incident: ids for new parts. */
export interface RuleContext {
  newId(): string;
}

export const refuse = (message: string, details: Record<string, unknown> = {}) =>
  new AppError('RULE_REFUSED', message, details);

/** A closed incident's record can only be read (notes and decisions may still be added). */
export function assertOpen(state: IncidentState, policy: Policy): void {
  if (isClosed(state, policy)) throw refuse(`${state.key} is closed; its record can only be read`);
}

/** The policy's entry with this id; an unknown id is bad input naming the request's field. */
export function policyEntry<T extends { id: string }>(
  entries: readonly T[],
  id: string,
  field: string,
  what: string,
): T {
  const found = entries.find((e) => e.id === id);
  if (!found) {
    throw new AppError('VALIDATION', `"${id}" is not one of the policy's ${what}`, {
      errors: [{ field, message: `must be one of ${entries.map((e) => e.id).join(', ')}` }],
    });
  }
  return found;
}

export function severityById(policy: Policy, id: string) {
  return policyEntry(policy.severities, id, 'severity', 'severities');
}

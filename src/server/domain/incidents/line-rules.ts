// Stop the line: a critical incident halts development and deployments until the policy's
// resume condition holds. Also the gate's verdict, which CI and deploy pipelines ask for.
import type { Policy } from '../policy/index.ts';
import { isClosed, isCritical, phaseIndex, type IncidentState } from './incident-state.ts';

export type ResumeCondition = Policy['stopTheLine']['resumesWhen'][number];

/** The first of the policy's resume conditions that holds for this incident, if any. */
export function resumeConditionMet(state: IncidentState, policy: Policy): ResumeCondition | null {
  const { stopTheLine } = policy;
  const at = phaseIndex(policy, state.phase);
  for (const condition of stopTheLine.resumesWhen) {
    const met =
      (condition === 'contained' && at > phaseIndex(policy, stopTheLine.containedAfterPhase)) ||
      (condition === 'resolved' && at >= phaseIndex(policy, stopTheLine.resolvedAtPhase)) ||
      (condition === 'closed' && isClosed(state, policy)) ||
      (condition === 'de_escalated' && state.deEscalatedAt !== null && !isCritical(state, policy));
    if (met) return condition;
  }
  return null;
}

/**
 * Whether these events bring the incident to the point where its linked reports are fixed
 * (reporters.followIncident): its resolved phase or later, or its close.
 */
export function reportsFollowNow(
  before: IncidentState | null,
  after: IncidentState,
  policy: Policy,
  events: readonly { type: string }[],
): boolean {
  const follow = policy.reporters.followIncident;
  if (follow === 'never' || !events.some((e) => e.type === 'incident.phase_changed')) return false;
  const reached = (s: IncidentState | null) =>
    s !== null &&
    (isClosed(s, policy) ||
      (follow === 'resolved' &&
        phaseIndex(policy, s.phase) >= phaseIndex(policy, policy.stopTheLine.resolvedAtPhase)));
  return reached(after) && !reached(before);
}

/**
 * Whether this incident holds the line stopped now: while it is critical, and after a
 * de-escalation only if the policy does not count de-escalation as a reason to resume.
 */
export function holdsLine(state: IncidentState, policy: Policy): boolean {
  if (!policy.stopTheLine.enabled) return false;
  const critical = isCritical(state, policy);
  const deEscalated = state.deEscalatedAt !== null && !critical;
  if (!critical && !(deEscalated && state.lineStopped)) return false;
  return resumeConditionMet(state, policy) === null;
}

export type LineChange = { change: 'stopped' | 'resumed'; reason: string } | null;

/** What the incident's latest change does to the line. */
export function lineChange(state: IncidentState, policy: Policy): LineChange {
  const hold = holdsLine(state, policy);
  if (hold && !state.lineStopped) {
    return { change: 'stopped', reason: `critical (${state.severity ?? 'decided critical'})` };
  }
  if (!hold && state.lineStopped) {
    return { change: 'resumed', reason: resumeConditionMet(state, policy) ?? 'not critical' };
  }
  return null;
}

export interface LineIncident {
  key: string;
  title: string;
  severity: string | null;
  stoppedAt: number;
}

export interface GateVerdict {
  pass: boolean;
  /** Keys of the stopping incidents that the allowed reference does not name. */
  blocking: string[];
  /** Keys named by the allowed reference (the fix itself may ship). */
  allowed: string[];
}

/**
 * The gate passes when the line runs, or when `allowRef` (a commit message, branch name...)
 * names every stopping incident's key: the change is the fix.
 */
export function gateVerdict(incidents: readonly { key: string }[], allowRef?: string): GateVerdict {
  const ref = (allowRef ?? '').toUpperCase();
  const named = (key: string) => new RegExp(`(^|[^A-Z0-9])${key}([^0-9]|$)`).test(ref);
  const allowed = allowRef ? incidents.filter((i) => named(i.key)).map((i) => i.key) : [];
  const blocking = incidents.map((i) => i.key).filter((k) => !allowed.includes(k));
  return { pass: blocking.length === 0, blocking, allowed };
}

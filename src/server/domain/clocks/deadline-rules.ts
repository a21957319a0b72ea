// The policy's promises as deadlines: pure rules from an incident's state, the events just
// recorded and the policy to the deadlines that should exist, and the fire times of the ladder
// (reminders at fractions of the time, the breach, then one step up every interval until met).
import type { Criticality, Milestone, TaskStatus } from '../../../shared/domain/incidents.ts';
import type { Policy } from '../policy/index.ts';
import { DEADLINE_KIND_VALUES } from '../../../shared/api/deadlines.ts';
import type { ClockSubjectType, ClockVulnerability } from './deadline-events.ts';

/**
 * An incident as the clocks plan from it: the fields of the incidents subject's state they read
 * (the clocks import nothing of incidents; the incidents' state has these fields).
 */
export interface ClockIncident {
  id: string;
  declaredAt: number;
  severity: string | null;
  criticality: Criticality | null;
  phase: string;
  ownerId: string | null;
  /** Waiting for the reporter (policy: the clocks may pause meanwhile). */
  awaitingReporter: boolean;
  tasks: readonly {
    id: string;
    dueAt: number | null;
    status: TaskStatus;
    createdAt: number;
    assigneeId: string | null;
  }[];
  milestones: readonly Milestone[];
  /** The panel of the current round and who of it has voted (panel.voteWithin). */
  panelRound: number;
  panelMembers: readonly { userId: string }[];
  votes: readonly { memberId: string }[];
}

/** The kinds of deadline: one list, shared with the API's schema. */
export const DEADLINE_KINDS = DEADLINE_KIND_VALUES;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

export type DeadlineStatus = 'pending' | 'paused' | 'met' | 'cancelled';

/** A deadline as the rules see it (the stored row without its claim). */
export interface Deadline {
  id: string;
  /** programme: an item of the policy's schedule (its id is the subject id). */
  subjectType: ClockSubjectType;
  subjectId: string;
  kind: DeadlineKind;
  /** The task id for task_due; '' otherwise. */
  ref: string;
  status: DeadlineStatus;
  startedAt: number;
  dueAt: number;
  /** The next step of the ladder (see fireTime); null when met, cancelled or paused. */
  stage: number;
  nextFireAt: number | null;
  pausedAt: number | null;
  responsibleId: string | null;
  /** Event types (optionally "type:detail") that meet it. */
  satisfiedBy: string[];
  metAt: number | null;
  metBy: string | null;
}

/**
 * The policy setting a deadline's time comes from, as receivers of deadline events see it:
 * `severities.P1.responseWithin`, `clocks.customerNoticeWithin`, `reporters.acknowledgeWithin`;
 * a task's due time is set on the task (`tasks.dueAt`).
 */
export function policyRule(kind: DeadlineKind, severity: string | null): string {
  const ofSeverity = (setting: string) =>
    severity === null ? `severities.${setting}` : `severities.${severity}.${setting}`;
  switch (kind) {
    case 'reporter_acknowledgment':
      return 'reporters.acknowledgeWithin';
    case 'response':
      return ofSeverity('responseWithin');
    case 'internal_update':
      return ofSeverity('internalUpdateEvery');
    case 'customer_first_notice':
      return 'clocks.customerNoticeWithin';
    case 'customer_update':
      return ofSeverity('customerUpdateEvery');
    case 'final_report':
      return 'clocks.finalReportWithin';
    case 'task_due':
      return 'tasks.dueAt';
    case 'breach_stage':
      return 'breach.regimes';
    case 'postmortem_due':
      return 'learning.postmortem.draftDueInBusinessDays';
    case 'follow_up_due':
      return 'followUps.dueAt';
    case 'panel_vote':
      return 'panel.voteWithin';
    case 'fix_target':
      return severity === null ? 'disclosure.fixWithin' : `disclosure.fixWithin.${severity}`;
    case 'disclosure_date':
      return 'vulnerabilities.disclosureAt';
    case 'max_embargo':
      return 'disclosure.maxEmbargo';
    case 'reporter_update':
      return 'disclosure.reporterUpdateEvery';
    case 'schedule_due':
      return 'learning.schedule';
  }
}

/** A period of a schedule of `everyMonths` calendar months (UTC, counted from January). */
export interface SchedulePeriod {
  /** Its first month, YYYY-MM: the deadline's ref. */
  ref: string;
  startsAt: number;
  /** When the next period starts: the deadline is due then. */
  endsAt: number;
}

/** The period holding `at`; `ahead` periods later with `ahead`. */
export function schedulePeriod(at: number, everyMonths: number, ahead = 0): SchedulePeriod {
  const date = new Date(at);
  const month =
    date.getUTCFullYear() * 12 +
    Math.floor(date.getUTCMonth() / everyMonths) * everyMonths +
    ahead * everyMonths;
  const start = (m: number) => Date.UTC(Math.floor(m / 12), m % 12, 1);
  const year = Math.floor(month / 12);
  const first = (month % 12) + 1;
  return {
    ref: `${year}-${String(first).padStart(2, '0')}`,
    startsAt: start(month),
    endsAt: start(month + everyMonths),
  };
}

/** An event just recorded on the subject's stream, as the rules need it. */
export interface RecordedEvent {
  type: string;
  data: Record<string, unknown>;
  visibility: string;
}

export interface WantedDeadline {
  kind: DeadlineKind;
  ref: string;
  startedAt: number;
  dueAt: number;
  responsibleId: string | null;
  satisfiedBy: string[];
  /** Clocks that wait while the incident waits for the reporter. */
  pausable: boolean;
}

/** What an incident change does to its deadlines. */
export interface DeadlinePlan {
  create: Deadline[];
  update: Deadline[];
  met: Deadline[];
  cancelled: Deadline[];
}

const CUSTOMER_NOTICE = 'incident.note_added:public';
const FINAL_REPORT = 'incident.milestone_recorded:final_report_step_recorded';
const INTERNAL_UPDATE = 'incident.note_added';

/** Whether an event meets a deadline: "type", or "type:detail" (the milestone or visibility). */
export function meets(event: RecordedEvent, satisfiedBy: readonly string[]): boolean {
  return satisfiedBy.some((spec) => {
    const [type, detail] = spec.split(':');
    if (type !== event.type) return false;
    if (detail === undefined) return true;
    return (
      event.data['milestone'] === detail ||
      event.visibility === detail ||
      event.data['memberId'] === detail
    );
  });
}

type Timed = Pick<Deadline, 'kind' | 'startedAt' | 'dueAt'>;

/**
 * When a deadline's reminders fire, earliest first: at the policy's fractions of its time
 * (`clocks.remindAt`), or, for the disclosure date and the longest embargo, the policy's times
 * before it (`disclosure.remindBefore`, "7 days before the disclosure date").
 */
export function reminderTimes(d: Timed, policy: Policy): number[] {
  if (d.kind === 'disclosure_date' || d.kind === 'max_embargo') {
    return [...policy.disclosure.remindBefore].sort((a, b) => b - a).map((b) => d.dueAt - b);
  }
  return policy.clocks.remindAt.map((f) => Math.round(d.startedAt + f * (d.dueAt - d.startedAt)));
}

/**
 * When stage `stage` of the ladder fires: reminders, then the breach at due, then one level up
 * every `repeatEvery`, then the last level `repeatAtLastLevel` times more; null past the end (the
 * ladder is quiet, the deadline stays breached until met).
 */
export function fireTime(d: Timed, stage: number, policy: Policy): number | null {
  const reminders = reminderTimes(d, policy);
  if (stage < reminders.length) return reminders[stage]!;
  const up = stage - reminders.length;
  const { escalateTo, repeatEvery, repeatAtLastLevel } = policy.clocks;
  if (up > escalateTo.length - 1 + repeatAtLastLevel) return null;
  return d.dueAt + up * repeatEvery;
}

/** What stage `stage` is: a reminder, the breach, or an escalation to the next level. */
export function stageStep(d: Timed, stage: number, policy: Policy) {
  const { escalateTo } = policy.clocks;
  const reminders = reminderTimes(d, policy).length;
  if (stage < reminders) return { step: 'reminder' as const, level: 'owner' as const };
  const up = stage - reminders;
  return {
    step: up === 0 ? ('breach' as const) : ('escalation' as const),
    level: escalateTo[Math.min(up, escalateTo.length - 1)]!,
  };
}

/** The first stage still ahead at `now` (reminders already past are skipped; a breach never). */
export function firstStageAfter(d: Timed, now: number, p: Policy) {
  const reminders = reminderTimes(d, p).length;
  for (let stage = 0; stage < reminders; stage++) {
    if (fireTime(d, stage, p)! >= now) return stage;
  }
  return reminders;
}

function phaseAt(policy: Policy, phase: string) {
  return policy.phases.findIndex((p) => p.id === phase);
}

/** Resolved: at or after the policy's "resolved" phase. */
export function isResolved(state: ClockIncident, policy: Policy): boolean {
  return phaseAt(policy, state.phase) >= phaseAt(policy, policy.stopTheLine.resolvedAtPhase);
}

function severityOf(state: ClockIncident, policy: Policy) {
  const id = state.severity ?? policy.criticality.defaultSeverity.non_critical;
  return (
    policy.severities.find((s) => s.id === id) ?? policy.severities[policy.severities.length - 1]!
  );
}

function isCritical(state: ClockIncident, policy: Policy) {
  if (state.severity !== null) return severityOf(state, policy).critical;
  return state.criticality === 'critical';
}

/**
 * The deadlines the incident should have now. `history` is every deadline it has had (met ones
 * tell when a recurring clock last restarted); `events` were just recorded at `now`.
 */
export function wantedIncidentDeadlines(
  state: ClockIncident,
  policy: Policy,
  history: readonly Deadline[],
  events: readonly RecordedEvent[],
  now: number,
): WantedDeadline[] {
  const closed = policy.phases.find((p) => p.id === state.phase)?.terminal ?? false;
  if (closed) return [];
  const wanted: WantedDeadline[] = [];
  const severity = severityOf(state, policy);
  const owner = state.ownerId;
  const active = (kind: DeadlineKind, ref = '') =>
    history.find((d) => d.kind === kind && d.ref === ref && isActive(d));
  const lastMet = (kind: DeadlineKind) =>
    history
      .filter((d) => d.kind === kind && d.metAt !== null)
      .reduce<number | null>((last, d) => Math.max(last ?? 0, d.metAt!), null);
  const resolved = isResolved(state, policy);

  // Response: from declaration, or from a severity change (a tighter severity never loosens it).
  const responded = history.some((d) => d.kind === 'response' && d.status === 'met');
  if (!responded && !resolved) {
    const current = active('response');
    const change = events.find((e) => e.type === 'incident.severity_set');
    let startedAt = current?.startedAt ?? state.declaredAt;
    let dueAt = current?.dueAt ?? state.declaredAt + severity.responseWithin;
    if (change && current) {
      // From the change; a raised severity takes whichever comes first.
      const restarted = now + severity.responseWithin;
      const previous = policy.severities.find((s) => s.id === change.data['previous']);
      const raised = previous !== undefined && severity.responseWithin < previous.responseWithin;
      if (!raised || restarted < current.dueAt) {
        startedAt = now;
        dueAt = restarted;
      }
    }
    wanted.push({
      kind: 'response',
      ref: '',
      startedAt,
      dueAt,
      responsibleId: owner,
      satisfiedBy: [...policy.clocks.responseMetBy],
      pausable: true,
    });
  }

  // Internal status updates while active; the clock stops when resolved.
  if (!resolved && severity.internalUpdateEvery !== undefined) {
    const current = active('internal_update');
    const startedAt = current?.startedAt ?? lastMet('internal_update') ?? state.declaredAt;
    wanted.push({
      kind: 'internal_update',
      ref: '',
      startedAt,
      dueAt: startedAt + severity.internalUpdateEvery,
      responsibleId: owner,
      satisfiedBy: [INTERNAL_UPDATE],
      pausable: true,
    });
  }

  // Customers are affected when the incident is critical: a first notice, then updates.
  if (isCritical(state, policy) && !resolved) {
    const noticed = history.some((d) => d.kind === 'customer_first_notice' && d.status === 'met');
    if (!noticed) {
      const startedAt = active('customer_first_notice')?.startedAt ?? now;
      wanted.push({
        kind: 'customer_first_notice',
        ref: '',
        startedAt,
        dueAt: startedAt + policy.clocks.customerNoticeWithin,
        responsibleId: owner,
        satisfiedBy: [CUSTOMER_NOTICE],
        pausable: false,
      });
    } else if (severity.customerUpdateEvery !== undefined) {
      const startedAt =
        active('customer_update')?.startedAt ??
        Math.max(lastMet('customer_update') ?? 0, lastMet('customer_first_notice') ?? 0);
      wanted.push({
        kind: 'customer_update',
        ref: '',
        startedAt,
        dueAt: startedAt + severity.customerUpdateEvery,
        responsibleId: owner,
        satisfiedBy: [CUSTOMER_NOTICE],
        pausable: false,
      });
    }
  }

  // The final report, for critical incidents, from resolution.
  if (resolved && isCritical(state, policy)) {
    const done =
      state.milestones.includes('final_report_step_recorded') ||
      history.some((d) => d.kind === 'final_report' && d.status === 'met');
    if (!done) {
      const startedAt = active('final_report')?.startedAt ?? now;
      wanted.push({
        kind: 'final_report',
        ref: '',
        startedAt,
        dueAt: startedAt + policy.clocks.finalReportWithin,
        responsibleId: owner,
        satisfiedBy: [FINAL_REPORT],
        pausable: false,
      });
    }
  }

  // Any task with a due time, until it is done or cancelled.
  for (const task of state.tasks) {
    if (task.dueAt === null || task.status === 'done' || task.status === 'cancelled') continue;
    wanted.push({
      kind: 'task_due',
      ref: task.id,
      startedAt: Math.min(task.createdAt, task.dueAt),
      dueAt: task.dueAt,
      responsibleId: task.assigneeId ?? owner,
      satisfiedBy: [],
      pausable: false,
    });
  }

  // Each member of an undecided panel votes within panel.voteWithin of its convening; their
  // own vote meets it, the decision (or a new round) stops the rest.
  const voteWithin = policy.panel.voteWithin;
  if (voteWithin !== undefined && state.criticality === null) {
    for (const member of state.panelMembers) {
      if (state.votes.some((v) => v.memberId === member.userId)) continue;
      const ref = `${state.panelRound}:${member.userId}`;
      const startedAt = active('panel_vote', ref)?.startedAt ?? now;
      wanted.push({
        kind: 'panel_vote',
        ref,
        startedAt,
        dueAt: startedAt + voteWithin,
        responsibleId: member.userId,
        satisfiedBy: [`incident.panel_vote_recorded:${member.userId}`],
        pausable: false,
      });
    }
  }
  return wanted;
}

/** A task deadline ends met when its task is done. */
export function taskDone(state: ClockIncident): (d: Deadline) => string | null {
  return (d) =>
    d.kind === 'task_due' && state.tasks.some((t) => t.id === d.ref && t.status === 'done')
      ? 'incident.task_updated'
      : null;
}

const PUBLISHED = 'vulnerability.published';
/** The team's news to the reporters (disclosure records each time it tells them). */
export const REPORTERS_TOLD = 'vulnerability.reporters_told';
const OPEN_VULNERABILITY = ['triage', 'accepted', 'fix_in_progress', 'embargoed'];

/**
 * The disclosure deadlines a vulnerability should have now (policy `disclosure`): while it is
 * open, the longest embargo from the report and an update to its reporters every so often; from
 * acceptance until a fixed version is recorded, the fix target of its rating; while embargoed,
 * publication by the agreed date (moving the date moves it). Publication meets them; a
 * vulnerability set aside (duplicate, rejected, informative) stops them.
 */
export function wantedVulnerabilityDeadlines(
  v: ClockVulnerability,
  policy: Policy,
  history: readonly Deadline[],
  now: number,
): WantedDeadline[] {
  if (!OPEN_VULNERABILITY.includes(v.status)) return [];
  const { disclosure } = policy;
  const active = (kind: DeadlineKind) => history.find((d) => d.kind === kind && isActive(d));
  const wanted: WantedDeadline[] = [];
  const want = (kind: DeadlineKind, startedAt: number, dueAt: number, satisfiedBy: string[]) =>
    wanted.push({
      kind,
      ref: '',
      startedAt,
      dueAt,
      responsibleId: v.responsibleId,
      satisfiedBy,
      pausable: false,
    });
  want('max_embargo', v.reportedAt, v.reportedAt + disclosure.maxEmbargo, [PUBLISHED]);
  if (v.hasReporters) {
    const startedAt = active('reporter_update')?.startedAt ?? v.reportersToldAt ?? v.createdAt;
    want('reporter_update', startedAt, startedAt + disclosure.reporterUpdateEvery, [
      REPORTERS_TOLD,
    ]);
  }
  const fixWithin =
    v.rating === null || v.rating === 'none' ? undefined : disclosure.fixWithin[v.rating];
  if (v.status !== 'triage' && v.acceptedAt !== null && !v.fixed && fixWithin !== undefined) {
    want('fix_target', v.acceptedAt, v.acceptedAt + fixWithin, [PUBLISHED]);
  }
  if (v.status === 'embargoed' && v.disclosureAt !== null) {
    const startedAt = Math.min(active('disclosure_date')?.startedAt ?? now, v.disclosureAt);
    want('disclosure_date', startedAt, v.disclosureAt, [PUBLISHED]);
  }
  return wanted;
}

/** A fix clock no longer wanted because a fixed version was recorded ends met. */
export function fixRecorded(v: ClockVulnerability): (d: Deadline) => string | null {
  return (d) => (d.kind === 'fix_target' && v.fixed ? 'vulnerability.changed' : null);
}

export function isActive(d: Pick<Deadline, 'status'>): boolean {
  return d.status === 'pending' || d.status === 'paused';
}

/**
 * Reconciles the stored deadlines with what the rules want: meets those an event met, creates
 * the new ones, moves changed due times (and pauses or resumes), cancels those no longer wanted.
 */
export function planDeadlines(input: {
  subjectType: Deadline['subjectType'];
  subjectId: string;
  history: readonly Deadline[];
  events: readonly RecordedEvent[];
  want: (history: readonly Deadline[]) => WantedDeadline[];
  paused: boolean;
  policy: Policy;
  now: number;
  newId(): string;
  /**
   * What met a deadline no longer wanted (a task done: its event type), or null when it stopped
   * instead.
   */
  endedAsMet?: (d: Deadline) => string | null;
}): DeadlinePlan {
  const { policy, now } = input;
  const plan: DeadlinePlan = { create: [], update: [], met: [], cancelled: [] };
  const history = input.history.map((d) => {
    if (!isActive(d)) return d;
    const event = input.events.find((e) => meets(e, d.satisfiedBy));
    if (!event) return d;
    const met: Deadline = {
      ...d,
      status: 'met',
      metAt: now,
      metBy: event.type,
      nextFireAt: null,
      pausedAt: null,
    };
    plan.met.push(met);
    return met;
  });
  const wanted = input.want(history);
  const seen = new Set<string>();
  for (const w of wanted) {
    const slot = `${w.kind}:${w.ref}`;
    seen.add(slot);
    const current = history.find((d) => isActive(d) && `${d.kind}:${d.ref}` === slot);
    const pause = input.paused && w.pausable;
    if (!current) {
      const fresh: Deadline = {
        id: input.newId(),
        subjectType: input.subjectType,
        subjectId: input.subjectId,
        kind: w.kind,
        ref: w.ref,
        status: pause ? 'paused' : 'pending',
        startedAt: w.startedAt,
        dueAt: w.dueAt,
        stage: 0,
        nextFireAt: null,
        pausedAt: pause ? now : null,
        responsibleId: w.responsibleId,
        satisfiedBy: w.satisfiedBy,
        metAt: null,
        metBy: null,
      };
      fresh.stage = firstStageAfter(fresh, now, policy);
      fresh.nextFireAt = pause ? null : fireTime(fresh, fresh.stage, policy);
      plan.create.push(fresh);
      continue;
    }
    let next: Deadline = { ...current, responsibleId: w.responsibleId };
    if (w.dueAt !== current.dueAt || w.startedAt !== current.startedAt) {
      next = { ...next, startedAt: w.startedAt, dueAt: w.dueAt };
      // A new due time restarts the ladder, but a breach already escalated stays escalated.
      const breach = reminderTimes(next, policy).length;
      next.stage =
        current.stage > breach && w.dueAt <= now
          ? current.stage
          : firstStageAfter(next, now, policy);
    }
    if (pause && current.status === 'pending') {
      next = { ...next, status: 'paused', pausedAt: now, nextFireAt: null };
    } else if (!pause && current.status === 'paused') {
      // The clock resumes where it stopped: the time spent waiting is added to the deadline.
      const waited = now - (current.pausedAt ?? now);
      next = {
        ...next,
        status: 'pending',
        pausedAt: null,
        startedAt: next.startedAt + waited,
        dueAt: next.dueAt + waited,
      };
    }
    if (next.status === 'pending') next.nextFireAt = fireTime(next, next.stage, policy);
    if (!sameDeadline(next, current)) plan.update.push(next);
  }
  for (const d of history) {
    if (isActive(d) && !seen.has(`${d.kind}:${d.ref}`)) {
      // No longer wanted: met when its own condition says so (a task done), otherwise stopped.
      const metBy = input.endedAsMet?.(d) ?? null;
      const ended: Deadline = {
        ...d,
        status: metBy !== null ? 'met' : 'cancelled',
        metAt: metBy !== null ? now : null,
        metBy,
        nextFireAt: null,
        pausedAt: null,
      };
      (metBy !== null ? plan.met : plan.cancelled).push(ended);
    }
  }
  return plan;
}

function sameDeadline(a: Deadline, b: Deadline): boolean {
  return (
    a.status === b.status &&
    a.startedAt === b.startedAt &&
    a.dueAt === b.dueAt &&
    a.stage === b.stage &&
    a.nextFireAt === b.nextFireAt &&
    a.pausedAt === b.pausedAt &&
    a.responsibleId === b.responsibleId
  );
}

/** What meets a report's deadlines: every report deadline's `satisfiedBy` is drawn from these. */
export const REPORT_DEADLINES_MET_BY = ['report.acknowledged'] as const;

/**
 * Whether a report's events can change its deadlines: one meets a deadline, closes the report
 * (its clocks stop) or changes the emergency (the acknowledgment is planned again). Others leave
 * the clocks alone, and the clocks are not read for them.
 */
export function mayChangeReportClocks(eventTypes: readonly string[]): boolean {
  const changing: readonly string[] = [
    ...REPORT_DEADLINES_MET_BY,
    'report.closed',
    'report.emergency_changed',
  ];
  return eventTypes.some((type) => changing.includes(type));
}

/** The reporter acknowledgment: received + reporters.acknowledgeWithin, met by acknowledging. */
export function reporterAcknowledgment(
  reportId: string,
  receivedAt: number,
  dueAt: number,
  policy: Policy,
  newId: () => string,
): Deadline {
  const d: Deadline = {
    id: newId(),
    subjectType: 'report',
    subjectId: reportId,
    kind: 'reporter_acknowledgment',
    ref: '',
    status: 'pending',
    startedAt: receivedAt,
    dueAt,
    stage: 0,
    nextFireAt: null,
    pausedAt: null,
    responsibleId: null,
    satisfiedBy: [...REPORT_DEADLINES_MET_BY],
    metAt: null,
    metBy: null,
  };
  d.stage = firstStageAfter(d, receivedAt, policy);
  d.nextFireAt = fireTime(d, d.stage, policy);
  return d;
}

/** What a notice published to customers (the public status page) does to an incident's clocks. */
export type CustomerNotice = 'update' | 'final_report';

/**
 * A notice to customers meets the incident's open first-notice or update clock (`update`), or its
 * final-report clock (`final_report`). A met notice starts the next update's clock at once, at the
 * cadence of the incident's severity (`severities.X.customerUpdateEvery`); the incident's next
 * change plans it again the same way (wantedIncidentDeadlines), so the two agree.
 */
export function planCustomerNotice(input: {
  history: readonly (Deadline & { severity: string | null })[];
  notice: CustomerNotice;
  metBy: string;
  policy: Policy;
  now: number;
  newId(): string;
}): { met: Deadline[]; create: Deadline[] } {
  const { history, notice, policy, now } = input;
  const kinds: DeadlineKind[] =
    notice === 'update' ? ['customer_first_notice', 'customer_update'] : ['final_report'];
  const met = history
    .filter((d) => isActive(d) && kinds.includes(d.kind))
    .map((d): Deadline => ({
      ...d,
      status: 'met',
      metAt: now,
      metBy: input.metBy,
      nextFireAt: null,
      pausedAt: null,
    }));
  const create: Deadline[] = [];
  const last = met[met.length - 1] as (Deadline & { severity: string | null }) | undefined;
  const every = policy.severities.find((s) => s.id === last?.severity)?.customerUpdateEvery;
  if (notice === 'update' && last && every !== undefined) {
    const next: Deadline = {
      id: input.newId(),
      subjectType: last.subjectType,
      subjectId: last.subjectId,
      kind: 'customer_update',
      ref: '',
      status: 'pending',
      startedAt: now,
      dueAt: now + every,
      stage: 0,
      nextFireAt: null,
      pausedAt: null,
      responsibleId: last.responsibleId,
      satisfiedBy: last.satisfiedBy,
      metAt: null,
      metBy: null,
    };
    next.stage = firstStageAfter(next, now, policy);
    next.nextFireAt = fireTime(next, next.stage, policy);
    create.push(next);
  }
  return { met, create };
}

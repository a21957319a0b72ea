// Deadline use cases: recompute an incident's or report's deadlines inside the transaction of
// its change, fire a claimed deadline (event on the subject's stream + notices to each person on
// their channels, naming the subject as far as each may see it; one transaction), list them, and
// mark one met by hand with a reason.
import type { Db, Dialect, Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { isUniqueViolation } from '../../db/event-store.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Clock } from '../../clock.ts';
import { can, type Actor, type NoticeReader } from '../actor.ts';
import {
  clockEvent,
  type ClockEvent,
  type DeadlineEventData,
  type DeadlineStep,
  type ClockVulnerability,
  type FollowUpDue,
  type PostmortemDue,
  type SubjectEvent,
} from './deadline-events.ts';
import { bypassesQuietHours, type Policy } from '../policy/index.ts';
import {
  firstStageAfter,
  fireTime,
  mayChangeReportClocks,
  planCustomerNotice,
  planDeadlines,
  reporterAcknowledgment,
  schedulePeriod,
  stageStep,
  fixRecorded,
  taskDone,
  wantedIncidentDeadlines,
  wantedVulnerabilityDeadlines,
  type ClockIncident,
  type CustomerNotice,
  type Deadline,
  type RecordedEvent,
} from './deadline-rules.ts';
import * as repo from './deadline-repository.ts';
import { deadlineTask, subjectFor, tellStep, type StepNotices } from './step-notices.ts';
import { measureDeadlines } from './measure-rules.ts';

export interface ClockUser extends NoticeReader {
  email: string;
  /** The roles the person acts with now (what they may see follows from them). */
  roles: readonly string[];
}

/** How a notice names its subject to one reader: the key, and the title if they may see it. */
export interface NoticeHeadline {
  key: string;
  title: string | null;
}

/** What the clocks need of the incidents subject. */
export interface ClockIncidents {
  /** Reads an incident the actor may see (throws NOT_FOUND otherwise); its id. */
  findVisible(actor: Actor, ref: string): Promise<{ id: string }>;
  /** The policy the incident is handled under (the version it recorded); null if unknown. */
  findPolicy(incidentId: string): Promise<Policy | null>;
  /** Ids of the restricted incidents the actor may not see. */
  listHiddenIds(actor: Actor): Promise<string[]>;
  /** The incident as a notice names it to this reader, in the caller's transaction. */
  findNoticeHeadline(
    tx: Executor,
    incidentId: string,
    reader: NoticeReader | null,
  ): Promise<NoticeHeadline | null>;
  /** User ids of those holding this incident role (executive_sponsor), in the transaction. */
  listRoleHolderIds(tx: Executor, incidentId: string, role: string): Promise<string[]>;
  /** Records clock events on the incident's stream in the transaction; false: no incident. */
  recordClockEvents(
    tx: Executor,
    incidentId: string,
    events: ClockEvent<'incident'>[],
    at: number,
  ): Promise<boolean>;
  /** The incidents' keys (INC-…), by id. */
  findKeys(ids: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** The incidents declared as exercises: their deadlines are left out of the measures. */
  listExerciseIds(): Promise<string[]>;
}

/**
 * What the clocks need of the learning subject for the policy's schedule of exercises and reviews:
 * each item's deadlines' steps go on the item's own stream. Built before the planner.
 */
export interface ClockProgramme {
  recordClockEvents(
    tx: Executor,
    itemId: string,
    events: ClockEvent<'programme'>[],
    at: number,
  ): Promise<void>;
}

/**
 * What the clocks need of the learning subject for stand-alone follow-ups (no incident holds
 * them): a follow-up's due clock's steps go on its own stream, and a notice names it by its id and
 * title (anyone who may read follow-ups sees it). Built before the planner.
 */
export interface ClockFollowUps {
  recordClockEvents(
    tx: Executor,
    followUpId: string,
    events: ClockEvent<'follow_up'>[],
    at: number,
  ): Promise<boolean>;
  findNoticeHeadline(
    tx: Executor,
    followUpId: string,
  ): Promise<{ key: string; title: string } | null>;
}

/**
 * What the clocks need of a subject whose deadlines follow its visibility (a report, a
 * vulnerability): S names its stream's kind in the clock events.
 */
export interface ClockVisibleSubject<S extends 'report' | 'vulnerability'> {
  /** Throws NOT_FOUND unless the actor may see the item (by id). */
  assertVisible(actor: Actor, id: string): Promise<void>;
  /** Ids of the items the actor may not see. */
  listHiddenIds(actor: Actor): Promise<string[]>;
  /** The item as a notice names it to this reader, in the caller's transaction. */
  findNoticeHeadline(
    tx: Executor,
    id: string,
    reader: NoticeReader | null,
  ): Promise<NoticeHeadline | null>;
  /** Records clock events on the item's stream in the transaction; false: no such item. */
  recordClockEvents(
    tx: Executor,
    id: string,
    events: ClockEvent<S>[],
    at: number,
  ): Promise<boolean>;
  /** The items' keys (RPT-…, VULN-…), by id. */
  findKeys(ids: readonly string[]): Promise<ReadonlyMap<string, string>>;
}

/** What the clocks need of the reports subject: a report's deadlines follow its visibility. */
export type ClockReports = ClockVisibleSubject<'report'>;

/** What the clocks need of the disclosure subject: a vulnerability's deadlines follow it. */
export type ClockVulnerabilities = ClockVisibleSubject<'vulnerability'>;

export interface DeadlinesDeps {
  db: Db;
  /** Claims differ: FOR UPDATE SKIP LOCKED on PostgreSQL, compare-and-set on SQLite. */
  dialect: Dialect;
  clock: Clock;
  /** The policy in force: reports' ladders, and incidents whose own version cannot be read. */
  policy: () => Policy;
  /** Active users, optionally with an account role (accounts subject), in the transaction. */
  listUsers(tx: Executor, role?: string): Promise<ClockUser[]>;
  /** STOPLINE_BASE_URL: notices link to the subject's page in the console. */
  baseUrl: string;
  incidents: ClockIncidents;
  reports: ClockReports;
  vulnerabilities: ClockVulnerabilities;
  /** The schedule's items record their deadlines' steps (learning). */
  programme: ClockProgramme;
  /** Stand-alone follow-ups record their due clocks' steps (learning). */
  followUps: ClockFollowUps;
  /** Reminders and escalations go out through notifications (with its exercise gate). */
  notices: StepNotices;
  /** Who is on call (on-call subject): the ladder's level `on_call`. */
  onCall: ClockOnCall;
}

/** What the clocks need of the on-call subject. */
export interface ClockOnCall {
  /** The people the policy's `on_call` means at an instant, in the caller's transaction. */
  listOnCallIds(tx: Executor, at: number): Promise<string[]>;
}

export type DeadlinesService = ReturnType<typeof createDeadlinesService>;

/** A running or submitted stage of a breach regime, as the breach subject hands it over. */
export interface BreachStageClock {
  /** "regime.stage", e.g. "gdpr.authority". */
  ref: string;
  startedAt: number;
  dueAt: number;
  /** Set once the stage was submitted: its deadline is met then. */
  submittedAt: number | null;
  /** Who is reminded: the legal role member who keeps the record. */
  responsibleId: string | null;
}

const EVENT_OF_STEP = {
  reminder: 'deadline_reminded',
  breach: 'deadline_breached',
  escalation: 'deadline_escalated',
} as const;

function eventData(d: Deadline, extra: Partial<DeadlineEventData> = {}): DeadlineEventData {
  return { deadlineId: d.id, kind: d.kind, dueAt: d.dueAt, ...extra };
}

/** Writes the plan; every deadline touched, and every one still open, carries the severity;
 * those that had none (met before it was known) take the first one. */
async function applyPlan(
  tx: Executor,
  plan: ReturnType<typeof planDeadlines>,
  now: number,
  subject: { id: string; severity: string | null },
) {
  const { severity } = subject;
  await repo.insertDeadlines(tx, plan.create, now, severity);
  for (const d of [...plan.update, ...plan.met, ...plan.cancelled]) {
    await repo.saveDeadline(tx, d, now, { severity });
  }
  await repo.setOpenSeverity(tx, subject.id, severity);
  if (severity !== null) await repo.adoptFirstSeverity(tx, subject.id, severity);
}

/**
 * The clocks' part that runs inside an incident's or a report's own transaction: their deadlines
 * planned again after each change. It needs no other subject, so the composition root builds it
 * before incidents and reports, and the rest of the clocks (which read them) after.
 */
export function createDeadlinePlanner(deps: Pick<DeadlinesDeps, 'policy' | 'programme'>) {
  /**
   * Something of this kind was held at `at` (an exercise declared, a review recorded): every open
   * deadline of the schedule's items of that kind whose period has begun by then is met (on the
   * item's stream, `metBy`), and the period after the one holding `at` starts.
   */
  async function scheduleHeld(tx: Executor, kind: string, at: number, metBy: string) {
    const policy = deps.policy();
    for (const item of policy.learning.schedule.filter((i) => i.kind === kind)) {
      const history = await repo.listSubjectDeadlines(tx, item.id);
      const met: ClockEvent<'programme'>[] = [];
      for (const d of history) {
        if (d.subjectType !== 'programme' || d.kind !== 'schedule_due') continue;
        if (d.status !== 'pending' && d.status !== 'paused') continue;
        if (schedulePeriod(d.dueAt - 1, item.everyMonths).startsAt > at) continue;
        await repo.saveDeadline(
          tx,
          { ...d, status: 'met', metAt: at, metBy, nextFireAt: null, pausedAt: null },
          at,
        );
        met.push(clockEvent('programme', 'deadline_met', eventData(d, { metBy })));
      }
      if (met.length > 0) await deps.programme.recordClockEvents(tx, item.id, met, at);
      const next = schedulePeriod(at, item.everyMonths, 1);
      if (!history.some((d) => d.ref === next.ref)) {
        await startPeriod(tx, item.id, next.ref, at, next.endsAt, policy, at);
      }
    }
  }

  async function startPeriod(
    tx: Executor,
    itemId: string,
    ref: string,
    startedAt: number,
    dueAt: number,
    policy: Policy,
    now: number,
  ) {
    const plan = planDeadlines({
      subjectType: 'programme',
      subjectId: itemId,
      history: [],
      events: [],
      want: () => [
        {
          kind: 'schedule_due',
          ref,
          startedAt,
          dueAt,
          responsibleId: null,
          satisfiedBy: [],
          pausable: false,
        },
      ],
      paused: false,
      policy,
      now,
      // One deadline per item and period, whichever instance starts it first.
      newId: () => `schedule:${itemId}:${ref}`,
    });
    await repo.insertDeadlines(tx, plan.create, now);
  }

  /**
   * The schedule's items as deadlines at `now`: each item without an open deadline gets the
   * current period's (unless that period's was already held); an item the policy no longer lists
   * has its open deadline cancelled. Returns how many started.
   */
  async function planSchedule(tx: Executor, now: number): Promise<number> {
    const policy = deps.policy();
    const items = new Map(policy.learning.schedule.map((i) => [i.id, i]));
    let started = 0;
    for (const d of await repo.listOpenOfSubjectType(tx, 'programme')) {
      if (!items.has(d.subjectId)) {
        await repo.saveDeadline(tx, { ...d, status: 'cancelled', nextFireAt: null }, now);
      }
    }
    for (const item of items.values()) {
      const history = await repo.listSubjectDeadlines(tx, item.id);
      const open = history.some((d) => d.status === 'pending' || d.status === 'paused');
      const period = schedulePeriod(now, item.everyMonths);
      if (open || history.some((d) => d.ref >= period.ref)) continue;
      await startPeriod(tx, item.id, period.ref, now, period.endsAt, policy, now);
      started++;
    }
    return started;
  }

  async function afterIncidentChange(
    tx: Executor,
    state: ClockIncident,
    policy: Policy,
    events: readonly SubjectEvent[],
    now: number,
  ): Promise<ClockEvent<'incident'>[]> {
    const recorded: RecordedEvent[] = events.map((e) => ({
      type: e.type,
      data: e.data as Record<string, unknown>,
      visibility: e.visibility ?? 'internal',
    }));
    // Breach stages and a post-mortem's draft are planned by their subjects (setBreachStages,
    // startPostmortemDue), not by incident changes.
    const history = (await repo.listSubjectDeadlines(tx, state.id)).filter(
      (d) => !PLANNED_ELSEWHERE.has(d.kind),
    );
    const plan = planDeadlines({
      subjectType: 'incident',
      subjectId: state.id,
      history,
      events: recorded,
      want: (h) => wantedIncidentDeadlines(state, policy, h, recorded, now),
      paused: state.awaitingReporter && policy.verification.pauseClocksWhileAwaitingReporter,
      policy,
      now,
      newId,
      endedAsMet: taskDone(state),
    });
    await applyPlan(tx, plan, now, state);
    // Declaring an exercise holds the schedule's exercise of its kind (the quarterly tabletop).
    const exercise = recorded.find((e) => e.type === 'incident.opened')?.data['exercise'] as
      { kind: string } | null | undefined;
    if (exercise) await scheduleHeld(tx, exercise.kind, now, 'incident.opened');
    return plan.met.map((d) =>
      clockEvent('incident', 'deadline_met', eventData(d, { metBy: d.metBy ?? 'unknown' })),
    );
  }

  /**
   * A vulnerability's disclosure deadlines planned again after its change (in its transaction),
   * under the policy in force; answers the deadline_met events to record on its stream.
   */
  async function afterVulnerabilityChange(
    tx: Executor,
    v: ClockVulnerability,
    events: readonly SubjectEvent[],
    now: number,
  ): Promise<ClockEvent<'vulnerability'>[]> {
    const policy = deps.policy();
    const recorded: RecordedEvent[] = events.map((e) => ({
      type: e.type,
      data: e.data as Record<string, unknown>,
      visibility: e.visibility ?? 'internal',
    }));
    const plan = planDeadlines({
      subjectType: 'vulnerability',
      subjectId: v.id,
      history: await repo.listSubjectDeadlines(tx, v.id),
      events: recorded,
      want: (h) => wantedVulnerabilityDeadlines(v, policy, h, now),
      paused: false,
      policy,
      now,
      newId,
      endedAsMet: fixRecorded(v),
    });
    await applyPlan(tx, plan, now, { id: v.id, severity: v.rating });
    return plan.met.map((d) =>
      clockEvent('vulnerability', 'deadline_met', eventData(d, { metBy: d.metBy ?? 'unknown' })),
    );
  }

  async function reportReceived(tx: Executor, reportId: string, receivedAt: number, due: number) {
    const policy = deps.policy();
    await repo.insertDeadlines(
      tx,
      [reporterAcknowledgment(reportId, receivedAt, due, policy, newId)],
      receivedAt,
    );
  }

  /** Acknowledging meets the acknowledgment deadline; closing the report stops it. */
  async function reportEvents(
    tx: Executor,
    reportId: string,
    events: readonly SubjectEvent[],
    at: number,
  ): Promise<ClockEvent<'report'>[]> {
    if (!mayChangeReportClocks(events.map((e) => e.type))) return [];
    const out: ClockEvent<'report'>[] = [];
    const closed = events.some((e) => e.type === 'report.closed');
    // Raised or lowered emergency: the acknowledgment is due at the new time, from receipt.
    const replanned = events.find((e) => e.type === 'report.emergency_changed');
    for (const d of await repo.listSubjectDeadlines(tx, reportId)) {
      if (d.status !== 'pending' && d.status !== 'paused') continue;
      const meeting = events.find((e) => d.satisfiedBy.includes(e.type));
      if (replanned && d.kind === 'reporter_acknowledgment' && !meeting) {
        const dueAt = Number((replanned.data as { acknowledgeDueAt?: unknown }).acknowledgeDueAt);
        const policy = deps.policy();
        const moved: Deadline = { ...d, dueAt };
        moved.stage = firstStageAfter(moved, at, policy);
        moved.nextFireAt = fireTime(moved, moved.stage, policy);
        await repo.saveDeadline(tx, moved, at);
      } else if (meeting) {
        const met: Deadline = { ...d, status: 'met', metAt: at, metBy: meeting.type };
        await repo.saveDeadline(tx, { ...met, nextFireAt: null }, at);
        out.push(clockEvent('report', 'deadline_met', eventData(d, { metBy: meeting.type })));
      } else if (closed) {
        await repo.saveDeadline(tx, { ...d, status: 'cancelled', nextFireAt: null }, at);
      }
    }
    return out;
  }

  /**
   * A required post-mortem's draft is due (the learning subject asks when the incident is
   * resolved): one deadline per incident, started once, met when the draft goes to review.
   */
  async function startPostmortemDue(
    tx: Executor,
    incidentId: string,
    due: PostmortemDue,
    policy: Policy,
    now: number,
  ): Promise<void> {
    const history = await repo.listSubjectDeadlines(tx, incidentId);
    if (history.some((d) => d.kind === 'postmortem_due')) return;
    const plan = planDeadlines({
      subjectType: 'incident',
      subjectId: incidentId,
      history: [],
      events: [],
      want: () => [
        {
          kind: 'postmortem_due',
          ref: '',
          startedAt: due.startedAt,
          dueAt: due.dueAt,
          responsibleId: due.responsibleId,
          satisfiedBy: [],
          pausable: false,
        },
      ],
      paused: false,
      policy,
      now,
      newId,
    });
    await repo.insertDeadlines(tx, plan.create, now, due.severity);
  }

  /**
   * A follow-up is due (added, or opened again): one active deadline per follow-up, reminding its
   * owner and escalating like any other; on the incident of its post-mortem, or (incident null) on
   * the stand-alone follow-up itself.
   */
  async function startFollowUpDue(
    tx: Executor,
    incidentId: string | null,
    due: FollowUpDue,
    policy: Policy,
    now: number,
  ): Promise<void> {
    const subjectId = incidentId ?? due.followUpId;
    const history = await repo.listSubjectDeadlines(tx, subjectId);
    const active = (d: Deadline) => d.status === 'pending' || d.status === 'paused';
    if (history.some((d) => d.kind === 'follow_up_due' && d.ref === due.followUpId && active(d)))
      return;
    const plan = planDeadlines({
      subjectType: incidentId === null ? 'follow_up' : 'incident',
      subjectId,
      history: [],
      events: [],
      want: () => [
        {
          kind: 'follow_up_due',
          ref: due.followUpId,
          startedAt: due.startedAt,
          dueAt: due.dueAt,
          responsibleId: due.responsibleId,
          satisfiedBy: [],
          pausable: false,
        },
      ],
      paused: false,
      policy,
      now,
      newId,
    });
    await repo.insertDeadlines(tx, plan.create, now, due.severity);
  }

  return {
    afterIncidentChange,
    afterVulnerabilityChange,
    reportReceived,
    reportEvents,
    startPostmortemDue,
    startFollowUpDue,
    scheduleHeld,
    planSchedule,
  };
}

/** Deadline kinds another subject plans, which an incident's own changes leave alone. */
const PLANNED_ELSEWHERE = new Set<string>(['breach_stage', 'postmortem_due', 'follow_up_due']);

export type DeadlinePlanner = ReturnType<typeof createDeadlinePlanner>;

export function createDeadlinesService(deps: DeadlinesDeps) {
  const { db } = deps;
  const {
    afterIncidentChange,
    reportReceived,
    reportEvents,
    startPostmortemDue,
    startFollowUpDue,
    scheduleHeld,
    planSchedule,
  } = createDeadlinePlanner(deps);

  /**
   * Who is told at a ladder level: the responsible user, whoever is on call, the security leads,
   * the sponsor. A breach
   * stage is the legal role's: everyone with it hears every step too.
   */
  async function recipientsFor(tx: Executor, d: Deadline, level: string): Promise<ClockUser[]> {
    const onLadder = await ladderRecipients(tx, d, level);
    if (d.kind !== 'breach_stage') return onLadder;
    const legal = await deps.listUsers(tx, 'legal');
    const told = new Set(onLadder.map((u) => u.id));
    return [...onLadder, ...legal.filter((u) => !told.has(u.id))];
  }

  async function ladderRecipients(tx: Executor, d: Deadline, level: string): Promise<ClockUser[]> {
    const some = async (ids: string[]) =>
      ids.length === 0 ? [] : (await deps.listUsers(tx)).filter((u) => ids.includes(u.id));
    if (level === 'owner' && d.responsibleId) {
      const owner = await some([d.responsibleId]);
      if (owner.length > 0) return owner;
    }
    if (level === 'on_call') {
      const onCall = await some(await deps.onCall.listOnCallIds(tx, deps.clock.now()));
      if (onCall.length > 0) return onCall;
    }
    if (level === 'executive_sponsor' && d.subjectType === 'incident') {
      const sponsors = await some(
        await deps.incidents.listRoleHolderIds(tx, d.subjectId, 'executive_sponsor'),
      );
      if (sponsors.length > 0) return sponsors;
    }
    // No one at that level: the security leads are told instead, so nothing goes unheard.
    return deps.listUsers(tx, 'security_lead');
  }

  async function recordOnSubject(
    tx: Executor,
    d: Deadline,
    type: DeadlineStep,
    data: DeadlineEventData,
    at: number,
  ) {
    if (d.subjectType === 'incident') {
      const events = [clockEvent('incident', type, data)];
      return deps.incidents.recordClockEvents(tx, d.subjectId, events, at);
    }
    if (d.subjectType === 'vulnerability') {
      const events = [clockEvent('vulnerability', type, data)];
      return deps.vulnerabilities.recordClockEvents(tx, d.subjectId, events, at);
    }
    if (d.subjectType === 'follow_up') {
      const events = [clockEvent('follow_up', type, data)];
      return deps.followUps.recordClockEvents(tx, d.subjectId, events, at);
    }
    if (d.subjectType === 'programme') {
      await deps.programme.recordClockEvents(
        tx,
        d.subjectId,
        [clockEvent('programme', type, data)],
        at,
      );
      return true;
    }
    return deps.reports.recordClockEvents(tx, d.subjectId, [clockEvent('report', type, data)], at);
  }

  /** The ladder of a deadline: its incident's own policy version, else the policy in force. */
  async function policyFor(d: Pick<Deadline, 'subjectType' | 'subjectId'>): Promise<Policy> {
    if (d.subjectType !== 'incident') return deps.policy();
    return (await deps.incidents.findPolicy(d.subjectId)) ?? deps.policy();
  }

  /**
   * Fires a deadline this worker has claimed: the step of the ladder reached by `now` (after
   * downtime the overdue steps collapse into one), its event, its notices, and the next step.
   * False when the claim was lost to another instance (nothing is written then).
   */
  async function fireClaimed(worker: string, id: string, now: number): Promise<boolean> {
    // The policy is resolved before the transaction (SQLite has one connection, and the policy
    // history is read outside it); a deadline's subject never changes.
    const seen = await repo.findDeadline(db, id);
    if (!seen || seen.status !== 'pending' || seen.claimedBy !== worker) return false;
    const policy = await policyFor(seen);
    try {
      return await inTransaction(db, async (tx) => {
        const d = await repo.findDeadline(tx, id);
        if (!d || d.status !== 'pending' || d.claimedBy !== worker) return false;
        let stage = d.stage;
        for (let at = fireTime(d, stage + 1, policy); at !== null && at <= now;) {
          stage++;
          at = fireTime(d, stage + 1, policy);
        }
        const { step, level } = stageStep(d, stage, policy);
        const breachNow = step !== 'reminder' && d.breachedAt === null;
        const recipients = await recipientsFor(tx, d, level);
        const type = breachNow ? 'deadline_breached' : EVENT_OF_STEP[step];
        const notified = recipients.map((r) => r.id);
        await recordOnSubject(tx, d, type, eventData(d, { notified, level }), now);
        await tellStep(
          tx,
          { ...deps, schedule: () => policy.learning.schedule },
          {
            deadline: d,
            stage,
            step: breachNow ? 'breach' : step,
            level,
            urgent: bypassesQuietHours(policy, d.severity),
            at: now,
          },
          recipients,
        );
        const next = { ...d, stage: stage + 1, nextFireAt: fireTime(d, stage + 1, policy) };
        const finished = await repo.finishFiring(tx, next, worker, now, breachNow ? now : null);
        if (!finished) throw new LostClaim();
        return true;
      });
    } catch (error) {
      if (error instanceof LostClaim) return false;
      throw error;
    }
  }

  /**
   * The breach stages of an incident as deadlines (kind breach_stage, ref "regime.stage"): one
   * per running stage, due when the regime says; a submitted stage's deadline is met at its
   * submission, one no longer running (a determination changed to no) is cancelled. Met ones
   * are recorded on the incident's stream (incident.deadline_met).
   */
  async function setBreachStages(
    tx: Executor,
    incidentId: string,
    stages: readonly BreachStageClock[],
    now: number,
  ): Promise<void> {
    const history = (await repo.listSubjectDeadlines(tx, incidentId)).filter(
      (d) => d.kind === 'breach_stage',
    );
    const submitted = new Map(
      stages.filter((s) => s.submittedAt !== null).map((s) => [s.ref, s.submittedAt!]),
    );
    const plan = planDeadlines({
      subjectType: 'incident',
      subjectId: incidentId,
      history,
      events: [],
      want: () =>
        stages
          .filter((s) => s.submittedAt === null)
          .map((s) => ({
            kind: 'breach_stage' as const,
            ref: s.ref,
            startedAt: s.startedAt,
            dueAt: s.dueAt,
            responsibleId: s.responsibleId,
            satisfiedBy: [],
            pausable: false,
          })),
      paused: false,
      // The ladder of the policy in force (the incident's version is read outside transactions).
      policy: deps.policy(),
      now,
      newId,
      endedAsMet: (d) => (submitted.has(d.ref) ? 'breach.submitted' : null),
    });
    const met = plan.met.map((d) => ({
      ...d,
      metAt: submitted.get(d.ref) ?? now,
      metBy: 'breach.submitted',
    }));
    await repo.insertDeadlines(tx, plan.create, now);
    for (const d of [...plan.update, ...met, ...plan.cancelled]) {
      await repo.saveDeadline(tx, d, now);
    }
    if (met.length > 0) {
      await deps.incidents.recordClockEvents(
        tx,
        incidentId,
        met.map((d) => clockEvent('incident', 'deadline_met', eventData(d, { metBy: d.metBy }))),
        now,
      );
    }
  }

  /** Marks an open deadline met (`metBy`, and the reason if by hand) and records it. */
  async function meet(tx: Executor, d: Deadline, metBy: string, now: number, reason?: string) {
    const met: Deadline = {
      ...d,
      status: 'met',
      metAt: now,
      metBy,
      nextFireAt: null,
      pausedAt: null,
    };
    await repo.saveDeadline(tx, met, now, reason === undefined ? {} : { met_reason: reason });
    return met;
  }

  /**
   * The incident's post-mortem draft is in (sent to review, or skipped): its draft clock is met,
   * on the incident's record, in the caller's transaction.
   */
  async function postmortemDraftIn(tx: Executor, incidentId: string, metBy: string, now: number) {
    for (const d of await repo.listSubjectDeadlines(tx, incidentId)) {
      if (d.kind !== 'postmortem_due' || (d.status !== 'pending' && d.status !== 'paused'))
        continue;
      await meet(tx, d, metBy, now);
      await recordOnSubject(tx, d, 'deadline_met', eventData(d, { metBy }), now);
    }
  }

  /**
   * A follow-up is closed: done meets its clock (on the incident's record, or the stand-alone
   * follow-up's when the incident is null), not doing cancels it.
   */
  async function followUpClosed(
    tx: Executor,
    incidentId: string | null,
    followUpId: string,
    done: boolean,
    now: number,
  ) {
    for (const d of await repo.listSubjectDeadlines(tx, incidentId ?? followUpId)) {
      if (d.kind !== 'follow_up_due' || d.ref !== followUpId) continue;
      if (d.status !== 'pending' && d.status !== 'paused') continue;
      if (!done) {
        await repo.saveDeadline(tx, { ...d, status: 'cancelled', nextFireAt: null }, now);
        continue;
      }
      const metBy = 'postmortem.follow_up_status_set';
      await meet(tx, d, metBy, now);
      await recordOnSubject(tx, d, 'deadline_met', eventData(d, { metBy }), now);
    }
  }

  return {
    afterIncidentChange,
    startPostmortemDue,
    startFollowUpDue,
    followUpClosed,
    postmortemDraftIn,
    scheduleHeld,
    /** The schedule's current periods as deadlines (the scheduler, each tick; once across
     * instances: a period's deadline has one id, and a second insert of it is dropped). */
    async planSchedule(now: number): Promise<number> {
      try {
        return await inTransaction(db, (tx) => planSchedule(tx, now));
      } catch (error) {
        if (isUniqueViolation(error)) return 0;
        throw error;
      }
    },
    /** The deadlines of the schedule's items (every period, oldest due first). */
    listSchedule: () => repo.listOfSubjectType(db, 'programme'),
    setBreachStages,
    reportReceived,
    reportEvents,
    fireClaimed,

    findDueIds: (now: number, limit: number) => repo.findDueIds(db, now, limit),
    /** Compare-and-set claim of one row (both databases). */
    claim: (id: string, worker: string, now: number, lease: number) =>
      repo.claimDeadline(db, id, worker, now, lease),
    /** Claims a batch of due rows, oldest first (see repo.claimDue for the two databases). */
    claimDue: (worker: string, now: number, lease: number, limit: number) =>
      repo.claimDue(db, deps.dialect, { worker, now, lease, limit }),

    /** Deadlines by state, leaving out those of incidents and reports the actor may not see. */
    async list(
      actor: Actor,
      filter: { state: repo.DeadlineListState; soonWithin: number; limit: number },
    ) {
      const hidden = await Promise.all([
        deps.incidents.listHiddenIds(actor),
        deps.reports.listHiddenIds(actor),
        deps.vulnerabilities.listHiddenIds(actor),
      ]);
      return repo.listDeadlines(db, {
        ...filter,
        hiddenSubjectIds: hidden.flat(),
        now: deps.clock.now(),
      });
    },

    /**
     * The open deadlines for a person's calendar: those of the subjects they may see (with
     * `deadlines.read`) and their own, each with what is due in words and its subject named as a
     * notice to them names it (a restricted incident they do not take part in: by key alone).
     */
    async listForCalendar(actor: Actor, limit: number) {
      const reader = { id: actor.userId ?? '', roles: actor.roles };
      const hidden = new Set(
        (
          await Promise.all([
            deps.incidents.listHiddenIds(actor),
            deps.reports.listHiddenIds(actor),
            deps.vulnerabilities.listHiddenIds(actor),
          ])
        ).flat(),
      );
      const mayRead = can(actor, 'deadlines.read');
      const open = await repo.listDeadlines(db, {
        state: 'open',
        soonWithin: 0,
        limit,
        now: deps.clock.now(),
      });
      const schedule = deps.policy().learning.schedule;
      const shown = open.filter((d) =>
        d.responsibleId === reader.id ? reader.id !== '' : mayRead && !hidden.has(d.subjectId),
      );
      const named = await Promise.all(
        shown.map(async (d) => {
          const subject = await subjectFor(db, { ...deps, schedule: () => schedule }, d, reader);
          return subject && { deadline: d, task: deadlineTask(d.kind), subject };
        }),
      );
      return named.filter((n) => n !== null);
    },

    /** The keys people know the subjects by (INC-…, RPT-…), by subject id, for links. */
    async subjectKeys(list: readonly Pick<Deadline, 'subjectType' | 'subjectId'>[]) {
      const ids = (type: Deadline['subjectType']) => [
        ...new Set(list.filter((d) => d.subjectType === type).map((d) => d.subjectId)),
      ];
      const [incidents, reports, vulnerabilities] = await Promise.all([
        deps.incidents.findKeys(ids('incident')),
        deps.reports.findKeys(ids('report')),
        deps.vulnerabilities.findKeys(ids('vulnerability')),
      ]);
      // A schedule item is known by its id in the policy, a stand-alone follow-up by its id.
      const items = [...ids('programme'), ...ids('follow_up')].map((id): [string, string] => [
        id,
        id,
      ]);
      return new Map([...items, ...reports, ...incidents, ...vulnerabilities]);
    },

    /** Time to acknowledge and respond, share met per kind and month, for clocks started in range. */
    async measures(range: { from: number; to: number }) {
      // Exercises are left out: a drill's quick response is no measure of the real ones.
      const exercises = await deps.incidents.listExerciseIds();
      const rows = await repo.listForMeasures(db, range.from, range.to, exercises);
      return measureDeadlines(rows, deps.clock.now());
    },

    /**
     * A notice to customers about this incident was published (the public status page), in the
     * caller's transaction: it meets the open first-notice or update clock, or the final report,
     * with `metBy` on the incident's record, and starts the next update's clock.
     */
    async customerNoticePublished(
      tx: Executor,
      incidentId: string,
      notice: CustomerNotice,
      metBy: string,
      now: number,
    ): Promise<void> {
      const history = await repo.listSubjectDeadlines(tx, incidentId);
      const plan = planCustomerNotice({
        history,
        notice,
        metBy,
        policy: deps.policy(),
        now,
        newId,
      });
      const severity = history.find((d) => d.severity !== null)?.severity ?? null;
      for (const d of plan.met) {
        await repo.saveDeadline(tx, d, now);
        await recordOnSubject(tx, d, 'deadline_met', eventData(d, { metBy }), now);
      }
      await repo.insertDeadlines(tx, plan.create, now, severity);
    },

    async listForIncident(actor: Actor, ref: string) {
      const { id } = await deps.incidents.findVisible(actor, ref);
      return repo.listSubjectDeadlines(db, id);
    },

    /** Marks a deadline met by hand; the reason goes on the subject's record. */
    async markMet(actor: Actor, id: string, reason: string) {
      // Checked before the transaction (SQLite has one connection): a deadline is only for those
      // who may see its incident or report.
      const seen = await repo.findDeadline(db, id);
      if (seen?.subjectType === 'incident') await deps.incidents.findVisible(actor, seen.subjectId);
      if (seen?.subjectType === 'report') await deps.reports.assertVisible(actor, seen.subjectId);
      if (seen?.subjectType === 'vulnerability') {
        await deps.vulnerabilities.assertVisible(actor, seen.subjectId);
      }
      return inTransaction(db, async (tx) => {
        const d = await repo.findDeadline(tx, id);
        if (!d) throw new AppError('NOT_FOUND', 'Deadline was not found');
        if (d.status !== 'pending' && d.status !== 'paused') {
          throw new AppError('RULE_REFUSED', `This deadline is already ${d.status}`);
        }
        const now = deps.clock.now();
        await meet(tx, d, 'manual', now, reason);
        await recordOnSubject(
          tx,
          d,
          'deadline_met',
          eventData(d, { metBy: 'manual', reason, notified: [actor.userId ?? ''] }),
          now,
        );
        return (await repo.findDeadline(tx, id))!;
      });
    },
  };
}

class LostClaim extends Error {}

// Incident use cases. Each is one transaction: load the incident and its version, let the rules
// decide, append the events at the loaded version (a concurrent change makes this CONFLICT),
// project them, and let the line rules stop or resume the line in the same transaction.
import type { Clock } from '../../clock.ts';
import {
  findRecordedTypes,
  listStreamEvents,
  listStreamsEvents,
  type StoredEvent,
} from '../../db/event-store.ts';
import { allocateYearlyKey } from '../../db/key-sequence.ts';
import type { Db, Executor, Visibility } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import {
  can,
  readerActor,
  requirePermission,
  systemActor,
  type Actor,
  type NoticeReader,
} from '../actor.ts';
import { parsePolicy, type Policy, type PolicyInForce } from '../policy/index.ts';
import * as actions from './action-rules.ts';
import * as assessment from './assessment-rules.ts';
import * as continuity from './continuity-rules.ts';
import { incidentEvent, type IncidentEvent } from './incident-events.ts';
import * as rules from './incident-rules.ts';
import type {
  ContainmentKind,
  Criticality,
  Milestone,
  ReproductionResult,
  TaskStatus,
} from '../../../shared/domain/incidents.ts';
import type { VoteInput } from './assessment-rules.ts';
import type { AlertEvidence, IncidentFields, TaskFields } from './incident-events.ts';
import {
  assertCommanderOr,
  assertEligible,
  assertMayAssignRoles,
  assertMayOpenFromReport,
  assertVisible,
  isAdmin,
  isVisibleTo,
  type SeatChoice,
  type StaffMember,
} from './access-rules.ts';
import type { IncidentState, RuleContext } from './incident-state.ts';
import { appendToIncident } from './incident-projection.ts';
import * as repo from './incident-repository.ts';
import { createIncidentsReader } from './reader-service.ts';
import { failedExitChecks, type ExitContext } from './phase-rules.ts';
import { lineChange, reportsFollowNow } from './line-rules.ts';
import * as roles from './role-rules.ts';
import * as next from './next-step-rules.ts';
import { whoMustAct } from './notice-rules.ts';
import type { StaffNotice } from '../notifications/index.ts';
import { createContainmentHooks, type ContainmentHookDeps } from './containment-hook-service.ts';
import type { ContainmentHookAnswer } from './incident-state.ts';
import type { PostmortemCase, PostmortemStanding } from '../learning/index.ts';
import type { HandOffCase, TrackerIssueRef } from '../trackers/index.ts';

/** What incidents need of the on-call subject. */
export interface IncidentOnCall {
  /** The people the policy's `on_call` means at an instant, in the caller's transaction. */
  listOnCallIds(tx: Executor, at: number): Promise<string[]>;
}

export interface IncidentsServiceDeps {
  db: Db;
  clock: Clock;
  policy: PolicyInForce;
  /** The text of an earlier policy version (policy history), for incidents opened under it. */
  findPolicyText(hash: string): Promise<string | null>;
  /** Responders who can take an incident now (from accounts), for automatic owner assignment. */
  findAvailableResponders(): Promise<{ id: string }[]>;
  /** Who is on call now (on-call subject): the automatic owner when the policy says so. */
  onCall: IncidentOnCall;
  /** The report side of the links (reports subject), in the incident's transaction. */
  reports?: IncidentReports;
  /** People told of what happens to incidents (notifications subject). */
  notices: IncidentNotices;
  /** The clocks: deadlines recomputed in the same transaction as every change. */
  clocks?: IncidentClockHook;
  /** The post-mortem an incident may need before it closes (learning subject). */
  postmortems?: IncidentPostmortems;
  /** Development trackers an incident decided non-critical is handed to (trackers subject). */
  handOffs?: IncidentHandOffs;
  /**
   * Who is on the staff now, with what their roles give (accounts subject): participants named at
   * opening must be staff, and an owner, panel member, role holder or task assignee must be
   * eligible for the seat (assertEligible).
   */
  staff?: { listActive(tx: Executor): Promise<StaffMember[]> };
  /** Containment hooks: their secrets sealed, their URLs checked, their calls sent through the
   * outbox (notifications subject). */
  containmentHooks: Omit<ContainmentHookDeps, 'db' | 'clock'>;
}

/** What the incidents subject needs of the trackers subject, in the incident's transaction. */
export interface IncidentHandOffs {
  /** The incident was just decided non-critical: its issue goes to each tracker (outbox). */
  decidedNonCritical(tx: Executor, incident: HandOffCase, at: number): Promise<void>;
}

/** The decision (or de-escalation) that hands an incident to normal development. */
function decidedNonCritical(events: readonly IncidentEvent[]): boolean {
  return events.some(
    (e) =>
      (e.type === 'incident.decision_recorded' && e.data.outcome === 'non_critical') ||
      e.type === 'incident.de_escalated',
  );
}

/** What the incidents subject needs of the learning subject, in the incident's transaction. */
export interface IncidentPostmortems {
  /** Whether the policy requires a post-mortem, and how far the incident's is. */
  findStanding(tx: Executor, incident: PostmortemCase, policy: Policy): Promise<PostmortemStanding>;
  /** The incident was just resolved: a required post-mortem's draft clock starts. */
  incidentResolved(
    tx: Executor,
    incident: PostmortemCase,
    policy: Policy,
    at: number,
  ): Promise<void>;
}

/** An incident as the reports subject's visibility rule needs to see it. */
export interface IncidentSightOf {
  findSight(
    tx: Executor,
    actor: Actor,
    ref: string,
  ): Promise<{ id: string; key: string; visible: boolean } | null>;
}

/**
 * What the incidents subject needs of the reports subject: the report side of the link. The
 * reports own it (their link records, built before incidents); every call runs in the incident's
 * transaction, so both sides record a link or neither does.
 */
export interface IncidentReports {
  /**
   * Report ids for what staff typed (a key such as RPT-0042, or an id); NOT_FOUND for unknown
   * ones and for reports this actor may not see (the reports' rule, on incidents as `incidents`
   * sees them).
   */
  resolveRefs(
    tx: Executor,
    actor: Actor,
    refs: readonly string[],
    incidents: IncidentSightOf,
  ): Promise<string[]>;
  /** This incident now handles these reports (the reporter sees "investigating"). */
  markHandled(
    tx: Executor,
    actor: Actor,
    incidentId: string,
    ids: readonly string[],
  ): Promise<void>;
  /** This incident no longer handles these reports. */
  release(tx: Executor, actor: Actor, incidentId: string, ids: readonly string[]): Promise<void>;
  /**
   * The incident is resolved or closed (reporters.followIncident): its open reports are marked
   * fixed and their reporters told; `verifiedOnly`: the policy's rule that results wait for a
   * verified identity, so unverified reporters hear only that there is news.
   */
  markFixed(
    tx: Executor,
    actor: Actor,
    ids: readonly string[],
    rule: { verifiedOnly: boolean },
  ): Promise<void>;
  /** The keys (RPT-0042) of linked reports, by id, for people to read and follow. */
  findKeys(tx: Executor, ids: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /**
   * Of these linked reports, those whose reporter's identity is verified on the report: verified
   * once, it counts for the incident too.
   */
  findVerifiedIds(tx: Executor, ids: readonly string[]): Promise<ReadonlySet<string>>;
}

/** What the incidents subject needs of the notifications subject. */
export interface IncidentNotices {
  /** The line stopped because of this incident: enqueued in the transaction that stopped it;
   * `tell` is the staff roles the policy names. */
  tellLineStopped(
    tx: Executor,
    notice: { incident: IncidentState; reason: string; at: number; tell: readonly string[] },
  ): Promise<void>;
  /** The people a change names hear what they must do (whoMustAct), in its transaction. */
  tellStaff(tx: Executor, notice: StaffNotice): Promise<void>;
  /** The incident reached the policy's resolved phase: paging services' alerts about it end. */
  tellIncidentResolved(
    tx: Executor,
    incident: { id: string; key: string },
    at: number,
  ): Promise<void>;
}

export interface IncidentClockHook {
  /** Recomputes the incident's deadlines; returns the clock events to record (deadlines met). */
  afterChange(
    tx: Executor,
    state: IncidentState,
    policy: Policy,
    events: readonly IncidentEvent[],
    now: number,
  ): Promise<IncidentEvent[]>;
}

export type IncidentsService = ReturnType<typeof createIncidentsService>;

/** The version the caller last saw (If-Match); undefined skips the check. */
type Version = number | undefined;
type Decision = IncidentEvent[] | Promise<IncidentEvent[]>;

/** One attempt of a containment hook's call, as the outbox worker reports it. */
export type HookAnswer = Omit<ContainmentHookAnswer, 'at'> & {
  incidentId: string;
  actionId: string;
  hookId: string;
};
export type OpenInput = Omit<rules.OpenIncidentInput, 'key' | 'declaredAt' | 'severityOverride'> & {
  declaredAt?: number | undefined;
  /** An emergency severity before verify & reproduce: the security lead, with a reason. */
  severityOverride?: { reason: string } | undefined;
};

/** The override as the rules weigh it: who asks is the security lead when they may decide. */
/**
 * What a person chooses when opening an incident from the alert queue: its title (default: the
 * first alert's summary) and a severity of the policy, set as any severity at opening is (before
 * a reproduction, only the security lead with an override reason, where the policy allows it).
 */
export interface TriageOpening {
  title: string | null;
  severity: { id: string; rationale: string | null; override: { reason: string } | null } | null;
}

function overrideBy(actor: Actor, override: { reason: string } | undefined) {
  return override && { reason: override.reason, bySecurityLead: can(actor, 'incidents.decide') };
}
export interface ReproductionInput {
  result: ReproductionResult;
  steps: string;
  evidence: string;
}
export type TaskChanges = Partial<Omit<TaskFields, 'type'> & { status: TaskStatus }>;
export interface DecisionInput {
  what: string;
  why: string;
  alternatives: string;
  decidedBy: string;
}

/** "Needs you" weighs at most this many of a person's open incidents (the newest). */
const NEXT_STEPS_INCIDENTS = 50;

export function createIncidentsService(deps: IncidentsServiceDeps) {
  const { db, clock } = deps;
  const inForce = deps.policy;
  const ctx: RuleContext = { newId };
  const hooks = createContainmentHooks({ db, clock, ...deps.containmentHooks });
  // Each incident is handled under the policy it was opened with (its policyHash), so a policy
  // change never strands an incident in a phase or severity the new policy does not know.
  const policies = new Map<string, Policy>([[inForce.hash, inForce.policy]]);
  async function policyOf(hash: string): Promise<Policy> {
    const known = policies.get(hash);
    if (known) return known;
    const text = await deps.findPolicyText(hash);
    const parsed = text === null ? null : parsePolicy(text);
    // A version that is missing or no longer valid under this Stopline: use the policy in force.
    const policy = parsed?.ok ? parsed.policy : inForce.policy;
    policies.set(hash, policy);
    return policy;
  }

  async function load(tx: Executor, ref: string, actor: Actor): Promise<IncidentState> {
    const state = await repo.findIncidentState(tx, ref);
    if (!state) throw new AppError('NOT_FOUND', 'Incident was not found');
    assertVisible(state, actor);
    return state;
  }

  /**
   * Records a command's events, then lets the line and the clocks react, all on the state in
   * memory (each append answers the state its events produce): the line rules may stop or resume
   * the line, then the clocks recompute the deadlines and record those met. Clock events change
   * nothing the line rules read, so one pass reaches the fixed point.
   */
  async function recordAndSettle(
    tx: Executor,
    incidentId: string,
    before: IncidentState | null,
    policy: Policy,
    events: IncidentEvent[],
    actor: Actor,
    at: number,
  ): Promise<IncidentState> {
    let state = await appendToIncident(tx, incidentId, before, events, actor.userId, at);
    const line = lineChange(state, policy);
    if (line) {
      const type = line.change === 'stopped' ? 'incident.line_stopped' : 'incident.line_resumed';
      const lineEvent = incidentEvent(type, { reason: line.reason });
      state = await appendToIncident(tx, incidentId, state, [lineEvent], actor.userId, at);
      if (line.change === 'stopped') {
        const tell = policy.notices.lineStopped;
        await deps.notices.tellLineStopped(tx, { incident: state, reason: line.reason, at, tell });
      }
    }
    for (const n of whoMustAct(state, policy, events, actor.userId, at)) {
      await deps.notices.tellStaff(tx, {
        to: { userIds: n.userIds },
        kind: n.kind,
        urgent: n.urgent,
        about: {
          type: 'incident',
          key: state.key,
          title: state.title,
          restricted: state.restricted,
        },
        headline: n.headline,
        lines: n.lines,
        idempotencyKey: n.idempotencyKey,
        at,
      });
    }
    if (deps.reports && reportsFollowNow(before, state, policy, events)) {
      await deps.reports.markFixed(tx, actor, state.reportIds, {
        verifiedOnly: policy.reporters.verifyIdentityBeforeSharingResults,
      });
    }
    if (deps.clocks) {
      const clockEvents = await deps.clocks.afterChange(tx, state, policy, events, at);
      state = await appendToIncident(tx, incidentId, state, clockEvents, actor.userId, at);
    }
    // An exercise never reaches a tracker: its issues would be real work for real people.
    if (deps.handOffs && state.exercise === null && decidedNonCritical(events)) {
      await deps.handOffs.decidedNonCritical(tx, handOffCaseOf(state), at);
    }
    if (before && justResolved(before, state, policy)) {
      await deps.notices.tellIncidentResolved(tx, state, at);
    }
    if (deps.postmortems && before && justResolved(before, state, policy)) {
      await deps.postmortems.incidentResolved(tx, await caseOf(tx, state), policy, at);
    }
    return state;
  }

  function handOffCaseOf(state: IncidentState): HandOffCase {
    const { id, key, title, summary, severity, restricted } = state;
    return { id, key, title, summary, severity, restricted };
  }

  /** The incident as learning weighs it: the line and breached deadlines from its record. */
  async function caseOf(tx: Executor, state: IncidentState): Promise<PostmortemCase> {
    return (await casesOf(tx, [state]))[0]!;
  }

  /** caseOf for many incidents, their records read once. */
  async function casesOf(tx: Executor, states: IncidentState[]): Promise<PostmortemCase[]> {
    const ever = await findRecordedTypes(
      tx,
      states.map((s) => s.id),
      ['incident.line_stopped', 'incident.deadline_breached'],
    );
    return states.map((state) => ({
      id: state.id,
      key: state.key,
      severity: state.severity,
      ownerId: state.ownerId,
      lineStopped: ever.get(state.id)?.has('incident.line_stopped') ?? false,
      deadlineBreached: ever.get(state.id)?.has('incident.deadline_breached') ?? false,
      exercise: state.exercise !== null,
    }));
  }

  /**
   * What the exit checks read beside the incident: its post-mortem's standing, when monitoring
   * was added and the time they are weighed at (the monitoring window).
   */
  async function exitContext(
    tx: Executor,
    state: IncidentState,
    policy: Policy,
    now: number,
    steps?: Awaited<ReturnType<typeof repo.listSteps>>,
    postmortemCase?: PostmortemCase,
  ) {
    const recorded = steps ?? (await repo.listSteps(tx, state.id));
    const monitoring = recorded.find((m) => m.milestone === 'monitoring_added');
    const context: ExitContext = { now, monitoringAddedAt: monitoring?.at ?? null };
    if (deps.postmortems) {
      const known = postmortemCase ?? (await caseOf(tx, state));
      context.postmortem = await deps.postmortems.findStanding(tx, known, policy);
    }
    return context;
  }

  /** The continuity checklist of an incident already loaded (and seen by the caller). */
  async function continuityOf(executor: Executor, state: IncidentState) {
    const marks = await listStreamEvents(executor, state.id, {
      types: continuity.CONTINUITY_EVENT_TYPES,
      limit: 100_000,
    });
    return continuity.checklist(inForce.policy, state.affectedSystems, marks);
  }

  /** Load once → check version → rules decide → record, and let the line and clocks settle. */
  async function change(
    actor: Actor,
    ref: string,
    expectedVersion: number | undefined,
    decide: (state: IncidentState, policy: Policy, now: number, tx: Executor) => Decision,
  ): Promise<assessment.IncidentView> {
    // Resolved before the transaction (an incident's policy never changes): SQLite has one
    // connection, and the policy history is read outside this transaction.
    const hash = await repo.findPolicyHash(db, ref);
    const policy = hash === null ? inForce.policy : await policyOf(hash);
    const changed = await inTransaction(db, async (tx) => {
      const state = await load(tx, ref, actor);
      if (expectedVersion !== undefined && expectedVersion !== state.version) {
        throw new AppError(
          'CONFLICT',
          'This incident was changed by someone else since you loaded it; reload and try again',
          { expectedVersion, currentVersion: state.version },
        );
      }
      const now = clock.now();
      const events = await decide(state, policy, now, tx);
      if (events.length === 0) return state;
      return recordAndSettle(tx, state.id, state, policy, events, actor, now);
    });
    return assessment.viewIncident(changed, actor.userId);
  }

  /** A change that creates a part (task, containment action): returns its id too. */
  async function create(
    actor: Actor,
    ref: string,
    v: Version,
    decide: (state: IncidentState, policy: Policy) => { events: IncidentEvent[]; id: string },
  ): Promise<{ incident: assessment.IncidentView; id: string }> {
    let id = '';
    const incident = await change(actor, ref, v, (s, policy) => {
      const made = decide(s, policy);
      id = made.id;
      return made.events;
    });
    return { incident, id };
  }

  /**
   * An incident as a record that follows it sees it (a linked report is seen only by those who
   * may see the incident): its id, key and whether this actor may see it, by the same rule as
   * the incident's own reads; null when there is no such incident (by id or key).
   */
  async function findIncidentSight(executor: Executor, actor: Actor, ref: string) {
    const state = await repo.findIncidentState(executor, ref);
    return (
      state && {
        id: state.id,
        key: state.key,
        visible: isVisibleTo(state, actor),
        severity: state.severity,
        exercise: state.exercise !== null,
        ownerId: state.ownerId,
        closedAt: state.closedAt,
      }
    );
  }

  async function resolveReports(tx: Executor, actor: Actor, refs: string[]): Promise<string[]> {
    const unique = [...new Set(refs)];
    return unique.length > 0 && deps.reports
      ? deps.reports.resolveRefs(tx, actor, unique, { findSight: findIncidentSight })
      : unique;
  }

  /** Participants named at opening are active members of staff (400 naming each other one). */
  async function checkParticipants(tx: Executor, ids: readonly string[] | undefined) {
    if (!ids || ids.length === 0 || !deps.staff) return;
    const active = new Set((await deps.staff.listActive(tx)).map((p) => p.id));
    const unknown = ids.filter((id) => !active.has(id));
    if (unknown.length > 0) {
      throw new AppError('VALIDATION', 'Participants must be active members of staff', {
        errors: unknown.map((id) => ({
          field: 'participantIds',
          message: `${id} is not an active member of staff`,
        })),
      });
    }
  }

  /** The active staff as the seats weigh them (none without the accounts port: nothing checked). */
  const listStaff = async (ex: Executor) => (deps.staff ? deps.staff.listActive(ex) : null);

  /** The people named can take their seats (400 naming each field otherwise): assertEligible. */
  async function checkSeats(ex: Executor, choices: SeatChoice[]) {
    const staff = choices.length > 0 ? await listStaff(ex) : null;
    if (staff) assertEligible(choices, staff);
  }

  async function openIncidentIn(
    tx: Executor,
    actor: Actor,
    input: OpenInput,
  ): Promise<IncidentState> {
    const now = clock.now();
    const id = newId();
    const key = await allocateYearlyKey(tx, 'INC', now);
    const events = rules.openIncident(
      inForce.policy,
      inForce.hash,
      {
        ...input,
        key,
        declaredAt: input.declaredAt ?? now,
        severityOverride: overrideBy(actor, input.severityOverride),
      },
      ctx,
    );
    return recordAndSettle(tx, id, null, inForce.policy, events, actor, now);
  }

  /** Opens an incident for alerts, each on its record (by a rule: ruleId; by a person: null). */
  async function openForAlerts(
    tx: Executor,
    actor: Actor,
    input: (now: number) => Omit<rules.OpenIncidentInput, 'key'>,
    alerts: readonly AlertEvidence[],
    ruleId: string | null,
  ): Promise<{ id: string; key: string }> {
    const now = clock.now();
    const id = newId();
    const key = await allocateYearlyKey(tx, 'INC', now);
    const events = [
      ...rules.openIncident(inForce.policy, inForce.hash, { ...input(now), key }, ctx),
      ...alerts.map((alert) =>
        incidentEvent('incident.alert_attached', { ...alert, ruleId, opened: true }),
      ),
    ];
    const state = await recordAndSettle(tx, id, null, inForce.policy, events, actor, now);
    return { id: state.id, key: state.key };
  }

  return {
    async openIncident(actor: Actor, input: OpenInput): Promise<assessment.IncidentView> {
      const incident = await inTransaction(db, async (tx) => {
        await checkParticipants(tx, input.participantIds);
        const reportIds = await resolveReports(tx, actor, input.reportIds);
        const opened = await openIncidentIn(tx, actor, { ...input, reportIds });
        if (reportIds.length > 0) await deps.reports?.markHandled(tx, actor, opened.id, reportIds);
        return opened;
      });
      return assessment.viewIncident(incident, actor.userId);
    },

    /**
     * Opens the incident a security report calls for, inside the report's transaction (the
     * reports subject records the link on its side there): needs incidents.create.
     */
    async openFromReport(
      tx: Executor,
      actor: Actor,
      report: rules.ReportSource,
    ): Promise<{ incidentId: string; incident: assessment.IncidentView }> {
      assertMayOpenFromReport(actor);
      const opened = await openIncidentIn(tx, actor, rules.incidentFromReport(report));
      return { incidentId: opened.id, incident: assessment.viewIncident(opened, actor.userId) };
    },

    /**
     * Opens the incident a policy alert rule calls for, inside the alert's transaction, as the
     * system: its clocks run from the alert's detection time, the alert is on its record.
     */
    async openFromAlert(
      tx: Executor,
      opening: rules.AlertOpening,
    ): Promise<{ id: string; key: string }> {
      const input = (now: number) => rules.incidentFromAlert(opening, now);
      return openForAlerts(tx, systemActor, input, [opening.alert], opening.ruleId);
    },

    /**
     * Opens one incident for alerts a person selected in the triage queue, inside the alerts'
     * transaction: its clocks run from the earliest alert's detection time, every alert is on its
     * record; needs incidents.create.
     */
    async openFromTriage(
      tx: Executor,
      actor: Actor,
      alerts: AlertEvidence[],
      opening: TriageOpening,
    ): Promise<{ id: string; key: string }> {
      assertMayOpenFromReport(actor);
      const { title, severity } = opening;
      const input = (now: number) => ({
        ...rules.incidentFromTriage(alerts, title, now),
        ...(severity
          ? {
              severity: severity.id,
              severityRationale: severity.rationale ?? 'chosen in alert triage',
              severityOverride: overrideBy(actor, severity.override ?? undefined),
            }
          : {}),
      });
      return openForAlerts(tx, actor, input, alerts, null);
    },

    /**
     * Attaches alerts a person selected to an open incident they may see (not found otherwise),
     * inside the alerts' transaction; needs incidents.update. An exercise takes no real alerts.
     */
    async attachFromTriage(
      tx: Executor,
      actor: Actor,
      ref: string,
      alerts: AlertEvidence[],
    ): Promise<{ id: string; key: string }> {
      requirePermission(actor, 'incidents.update', 'Attaching alerts to an incident');
      const state = await repo.findIncidentState(tx, ref);
      if (!state) throw new AppError('NOT_FOUND', 'Incident was not found');
      assertVisible(state, actor);
      if (state.closedAt !== null || state.exercise !== null) {
        throw new AppError('CONFLICT', 'Alerts are attached to an open incident', {
          errors: [
            {
              field: 'incident',
              message: state.exercise !== null ? 'is an exercise' : 'is closed',
            },
          ],
        });
      }
      const events = alerts.map((alert) =>
        incidentEvent('incident.alert_attached', { ...alert, ruleId: null, opened: false }),
      );
      await appendToIncident(tx, state.id, state, events, actor.userId, clock.now());
      return { id: state.id, key: state.key };
    },

    async getIncident(actor: Actor, ref: string) {
      const state = await load(db, ref, actor);
      const policy = await policyOf(state.policyHash);
      const phase = policy.phases.find((p) => p.id === state.phase)!;
      const [ownerHistory, roleHistory, keys, steps] = await Promise.all([
        repo.listOwnerHistory(db, state.id),
        repo.listRoleHistory(db, state.id),
        deps.reports?.findKeys(db, state.reportIds) ?? new Map<string, string>(),
        repo.listSteps(db, state.id),
      ]);
      const exit = await exitContext(db, state, policy, clock.now(), steps);
      return {
        incident: assessment.viewIncident(state, actor.userId),
        reports: state.reportIds.map((id) => ({ id, key: keys.get(id) ?? id })),
        flags: roles.roleFlags(state, policy),
        assessment: assessment.assessFor(policy, state, actor.userId),
        exitChecksFailing: failedExitChecks(phase, state, policy, exit),
        actions: next.allowedActions(state, policy, actor, exit),
        nextSteps: next.nextSteps(state, policy, actor, exit),
        ownerHistory,
        roleHistory,
        steps,
      };
    },

    /**
     * What this person must do now across the open incidents they take part in (the dashboard's
     * "Needs you"): each incident with its steps, those with none left out; newest first.
     */
    async listNextSteps(actor: Actor) {
      if (actor.userId === null) return [];
      const ids = await repo.listOpenIncidentIdsWith(db, actor.userId, NEXT_STEPS_INCIDENTS);
      // One read for all of them; the exit checks (recorded steps, the post-mortem's standing)
      // weigh only where this person runs the incident, so only those are read further.
      const states = (await repo.findIncidentStates(db, ids)).filter((s) => isVisibleTo(s, actor));
      const run = states.filter((s) => next.weighsExitChecks(s, actor));
      const [recorded, cases] = await Promise.all([
        repo.listStepsOf(
          db,
          run.map((s) => s.id),
        ),
        casesOf(db, run),
      ]);
      const now = clock.now();
      const items = [];
      for (const state of states) {
        const policy = await policyOf(state.policyHash);
        const at = run.indexOf(state);
        const exit =
          at < 0
            ? null
            : await exitContext(db, state, policy, now, recorded.get(state.id) ?? [], cases[at]);
        const steps = next.nextSteps(state, policy, actor, exit);
        if (steps.length === 0) continue;
        const { key, title, severity, phase } = state;
        items.push({ key, title, severity, phase, steps });
      }
      return items;
    },

    /** The policy an incident is handled under (the version it recorded); null: no such incident. */
    async findIncidentPolicy(incidentId: string): Promise<Policy | null> {
      const hash = await repo.findPolicyHash(db, incidentId);
      return hash === null ? null : policyOf(hash);
    },

    /** Key, restriction and participants of these incidents, by id (who may hear of them). */
    findAudiences: (ids: readonly string[], executor: Executor = db) =>
      repo.findIncidentAudiences(executor, ids),

    /** Who holds an incident role (such as executive_sponsor), by user id; none if no incident. */
    async listRoleHolderIds(executor: Executor, incidentId: string, role: string) {
      const state = await repo.findIncidentState(executor, incidentId);
      return (state?.roles ?? []).filter((r) => r.role === role).map((r) => r.userId);
    },

    recordClockEvents,
    recordOutsideDecision,
    /**
     * An alert joins an open incident (the policy's rule decided), in the alert's transaction;
     * null when the incident is closed or gone (the alert then opens its own, or waits).
     */
    async attachAlert(
      tx: Executor,
      incidentId: string,
      alert: AlertEvidence,
      ruleId: string | null,
      at: number,
    ): Promise<{ id: string; key: string } | null> {
      const state = await repo.findIncidentState(tx, incidentId);
      // closedAt is set by the move to the terminal phase (no policy read in this transaction).
      if (!state || state.closedAt !== null) return null;
      const event = incidentEvent('incident.alert_attached', { ...alert, ruleId, opened: false });
      await appendToIncident(tx, state.id, state, [event], null, at);
      return { id: state.id, key: state.key };
    },
    /** Monitoring resolved an alert of this incident: on its record, the phase unchanged. */
    async recordAlertResolved(
      tx: Executor,
      incidentId: string,
      alert: AlertEvidence,
      resolvedAt: number,
      at: number,
    ): Promise<void> {
      const state = await repo.findIncidentState(tx, incidentId);
      if (!state) return;
      const event = incidentEvent('incident.alert_resolved', { ...alert, resolvedAt });
      await appendToIncident(tx, state.id, state, [event], null, at);
    },

    /** A tracker opened the issue handed to it: the link is kept on the incident's record. */
    async recordTrackerIssue(
      tx: Executor,
      incidentId: string,
      issue: TrackerIssueRef & { trackerUrl: string },
      at: number,
    ): Promise<void> {
      const state = await repo.findIncidentState(tx, incidentId);
      if (!state) return;
      const { trackerUrl, ...tracker } = issue;
      const event = incidentEvent('incident.handed_off', { trackerUrl, tracker });
      await appendToIncident(tx, state.id, state, [event], null, at);
    },
    /** The tracker closed (or reopened) it: evidence, and a proposal to close; never a close. */
    async recordTrackerState(
      tx: Executor,
      incidentId: string,
      issue: TrackerIssueRef & { trackerUrl: string; state: 'open' | 'closed' },
      at: number,
    ): Promise<void> {
      const state = await repo.findIncidentState(tx, incidentId);
      if (!state) return;
      const event = incidentEvent('incident.tracker_issue_changed', issue);
      await appendToIncident(tx, state.id, state, [event], null, at);
    },

    /** Ids of the restricted incidents this actor may not see (none for admins). */
    async listHiddenIncidentIds(actor: Actor, executor: Executor = db): Promise<string[]> {
      if (isAdmin(actor)) return [];
      return repo.listRestrictedIncidentIdsWithout(executor, actor.userId ?? '');
    },

    /** An incident as a record that follows it sees it (see the function above). */
    findIncidentSight,

    /** The incident as learning weighs whether it needs a post-mortem; null: no such incident. */
    /** Whether the incident is restricted or an exercise (a follow-up's hand-off to trackers). */
    async findHandOffSight(executor: Executor, incidentId: string) {
      const state = await repo.findIncidentState(executor, incidentId);
      return state && { restricted: state.restricted, exercise: state.exercise !== null };
    },

    async findPostmortemCase(executor: Executor, incidentId: string) {
      const state = await repo.findIncidentState(executor, incidentId);
      return state && caseOf(executor, state);
    },

    /**
     * The incident as a notice names it to one reader (null: an audience of unknown people, such
     * as a webhook endpoint): its key always, its title only if the reader may see the incident
     * (the rule of every read, isVisibleTo). Null when there is no such incident.
     */
    async findNoticeHeadline(executor: Executor, incidentId: string, reader: NoticeReader | null) {
      const state = await repo.findIncidentState(executor, incidentId);
      if (!state) return null;
      const visible = isVisibleTo(state, readerActor(reader));
      return { key: state.key, title: visible ? state.title : null };
    },

    listIncidents(actor: Actor, filter: Omit<repo.IncidentListFilter, 'participantId'>) {
      return repo.listIncidents(db, {
        ...filter,
        participantId: visibleToParticipant(actor),
      });
    },

    /**
     * Tasks across the incidents this caller may see (restricted ones only for participants);
     * `assignee` is a user id or `me`.
     */
    async listTasks(
      actor: Actor,
      filter: { assignee?: string | undefined; openOnly: boolean; limit: number },
    ) {
      const { assignee, ...rest } = filter;
      const assigneeId = assignee === 'me' ? actor.userId : assignee;
      // `me` for a caller who is nobody (the system) has no tasks.
      if (assigneeId === null) return [];
      return repo.listTasks(db, {
        ...rest,
        assigneeId,
        participantId: visibleToParticipant(actor),
      });
    },

    updateIncident(actor: Actor, ref: string, v: Version, changes: Partial<IncidentFields>) {
      return change(actor, ref, v, (s, policy) => rules.updateIncident(s, policy, changes));
    },

    linkReports(actor: Actor, ref: string, v: Version, reportIds: string[]) {
      return change(actor, ref, v, async (s, _policy, _now, tx) => {
        const resolved = await resolveReports(tx, actor, reportIds);
        const events = rules.linkReports(s, resolved);
        const fresh = resolved.filter((id) => !s.reportIds.includes(id));
        if (fresh.length > 0) await deps.reports?.markHandled(tx, actor, s.id, fresh);
        return events;
      });
    },

    /**
     * Unlinks reports (by id) from this incident; both sides record it. The reports are told even
     * when the incident does not list them (a link recorded on the report alone, from before both
     * sides were recorded), so such a link can be undone too.
     */
    unlinkReports(actor: Actor, ref: string, v: Version, reportIds: string[]) {
      return change(actor, ref, v, async (s, _policy, _now, tx) => {
        await deps.reports?.release(tx, actor, s.id, reportIds);
        return rules.unlinkReports(s, reportIds);
      });
    },

    addParticipant(actor: Actor, ref: string, v: Version, userId: string) {
      return change(actor, ref, v, (s) => rules.addParticipant(s, userId));
    },

    /**
     * By hand, or (no userId) to the available responder with the fewest open incidents; with the
     * policy's notices.onCall.assignIncidents, to whoever is on call when they are available.
     */
    async assignOwner(actor: Actor, ref: string, v: Version, userId?: string) {
      if (userId)
        return change(actor, ref, v, async (s, policy, _now, tx) => {
          const events = rules.assignOwner(s, policy, userId, 'manual');
          await checkSeats(tx, [{ field: 'userId', seat: 'owner', userId }]);
          return events;
        });
      const available = (await deps.findAvailableResponders()).map((r) => r.id);
      return change(actor, ref, v, async (s, policy, now, tx) => {
        const onCall = policy.notices.onCall.assignIncidents
          ? await deps.onCall.listOnCallIds(tx, now)
          : [];
        const candidates = rules.preferOnCall(available, onCall);
        const others = candidates.filter((id) => id !== s.ownerId);
        const load = await repo.countOpenIncidentsByOwner(tx, others);
        const chosen = rules.pickLeastLoaded(others, load);
        if (!chosen) throw new AppError('RULE_REFUSED', 'No responder is available right now');
        return rules.assignOwner(s, policy, chosen, 'auto');
      });
    },

    recordReproduction(actor: Actor, ref: string, v: Version, input: ReproductionInput) {
      return change(actor, ref, v, (s, policy) => rules.recordReproduction(s, policy, input));
    },

    convenePanel(
      actor: Actor,
      ref: string,
      v: Version,
      nomination: { responderIds: string[]; securityLeadId: string | null },
    ) {
      const named: SeatChoice[] = [
        ...nomination.responderIds.map((userId, i) => ({
          field: `responderIds.${i}`,
          seat: 'panel' as const,
          userId,
        })),
        ...(nomination.securityLeadId === null
          ? []
          : [
              {
                field: 'securityLeadId',
                seat: 'security_lead' as const,
                userId: nomination.securityLeadId,
              },
            ]),
      ];
      return change(actor, ref, v, async (s, policy, _now, tx) => {
        const events = assessment.convenePanel(s, policy, nomination);
        await checkSeats(tx, named);
        return events;
      });
    },

    castVote(actor: Actor, ref: string, v: Version, input: VoteInput) {
      return change(actor, ref, v, (s, policy, now) =>
        assessment.castVote(s, policy, actor.userId, input, now),
      );
    },

    recordFinalCall(
      actor: Actor,
      ref: string,
      v: Version,
      input: { outcome: Criticality; rationale: string },
    ) {
      return change(actor, ref, v, (s, policy) =>
        assessment.recordFinalCall(s, policy, actor.userId, input),
      );
    },

    reopenDecision(actor: Actor, ref: string, v: Version, reason: string) {
      return change(actor, ref, v, (s, policy) => assessment.reopenDecision(s, policy, reason));
    },

    /** `override`: an emergency severity before verify & reproduce (the security lead). */
    setSeverity(
      actor: Actor,
      ref: string,
      v: Version,
      severity: string,
      rationale: string,
      override?: { reason: string },
    ) {
      return change(actor, ref, v, (s, policy) =>
        rules.setSeverity(s, policy, severity, rationale, overrideBy(actor, override)),
      );
    },

    assignRole(
      actor: Actor,
      ref: string,
      v: Version,
      input: { role: string; userId: string; replacesUserId?: string | undefined },
    ) {
      return change(actor, ref, v, async (s, policy, _now, tx) => {
        assertMayAssignRoles(s, policy, actor);
        const events = roles.assignRole(s, policy, input);
        await checkSeats(tx, [{ field: 'userId', seat: 'role', userId: input.userId }]);
        return events;
      });
    },

    releaseRole(actor: Actor, ref: string, v: Version, role: string, userId: string) {
      return change(actor, ref, v, (s, policy) => {
        assertMayAssignRoles(s, policy, actor);
        return roles.releaseRole(s, policy, role, userId);
      });
    },

    /** A task's assignee works on incidents (the role seat): never a read-only viewer. */
    async addTask(actor: Actor, ref: string, v: Version, task: TaskFields) {
      // Read first: `create` decides without the transaction's executor.
      const staff = task.assigneeId === null ? null : await listStaff(db);
      return create(actor, ref, v, (s, policy) => {
        const made = actions.addTask(s, policy, task, ctx);
        if (staff && task.assigneeId !== null)
          assertEligible([{ field: 'assigneeId', seat: 'role', userId: task.assigneeId }], staff);
        return { events: made.events, id: made.taskId };
      });
    },

    updateTask(actor: Actor, ref: string, v: Version, taskId: string, changes: TaskChanges) {
      return change(actor, ref, v, async (s, policy, _now, tx) => {
        const events = actions.updateTask(s, policy, taskId, changes);
        const userId = changes.assigneeId;
        if (events.length > 0 && userId) {
          await checkSeats(tx, [{ field: 'assigneeId', seat: 'role', userId }]);
        }
        return events;
      });
    },

    /** Records a containment action; one that names a hook calls it (through the outbox). */
    async recordContainment(
      actor: Actor,
      ref: string,
      v: Version,
      input: { kind: ContainmentKind; description: string; hookId?: string | undefined },
    ) {
      let id = '';
      const incident = await change(actor, ref, v, async (s, policy, now, tx) => {
        const { hookId, ...fields } = input;
        const hook = hookId === undefined ? undefined : await hooks.findChoice(tx, hookId);
        const made = actions.recordContainment(s, policy, { ...fields, hook }, ctx);
        id = made.actionId;
        const action = { id, ...fields, hookId: hook?.id ?? null };
        return [...made.events, ...(await hooks.call(tx, s, action, 'apply', now))];
      });
      return { incident, id };
    },

    /** Reverts a containment action; its hook's revert URL is called (through the outbox). */
    revertContainment(actor: Actor, ref: string, v: Version, actionId: string, note: string) {
      return change(actor, ref, v, async (s, policy, now, tx) => {
        const events = actions.revertContainment(s, policy, actionId, note);
        const action = s.containment.find((c) => c.id === actionId)!;
        return [...events, ...(await hooks.call(tx, s, action, 'revert', now, note))];
      });
    },

    listContainmentHooks: hooks.listHooks,
    listContainmentHookNames: hooks.listHookNames,
    createContainmentHook: hooks.createHook,
    updateContainmentHook: hooks.updateHook,
    findContainmentHookForCall: hooks.findForCall,

    /**
     * The outbox worker's word on a hook call (every attempt): recorded on the incident as the
     * system, whatever phase the incident is in.
     */
    async recordHookAnswer(answer: HookAnswer): Promise<void> {
      const { incidentId, ...data } = answer;
      await inTransaction(db, async (tx) => {
        const state = await repo.findIncidentState(tx, incidentId);
        if (!state || !state.containment.some((c) => c.id === data.actionId)) return;
        const event = incidentEvent('incident.containment_hook_answered', data);
        await appendToIncident(tx, state.id, state, [event], null, clock.now());
      });
    },

    keepContainment(actor: Actor, ref: string, v: Version, actionId: string, why: string) {
      return change(actor, ref, v, (s, policy) =>
        actions.keepContainment(s, policy, actionId, why),
      );
    },

    deEscalate(
      actor: Actor,
      ref: string,
      v: Version,
      input: { rationale: string; severity?: string | undefined },
    ) {
      return change(actor, ref, v, (s, policy) => rules.deEscalate(s, policy, input, ctx));
    },

    handOffToDevelopment(actor: Actor, ref: string, v: Version, trackerUrl: string) {
      return change(actor, ref, v, (s, policy) =>
        rules.handOffToDevelopment(s, policy, trackerUrl),
      );
    },

    movePhase(actor: Actor, ref: string, v: Version, to: string) {
      return change(actor, ref, v, async (s, policy, now, tx) => {
        const target = policy.phases.find((p) => p.id === to);
        if (target?.terminal) assertCommanderOr(s, actor, 'incidents.close', 'close incidents');
        return rules.movePhase(s, policy, to, await exitContext(tx, s, policy, now));
      });
    },

    logDecision(actor: Actor, ref: string, v: Version, input: DecisionInput) {
      return change(actor, ref, v, () => rules.logDecision(input, ctx));
    },

    async listDecisions(actor: Actor, ref: string) {
      const state = await load(db, ref, actor);
      return repo.listDecisions(db, state.id);
    },

    addNote(actor: Actor, ref: string, v: Version, text: string, visibility: Visibility) {
      return change(actor, ref, v, () => rules.addNote(text, visibility));
    },

    recordMilestone(actor: Actor, ref: string, v: Version, milestone: Milestone, note: string) {
      return change(actor, ref, v, async (s, policy, _now, tx) => {
        const verified =
          milestone === 'reporter_informed' && deps.reports
            ? await deps.reports.findVerifiedIds(tx, s.reportIds)
            : new Set<string>();
        return rules.recordMilestone(s, policy, milestone, note, verified);
      });
    },

    /**
     * The manual fallback procedures of the policy in force that cover a system the incident
     * affects, as a checklist (Kai section 7): a procedure written after the incident opened
     * applies too, since the fallback is about the systems, not the incident's handling.
     */
    async continuityChecklist(actor: Actor, ref: string) {
      const state = await load(db, ref, actor);
      return continuityOf(db, state);
    },

    /** Ticks a step of a procedure on the checklist; recorded with who and when. */
    async tickContinuityStep(actor: Actor, ref: string, procedureId: string, step: number) {
      await change(actor, ref, undefined, async (s, _policy, _now, tx) =>
        continuity.tickStep(await continuityOf(tx, s), procedureId, step),
      );
      return continuityOf(db, await load(db, ref, actor));
    },

    /** Unticks a ticked step, with the reason, on the record. */
    async untickContinuityStep(
      actor: Actor,
      ref: string,
      procedureId: string,
      step: number,
      reason: string,
    ) {
      await change(actor, ref, undefined, async (s, _policy, _now, tx) =>
        continuity.untickStep(await continuityOf(tx, s), procedureId, step, reason),
      );
      return continuityOf(db, await load(db, ref, actor));
    },

    /** The incident's events, oldest first, a page at a time. */
    async timeline(
      actor: Actor,
      ref: string,
      page: { afterSeq?: number | undefined; limit: number; types?: string[] | undefined },
    ) {
      const state = await load(db, ref, actor);
      const items = await listStreamEvents(db, state.id, {
        afterSeq: page.afterSeq ?? 0,
        limit: page.limit + 1,
        ...(page.types?.length ? { types: page.types } : {}),
      });
      const more = items.length > page.limit;
      const shown = items
        .slice(0, page.limit)
        .map((e) => assessment.sealVoteEvent(state, actor.userId, e));
      return { items: shown, nextAfterSeq: more ? shown[shown.length - 1]!.seq : null };
    },

    /**
     * Many incidents' events of `types` (by id), oldest first, the first `limit` of each: what
     * `timeline` shows each, read for all of them at once (the incidents' states in one read, the
     * events in another). Answers only the incidents this caller may see (a restricted one for its
     * participants), each with its events (none: an empty list).
     */
    async listRecords(
      actor: Actor,
      ids: readonly string[],
      types: readonly string[],
      limit: number,
    ): Promise<Map<string, StoredEvent[]>> {
      const states = (await repo.findIncidentStates(db, ids)).filter((s) => isVisibleTo(s, actor));
      const events = await listStreamsEvents(
        db,
        states.map((s) => s.id),
        { types, limitEach: limit },
      );
      return new Map(
        states.map((state) => [
          state.id,
          (events.get(state.id) ?? []).map((e) => assessment.sealVoteEvent(state, actor.userId, e)),
        ]),
      );
    },

    // The line and incidents' keys: reads that need only the database (reader-service.ts).
    ...createIncidentsReader({ db }),
  };
}

/** The move in `after` reached the policy's resolved phase (stopTheLine.resolvedAtPhase). */
function justResolved(before: IncidentState, after: IncidentState, policy: Policy): boolean {
  const at = (phase: string) => policy.phases.findIndex((p) => p.id === phase);
  const resolved = at(policy.stopTheLine.resolvedAtPhase);
  return at(before.phase) < resolved && at(after.phase) >= resolved;
}

/** Admins see every incident (null); others see restricted ones only where they take part. */
function visibleToParticipant(actor: Actor): string | null {
  return isAdmin(actor) ? null : (actor.userId ?? '');
}

/**
 * Records clock events (reminders, breaches, escalations, deadlines met) on an incident's stream
 * in the caller's transaction, at the incident's current version; false when there is no such
 * incident or nothing to record.
 */
async function recordClockEvents(
  tx: Executor,
  incidentId: string,
  events: IncidentEvent[],
  at: number,
): Promise<boolean> {
  if (events.length === 0) return false;
  const state = await repo.findIncidentState(tx, incidentId);
  if (!state) return false;
  await appendToIncident(tx, state.id, state, events, null, at);
  return true;
}

/**
 * A decision taken on another record of the incident (a breach determination) written on the
 * incident's decision log in the caller's transaction, by the person who took it; false when
 * there is no such incident. The caller says only what everyone on the incident may read.
 */
async function recordOutsideDecision(
  tx: Executor,
  incidentId: string,
  input: { what: string; why: string; decidedBy: string },
  actorId: string | null,
  at: number,
): Promise<boolean> {
  const state = await repo.findIncidentState(tx, incidentId);
  if (!state) return false;
  const events = rules.logDecision({ ...input, alternatives: '' }, { newId });
  await appendToIncident(tx, state.id, state, events, actorId, at);
  return true;
}

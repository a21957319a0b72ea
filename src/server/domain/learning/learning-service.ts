// Learning use cases, one transaction each: find the incident as the caller may see it, load the
// post-mortem, let the rules decide, record the events (the projection writes the tables). A
// post-mortem is seen and changed only by those who may see its incident: a restricted incident's
// post-mortem stays with the incident's participants.
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../actor.ts';
import type { Policy, PolicyInForce } from '../policy/index.ts';
import { appendToPostmortem } from './learning-projection.ts';
import * as repo from './learning-repository.ts';
import * as rules from './learning-rules.ts';
import * as proposals from './proposal-rules.ts';
import type { FollowUpStatus, PolicySection } from '../../../shared/domain/learning.ts';
import type { FollowUp, FollowUpInList, PostmortemState } from './learning-state.ts';
import type { PostmortemCase, PostmortemRequirement } from './requirement-service.ts';
import type { FollowUpDue } from '../clocks/index.ts';
import * as timeline from './timeline-rules.ts';
import {
  createReportService,
  type ReportBreaches,
  type ReportIncidents,
  type ReportStatusPage,
} from './report-service.ts';
import { createExerciseReportService } from './exercise-report-service.ts';
import type { TimelineEntryFields } from './learning-events.ts';
import { createProgrammeService, type ProgrammeClocks } from './programme-service.ts';
import type { FollowUpHandOff, TrackerIssueRef } from '../trackers/index.ts';
import {
  createStandaloneFollowUpService,
  type StandaloneFollowUpTrackers,
} from './standalone-follow-up-service.ts';

export type { FollowUpInList } from './learning-state.ts';

/**
 * A change to the policy proposed by a post-mortem (the loop back to the policy): a proposal of an
 * incident's record (a breached deadline, a departure from the policy) waiting for an answer, taken
 * as a follow-up or declined, or a process follow-up written in a post-mortem naming a section.
 */
export interface PolicyChange {
  /** The record's proposal (`deadline:<id>`, `override:<seq>`, `skipped:<seq>`) or `follow-up:<id>`. */
  id: string;
  incidentId: string;
  incidentKey: string;
  postmortemId: string;
  policySection: PolicySection;
  title: string;
  /** What in the record proposed it; null for a follow-up written in the post-mortem. */
  because: string | null;
  /** Who proposed it; null: the incident's record. */
  proposedBy: string | null;
  proposedAt: number;
  /** proposed: waiting for an answer; taken: a follow-up (with its own status); declined. */
  status: 'proposed' | 'taken' | 'declined';
  followUp: FollowUp | null;
  /** Declined: who, when and why. */
  declined: { by: string | null; at: number; reason: string } | null;
}

/** At most this many post-mortems (the most recently changed) are read for the policy's changes. */
const POLICY_CHANGE_POSTMORTEMS = 200;

/** What learning needs of the incidents subject: an incident as a person sees it. */
export interface LearningIncidents extends Pick<
  ReportIncidents,
  'findReportIncident' | 'recordFinalReportStep'
> {
  /** By id or key; null when there is no such incident. */
  findSight(
    tx: Executor,
    actor: Actor,
    ref: string,
  ): Promise<{ id: string; key: string; visible: boolean } | null>;
  /** Incidents this caller may not see (restricted ones they take no part in). */
  listHiddenIds(tx: Executor, actor: Actor): Promise<string[]>;
  /** The incident as the requirement weighs it (its record's line stops and breaches). */
  findCase(tx: Executor, incidentId: string): Promise<PostmortemCase | null>;
  /** Whether the incident is restricted or an exercise: what a follow-up's hand-off says. */
  findHandOffSight(
    tx: Executor,
    incidentId: string,
  ): Promise<{ restricted: boolean; exercise: boolean } | null>;
  /** The policy the incident is handled under; read outside transactions. */
  findPolicy(incidentId: string): Promise<Policy | null>;
  /**
   * The incident's record as this caller may read it, oldest first: the events of the types asked
   * for (the timeline's); read outside transactions.
   */
  listRecord(
    actor: Actor,
    incidentId: string,
    types: readonly string[],
  ): Promise<timeline.RecordEvent[]>;
  /**
   * Many incidents' records at once, as `listRecord` reads each: answers only the incidents this
   * caller may read (a restricted one's record for its participants only).
   */
  listRecords(
    actor: Actor,
    incidentIds: readonly string[],
    types: readonly string[],
  ): Promise<Map<string, timeline.RecordEvent[]>>;
}

/** What learning needs of the clocks: the draft is in (sent to review, or skipped). */
export interface LearningClocks extends ProgrammeClocks {
  postmortemDraftIn(tx: Executor, incidentId: string, metBy: string, now: number): Promise<void>;
  /**
   * A follow-up is due: a deadline that reminds its owner and escalates when overdue (on its
   * post-mortem's incident; incident null: on the stand-alone follow-up).
   */
  startFollowUpDue(
    tx: Executor,
    incidentId: string | null,
    due: FollowUpDue,
    policy: Policy,
    now: number,
  ): Promise<void>;
  /** Done meets the follow-up's deadline; not doing cancels it. */
  followUpClosed(
    tx: Executor,
    incidentId: string | null,
    followUpId: string,
    done: boolean,
    now: number,
  ): Promise<void>;
}

/** What learning needs of the accounts subject: whether someone can own a follow-up. */
export interface LearningStaff {
  isActive(tx: Executor, userId: string): Promise<boolean>;
  /** Active staff's names by id (the internal report names owners). */
  listNames(): Promise<Map<string, string>>;
}

/**
 * What learning needs of the trackers subject: a new follow-up (a post-mortem's or a stand-alone
 * one) goes to the team's trackers.
 */
export interface LearningTrackers extends StandaloneFollowUpTrackers {
  followUpAdded(tx: Executor, followUp: FollowUpHandOff, at: number): Promise<void>;
}

/** A tracker's issue for a follow-up, as the trackers subject reports it. */
type TrackerIssue = TrackerIssueRef & { trackerUrl: string };

export interface LearningModulePorts {
  db: Db;
  clock: Clock;
  /** The policy in force: a new post-mortem takes its template (and records its hash). */
  policy: () => Pick<PolicyInForce, 'policy' | 'hash'>;
  incidents: LearningIncidents;
  staff: LearningStaff;
  /** The breach record's facts for the final reports (GDPR Art. 33(3)). */
  breaches: ReportBreaches;
  /** The external final report goes out through the status page's publish gate. */
  statusPage: ReportStatusPage;
  /** Whether the policy requires the post-mortem (built before incidents, which ask it too). */
  requirement: Pick<PostmortemRequirement, 'findRequiredBecause'>;
  clocks: LearningClocks;
  /** Development trackers with onFollowUp (trackers subject, built before learning). */
  trackers: LearningTrackers;
}

/** The post-mortem's timeline drawn from the record, and the durations measured from it. */
export interface PostmortemTimeline {
  postmortem: PostmortemState;
  items: timeline.TimelineItem[];
  durations: timeline.IncidentDurations | null;
  /** Follow-ups the record proposes (breached deadlines, departures from the policy). */
  proposedFollowUps: timeline.ProposedFollowUp[];
}

/** A post-mortem with what still keeps it from review, and why the policy requires it. */
export interface PostmortemView {
  postmortem: PostmortemState;
  /** Required sections still empty, by id, in the template's order. */
  unansweredSections: string[];
  /** Why the incident may not close until it is approved; empty: the policy does not require it. */
  requiredBecause: string[];
}

export function createLearningService(ports: LearningModulePorts) {
  const { db, clock } = ports;
  const standalone = createStandaloneFollowUpService(ports);

  /** The incident's policy, read before a transaction (SQLite has one connection). */
  async function policyOf(incidentId: string): Promise<Policy> {
    return (await ports.incidents.findPolicy(incidentId)) ?? ports.policy().policy;
  }

  async function requiredBecause(ex: Executor, incidentId: string, policy: Policy) {
    const found = await ports.incidents.findCase(ex, incidentId);
    return found ? ports.requirement.findRequiredBecause(ex, found, policy) : [];
  }

  /** The answer to every use case, read after its transaction. */
  async function viewOf(postmortem: PostmortemState): Promise<PostmortemView> {
    const policy = await policyOf(postmortem.incidentId);
    return {
      postmortem,
      unansweredSections: rules.unansweredSections(postmortem).map((s) => s.sectionId),
      requiredBecause: await requiredBecause(db, postmortem.incidentId, policy),
    };
  }

  /** The incident as this caller may see it; one they may not see does not exist for them. */
  async function incidentFor(tx: Executor, actor: Actor, ref: string) {
    const sight = await ports.incidents.findSight(tx, actor, ref);
    if (!sight || !sight.visible) throw new AppError('NOT_FOUND', 'Incident was not found');
    return { id: sight.id, key: sight.key };
  }

  async function loadPostmortem(tx: Executor, actor: Actor, ref: string) {
    const incident = await incidentFor(tx, actor, ref);
    const state = await repo.findPostmortemByIncident(tx, incident.id);
    if (!state) {
      throw new AppError('NOT_FOUND', `${incident.key} has no post-mortem yet`, {
        incidentKey: incident.key,
      });
    }
    return state;
  }

  function checkVersion(state: PostmortemState, expected: number | undefined) {
    if (expected !== undefined && expected !== state.version) {
      throw new AppError(
        'CONFLICT',
        'This post-mortem was changed by someone else since you loaded it; reload and try again',
        { expectedVersion: expected, currentVersion: state.version },
      );
    }
  }

  /** Load, decide, record: the common shape of every change to an existing post-mortem. */
  async function change(
    actor: Actor,
    ref: string,
    expectedVersion: number | undefined,
    decide: (
      state: PostmortemState,
      tx: Executor,
    ) =>
      | ReturnType<typeof rules.submitPostmortem>
      | Promise<ReturnType<typeof rules.submitPostmortem>>,
    after?: (tx: Executor, state: PostmortemState, now: number) => Promise<void>,
  ): Promise<PostmortemView> {
    const changed = await inTransaction(db, async (tx) => {
      const state = await loadPostmortem(tx, actor, ref);
      checkVersion(state, expectedVersion);
      const now = clock.now();
      const events = await decide(state, tx);
      const next = await appendToPostmortem(tx, state.id, state, events, actor.userId, now);
      if (events.length > 0) await after?.(tx, next, now);
      return next;
    });
    return viewOf(changed);
  }

  /** An open follow-up's clock, due at its date, its owner reminded (the incident's severity). */
  async function followUpDue(
    tx: Executor,
    s: PostmortemState,
    followUpId: string,
    policy: Policy,
    now: number,
  ) {
    const f = s.followUps.find((x) => x.id === followUpId);
    if (!f || f.status !== 'open') return;
    const incident = await ports.incidents.findCase(tx, s.incidentId);
    const due = {
      followUpId,
      startedAt: Math.min(now, f.dueAt),
      dueAt: f.dueAt,
      responsibleId: f.ownerId,
      severity: incident?.severity ?? null,
    };
    await ports.clocks.startFollowUpDue(tx, s.incidentId, due, policy, now);
  }

  /** After a follow-up is added: its due clock starts and it goes to the trackers. */
  const startFollowUp =
    (followUpId: string, policy: Policy, names: Map<string, string>) =>
    async (tx: Executor, s: PostmortemState, now: number) => {
      await followUpDue(tx, s, followUpId, policy, now);
      await handOff(tx, s, followUpId, names, now);
    };

  /** The new follow-up's safe summary goes to the trackers that take follow-ups (outbox). */
  async function handOff(
    tx: Executor,
    s: PostmortemState,
    followUpId: string,
    names: Map<string, string>,
    now: number,
  ) {
    const f = s.followUps.find((x) => x.id === followUpId);
    // One already in an outside tracker (its trackerUrl given) is not opened again.
    if (!f || f.trackerUrl !== null) return;
    const sight = await ports.incidents.findHandOffSight(tx, s.incidentId);
    if (!sight) return;
    const followUp = {
      followUpId,
      incident: { id: s.incidentId, key: s.incidentKey, ...sight },
      title: f.title,
      type: f.type,
      dueAt: f.dueAt,
      owner: names.get(f.ownerId) ?? f.ownerId,
    };
    await ports.trackers.followUpAdded(tx, followUp, now);
  }

  /**
   * A change the trackers subject reports on a follow-up, as the system (no person acted): on its
   * incident's post-mortem, or on a stand-alone follow-up (no incident).
   */
  async function fromTracker(
    tx: Executor,
    incidentId: string | null,
    followUpId: string,
    decide: (s: rules.FollowUpHolder) => ReturnType<typeof rules.linkFollowUpTracker>,
    at: number,
  ): Promise<void> {
    if (incidentId === null) return standalone.fromTracker(tx, followUpId, decide, at);
    const state = await repo.findPostmortemByIncident(tx, incidentId);
    if (!state) return;
    const events = decide(state);
    if (events.length > 0) await appendToPostmortem(tx, state.id, state, events, null, at);
  }

  /** The record's proposals (answered or not), read as this caller may read the record. */
  const proposalsOf = async (actor: Actor, incidentId: string) =>
    timeline.recordProposals(
      await ports.incidents.listRecord(actor, incidentId, timeline.PROPOSAL_EVENT_TYPES),
    );

  /** The changes to the policy one post-mortem proposes, each with its answer. */
  function policyChangesOf(
    s: PostmortemState,
    fromRecord: readonly timeline.ProposedFollowUp[],
  ): PolicyChange[] {
    const base = { incidentId: s.incidentId, incidentKey: s.incidentKey, postmortemId: s.id };
    const changes: PolicyChange[] = [];
    const byRecord = new Set<string>();
    for (const p of fromRecord) {
      byRecord.add(p.proposalId);
      const followUp = s.followUps.find((f) => f.proposalId === p.proposalId) ?? null;
      const no = s.declinedProposals.find((d) => d.proposalId === p.proposalId);
      changes.push({
        ...base,
        id: p.proposalId,
        policySection: followUp?.policySection ?? p.policySection,
        title: followUp?.title ?? p.title,
        because: p.because,
        proposedBy: null,
        proposedAt: p.at,
        status: followUp ? 'taken' : no ? 'declined' : 'proposed',
        followUp,
        declined: no ? { by: no.declinedBy, at: no.declinedAt, reason: no.reason } : null,
      });
    }
    for (const f of s.followUps) {
      if (f.policySection === null || (f.proposalId && byRecord.has(f.proposalId))) continue;
      changes.push({
        ...base,
        id: `follow-up:${f.id}`,
        policySection: f.policySection,
        title: f.title,
        because: null,
        proposedBy: f.createdBy,
        proposedAt: f.createdAt,
        status: 'taken',
        followUp: f,
        declined: null,
      });
    }
    return changes;
  }

  /** A proposal answered: the record is read first (outside the transaction). */
  async function answerProposal(
    actor: Actor,
    ref: string,
    expectedVersion: number | undefined,
    decide: (
      s: PostmortemState,
      fromRecord: timeline.ProposedFollowUp[],
      tx: Executor,
    ) => Promise<ReturnType<typeof proposals.declineProposal>>,
    after?: (tx: Executor, state: PostmortemState, now: number) => Promise<void>,
  ): Promise<PostmortemView> {
    const incident = await incidentFor(db, actor, ref);
    const fromRecord = await proposalsOf(actor, incident.id);
    return change(actor, ref, expectedVersion, (s, tx) => decide(s, fromRecord, tx), after);
  }

  /** The record's events the timeline draws, and those the durations are measured from. */
  const recordOf = (actor: Actor, incidentId: string) =>
    ports.incidents.listRecord(actor, incidentId, [
      ...timeline.TIMELINE_EVENT_TYPES,
      ...timeline.PROPOSING_EVENT_TYPES,
      'incident.updated',
    ]);

  async function timelineOf(
    actor: Actor,
    postmortem: PostmortemState,
  ): Promise<PostmortemTimeline> {
    const [record, policy] = await Promise.all([
      recordOf(actor, postmortem.incidentId),
      policyOf(postmortem.incidentId),
    ]);
    return {
      postmortem,
      items: timeline.drawTimeline(record, postmortem, policy),
      durations: timeline.measureDurations(record, policy),
      proposedFollowUps: timeline.proposeFollowUps(record, postmortem),
    };
  }

  /** A change to the timeline: the record is read first (outside the transaction). */
  async function changeTimeline(
    actor: Actor,
    ref: string,
    expectedVersion: number | undefined,
    decide: (
      s: PostmortemState,
      record: timeline.RecordEvent[],
    ) => ReturnType<typeof timeline.removeTimelineEntry>,
  ): Promise<PostmortemTimeline> {
    const incident = await incidentFor(db, actor, ref);
    const record = await recordOf(actor, incident.id);
    const view = await change(actor, ref, expectedVersion, (s) => decide(s, record));
    return timelineOf(actor, view.postmortem);
  }

  return {
    /** The policy's schedule of exercises and reviews, and the record of reviews held. */
    programme: createProgrammeService({ db, clock, policy: ports.policy, clocks: ports.clocks }),
    // The final reports, from the same ports.
    ...createReportService(ports),
    // An exercise's report: objectives met or not, follow-ups, durations, participants.
    ...createExerciseReportService(ports),

    /** The incident's post-mortem; NOT_FOUND when the incident has none or is not the caller's to see. */
    async getPostmortem(actor: Actor, ref: string): Promise<PostmortemView> {
      return viewOf(await loadPostmortem(db, actor, ref));
    },

    /** The timeline drawn from the incident's record, with its marks and entries, and durations. */
    async getTimeline(actor: Actor, ref: string): Promise<PostmortemTimeline> {
      return timelineOf(actor, await loadPostmortem(db, actor, ref));
    },

    /** Marks an event of the record important (or not), with an optional note. */
    async markTimelineEvent(
      actor: Actor,
      ref: string,
      seq: number,
      mark: { important: boolean; note: string | null },
      expectedVersion?: number,
    ): Promise<PostmortemTimeline> {
      return changeTimeline(actor, ref, expectedVersion, (s, record) =>
        timeline.markTimelineEvent(s, record, seq, mark.important, mark.note),
      );
    },

    async addTimelineEntry(
      actor: Actor,
      ref: string,
      entry: TimelineEntryFields,
      expectedVersion?: number,
    ): Promise<PostmortemTimeline> {
      return changeTimeline(actor, ref, expectedVersion, (s) =>
        timeline.addTimelineEntry(s, entry, newId(), clock.now()),
      );
    },

    async removeTimelineEntry(
      actor: Actor,
      ref: string,
      entryId: string,
      expectedVersion?: number,
    ): Promise<PostmortemTimeline> {
      return changeTimeline(actor, ref, expectedVersion, (s) =>
        timeline.removeTimelineEntry(s, entryId),
      );
    },

    /** Who answers for the post-mortem (reminded by its draft clock's notices). */
    async setOwner(actor: Actor, ref: string, ownerId: string, expectedVersion?: number) {
      return change(actor, ref, expectedVersion, async (s, tx) =>
        rules.setOwner(s, ownerId, await ports.staff.isActive(tx, ownerId)),
      );
    },

    /** The reviewers, named in advance: once named, only they approve. */
    async setReviewers(
      actor: Actor,
      ref: string,
      reviewerIds: string[],
      expectedVersion?: number,
    ): Promise<PostmortemView> {
      return change(actor, ref, expectedVersion, async (s, tx) => {
        const inactive: string[] = [];
        for (const id of new Set(reviewerIds)) {
          if (!(await ports.staff.isActive(tx, id))) inactive.push(id);
        }
        return rules.setReviewers(s, reviewerIds, inactive);
      });
    },

    /**
     * No post-mortem for this incident, with the reason recorded, where the policy allows it
     * (starting the record if there was none); it meets the draft's clock.
     */
    async skipPostmortem(actor: Actor, ref: string, reason: string): Promise<PostmortemView> {
      const sight = await incidentFor(db, actor, ref);
      const policy = await policyOf(sight.id);
      const skipped = await inTransaction(db, async (tx) => {
        const incident = await incidentFor(tx, actor, ref);
        const existing = await repo.findPostmortemByIncident(tx, incident.id);
        const because = await requiredBecause(tx, incident.id, policy);
        const events = rules.skipPostmortem(
          existing,
          incident,
          { hash: existing?.policyHash ?? ports.policy().hash, learning: policy.learning },
          because,
          reason,
          actor.userId,
        );
        const now = clock.now();
        const id = existing?.id ?? newId();
        const state = await appendToPostmortem(tx, id, existing, events, actor.userId, now);
        await ports.clocks.postmortemDraftIn(tx, incident.id, 'postmortem.skipped', now);
        return state;
      });
      return viewOf(skipped);
    },

    /** Starts the incident's post-mortem from the template of the policy in force. */
    async startPostmortem(actor: Actor, ref: string): Promise<PostmortemView> {
      const started = await inTransaction(db, async (tx) => {
        const incident = await incidentFor(tx, actor, ref);
        const existing = await repo.findPostmortemByIncident(tx, incident.id);
        const { policy, hash } = ports.policy();
        const events = rules.startPostmortem(
          existing,
          incident,
          { hash, learning: policy.learning },
          actor.userId,
        );
        return appendToPostmortem(tx, newId(), null, events, actor.userId, clock.now());
      });
      return viewOf(started);
    },

    async writeSection(
      actor: Actor,
      ref: string,
      sectionId: string,
      body: string,
      expectedVersion?: number,
    ): Promise<PostmortemView> {
      return change(actor, ref, expectedVersion, (s) => rules.writeSection(s, sectionId, body));
    },

    async submitPostmortem(
      actor: Actor,
      ref: string,
      expectedVersion?: number,
    ): Promise<PostmortemView> {
      return change(actor, ref, expectedVersion, rules.submitPostmortem, (tx, s, now) =>
        ports.clocks.postmortemDraftIn(tx, s.incidentId, 'postmortem.submitted', now),
      );
    },

    async requestChanges(
      actor: Actor,
      ref: string,
      reason: string,
      expectedVersion?: number,
    ): Promise<PostmortemView> {
      return change(actor, ref, expectedVersion, (s) => rules.requestChanges(s, reason));
    },

    /** Adds a follow-up action, owned by an active member of staff and due in the future. */
    async addFollowUp(
      actor: Actor,
      ref: string,
      input: rules.NewFollowUp,
      expectedVersion?: number,
    ): Promise<PostmortemView> {
      const policy = await policyOf((await incidentFor(db, actor, ref)).id);
      const names = await ports.staff.listNames();
      const followUpId = newId();
      return change(
        actor,
        ref,
        expectedVersion,
        async (s, tx) => {
          const owner = await ports.staff.isActive(tx, input.ownerId);
          return rules.addFollowUp(s, input, followUpId, clock.now(), owner);
        },
        startFollowUp(followUpId, policy, names),
      );
    },

    async setFollowUpStatus(
      actor: Actor,
      ref: string,
      followUpId: string,
      to: { status: FollowUpStatus; reason: string | null },
      expectedVersion?: number,
    ): Promise<PostmortemView> {
      const policy = await policyOf((await incidentFor(db, actor, ref)).id);
      return change(
        actor,
        ref,
        expectedVersion,
        (s) => rules.setFollowUpStatus(s, followUpId, to.status, to.reason),
        (tx, s, now) =>
          to.status === 'open'
            ? followUpDue(tx, s, followUpId, policy, now)
            : ports.clocks.followUpClosed(tx, s.incidentId, followUpId, to.status === 'done', now),
      );
    },

    /**
     * Changes a follow-up: its owner (active staff), its due date (in the future), its status
     * (not doing with the reason). An open one's clock is started again for the new owner and
     * date: the old due time no longer fires.
     */
    async changeFollowUp(
      actor: Actor,
      ref: string,
      followUpId: string,
      to: rules.FollowUpChange,
      expectedVersion?: number,
    ): Promise<PostmortemView> {
      const policy = await policyOf((await incidentFor(db, actor, ref)).id);
      return change(
        actor,
        ref,
        expectedVersion,
        async (s, tx) => {
          const active = to.ownerId === undefined || (await ports.staff.isActive(tx, to.ownerId));
          return rules.reviseFollowUp(s, followUpId, to, clock.now(), active);
        },
        async (tx, s, now) => {
          const f = s.followUps.find((x) => x.id === followUpId)!;
          // Open: its clock starts again (owner and due time as they are now); closed: met or cancelled.
          await ports.clocks.followUpClosed(tx, s.incidentId, followUpId, f.status === 'done', now);
          if (f.status === 'open') await followUpDue(tx, s, followUpId, policy, now);
        },
      );
    },

    /** Takes a proposal of the record as it is: a follow-up with its title and policy section. */
    async acceptProposal(
      actor: Actor,
      ref: string,
      proposalId: string,
      acceptance: proposals.Acceptance,
      expectedVersion?: number,
    ): Promise<PostmortemView> {
      const policy = await policyOf((await incidentFor(db, actor, ref)).id);
      const names = await ports.staff.listNames();
      const followUpId = newId();
      return answerProposal(
        actor,
        ref,
        expectedVersion,
        async (s, fromRecord, tx) => {
          const owner = await ports.staff.isActive(tx, acceptance.ownerId);
          const now = clock.now();
          return proposals.acceptProposal(
            s,
            fromRecord,
            proposalId,
            acceptance,
            followUpId,
            now,
            owner,
          );
        },
        startFollowUp(followUpId, policy, names),
      );
    },

    /** Declines a proposal of the record, with the reason: it is no longer proposed. */
    async declineProposal(
      actor: Actor,
      ref: string,
      proposalId: string,
      reason: string,
      expectedVersion?: number,
    ): Promise<PostmortemView> {
      return answerProposal(actor, ref, expectedVersion, async (s, fromRecord) =>
        proposals.declineProposal(s, fromRecord, proposalId, reason),
      );
    },

    /**
     * The changes to the policy proposed by post-mortems, across the incidents this caller may
     * see: those waiting for an answer first, then the newest.
     */
    async listPolicyChanges(actor: Actor): Promise<PolicyChange[]> {
      const hidden = await ports.incidents.listHiddenIds(db, actor);
      const ids = await repo.listPostmortemIncidentIds(db, hidden, POLICY_CHANGE_POSTMORTEMS);
      // Each table read once for all of them (the statements do not grow with the post-mortems).
      const [states, records] = await Promise.all([
        repo.findPostmortemsByIncidents(db, ids),
        ports.incidents.listRecords(actor, ids, timeline.PROPOSAL_EVENT_TYPES),
      ]);
      const changes: PolicyChange[] = [];
      for (const incidentId of ids) {
        const state = states.get(incidentId);
        const record = records.get(incidentId);
        if (state && record)
          changes.push(...policyChangesOf(state, timeline.recordProposals(record)));
      }
      const waiting = (c: PolicyChange) => (c.status === 'proposed' ? 0 : 1);
      return changes.sort(
        (a, b) => waiting(a) - waiting(b) || b.proposedAt - a.proposedAt || (a.id < b.id ? -1 : 1),
      );
    },

    /** A tracker opened an issue for the follow-up: its link is kept on it (trackers subject). */
    recordTrackerIssue(
      tx: Executor,
      incidentId: string | null,
      followUpId: string,
      issue: TrackerIssue,
      at: number,
    ): Promise<void> {
      return fromTracker(
        tx,
        incidentId,
        followUpId,
        (s) => rules.linkFollowUpTracker(s, followUpId, issue),
        at,
      );
    },

    /** The tracker's state of the follow-up's issue; closed proposes marking it done. */
    recordTrackerState(
      tx: Executor,
      incidentId: string | null,
      followUpId: string,
      issue: TrackerIssue & { state: 'open' | 'closed' },
      at: number,
    ): Promise<void> {
      return fromTracker(
        tx,
        incidentId,
        followUpId,
        (s) => rules.setFollowUpTrackerState(s, followUpId, issue),
        at,
      );
    },

    addStandaloneFollowUp: standalone.addStandaloneFollowUp,

    /**
     * Changes a follow-up by its id: a post-mortem's (as its incident's post-mortem is changed,
     * seen only by those who may see the incident) or a stand-alone one. Answers it as listed.
     */
    async changeFollowUpById(
      actor: Actor,
      followUpId: string,
      to: rules.FollowUpChange,
      expectedVersion?: number,
    ): Promise<FollowUpInList> {
      const holder = await repo.findFollowUpHolder(db, followUpId);
      if (!holder) throw new AppError('NOT_FOUND', 'Follow-up was not found');
      if (holder.incidentId === null) {
        const f = await standalone.changeStandaloneFollowUp(actor, followUpId, to, expectedVersion);
        return { ...f, incidentId: null, incidentKey: null };
      }
      const sight = await ports.incidents.findSight(db, actor, holder.incidentId);
      if (!sight?.visible) throw new AppError('NOT_FOUND', 'Follow-up was not found');
      const view = await this.changeFollowUp(actor, sight.id, followUpId, to, expectedVersion);
      const f = view.postmortem.followUps.find((x) => x.id === followUpId)!;
      return {
        ...f,
        incidentId: sight.id,
        incidentKey: sight.key,
        version: view.postmortem.version,
      };
    },

    /** Follow-ups across the incidents this caller may see, soonest due first. */
    async listFollowUps(
      actor: Actor,
      filter: Omit<repo.FollowUpFilter, 'hiddenIncidentIds'>,
    ): Promise<FollowUpInList[]> {
      const hiddenIncidentIds = await ports.incidents.listHiddenIds(db, actor);
      return repo.listFollowUps(db, { ...filter, hiddenIncidentIds });
    },

    async approvePostmortem(
      actor: Actor,
      ref: string,
      expectedVersion?: number,
    ): Promise<PostmortemView> {
      return change(actor, ref, expectedVersion, (s) => rules.approvePostmortem(s, actor.userId));
    },
  };
}

export type LearningModule = ReturnType<typeof createLearningService>;

// A post-mortem's state, as the rules read it, and how each recorded event changes it in memory:
// the same change the projection (learning-projection.ts) makes to the rows, so a use case answers
// the state its events produced without reading it again. The property test
// (test/learning/learning-reducer.test.ts) checks that reducing equals projecting then loading.
import type { FollowUpStatus, PostmortemStatus } from '../../../shared/domain/learning.ts';
import type { Recorded } from '../../db/event-store.ts';
import type {
  DeclinedProposalFields,
  FollowUpEvent,
  FollowUpFields,
  FollowUpSource,
  StandaloneFollowUpEvent,
  RecordedLearningEvent,
  SectionTemplate,
  TimelineEntryFields,
} from './learning-events.ts';

export interface FollowUp extends FollowUpFields {
  id: string;
  /** What proposed a stand-alone follow-up; null for a post-mortem's. */
  source: FollowUpSource | null;
  status: FollowUpStatus;
  /** Why it is not being done (status not_doing). */
  reason: string | null;
  createdBy: string | null;
  createdAt: number;
  /** When it was last marked done or not doing; null while open. */
  closedAt: number | null;
  /** The development tracker's issue for it, and its state as the tracker last said. */
  tracker: { connection: string; key: string; state: 'open' | 'closed' } | null;
}

/**
 * A follow-up in the cross-incident view, with the incident it belongs to (null for a stand-alone
 * one: its `source` says what proposed it) and `version`: what a change by its id is checked
 * against (its post-mortem's version, or its own stream's for a stand-alone one).
 */
export type FollowUpInList = FollowUp & {
  incidentId: string | null;
  incidentKey: string | null;
  version: number;
};

export interface PostmortemSectionState extends SectionTemplate {
  /** Markdown as written; empty until someone writes it. */
  body: string;
  updatedBy: string | null;
  updatedAt: number | null;
}

/** The post-mortem's reading of one event of the incident's record. */
export interface TimelineMark {
  /** The event's sequence number on the incident's stream. */
  seq: number;
  important: boolean;
  /** Markdown; null: none. */
  note: string | null;
}

/** An entry written into the timeline by hand. */
export interface TimelineEntry extends TimelineEntryFields {
  id: string;
  addedBy: string | null;
}

/** A proposal of the record declined: who said no, when, and why. */
export interface DeclinedProposal extends DeclinedProposalFields {
  declinedBy: string | null;
  declinedAt: number;
}

/** A review sent back: why, by whom, when. */
export interface ChangesRequested {
  reason: string;
  by: string | null;
  at: number;
}

/** One approval of the review under way. */
export interface Approval {
  userId: string | null;
  at: number;
}

export interface PostmortemState {
  id: string;
  version: number;
  incidentId: string;
  incidentKey: string;
  status: PostmortemStatus;
  ownerId: string | null;
  policyHash: string;
  authorMayApprove: boolean;
  /** How many approvals make it approved. */
  approvalsRequired: number;
  /** Named in advance; when there are some, only they approve. */
  reviewerIds: string[];
  /** The approvals of the review under way (changes requested start it again). */
  approvals: Approval[];
  skipReason: string | null;
  skippedBy: string | null;
  skippedAt: number | null;
  /** The review's last "request changes" (kept after it is sent to review again); null: none. */
  changesRequested: ChangesRequested | null;
  /** In the template's order. */
  sections: PostmortemSectionState[];
  /** In the order they were added. */
  followUps: FollowUp[];
  /** Marks on the incident's record events, by seq ascending. */
  timelineMarks: TimelineMark[];
  /** Entries written by hand, by time then id. */
  timelineEntries: TimelineEntry[];
  /** The record's proposals declined, in the order declined. */
  declinedProposals: DeclinedProposal[];
  submittedBy: string | null;
  submittedAt: number | null;
  approvedBy: string | null;
  approvedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** The state a post-mortem is in after one more event (null before it was started). */
export function applyLearningEvent(
  state: PostmortemState | null,
  event: RecordedLearningEvent,
  postmortemId: string,
): PostmortemState {
  const { at, seq, actorId } = event;
  if (event.type === 'postmortem.started') {
    const d = event.data;
    return {
      id: postmortemId,
      version: seq,
      incidentId: d.incidentId,
      incidentKey: d.incidentKey,
      status: 'draft',
      ownerId: d.ownerId,
      policyHash: d.policyHash,
      authorMayApprove: d.authorMayApprove,
      approvalsRequired: d.approvalsRequired ?? 1,
      reviewerIds: [],
      approvals: [],
      skipReason: null,
      skippedBy: null,
      skippedAt: null,
      changesRequested: null,
      sections: d.sections.map((s) => ({ ...s, body: '', updatedBy: null, updatedAt: null })),
      followUps: [],
      timelineMarks: [],
      timelineEntries: [],
      declinedProposals: [],
      submittedBy: null,
      submittedAt: null,
      approvedBy: null,
      approvedAt: null,
      createdAt: at,
      updatedAt: at,
    };
  }
  if (!state) throw new Error(`${event.type} before postmortem.started`);
  const next = { ...state, version: seq, updatedAt: at };
  switch (event.type) {
    case 'postmortem.section_written':
      return {
        ...next,
        sections: state.sections.map((s) =>
          s.sectionId === event.data.sectionId
            ? { ...s, body: event.data.body, updatedBy: actorId, updatedAt: at }
            : s,
        ),
      };
    case 'postmortem.submitted':
      return { ...next, status: 'in_review', submittedBy: actorId, submittedAt: at };
    case 'postmortem.changes_requested':
      return {
        ...next,
        status: 'draft',
        approvals: [],
        changesRequested: { reason: event.data.reason, by: actorId, at },
      };
    case 'postmortem.approved': {
      const approvals = [...state.approvals, { userId: actorId, at }];
      return approvals.length >= state.approvalsRequired
        ? { ...next, approvals, status: 'approved', approvedBy: actorId, approvedAt: at }
        : { ...next, approvals };
    }
    case 'postmortem.owner_set':
      return { ...next, ownerId: event.data.ownerId };
    case 'postmortem.reviewers_set':
      return { ...next, reviewerIds: event.data.reviewerIds };
    case 'postmortem.skipped':
      return {
        ...next,
        status: 'skipped',
        skipReason: event.data.reason,
        skippedBy: actorId,
        skippedAt: at,
      };
    case 'postmortem.follow_up_added':
    case 'postmortem.follow_up_tracker_linked':
    case 'postmortem.follow_up_tracker_changed':
    case 'postmortem.follow_up_changed':
    case 'postmortem.follow_up_status_set':
      return { ...next, followUps: applyFollowUpEvent(state.followUps, event) };
    case 'postmortem.timeline_event_marked': {
      const { seq, important, note } = event.data;
      const others = state.timelineMarks.filter((m) => m.seq !== seq);
      const marks = important || note !== null ? [...others, { seq, important, note }] : others;
      return { ...next, timelineMarks: marks.sort((a, b) => a.seq - b.seq) };
    }
    case 'postmortem.timeline_entry_added': {
      const { entryId, ...fields } = event.data;
      const entries = [...state.timelineEntries, { id: entryId, ...fields, addedBy: actorId }];
      return { ...next, timelineEntries: entries.sort(byTimeThenId) };
    }
    case 'postmortem.timeline_entry_removed':
      return {
        ...next,
        timelineEntries: state.timelineEntries.filter((e) => e.id !== event.data.entryId),
      };
    case 'postmortem.proposal_declined':
      return {
        ...next,
        declinedProposals: [
          ...state.declinedProposals,
          { ...event.data, declinedBy: actorId, declinedAt: at },
        ],
      };
    default:
      throw new Error(`${(event as { type: string }).type} is not an event of a post-mortem`);
  }
}

/**
 * A stand-alone follow-up (no post-mortem holds it) as the follow-up rules read it: its stream
 * holds the one follow-up (`followUps`, so the post-mortem's follow-up rules decide on it) and
 * its clock's steps. Nothing is declined on it.
 */
export interface StandaloneFollowUpState {
  id: string;
  version: number;
  followUps: FollowUp[];
  declinedProposals: readonly DeclinedProposal[];
}

export function applyStandaloneFollowUpEvent(
  state: StandaloneFollowUpState | null,
  event: Recorded<StandaloneFollowUpEvent>,
  streamId: string,
): StandaloneFollowUpState {
  const before = state ?? { id: streamId, version: 0, followUps: [], declinedProposals: [] };
  const next = { ...before, version: event.seq };
  if (!event.type.startsWith('postmortem.')) return next; // a clock's step
  return {
    ...next,
    followUps: applyFollowUpEvent(before.followUps, event as Recorded<FollowUpEvent>),
  };
}

/**
 * A follow-up event onto the follow-ups it changes: the post-mortem's list, or the one follow-up
 * of a stand-alone follow-up's stream (standalone-follow-up-state.ts), reduced the same way.
 */
export function applyFollowUpEvent(
  followUps: readonly FollowUp[],
  event: Recorded<FollowUpEvent>,
): FollowUp[] {
  const { at, actorId } = event;
  switch (event.type) {
    case 'postmortem.follow_up_added': {
      const { followUpId, ...fields } = event.data;
      return [
        ...followUps,
        {
          id: followUpId,
          ...fields,
          proposalId: fields.proposalId ?? null,
          source: fields.source ?? null,
          status: 'open',
          reason: null,
          createdBy: actorId,
          createdAt: at,
          closedAt: null,
          tracker: null,
        },
      ];
    }
    case 'postmortem.follow_up_tracker_linked': {
      const d = event.data;
      return followUps.map((f) =>
        f.id === d.followUpId && f.tracker === null
          ? {
              ...f,
              trackerUrl: f.trackerUrl ?? d.trackerUrl,
              tracker: { connection: d.connection, key: d.key, state: 'open' },
            }
          : f,
      );
    }
    case 'postmortem.follow_up_tracker_changed': {
      const d = event.data;
      return followUps.map((f) =>
        f.id === d.followUpId && (f.tracker === null || f.tracker.key === d.key)
          ? {
              ...f,
              trackerUrl: f.trackerUrl ?? d.trackerUrl,
              tracker: { connection: d.connection, key: d.key, state: d.state },
            }
          : f,
      );
    }
    case 'postmortem.follow_up_changed': {
      const { followUpId, ...to } = event.data;
      return followUps.map((f) => (f.id === followUpId ? { ...f, ...to } : f));
    }
    case 'postmortem.follow_up_status_set': {
      const d = event.data;
      return followUps.map((f) =>
        f.id === d.followUpId
          ? { ...f, status: d.status, reason: d.reason, closedAt: d.status === 'open' ? null : at }
          : f,
      );
    }
  }
}

function byTimeThenId(a: TimelineEntry, b: TimelineEntry): number {
  return a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

// The learning subject's event types and their data: the contract between the rules that decide
// and the projection that records. Each post-mortem is a stream of its own; every edit of a
// section carries the whole new text, so the record shows what was written, by whom and when.
import type { Recorded } from '../../db/event-store.ts';
import type { ClockEvent } from '../clocks/index.ts';
import type { Visibility } from '../../db/schema.ts';
import type {
  FollowUpPriority,
  FollowUpStatus,
  FollowUpType,
  PolicySection,
} from '../../../shared/domain/learning.ts';

/** A section as the post-mortem keeps it: copied from the policy's template when it starts. */
export interface SectionTemplate {
  sectionId: string;
  title: string;
  prompt: string | null;
  required: boolean;
}

/** A follow-up action as it is first written down. */
export interface FollowUpFields {
  title: string;
  ownerId: string;
  dueAt: number;
  priority: FollowUpPriority;
  type: FollowUpType;
  /** The issue in an outside tracker (https URL), if there is one. */
  trackerUrl: string | null;
  /** A process follow-up may name the policy section it proposes to change. */
  policySection: PolicySection | null;
  /** The record's proposal it answers (a breached deadline, a deviation); absent on older ones. */
  proposalId?: string | null;
  /** What proposed a stand-alone follow-up (no post-mortem holds it); absent on the others. */
  source?: FollowUpSource | null;
}

/**
 * What proposed a stand-alone follow-up: alerts marked as noise propose tuning the detection rule
 * behind them (`alert_tuning`, the proposal `tune:<sourceId>:<similarKey>`), with how many alerts
 * and the latest reasons when it was taken.
 */
export interface FollowUpSource {
  kind: 'alert_tuning';
  /** The proposal's id. */
  id: string;
  alertSourceId: string;
  alertSourceName: string;
  similarKey: string;
  alertCount: number;
  reasons: string[];
}

/** The issue a development tracker opened for a follow-up (trackers subject, Kundo step 9). */
export interface FollowUpTrackerIssue {
  /** The tracker connection's name. */
  connection: string;
  /** owner/repo#12, group/project#3, PROJ-42. */
  key: string;
  trackerUrl: string;
}

/**
 * A follow-up the record proposed (a breached deadline, a departure from the policy) that the
 * post-mortem will not take: what was proposed, as the record proposed it, and why not.
 */
export interface DeclinedProposalFields {
  proposalId: string;
  title: string;
  because: string;
  policySection: PolicySection;
  reason: string;
}

/** A timeline entry written by hand: when it happened, what (Markdown), and whether it matters. */
export interface TimelineEntryFields {
  at: number;
  text: string;
  important: boolean;
}

export interface LearningEventData {
  'postmortem.started': {
    incidentId: string;
    incidentKey: string;
    /** The policy version the template came from, and what it says about approving. */
    policyHash: string;
    authorMayApprove: boolean;
    /** How many approvals make it approved (1 on streams from before it was recorded). */
    approvalsRequired?: number;
    ownerId: string | null;
    sections: SectionTemplate[];
  };
  /** Who answers for getting it written (and is reminded by its draft clock). */
  'postmortem.owner_set': { ownerId: string };
  /** The reviewers named in advance: once named, only they approve. */
  'postmortem.reviewers_set': { reviewerIds: string[] };
  /** None is held: the reason, and why the policy required one (empty: it did not). */
  'postmortem.skipped': { reason: string; requiredBecause: string[] };
  /** The section's whole text after the edit (Markdown, exactly as written). */
  'postmortem.section_written': { sectionId: string; body: string };
  'postmortem.submitted': Record<string, never>;
  'postmortem.changes_requested': { reason: string };
  /** One approval by its actor; enough of them (the policy's `approvals`) approve it. */
  'postmortem.approved': Record<string, never>;
  'postmortem.follow_up_added': FollowUpFields & { followUpId: string };
  /**
   * An event of the incident's record (by its sequence number) marked important or not, with an
   * optional note (Markdown) saying what it meant: the post-mortem's reading of the record.
   */
  'postmortem.timeline_event_marked': { seq: number; important: boolean; note: string | null };
  /** An entry written into the timeline by hand: something the record does not hold. */
  'postmortem.timeline_entry_added': TimelineEntryFields & { entryId: string };
  'postmortem.timeline_entry_removed': { entryId: string };
  /**
   * A development tracker opened an issue for the follow-up (its connection has onFollowUp): the
   * link fills the follow-up's trackerUrl when it had none.
   */
  'postmortem.follow_up_tracker_linked': FollowUpTrackerIssue & { followUpId: string };
  /** The tracker reported the issue open or closed; closed proposes marking the follow-up done. */
  'postmortem.follow_up_tracker_changed': FollowUpTrackerIssue & {
    followUpId: string;
    state: 'open' | 'closed';
  };
  /** A follow-up handed to someone else, or due at another time: what changed, nothing else. */
  'postmortem.follow_up_changed': { followUpId: string; ownerId?: string; dueAt?: number };
  /** A proposal of the record declined, with the reason: it is no longer proposed. */
  'postmortem.proposal_declined': DeclinedProposalFields;
  /** Done, not doing (with the reason why), or open again. */
  'postmortem.follow_up_status_set': {
    followUpId: string;
    status: FollowUpStatus;
    reason: string | null;
  };
}

export type LearningEventType = keyof LearningEventData;

export type LearningEvent = {
  [K in LearningEventType]: { type: K; data: LearningEventData[K]; visibility: Visibility };
}[LearningEventType];

export type RecordedLearningEvent = Recorded<LearningEvent>;

/** The events of a follow-up, the post-mortem's ones reused on a stand-alone follow-up's stream. */
export type FollowUpEventType =
  | 'postmortem.follow_up_added'
  | 'postmortem.follow_up_changed'
  | 'postmortem.follow_up_status_set'
  | 'postmortem.follow_up_tracker_linked'
  | 'postmortem.follow_up_tracker_changed';

export type FollowUpEvent = Extract<LearningEvent, { type: FollowUpEventType }>;

export function followUpEvent<K extends FollowUpEventType>(
  type: K,
  data: LearningEventData[K],
): FollowUpEvent {
  return learningEvent(type, data) as FollowUpEvent;
}

/** A stand-alone follow-up's stream: its follow-up events and its due clock's steps. */
export type StandaloneFollowUpEvent = FollowUpEvent | ClockEvent<'follow_up'>;
export type RecordedStandaloneFollowUpEvent = Recorded<StandaloneFollowUpEvent>;

/** Post-mortems are internal: they name people, systems and what failed. */
export function learningEvent<K extends LearningEventType>(
  type: K,
  data: LearningEventData[K],
): LearningEvent {
  return { type, data, visibility: 'internal' } as LearningEvent;
}

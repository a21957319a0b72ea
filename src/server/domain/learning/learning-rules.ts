// What the learning subject decides, as pure functions: state in, events (or a refusal) out. A
// post-mortem starts from the policy's template, is written in draft, goes to review once every
// required section is answered, and is approved (by someone else, unless the policy allows the
// author) or sent back with a reason.
import { AppError } from '../../errors.ts';
import type { Learning } from '../policy/index.ts';
import { answeredAlready } from '../proposal-answer.ts';
import type { FollowUpStatus } from '../../../shared/domain/learning.ts';
import {
  followUpEvent,
  learningEvent,
  type FollowUpEvent,
  type FollowUpFields,
  type FollowUpTrackerIssue,
  type LearningEvent,
} from './learning-events.ts';
import type { FollowUp, PostmortemSectionState, PostmortemState } from './learning-state.ts';

const refused = (message: string, details: Record<string, unknown> = {}) =>
  new AppError('RULE_REFUSED', message, details);

const STATUS_WORDS = {
  draft: 'in draft',
  in_review: 'in review',
  approved: 'approved',
  skipped: 'skipped',
} as const;

/** The incident a post-mortem is about, as the incidents subject names it. */
export interface PostmortemIncident {
  id: string;
  key: string;
}

export function startPostmortem(
  existing: PostmortemState | null,
  incident: PostmortemIncident,
  policy: { hash: string; learning: Learning },
  ownerId: string | null,
): LearningEvent[] {
  if (existing) {
    throw new AppError('CONFLICT', `${incident.key} already has a post-mortem`, {
      postmortemId: existing.id,
    });
  }
  const template = policy.learning.postmortem;
  return [
    learningEvent('postmortem.started', {
      incidentId: incident.id,
      incidentKey: incident.key,
      policyHash: policy.hash,
      authorMayApprove: template.authorMayApprove,
      approvalsRequired: template.approvals,
      ownerId,
      sections: template.sections.map((s) => ({
        sectionId: s.id,
        title: s.title,
        prompt: s.prompt ?? null,
        required: s.required,
      })),
    }),
  ];
}

function sectionOf(state: PostmortemState, sectionId: string): PostmortemSectionState {
  const found = state.sections.find((s) => s.sectionId === sectionId);
  if (!found) {
    throw new AppError('NOT_FOUND', `This post-mortem has no section "${sectionId}"`, {
      sections: state.sections.map((s) => s.sectionId),
    });
  }
  return found;
}

/** Sections are written in draft only: review reads a text that no longer moves. */
export function writeSection(
  state: PostmortemState,
  sectionId: string,
  body: string,
): LearningEvent[] {
  const section = sectionOf(state, sectionId);
  if (state.status !== 'draft') {
    throw refused(
      `The post-mortem is ${STATUS_WORDS[state.status]}; sections change only in draft` +
        (state.status === 'in_review'
          ? ' (a reviewer may send it back with changes requested)'
          : ''),
      { postmortemStatus: state.status },
    );
  }
  if (section.body === body) return [];
  return [learningEvent('postmortem.section_written', { sectionId, body })];
}

/** Required sections with nothing but white space in them, in the template's order. */
export function unansweredSections(state: PostmortemState): PostmortemSectionState[] {
  return state.sections.filter((s) => s.required && s.body.trim() === '');
}

export function submitPostmortem(state: PostmortemState): LearningEvent[] {
  if (state.status !== 'draft') {
    throw refused(`The post-mortem is ${STATUS_WORDS[state.status]}, not in draft`, {
      postmortemStatus: state.status,
    });
  }
  const missing = unansweredSections(state);
  if (missing.length > 0) {
    throw refused(
      `Required sections are not answered yet: ${missing.map((s) => `"${s.title}"`).join(', ')}`,
      {
        missingSections: missing.map((s) => s.sectionId),
        errors: missing.map((s) => ({
          field: `sections.${s.sectionId}`,
          message: 'must be answered before the post-mortem goes to review',
        })),
      },
    );
  }
  return [learningEvent('postmortem.submitted', {})];
}

function assertInReview(state: PostmortemState): void {
  if (state.status !== 'in_review') {
    throw refused(`The post-mortem is ${STATUS_WORDS[state.status]}, not in review`, {
      postmortemStatus: state.status,
    });
  }
}

export function requestChanges(state: PostmortemState, reason: string): LearningEvent[] {
  assertInReview(state);
  return [learningEvent('postmortem.changes_requested', { reason })];
}

/**
 * One approval of a post-mortem in review: never by whoever sent it to review when the policy
 * forbids it, only by a named reviewer once some are named, once per person. The policy's
 * `approvals` of them approve it.
 */
export function approvePostmortem(
  state: PostmortemState,
  approverId: string | null,
): LearningEvent[] {
  assertInReview(state);
  if (!state.authorMayApprove && approverId !== null && approverId === state.submittedBy) {
    throw new AppError(
      'FORBIDDEN',
      'The policy asks someone other than whoever sent the post-mortem to review to approve it',
      { rule: 'learning.postmortem.authorMayApprove' },
    );
  }
  if (
    state.reviewerIds.length > 0 &&
    (approverId === null || !state.reviewerIds.includes(approverId))
  ) {
    throw new AppError('FORBIDDEN', 'Only the reviewers named for this post-mortem approve it', {
      rule: 'postmortem.reviewers',
      reviewerIds: state.reviewerIds,
    });
  }
  if (state.approvals.some((a) => a.userId === approverId)) {
    throw refused('You have already approved this post-mortem; it needs someone else', {
      approvals: state.approvals.length,
      approvalsRequired: state.approvalsRequired,
    });
  }
  return [learningEvent('postmortem.approved', {})];
}

function assertOpen(state: PostmortemState, what: string): void {
  if (state.status === 'approved' || state.status === 'skipped') {
    throw refused(`The post-mortem is ${STATUS_WORDS[state.status]}; ${what} no longer changes`, {
      postmortemStatus: state.status,
    });
  }
}

/** Who answers for the post-mortem: an active member of staff (`ownerIsActive`, the service asks). */
export function setOwner(
  state: PostmortemState,
  ownerId: string,
  ownerIsActive: boolean,
): LearningEvent[] {
  if (!ownerIsActive) throw invalid('ownerId', 'There is no active member of staff with this id');
  assertOpen(state, 'its owner');
  if (state.ownerId === ownerId) return [];
  return [learningEvent('postmortem.owner_set', { ownerId })];
}

/**
 * The reviewers, named before review is done (`inactive`: the ids that are no active member of
 * staff). When the policy forbids approving one's own, whoever sent it to review is no reviewer.
 */
export function setReviewers(
  state: PostmortemState,
  reviewerIds: readonly string[],
  inactive: readonly string[],
): LearningEvent[] {
  assertOpen(state, 'its reviewers');
  if (inactive.length > 0) {
    throw new AppError('VALIDATION', 'Reviewers must be active members of staff', {
      errors: inactive.map((id) => ({
        field: 'reviewerIds',
        message: `there is no active member of staff with id "${id}"`,
      })),
    });
  }
  const unique = [...new Set(reviewerIds)];
  if (unique.length < state.approvalsRequired) {
    throw invalid(
      'reviewerIds',
      `name at least ${state.approvalsRequired} reviewer(s): the policy asks for as many approvals`,
    );
  }
  if (!state.authorMayApprove && state.submittedBy !== null && unique.includes(state.submittedBy)) {
    throw invalid('reviewerIds', 'whoever sent it to review may not review it (the policy)');
  }
  if (JSON.stringify(unique) === JSON.stringify(state.reviewerIds)) return [];
  return [learningEvent('postmortem.reviewers_set', { reviewerIds: unique })];
}

/**
 * Why the policy requires a post-mortem of this incident, in words; empty: it does not. Any one
 * reason is enough.
 */
export function requiredBecause(
  rule: Learning['postmortem']['requiredWhen'],
  facts: {
    severity: string | null;
    lineStopped: boolean;
    deadlineBreached: boolean;
    dataBreached: boolean;
  },
): string[] {
  const because: string[] = [];
  if (facts.severity !== null && rule.severities.includes(facts.severity)) {
    because.push(`severity ${facts.severity}`);
  }
  if (rule.lineStopped && facts.lineStopped) because.push('the line stopped');
  if (rule.deadlineBreached && facts.deadlineBreached) because.push('a deadline was breached');
  if (rule.dataBreached && facts.dataBreached) because.push('personal data was breached');
  return because;
}

/**
 * No post-mortem for this incident, with the reason recorded: refused where the policy says so
 * (never; or while one is required). Starts the record if there was none.
 */
export function skipPostmortem(
  existing: PostmortemState | null,
  incident: PostmortemIncident,
  policy: { hash: string; learning: Learning },
  because: readonly string[],
  reason: string,
  actorId: string | null,
): LearningEvent[] {
  const rule = policy.learning.postmortem.mayBeSkipped;
  if (rule === 'never') {
    throw new AppError('FORBIDDEN', 'The policy does not let a post-mortem be skipped', {
      rule: 'learning.postmortem.mayBeSkipped',
    });
  }
  if (rule === 'when_not_required' && because.length > 0) {
    throw new AppError(
      'FORBIDDEN',
      `The policy requires a post-mortem of ${incident.key} (${because.join('; ')}); it may not be skipped`,
      { rule: 'learning.postmortem.mayBeSkipped', requiredBecause: because },
    );
  }
  if (existing) assertOpen(existing, 'whether it is held');
  const skipped = learningEvent('postmortem.skipped', { reason, requiredBecause: [...because] });
  return existing ? [skipped] : [...startPostmortem(null, incident, policy, actorId), skipped];
}

const DAY = 86_400_000;

/** `days` business days (Monday to Friday, UTC) after `from`, at the same time of day. */
export function addBusinessDays(from: number, days: number): number {
  let at = from;
  let left = days;
  while (left > 0) {
    at += DAY;
    const weekday = new Date(at).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return at;
}

const invalid = (field: string, message: string) =>
  new AppError('VALIDATION', message, { errors: [{ field, message }] });

/**
 * What holds follow-ups, as their rules read it: a post-mortem, or a stand-alone follow-up's
 * stream (its one follow-up, nothing declined).
 */
export interface FollowUpHolder {
  followUps: readonly FollowUp[];
  declinedProposals: readonly PostmortemState['declinedProposals'][number][];
}

export interface NewFollowUp extends Omit<
  FollowUpFields,
  'trackerUrl' | 'policySection' | 'proposalId' | 'source'
> {
  trackerUrl?: string | null | undefined;
  policySection?: FollowUpFields['policySection'] | undefined;
  /** The record's proposal it answers (GET …/postmortem/timeline, `proposedFollowUps`). */
  proposalId?: string | null | undefined;
  /** What proposed a stand-alone follow-up (standalone-follow-up-service.ts). */
  source?: FollowUpFields['source'] | undefined;
}

/**
 * A follow-up action on the post-mortem, at any point of its lifecycle: lessons keep coming after
 * approval. `ownerIsActive`: whether the owner is an active member of staff (the service asks).
 */
export function addFollowUp(
  state: FollowUpHolder,
  input: NewFollowUp,
  followUpId: string,
  now: number,
  ownerIsActive: boolean,
): FollowUpEvent[] {
  if (!ownerIsActive) throw invalid('ownerId', 'There is no active member of staff with this id');
  if (input.dueAt <= now) throw invalid('dueAt', 'must be in the future');
  if (input.proposalId) assertUndecided(state, input.proposalId);
  const policySection = input.policySection ?? null;
  if (policySection !== null && input.type !== 'process') {
    throw invalid('policySection', 'only a follow-up of type process proposes a policy change');
  }
  return [
    followUpEvent('postmortem.follow_up_added', {
      followUpId,
      title: input.title,
      ownerId: input.ownerId,
      dueAt: input.dueAt,
      priority: input.priority,
      type: input.type,
      trackerUrl: input.trackerUrl ?? null,
      policySection,
      proposalId: input.proposalId ?? null,
      ...(input.source ? { source: input.source } : {}),
    }),
  ];
}

/**
 * A follow-up handed to someone else (`ownerIsActive`: whether they are active staff, the service
 * asks) or due at another time, in the future; what does not change is left out.
 */
export function changeFollowUp(
  state: FollowUpHolder,
  followUpId: string,
  to: { ownerId?: string | undefined; dueAt?: number | undefined },
  now: number,
  ownerIsActive: boolean,
): FollowUpEvent[] {
  const f = state.followUps.find((x) => x.id === followUpId);
  if (!f) throw new AppError('NOT_FOUND', 'Follow-up was not found');
  if (to.ownerId !== undefined && !ownerIsActive) {
    throw invalid('ownerId', 'There is no active member of staff with this id');
  }
  if (to.dueAt !== undefined && to.dueAt <= now) throw invalid('dueAt', 'must be in the future');
  const ownerId = to.ownerId !== undefined && to.ownerId !== f.ownerId ? to.ownerId : undefined;
  const dueAt = to.dueAt !== undefined && to.dueAt !== f.dueAt ? to.dueAt : undefined;
  if (ownerId === undefined && dueAt === undefined) return [];
  return [
    followUpEvent('postmortem.follow_up_changed', {
      followUpId,
      ...(ownerId === undefined ? {} : { ownerId }),
      ...(dueAt === undefined ? {} : { dueAt }),
    }),
  ];
}

/** A proposal of the record is answered once: taken as a follow-up, or declined (409 after). */
export function assertUndecided(state: FollowUpHolder, proposalId: string): void {
  const taken = state.followUps.find((f) => f.proposalId === proposalId);
  if (taken) {
    throw answeredAlready(proposalId, {
      status: 'taken',
      followUpId: taken.id,
      followUp: `"${taken.title}"`,
    });
  }
  const declined = state.declinedProposals.find((d) => d.proposalId === proposalId);
  if (declined) throw answeredAlready(proposalId, { status: 'declined', reason: declined.reason });
}

export function setFollowUpStatus(
  state: FollowUpHolder,
  followUpId: string,
  status: FollowUpStatus,
  reason: string | null,
): FollowUpEvent[] {
  const followUp = state.followUps.find((f) => f.id === followUpId);
  if (!followUp) throw new AppError('NOT_FOUND', 'Follow-up was not found');
  if (status === 'not_doing' && (reason === null || reason.trim() === '')) {
    throw invalid('reason', 'say why it will not be done');
  }
  if (followUp.status === status && followUp.reason === reason) return [];
  return [
    followUpEvent('postmortem.follow_up_status_set', {
      followUpId,
      status,
      reason: status === 'not_doing' ? reason : null,
    }),
  ];
}

/** A change to a follow-up: owner, due date, status (not doing with the reason). */
export interface FollowUpChange {
  ownerId?: string | undefined;
  dueAt?: number | undefined;
  status?: FollowUpStatus | undefined;
  reason?: string | null | undefined;
}

/**
 * One change to a follow-up as the console and the API make it: owner and due date
 * (changeFollowUp), then the status (setFollowUpStatus); a status left as it was keeps its reason
 * unless a new one is given. The same for a post-mortem's follow-up and a stand-alone one.
 */
export function reviseFollowUp(
  state: FollowUpHolder,
  followUpId: string,
  to: FollowUpChange,
  now: number,
  ownerIsActive: boolean,
): FollowUpEvent[] {
  const moved = changeFollowUp(state, followUpId, to, now, ownerIsActive);
  if (to.status === undefined) return moved;
  const f = state.followUps.find((x) => x.id === followUpId)!;
  const reason = to.reason ?? (to.status === f.status ? f.reason : null);
  return [...moved, ...setFollowUpStatus(state, followUpId, to.status, reason)];
}

/**
 * A development tracker opened an issue for the follow-up: recorded once (the first tracker's
 * link fills trackerUrl when the follow-up had none); nothing for a follow-up that is gone.
 */
export function linkFollowUpTracker(
  state: FollowUpHolder,
  followUpId: string,
  issue: FollowUpTrackerIssue,
): FollowUpEvent[] {
  const f = state.followUps.find((x) => x.id === followUpId);
  if (!f || f.tracker !== null) return [];
  return [followUpEvent('postmortem.follow_up_tracker_linked', { followUpId, ...issue })];
}

/**
 * The tracker's state of the follow-up's issue, recorded when it changed. A closed issue only
 * proposes marking the follow-up done: whoever owns it decides.
 */
export function setFollowUpTrackerState(
  state: FollowUpHolder,
  followUpId: string,
  issue: FollowUpTrackerIssue & { state: 'open' | 'closed' },
): FollowUpEvent[] {
  const f = state.followUps.find((x) => x.id === followUpId);
  if (!f) return [];
  if (f.tracker !== null && (f.tracker.key !== issue.key || f.tracker.state === issue.state))
    return [];
  return [followUpEvent('postmortem.follow_up_tracker_changed', { followUpId, ...issue })];
}

// The record's proposals answered (issue 14, item 4): a breached deadline or a departure from the
// policy proposes a follow-up of type process naming the policy section to change; the post-mortem
// takes it as it is (a follow-up with the proposal's title and section) or declines it with the
// reason. Either answers it for good. Pure: the post-mortem and the record's proposals in.
import { AppError } from '../../errors.ts';
import type { FollowUpPriority } from '../../../shared/domain/learning.ts';
import { learningEvent, type LearningEvent } from './learning-events.ts';
import { addFollowUp, assertUndecided } from './learning-rules.ts';
import type { PostmortemState } from './learning-state.ts';
import type { ProposedFollowUp } from './timeline-rules.ts';

function proposalOf(proposals: readonly ProposedFollowUp[], proposalId: string) {
  const found = proposals.find((p) => p.proposalId === proposalId);
  if (!found) {
    throw new AppError('NOT_FOUND', `The incident's record proposes no follow-up "${proposalId}"`, {
      proposalId,
    });
  }
  return found;
}

/** Declines a proposal of the record, with the reason why it will not be taken. */
export function declineProposal(
  state: PostmortemState,
  proposals: readonly ProposedFollowUp[],
  proposalId: string,
  reason: string,
): LearningEvent[] {
  const p = proposalOf(proposals, proposalId);
  assertUndecided(state, proposalId);
  if (reason.trim() === '') {
    throw new AppError('VALIDATION', 'Say why the proposal is declined', {
      errors: [{ field: 'reason', message: 'must not be empty' }],
    });
  }
  const { title, because, policySection } = p;
  return [
    learningEvent('postmortem.proposal_declined', {
      proposalId,
      title,
      because,
      policySection,
      reason: reason.trim(),
    }),
  ];
}

/** Who does it and by when: all a proposal taken as it is needs besides itself. */
export interface Acceptance {
  ownerId: string;
  dueAt: number;
  priority: FollowUpPriority;
}

/** Takes a proposal of the record as it is: a follow-up with its title, type and policy section. */
export function acceptProposal(
  state: PostmortemState,
  proposals: readonly ProposedFollowUp[],
  proposalId: string,
  acceptance: Acceptance,
  followUpId: string,
  now: number,
  ownerIsActive: boolean,
): LearningEvent[] {
  const p = proposalOf(proposals, proposalId);
  const input = { ...acceptance, title: p.title, type: p.type, policySection: p.policySection };
  return addFollowUp(state, { ...input, proposalId }, followUpId, now, ownerIsActive);
}

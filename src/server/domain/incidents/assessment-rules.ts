// The panel decision: who sits on the panel, what the answers recommend, and when the votes make
// a decision. Pure: the policy and the incident come in, a verdict goes out.
import type { Criticality, PanelSeat } from '../../../shared/domain/incidents.ts';
import { AppError } from '../../errors.ts';
import type { Policy } from '../policy/index.ts';
import {
  incidentEvent as ev,
  type DecisionHow,
  type IncidentEvent,
  type IncidentEventData,
} from './incident-events.ts';
import {
  assertOpen,
  refuse,
  severityById,
  type IncidentState,
  type PanelMember,
  type PanelVote,
} from './incident-state.ts';
import { assertReproducedBefore } from './verification-rules.ts';

export interface PanelNomination {
  ownerId: string | null;
  responderIds: string[];
  securityLeadId: string | null;
}

/** The panel the policy asks for: the owner, N other responders and a security lead. */
export function seatPanel(policy: Policy, nomination: PanelNomination): PanelMember[] {
  const { panel } = policy;
  const members: PanelMember[] = [];
  if (panel.includesOwner) {
    if (!nomination.ownerId)
      throw refuse('The panel includes the owner; assign an owner before convening it');
    members.push({ userId: nomination.ownerId, seat: 'owner' });
  }
  if (nomination.responderIds.length !== panel.otherResponders) {
    throw new AppError(
      'VALIDATION',
      `The policy's panel has ${panel.otherResponders} responder(s) besides the owner; ${nomination.responderIds.length} were named`,
      { errors: [{ field: 'responderIds', message: `must name ${panel.otherResponders}` }] },
    );
  }
  for (const userId of nomination.responderIds) members.push({ userId, seat: 'responder' });
  if (panel.includesSecurityLead) {
    if (!nomination.securityLeadId) {
      throw new AppError('VALIDATION', 'The policy’s panel includes a security lead; name one', {
        errors: [{ field: 'securityLeadId', message: 'is required by the policy' }],
      });
    }
    members.push({ userId: nomination.securityLeadId, seat: 'security_lead' });
  }
  const ids = members.map((m) => m.userId);
  if (new Set(ids).size !== ids.length) {
    throw new AppError('VALIDATION', 'Each panel member takes one seat; a person was named twice', {
      errors: [{ field: 'responderIds', message: 'must be different people' }],
    });
  }
  return members;
}

export interface AnswerTally {
  criterionId: string;
  question: string;
  yesPointsTo: Criticality;
  yes: number;
  no: number;
  /** The majority of the members who answered; "split" on a tie, null when nobody answered. */
  majority: 'yes' | 'no' | 'split' | null;
}

export interface Recommendation {
  /** null until someone has answered a question. */
  recommendation: Criticality | null;
  answers: AnswerTally[];
}

/**
 * Each question's answer is the majority of the members who answered it (a split counts for
 * neither side). any_critical: critical when any question pointing to critical is answered yes.
 * balance: critical when more questions answered yes point to critical than to non-critical.
 */
export function recommend(policy: Policy, votes: readonly PanelVote[]): Recommendation {
  const answers: AnswerTally[] = policy.criticality.criteria.map((criterion) => {
    let yes = 0;
    let no = 0;
    for (const vote of votes) {
      const answer = vote.answers[criterion.id];
      if (answer === true) yes += 1;
      else if (answer === false) no += 1;
    }
    const majority = yes + no === 0 ? null : yes > no ? 'yes' : no > yes ? 'no' : 'split';
    return {
      criterionId: criterion.id,
      question: criterion.question,
      yesPointsTo: criterion.yesPointsTo,
      yes,
      no,
      majority,
    };
  });
  if (answers.every((a) => a.majority === null)) return { recommendation: null, answers };
  const yesFor = (side: Criticality) =>
    answers.filter((a) => a.majority === 'yes' && a.yesPointsTo === side).length;
  const critical =
    policy.criticality.recommendation === 'any_critical'
      ? yesFor('critical') > 0
      : yesFor('critical') > yesFor('non_critical');
  return { recommendation: critical ? 'critical' : 'non_critical', answers };
}

export interface VoteTally {
  critical: number;
  nonCritical: number;
  quorum: number;
  quorumReached: boolean;
  /** The panel's outcome, or null when it has none yet. */
  outcome: Criticality | null;
  how: 'majority' | 'tie_rule' | 'security_lead_on_tie' | null;
  /** Why there is no outcome yet. */
  waitingFor: 'votes' | 'security_lead' | null;
}

export function tallyVotes(policy: Policy, votes: readonly PanelVote[]): VoteTally {
  const critical = votes.filter((v) => v.vote === 'critical').length;
  const nonCritical = votes.length - critical;
  const quorum = policy.panel.quorum;
  const base = { critical, nonCritical, quorum, quorumReached: votes.length >= quorum };
  if (!base.quorumReached) return { ...base, outcome: null, how: null, waitingFor: 'votes' };
  if (critical !== nonCritical) {
    const outcome: Criticality = critical > nonCritical ? 'critical' : 'non_critical';
    return { ...base, outcome, how: 'majority', waitingFor: null };
  }
  switch (policy.panel.onTie) {
    case 'critical':
      return { ...base, outcome: 'critical', how: 'tie_rule', waitingFor: null };
    case 'security_lead_decides': {
      const lead = votes.find((v) => v.seat === 'security_lead');
      return lead
        ? { ...base, outcome: lead.vote, how: 'security_lead_on_tie', waitingFor: null }
        : { ...base, outcome: null, how: null, waitingFor: 'security_lead' };
    }
    case 'no_decision':
      return { ...base, outcome: null, how: null, waitingFor: 'security_lead' };
  }
}

export interface VoteInput {
  answers: Record<string, boolean>;
  vote: Criticality;
  rationale: string;
}

/** Refuses a vote that the policy does not allow; returns the voter's seat. */
export function checkVote(
  policy: Policy,
  state: IncidentState,
  voterId: string | null,
  input: VoteInput,
): PanelSeat {
  const known = new Set(policy.criticality.criteria.map((c) => c.id));
  const unknown = Object.keys(input.answers).filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new AppError('VALIDATION', `Unknown question(s): ${unknown.join(', ')}`, {
      errors: unknown.map((id) => ({
        field: `answers.${id}`,
        message: `is not one of the policy's questions (${[...known].join(', ')})`,
      })),
    });
  }
  if (state.panelMembers.length === 0) throw refuse('The panel has not been convened yet');
  const member = state.panelMembers.find((m) => m.userId === voterId);
  if (!member) {
    throw new AppError('FORBIDDEN', 'Only members of this incident’s panel can vote');
  }
  if (state.criticality !== null) {
    throw refuse('The panel has decided; reopen the decision to vote again');
  }
  if (state.votes.some((v) => v.memberId === voterId)) {
    throw refuse('You have already voted in this round; votes stay on the record as cast');
  }
  return member.seat;
}

/** The security lead's final call, allowed by the policy's `securityLeadHasFinalSay`. */
export function checkFinalCall(policy: Policy, state: IncidentState, actorId: string | null) {
  if (!policy.panel.securityLeadHasFinalSay) {
    throw refuse('This policy does not give the security lead the final call');
  }
  const lead = state.panelMembers.find((m) => m.seat === 'security_lead');
  if (!lead || lead.userId !== actorId) {
    throw new AppError(
      'FORBIDDEN',
      'Only the security lead on this incident’s panel has the final call',
    );
  }
}

export function convenePanel(
  state: IncidentState,
  policy: Policy,
  nomination: Omit<PanelNomination, 'ownerId'>,
): IncidentEvent[] {
  assertOpen(state, policy);
  if (state.criticality !== null) throw refuse('The panel has decided; reopen the decision first');
  assertReproducedBefore(state, policy, 'panel');
  if (state.votes.length > 0) throw refuse('Votes have been cast; the panel cannot change now');
  const members = seatPanel(policy, { ...nomination, ownerId: state.ownerId });
  return [ev('incident.panel_convened', { round: state.panelRound, members })];
}

function decided(
  state: IncidentState,
  policy: Policy,
  votes: IncidentState['votes'],
  outcome: Criticality,
  how: DecisionHow,
  rationale: string,
): IncidentEvent[] {
  const events = [
    ev('incident.decision_recorded', {
      round: state.panelRound,
      outcome,
      how,
      recommendation: recommend(policy, votes).recommendation,
      votes: votes.map((v) => ({ memberId: v.memberId, vote: v.vote })),
      rationale,
    }),
  ];
  const current = state.severity ? severityById(policy, state.severity) : null;
  if (!current || current.critical !== (outcome === 'critical')) {
    const severity = policy.criticality.defaultSeverity[outcome];
    events.push(
      ev('incident.severity_set', {
        severity,
        previous: state.severity,
        rationale: `The panel decided ${outcome.replace('_', '-')}; the policy's default severity`,
      }),
    );
  }
  return events;
}

export function castVote(
  state: IncidentState,
  policy: Policy,
  voterId: string | null,
  input: VoteInput,
  at: number,
): IncidentEvent[] {
  assertOpen(state, policy);
  assertReproducedBefore(state, policy, 'vote');
  const seat = checkVote(policy, state, voterId, input);
  const vote = { memberId: voterId!, seat, ...input, at };
  const votes = [...state.votes, vote];
  const events = [ev('incident.panel_vote_recorded', { round: state.panelRound, ...vote })];
  const tally = tallyVotes(policy, votes);
  if (tally.outcome && tally.how) {
    const rationale = votes.map((v) => `${v.seat} (${v.vote}): ${v.rationale}`).join('\n');
    events.push(...decided(state, policy, votes, tally.outcome, tally.how, rationale));
  }
  return events;
}

export function recordFinalCall(
  state: IncidentState,
  policy: Policy,
  actorId: string | null,
  input: { outcome: Criticality; rationale: string },
): IncidentEvent[] {
  assertOpen(state, policy);
  // The final call decides as the vote does: it waits for the reproduction too.
  assertReproducedBefore(state, policy, 'vote');
  checkFinalCall(policy, state, actorId);
  if (state.criticality === input.outcome) {
    throw refuse(`The incident is already decided ${input.outcome.replace('_', '-')}`);
  }
  return decided(state, policy, state.votes, input.outcome, 'final_call', input.rationale);
}

export function reopenDecision(
  state: IncidentState,
  policy: Policy,
  reason: string,
): IncidentEvent[] {
  assertOpen(state, policy);
  if (state.criticality === null) throw refuse('The decision is still open');
  return [
    ev('incident.decision_reopened', {
      round: state.panelRound + 1,
      reason,
      members: state.panelMembers,
    }),
  ];
}

/**
 * The panel judges independently: while a round is undecided, a member who has not voted yet
 * sees that others voted, not how (their answers, votes and rationales stay sealed). Everyone
 * else, and everyone once the panel has decided, sees the votes.
 */
export function votesSealedFor(state: IncidentState, viewerId: string | null): boolean {
  if (state.criticality !== null || viewerId === null) return false;
  const member = state.panelMembers.some((m) => m.userId === viewerId);
  return member && !state.votes.some((v) => v.memberId === viewerId);
}

export type VoteView =
  | (PanelVote & { sealed: false })
  | (Pick<PanelVote, 'memberId' | 'seat' | 'at'> & {
      sealed: true;
      answers: Record<string, never>;
      vote: null;
      rationale: null;
    });

export type IncidentView = Omit<IncidentState, 'votes'> & { votes: VoteView[] };

/** The incident as this viewer may see it (votes sealed while they still have to vote). */
export function viewIncident(state: IncidentState, viewerId: string | null): IncidentView {
  const sealed = votesSealedFor(state, viewerId);
  return {
    ...state,
    votes: state.votes.map((v): VoteView =>
      sealed
        ? {
            memberId: v.memberId,
            seat: v.seat,
            at: v.at,
            sealed,
            answers: {},
            vote: null,
            rationale: null,
          }
        : { ...v, sealed },
    ),
  };
}

export interface AssessmentView {
  /** True while the viewer must still vote: the counts below are withheld (null). */
  sealed: boolean;
  recommendation: Criticality | null;
  answers: (Omit<AnswerTally, 'yes' | 'no' | 'majority'> & {
    yes: number | null;
    no: number | null;
    majority: AnswerTally['majority'];
  })[];
  tally: Omit<VoteTally, 'critical' | 'nonCritical' | 'outcome' | 'how'> & {
    critical: number | null;
    nonCritical: number | null;
    outcome: Criticality | null;
    how: VoteTally['how'];
  };
}

/** What the answers recommend and how the votes stand, as this viewer may see it. */
export function assessFor(
  policy: Policy,
  state: IncidentState,
  viewerId: string | null,
): AssessmentView {
  const { recommendation, answers } = recommend(policy, state.votes);
  const tally = tallyVotes(policy, state.votes);
  if (!votesSealedFor(state, viewerId)) return { sealed: false, recommendation, answers, tally };
  return {
    sealed: true,
    recommendation: null,
    answers: answers.map((a) => ({ ...a, yes: null, no: null, majority: null })),
    tally: { ...tally, critical: null, nonCritical: null, outcome: null, how: null },
  };
}

/** A recorded vote of the current round, in the timeline of a viewer who must still vote. */
export function sealVoteEvent<E extends { type: string; data: unknown }>(
  state: IncidentState,
  viewerId: string | null,
  event: E,
): E {
  if (event.type !== 'incident.panel_vote_recorded' || !votesSealedFor(state, viewerId))
    return event;
  const data = event.data as IncidentEventData['incident.panel_vote_recorded'];
  if (data.round !== state.panelRound) return event;
  return {
    ...event,
    data: { round: data.round, memberId: data.memberId, seat: data.seat, sealed: true },
  };
}

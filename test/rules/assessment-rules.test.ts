import { describe, expect, it } from 'vitest';
import {
  castVote,
  recommend,
  recordFinalCall,
  seatPanel,
  tallyVotes,
} from '../../src/server/domain/incidents/assessment-rules.ts';
import type { Policy } from '../../src/server/domain/policy/index.ts';
import {
  PANEL_OF_FOUR,
  aReproducedIncident,
  aVote,
  defaultPolicy,
} from '../helpers/incident-factory.ts';

const policy = defaultPolicy();
const withPanel = (overrides: Policy['panel'] extends infer P ? Partial<P> : never): Policy => ({
  ...policy,
  panel: { ...policy.panel, ...overrides },
});

describe('the panel recommendation', () => {
  it('three of four panel answers say customer data is at stake → recommendation critical', () => {
    const votes = [
      aVote('owner', 'critical', { customer_data_privacy: true }),
      aVote('dev-a', 'critical', { customer_data_privacy: true }),
      aVote('dev-b', 'non_critical', { customer_data_privacy: false }),
      aVote('lead', 'critical', { customer_data_privacy: true }),
    ];
    const result = recommend(policy, votes);
    expect(result.recommendation).toBe('critical');
    expect(result.answers.find((a) => a.criterionId === 'customer_data_privacy')).toMatchObject({
      yes: 3,
      no: 1,
      majority: 'yes',
    });
  });

  it('only "under very specific circumstances" answered yes → recommendation non-critical', () => {
    const votes = [
      aVote('owner', 'non_critical', {
        specific_circumstances_only: true,
        actively_exploited: false,
      }),
      aVote('dev-a', 'non_critical', { specific_circumstances_only: true }),
    ];
    expect(recommend(policy, votes).recommendation).toBe('non_critical');
  });

  it('a question split two against two counts for neither side', () => {
    const votes = [
      aVote('owner', 'critical', { actively_exploited: true }),
      aVote('dev-a', 'critical', { actively_exploited: true }),
      aVote('dev-b', 'non_critical', { actively_exploited: false }),
      aVote('lead', 'non_critical', { actively_exploited: false }),
    ];
    const result = recommend(policy, votes);
    expect(result.answers.find((a) => a.criterionId === 'actively_exploited')?.majority).toBe(
      'split',
    );
    expect(result.recommendation).toBe('non_critical');
  });

  it('with nobody answering there is no recommendation yet', () => {
    expect(recommend(policy, []).recommendation).toBeNull();
  });

  it('"balance": critical only when more yes answers point to critical than to non-critical', () => {
    const balance: Policy = {
      ...policy,
      criticality: { ...policy.criticality, recommendation: 'balance' },
    };
    const one = [
      aVote('owner', 'critical', { actively_exploited: true, specific_circumstances_only: true }),
    ];
    expect(recommend(balance, one).recommendation).toBe('non_critical');
    expect(recommend(policy, one).recommendation).toBe('critical');
    const two = [
      aVote('owner', 'critical', {
        actively_exploited: true,
        customer_data_privacy: true,
        specific_circumstances_only: true,
      }),
    ];
    expect(recommend(balance, two).recommendation).toBe('critical');
  });
});

describe('the panel vote', () => {
  it('the default panel is the owner, two other developers and the security lead', () => {
    expect(
      seatPanel(policy, {
        ownerId: 'owner',
        responderIds: ['dev-a', 'dev-b'],
        securityLeadId: 'lead',
      }),
    ).toEqual(PANEL_OF_FOUR);
  });

  it('a panel with the wrong number of developers, or a person twice, is refused', () => {
    expect(() =>
      seatPanel(policy, { ownerId: 'owner', responderIds: ['dev-a'], securityLeadId: 'lead' }),
    ).toThrow(/2 responder/);
    expect(() =>
      seatPanel(policy, {
        ownerId: 'owner',
        responderIds: ['dev-a', 'owner'],
        securityLeadId: 'lead',
      }),
    ).toThrow(/named twice/);
  });

  it('no decision before the quorum of four has voted', () => {
    const tally = tallyVotes(policy, [
      aVote('owner', 'critical'),
      aVote('dev-a', 'critical'),
      aVote('lead', 'critical'),
    ]);
    expect(tally).toMatchObject({ quorumReached: false, outcome: null, waitingFor: 'votes' });
  });

  it('at quorum the majority decides', () => {
    const votes = ['owner', 'dev-a', 'dev-b'].map((m) => aVote(m, 'critical'));
    votes.push(aVote('lead', 'non_critical'));
    expect(tallyVotes(policy, votes)).toMatchObject({ outcome: 'critical', how: 'majority' });
  });

  it('on a tie the security lead’s vote decides', () => {
    const votes = [
      aVote('owner', 'critical'),
      aVote('dev-a', 'critical'),
      aVote('dev-b', 'non_critical'),
      aVote('lead', 'non_critical'),
    ];
    expect(tallyVotes(policy, votes)).toMatchObject({
      outcome: 'non_critical',
      how: 'security_lead_on_tie',
    });
  });

  it('a policy that treats a tie as critical decides critical; one with no decision waits', () => {
    const votes = [
      aVote('owner', 'critical'),
      aVote('dev-a', 'critical'),
      aVote('dev-b', 'non_critical'),
      aVote('lead', 'non_critical'),
    ];
    expect(tallyVotes(withPanel({ onTie: 'critical' }), votes)).toMatchObject({
      outcome: 'critical',
      how: 'tie_rule',
    });
    expect(tallyVotes(withPanel({ onTie: 'no_decision' }), votes)).toMatchObject({
      outcome: null,
      waitingFor: 'security_lead',
    });
  });

  it('the fourth vote records the decision with every vote and sets the default critical severity', () => {
    const incident = aReproducedIncident({
      panelMembers: PANEL_OF_FOUR,
      votes: [
        aVote('owner', 'critical'),
        aVote('dev-a', 'critical'),
        aVote('dev-b', 'non_critical'),
      ],
    });
    const events = castVote(
      incident,
      policy,
      'lead',
      { answers: { customer_data_privacy: true }, vote: 'critical', rationale: 'data at stake' },
      5,
    );
    expect(events.map((e) => e.type)).toEqual([
      'incident.panel_vote_recorded',
      'incident.decision_recorded',
      'incident.severity_set',
    ]);
    expect(events[1]!.data).toMatchObject({
      outcome: 'critical',
      how: 'majority',
      recommendation: 'critical',
    });
    expect((events[1]!.data as { votes: unknown[] }).votes).toHaveLength(4);
    expect(events[2]!.data).toMatchObject({ severity: 'P1', previous: null });
  });

  it('a vote by someone not on the panel is refused', () => {
    const incident = aReproducedIncident({ panelMembers: PANEL_OF_FOUR });
    expect(() =>
      castVote(incident, policy, 'stranger', { answers: {}, vote: 'critical', rationale: 'x' }, 0),
    ).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });

  it('a member cannot vote twice in the same round', () => {
    const incident = aReproducedIncident({
      panelMembers: PANEL_OF_FOUR,
      votes: [aVote('dev-a', 'critical')],
    });
    expect(() =>
      castVote(
        incident,
        policy,
        'dev-a',
        { answers: {}, vote: 'non_critical', rationale: 'changed my mind' },
        0,
      ),
    ).toThrow(
      expect.objectContaining({
        code: 'RULE_REFUSED',
        message: expect.stringMatching(/already voted/),
      }),
    );
  });

  it('an answer to a question the policy does not ask is bad input', () => {
    const incident = aReproducedIncident({ panelMembers: PANEL_OF_FOUR });
    expect(() =>
      castVote(
        incident,
        policy,
        'dev-a',
        { answers: { is_it_friday: true }, vote: 'critical', rationale: 'x' },
        0,
      ),
    ).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });

  it('only the panel’s security lead makes the final call', () => {
    const incident = aReproducedIncident({ panelMembers: PANEL_OF_FOUR });
    expect(() =>
      recordFinalCall(incident, policy, 'dev-a', { outcome: 'critical', rationale: 'x' }),
    ).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    const events = recordFinalCall(incident, policy, 'lead', {
      outcome: 'critical',
      rationale: 'exploited in the wild',
    });
    expect(events[0]).toMatchObject({
      type: 'incident.decision_recorded',
      data: { how: 'final_call', outcome: 'critical' },
    });
  });
});

// Who must act after a change (incidents/notice-rules.ts) and when reports follow their incident
// (line-rules.ts reportsFollowNow): pure decisions, no database.
import { describe, expect, it } from 'vitest';
import { incidentEvent } from '../../src/server/domain/incidents/incident-events.ts';
import { reportsFollowNow } from '../../src/server/domain/incidents/line-rules.ts';
import { whoMustAct } from '../../src/server/domain/incidents/notice-rules.ts';
import { anIncident, defaultPolicy, PANEL_OF_FOUR } from '../helpers/incident-factory.ts';

const policy = defaultPolicy();
const moved = [
  incidentEvent('incident.phase_changed', { from: 'a', to: 'b', skipped: [], closes: false }),
];

describe('who must act', () => {
  it('a convened panel asks every member but its convener to vote, urgently for a P0', () => {
    const state = anIncident({ severity: 'P0' });
    const events = [incidentEvent('incident.panel_convened', { round: 1, members: PANEL_OF_FOUR })];
    const told = whoMustAct(state, policy, events, 'owner', 0);
    expect(told.map((n) => [n.userIds, n.kind, n.urgent])).toEqual([
      [['dev-a'], 'panel_vote', true],
      [['dev-b'], 'panel_vote', true],
      [['lead'], 'panel_vote', true],
    ]);
  });

  it('taking ownership oneself tells nobody; a hand-off tells the new owner, held for quiet hours at P2', () => {
    const state = anIncident({ severity: 'P2' });
    const take = incidentEvent('incident.owner_assigned', {
      ownerId: 'owner',
      previousOwnerId: null,
      how: 'manual',
    });
    expect(whoMustAct(state, policy, [take], 'owner', 0)).toEqual([]);
    expect(whoMustAct(state, policy, [take], 'lead', 0)).toMatchObject([
      { userIds: ['owner'], kind: 'incident_assigned', urgent: false },
    ]);
  });

  it('a task handed to nobody, or to a task that is gone, tells nobody', () => {
    const update = incidentEvent('incident.task_updated', {
      taskId: 'gone',
      changes: { assigneeId: 'dev-a' },
    });
    expect(whoMustAct(anIncident(), policy, [update], 'owner', 0)).toEqual([]);
  });
});

describe('reports follow their incident', () => {
  it('once, when the incident reaches the resolved phase (recovery) or later', () => {
    const before = anIncident({ phase: 'eradication' });
    expect(reportsFollowNow(before, anIncident({ phase: 'recovery' }), policy, moved)).toBe(true);
    expect(
      reportsFollowNow(
        anIncident({ phase: 'recovery' }),
        anIncident({ phase: 'closed' }),
        policy,
        moved,
      ),
    ).toBe(false);
    expect(reportsFollowNow(before, anIncident({ phase: 'eradication' }), policy, [])).toBe(false);
  });

  it('only at the close when the policy says closed, never when it says never', () => {
    const at = (follow: 'closed' | 'never', phase: string) =>
      reportsFollowNow(
        anIncident({ phase: 'eradication' }),
        anIncident({ phase }),
        { ...policy, reporters: { ...policy.reporters, followIncident: follow } },
        moved,
      );
    expect([at('closed', 'recovery'), at('closed', 'closed'), at('never', 'closed')]).toEqual([
      false,
      true,
      false,
    ]);
  });
});

// The status page's pure rules: what the page shows for each component and overall, and how a
// public incident may move. No database: state in, events (or a refusal) out.
import { describe, expect, it } from 'vitest';
import {
  addComponent,
  openPublicIncident,
  overallStatus,
  pageStatuses,
  publishUpdate,
  removeComponent,
  type UpdateInput,
} from '../../src/server/domain/status/status-rules.ts';
import {
  applyComponentEvent,
  applyPublicIncidentEvent,
  type ComponentCatalogue,
  type PublicIncidentState,
  type StatusComponent,
} from '../../src/server/domain/status/status-state.ts';
import type { StatusEvent } from '../../src/server/domain/status/status-events.ts';
import {
  planCustomerNotice,
  type Deadline,
} from '../../src/server/domain/clocks/deadline-rules.ts';
import { defaultPolicy } from '../helpers/incident-factory.ts';

const component = (id: string, over: Partial<StatusComponent> = {}): StatusComponent => ({
  id,
  name: id.toUpperCase(),
  description: null,
  groupId: null,
  isGroup: false,
  position: 1,
  onlyShowIfDegraded: false,
  status: 'operational',
  createdAt: 0,
  updatedAt: 0,
  ...over,
});

const catalogue: ComponentCatalogue = {
  version: 3,
  components: [
    component('eu', { isGroup: true }),
    component('api', { groupId: 'eu' }),
    component('web', { groupId: 'eu', position: 2 }),
  ],
};

let seq = 0;
const record = (state: PublicIncidentState | null, events: StatusEvent[], at = 1000) =>
  events.reduce<PublicIncidentState | null>(
    (s, e) => applyPublicIncidentEvent(s, { ...e, seq: ++seq, at, actorId: 'u1' }, 'inc'),
    state,
  )!;

const update = (over: Partial<UpdateInput>): UpdateInput => ({
  status: 'identified',
  body: 'text',
  displayAt: null,
  components: [],
  reopen: false,
  ...over,
});

describe('what the page shows', () => {
  it('a component shows the worst of its own status and the unresolved incidents; a group its worst member', () => {
    const shown = pageStatuses(catalogue.components, [
      { incidentId: 'a', componentId: 'api', status: 'degraded_performance' },
      { incidentId: 'b', componentId: 'api', status: 'partial_outage' },
    ]);
    expect(Object.fromEntries(shown)).toEqual({
      api: 'partial_outage',
      web: 'operational',
      eu: 'partial_outage',
    });
  });

  it('the overall indicator is the worst of the components and the unresolved impacts', () => {
    const ok = new Map([['api', 'operational' as const]]);
    expect(overallStatus(ok, [])).toEqual({
      indicator: 'none',
      description: 'All Systems Operational',
    });
    expect(overallStatus(new Map([['api', 'major_outage' as const]]), ['minor'])).toEqual({
      indicator: 'critical',
      description: 'Major Service Outage',
    });
    expect(overallStatus(ok, ['major']).indicator).toBe('major');
    expect(overallStatus(new Map([['api', 'under_maintenance' as const]]), [])).toEqual({
      indicator: 'none',
      description: 'Service Under Maintenance',
    });
  });
});

describe('components', () => {
  it('a new component goes last among its siblings', () => {
    const [event] = addComponent(
      catalogue,
      { name: 'Jobs', description: null, groupId: 'eu', isGroup: false, onlyShowIfDegraded: false },
      'jobs',
    );
    expect(event).toMatchObject({ type: 'status.component_added', data: { position: 3 } });
    const after = applyComponentEvent(catalogue, { ...event!, seq: 4, at: 5, actorId: null });
    expect(after.version).toBe(4);
    expect(after.components.map((c) => c.id)).toContain('jobs');
  });

  it('a group that still holds components is not removed', () => {
    expect(() => removeComponent(catalogue, 'eu')).toThrow(/still holds 2 component/);
    expect(removeComponent(catalogue, 'web')).toHaveLength(1);
  });
});

describe('a public incident moves on purpose', () => {
  const opened = () =>
    record(
      null,
      openPublicIncident(
        catalogue,
        [],
        {
          ...update({ status: 'investigating' }),
          name: 'Slow API',
          impact: 'minor',
          startedAt: null,
        },
        'u-1',
        1000,
      ),
    );

  it('an update to a resolved incident needs reopening; a post-incident report needs it resolved', () => {
    let state = opened();
    expect(() =>
      publishUpdate(state, catalogue, [], update({ status: 'postmortem' }), 'u', 2000),
    ).toThrow(/Resolve the incident before/);
    state = record(
      state,
      publishUpdate(state, catalogue, [], update({ status: 'resolved' }), 'u-2', 2000),
    );
    expect(state.resolvedAt).toBe(1000);
    expect(() =>
      publishUpdate(state, catalogue, [], update({ status: 'identified' }), 'u', 3000),
    ).toThrow(/reopen it/);
    expect(() =>
      publishUpdate(state, catalogue, [], update({ status: 'resolved' }), 'u', 3000),
    ).toThrow(/reopen it/);
    const report = publishUpdate(
      state,
      catalogue,
      [],
      update({ status: 'postmortem' }),
      'u-3',
      3000,
    );
    expect(report).toHaveLength(1);
    const reopened = record(
      state,
      publishUpdate(
        state,
        catalogue,
        [],
        update({ status: 'monitoring', reopen: true }),
        'u-4',
        4000,
      ),
    );
    expect(reopened).toMatchObject({ status: 'monitoring', resolvedAt: null });
    expect(() =>
      publishUpdate(reopened, catalogue, [], update({ reopen: true }), 'u', 5000),
    ).toThrow(/Only a resolved incident can be reopened/);
  });

  it('another unresolved incident keeps a component down when this one ends', () => {
    let state = opened();
    state = record(
      state,
      publishUpdate(
        state,
        catalogue,
        [],
        update({ components: [{ componentId: 'api', status: 'major_outage' }] }),
        'u-2',
        2000,
      ),
    );
    const others = [{ incidentId: 'other', componentId: 'api', status: 'partial_outage' as const }];
    const [resolved] = publishUpdate(
      state,
      catalogue,
      others,
      update({ status: 'resolved' }),
      'u-3',
      3000,
    );
    expect(resolved).toMatchObject({
      data: {
        components: [
          { componentId: 'api', oldStatus: 'major_outage', newStatus: 'partial_outage' },
        ],
      },
    });
  });
});

describe('the clocks a notice to customers meets', () => {
  const policy = defaultPolicy();
  const open = (kind: Deadline['kind'], severity: string | null = 'P1') => ({
    id: `d-${kind}`,
    subjectType: 'incident' as const,
    subjectId: 'inc',
    kind,
    ref: '',
    status: 'pending' as const,
    startedAt: 0,
    dueAt: 1000,
    stage: 0,
    nextFireAt: 500,
    pausedAt: null,
    responsibleId: 'owner',
    satisfiedBy: ['incident.note_added:public'],
    metAt: null,
    metBy: null,
    severity,
  });
  const plan = (history: ReturnType<typeof open>[], notice: 'update' | 'final_report') =>
    planCustomerNotice({
      history,
      notice,
      metBy: 'status.update_published',
      policy,
      now: 2000,
      newId: () => 'next',
    });

  it('an update meets the first notice and starts the next update at the severity’s cadence', () => {
    const { met, create } = plan([open('customer_first_notice'), open('final_report')], 'update');
    expect(met.map((d) => [d.kind, d.status, d.metBy, d.metAt])).toEqual([
      ['customer_first_notice', 'met', 'status.update_published', 2000],
    ]);
    const every = policy.severities.find((s) => s.id === 'P1')!.customerUpdateEvery!;
    expect(create).toMatchObject([
      {
        id: 'next',
        kind: 'customer_update',
        startedAt: 2000,
        dueAt: 2000 + every,
        status: 'pending',
      },
    ]);
  });

  it('the post-incident report meets the final report and starts nothing', () => {
    const { met, create } = plan([open('final_report'), open('customer_update')], 'final_report');
    expect(met.map((d) => d.kind)).toEqual(['final_report']);
    expect(create).toEqual([]);
  });

  it('with no customer clock open, a notice meets nothing', () => {
    expect(plan([open('response')], 'update')).toEqual({ met: [], create: [] });
  });
});

import { describe, expect, it } from 'vitest';
import {
  fireTime,
  planDeadlines,
  reporterAcknowledgment,
  stageStep,
  taskDone,
  wantedIncidentDeadlines,
  type Deadline,
  type RecordedEvent,
} from '../../src/server/domain/clocks/deadline-rules.ts';
import type { IncidentState } from '../../src/server/domain/incidents/index.ts';
import { HOUR, MINUTE } from '../../src/server/clock.ts';
import { anIncident, defaultPolicy } from '../helpers/incident-factory.ts';

const policy = defaultPolicy();
const at = (time: string) => new Date(`2026-11-20T${time}:00Z`).getTime();
let n = 0;

/** The deadlines an incident has, kept as the service keeps them: one plan per change. */
function clocksOf(state: IncidentState) {
  let history: Deadline[] = [];
  const change = (s: IncidentState, now: number, events: RecordedEvent[] = []) => {
    const plan = planDeadlines({
      subjectType: 'incident',
      subjectId: s.id,
      history,
      events,
      want: (h) => wantedIncidentDeadlines(s, policy, h, events, now),
      paused: s.awaitingReporter && policy.verification.pauseClocksWhileAwaitingReporter,
      policy,
      now,
      newId: () => `d${++n}`,
      endedAsMet: taskDone(s),
    });
    const changed = [...plan.update, ...plan.met, ...plan.cancelled];
    history = [...history.map((d) => changed.find((c) => c.id === d.id) ?? d), ...plan.create];
    return plan;
  };
  change(state, state.declaredAt, [{ type: 'incident.opened', data: {}, visibility: 'internal' }]);
  /** What the scheduler would fire up to `until`: [time, kind, step, level]. */
  const fires = (until: number) => {
    const out: [string, string, string, string][] = [];
    for (const d of history) {
      if (d.status !== 'pending') continue;
      for (let stage = d.stage; ; stage++) {
        const fireAt = fireTime(d, stage, policy);
        if (fireAt === null || fireAt > until) break;
        const { step, level } = stageStep(d, stage, policy);
        out.push([new Date(fireAt).toISOString().slice(11, 16), d.kind, step, level]);
      }
    }
    return out.sort((a, b) => a[0].localeCompare(b[0]));
  };
  const get = (kind: string) => history.find((d) => d.kind === kind && d.status !== 'cancelled');
  return { change, fires, get, all: () => history };
}

describe('response deadlines', () => {
  it('a P0 declared at 10:00 with no response escalates to the security lead at 10:15', () => {
    const clocks = clocksOf(anIncident({ severity: 'P0', declaredAt: at('10:00') }));
    const response = clocks.fires(at('10:45')).filter(([, kind]) => kind === 'response');
    expect(response).toEqual([
      ['10:07', 'response', 'reminder', 'owner'],
      ['10:12', 'response', 'reminder', 'owner'],
      ['10:15', 'response', 'breach', 'security_lead'],
      ['10:45', 'response', 'escalation', 'executive_sponsor'],
    ]);
  });

  it('a note by 10:10 meets the P0 response: nothing escalates', () => {
    const incident = anIncident({ severity: 'P0', declaredAt: at('10:00') });
    const clocks = clocksOf(incident);
    const plan = clocks.change(incident, at('10:10'), [
      { type: 'incident.note_added', data: {}, visibility: 'internal' },
    ]);
    expect(plan.met.map((d) => d.kind)).toContain('response');
    expect(clocks.fires(at('12:00')).filter(([, kind]) => kind === 'response')).toEqual([]);
  });

  it('raising P2 to P0 tightens the response deadline', () => {
    const incident = anIncident({ severity: 'P2', declaredAt: at('10:00') });
    const clocks = clocksOf(incident);
    expect(clocks.get('response')?.dueAt).toBe(at('14:00'));
    clocks.change({ ...incident, severity: 'P0' }, at('10:30'), [
      {
        type: 'incident.severity_set',
        data: { severity: 'P0', previous: 'P2' },
        visibility: 'internal',
      },
    ]);
    expect(clocks.get('response')?.dueAt).toBe(at('10:45'));
  });

  it('raising the severity late never pushes the response deadline back', () => {
    const incident = anIncident({ severity: 'P2', declaredAt: at('10:00') });
    const clocks = clocksOf(incident);
    clocks.change({ ...incident, severity: 'P0' }, at('13:55'), [
      {
        type: 'incident.severity_set',
        data: { severity: 'P0', previous: 'P2' },
        visibility: 'internal',
      },
    ]);
    expect(clocks.get('response')?.dueAt).toBe(at('14:00'));
  });

  it('a paused clock does not breach, and resumes with the time waited added', () => {
    const incident = anIncident({ severity: 'P1', declaredAt: at('10:00') });
    const clocks = clocksOf(incident);
    clocks.change({ ...incident, awaitingReporter: true }, at('10:20'));
    expect(clocks.get('response')?.status).toBe('paused');
    expect(clocks.fires(at('18:00')).filter(([, kind]) => kind === 'response')).toEqual([]);
    clocks.change(incident, at('12:20'));
    expect(clocks.get('response')?.status).toBe('pending');
    expect(clocks.get('response')?.dueAt).toBe(at('13:00'));
  });
});

describe('update cadence', () => {
  it('updates every 2 h while active; the clock stops when resolved', () => {
    const policyP0 = policy.severities.find((s) => s.id === 'P0')!;
    expect(policyP0.customerUpdateEvery).toBe(2 * HOUR);
    const incident = anIncident({ severity: 'P0', declaredAt: at('10:00') });
    const clocks = clocksOf(incident);
    const publicNote = { type: 'incident.note_added', data: {}, visibility: 'public' };
    // The first customer notice at 11:00 starts the two-hour update clock.
    clocks.change(incident, at('11:00'), [publicNote]);
    expect(clocks.get('customer_first_notice')?.status).toBe('met');
    const first = clocks.all().find((d) => d.kind === 'customer_update')!;
    expect(first.dueAt).toBe(at('13:00'));
    clocks.change(incident, at('12:30'), [publicNote]);
    const second = clocks.all().find((d) => d.kind === 'customer_update' && d.status === 'pending');
    expect(second?.dueAt).toBe(at('14:30'));
    // Resolved: every update clock stops, the final report clock starts (72 h).
    const plan = clocks.change({ ...incident, phase: 'recovery' }, at('13:00'));
    expect(plan.cancelled.map((d) => d.kind).sort()).toEqual([
      'customer_update',
      'internal_update',
    ]);
    expect(plan.create.map((d) => [d.kind, d.dueAt])).toEqual([
      ['final_report', at('13:00') + 72 * HOUR],
    ]);
  });

  it('an internal update every 30 min for a P0: each note restarts the clock', () => {
    const incident = anIncident({ severity: 'P0', declaredAt: at('10:00') });
    const clocks = clocksOf(incident);
    expect(clocks.get('internal_update')?.dueAt).toBe(at('10:30'));
    clocks.change(incident, at('10:20'), [
      { type: 'incident.note_added', data: {}, visibility: 'internal' },
    ]);
    const next = clocks.all().find((d) => d.kind === 'internal_update' && d.status === 'pending');
    expect(next?.dueAt).toBe(at('10:50'));
  });

  it('a task with a due time is a deadline for its assignee until it is done', () => {
    const task = {
      id: 't1',
      type: 'other' as const,
      title: 'Rotate the keys',
      description: '',
      assigneeId: 'ana',
      dueAt: at('16:00'),
      status: 'open' as const,
      createdAt: at('10:00'),
      updatedAt: at('10:00'),
      completedAt: null,
    };
    const incident = anIncident({ severity: 'P2', declaredAt: at('10:00'), tasks: [task] });
    const clocks = clocksOf(incident);
    expect(clocks.get('task_due')).toMatchObject({ dueAt: at('16:00'), responsibleId: 'ana' });
    const plan = clocks.change({ ...incident, tasks: [{ ...task, status: 'done' }] }, at('15:00'));
    expect(plan.met.map((d) => d.kind)).toEqual(['task_due']);
  });

  it('closing an incident stops its clocks without counting them met', () => {
    const task = {
      id: 't2',
      type: 'other' as const,
      title: 'Rotate the keys',
      description: '',
      assigneeId: null,
      dueAt: at('16:00'),
      status: 'open' as const,
      createdAt: at('10:00'),
      updatedAt: at('10:00'),
      completedAt: null,
    };
    const incident = anIncident({ severity: 'P1', declaredAt: at('10:00'), tasks: [task] });
    const clocks = clocksOf(incident);
    const plan = clocks.change({ ...incident, phase: 'closed' }, at('11:00'));
    expect(plan.met).toEqual([]);
    expect(plan.cancelled.map((d) => d.kind).sort()).toEqual([
      'customer_first_notice',
      'internal_update',
      'response',
      'task_due',
    ]);
  });
});

describe('reporter acknowledgment', () => {
  it('a report received Friday 17:00 is due for acknowledgment Saturday 17:00', () => {
    const friday = new Date('2026-11-20T17:00:00Z').getTime();
    expect(new Date(friday).getUTCDay()).toBe(5);
    const due = friday + policy.reporters.acknowledgeWithin;
    const d = reporterAcknowledgment('r1', friday, due, policy, () => 'd');
    expect(new Date(d.dueAt).toISOString()).toBe('2026-11-21T17:00:00.000Z');
    expect(new Date(d.nextFireAt!).toISOString()).toBe('2026-11-21T05:00:00.000Z');
    expect(fireTime(d, 2, policy)! - friday).toBe(24 * HOUR);
    expect(fireTime(d, 3, policy)! - fireTime(d, 2, policy)!).toBe(30 * MINUTE);
  });
});

describe('the end of the ladder', () => {
  it('a breach unmet all day tells the last level three more times, then the ladder is quiet', () => {
    const clocks = clocksOf(anIncident({ severity: 'P0', declaredAt: at('10:00') }));
    const response = clocks.fires(at('23:59')).filter(([, kind]) => kind === 'response');
    expect(response).toEqual([
      ['10:07', 'response', 'reminder', 'owner'],
      ['10:12', 'response', 'reminder', 'owner'],
      ['10:15', 'response', 'breach', 'security_lead'],
      ['10:45', 'response', 'escalation', 'executive_sponsor'],
      ['11:15', 'response', 'escalation', 'executive_sponsor'],
      ['11:45', 'response', 'escalation', 'executive_sponsor'],
      ['12:15', 'response', 'escalation', 'executive_sponsor'],
    ]);
    // Still breached and pending (the dashboard shows it), with no step left to fire.
    const d = clocks.get('response')!;
    expect(d.status).toBe('pending');
    expect(fireTime(d, 7, policy)).toBeNull();
  });

  it("the policy's repeatAtLastLevel sets how many times more the last level hears it", () => {
    const quiet = { ...policy, clocks: { ...policy.clocks, repeatAtLastLevel: 0 } };
    const d = { kind: 'response' as const, startedAt: at('10:00'), dueAt: at('10:15') };
    expect(fireTime(d, 3, quiet)).toBe(at('10:45'));
    expect(fireTime(d, 4, quiet)).toBeNull();
  });
});

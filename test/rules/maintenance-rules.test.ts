// Scheduled maintenance's pure rules: what the scheduler does at a given moment (the reminder
// once, before the window only; the moves at its edges, both at once when the window passed) and
// which updates by hand are refused.
import { describe, expect, it } from 'vitest';
import {
  dueMaintenanceSteps,
  publishMaintenanceUpdate,
  scheduleMaintenance,
} from '../../src/server/domain/status/maintenance-rules.ts';
import type { MaintenanceState } from '../../src/server/domain/status/maintenance-state.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const start = Date.parse('2026-03-02T12:00:00Z');
let n = 0;
const ids = () => `u${++n}`;

function maintenance(over: Partial<MaintenanceState> = {}): MaintenanceState {
  return {
    id: 'm1',
    version: 1,
    name: 'Upgrade',
    status: 'scheduled',
    scheduledFor: start,
    scheduledUntil: start + HOUR,
    componentIds: [],
    noticeBeforeMs: null,
    remindedAt: null,
    startedAt: null,
    completedAt: null,
    createdAt: start - 5 * HOUR,
    updatedAt: start - 5 * HOUR,
    updates: [],
    ...over,
  };
}
const steps = (m: MaintenanceState, at: number, policy = HOUR) =>
  dueMaintenanceSteps(m, at, policy, ids).map((e) =>
    e.type === 'status.maintenance_updated' ? e.data.status : 'reminder',
  );

describe('what the scheduler does to a maintenance', () => {
  it('reminds at the policy’s time before the window, or the maintenance’s own, and only once', () => {
    expect(steps(maintenance(), start - HOUR - 1)).toEqual([]);
    expect(steps(maintenance(), start - HOUR)).toEqual(['reminder']);
    expect(steps(maintenance({ noticeBeforeMs: 10 * MINUTE }), start - HOUR)).toEqual([]);
    expect(steps(maintenance({ noticeBeforeMs: 10 * MINUTE }), start - 10 * MINUTE)).toEqual([
      'reminder',
    ]);
    expect(steps(maintenance({ remindedAt: start - HOUR }), start - 1)).toEqual([]);
    expect(steps(maintenance({ noticeBeforeMs: 0 }), start - 1)).toEqual([]);
  });

  it('moves to in progress at the start and to completed at the end; both when the window passed, with no reminder', () => {
    expect(steps(maintenance(), start)).toEqual(['in_progress']);
    expect(steps(maintenance({ status: 'in_progress' }), start + HOUR - 1)).toEqual([]);
    expect(steps(maintenance({ status: 'verifying' }), start + HOUR)).toEqual(['completed']);
    expect(steps(maintenance(), start + 2 * HOUR)).toEqual(['in_progress', 'completed']);
    expect(steps(maintenance({ status: 'completed' }), start + 2 * HOUR)).toEqual([]);
  });
});

describe('updates by hand and the window', () => {
  it('never moves back, and a completed maintenance takes nothing', () => {
    const going = maintenance({ status: 'verifying' });
    expect(() =>
      publishMaintenanceUpdate(going, { status: 'in_progress', body: 'x' }, 'u'),
    ).toThrow(/cannot move back/);
    expect(
      publishMaintenanceUpdate(going, { status: null, body: 'x' }, 'u')[0]!.data,
    ).toMatchObject({ status: 'verifying', automatic: false });
    expect(() =>
      publishMaintenanceUpdate(
        maintenance({ status: 'completed' }),
        { status: null, body: 'x' },
        'u',
      ),
    ).toThrow(/completed/);
  });

  it('refuses a window that ends before it starts or has ended, naming the field', () => {
    const input = {
      name: 'Upgrade',
      body: 'x',
      scheduledFor: start,
      scheduledUntil: start - 1,
      componentIds: [],
      noticeBeforeMs: null,
    };
    expect(() => scheduleMaintenance([], input, 'u', start - HOUR)).toThrow(/scheduledUntil/);
    expect(() =>
      scheduleMaintenance([], { ...input, scheduledUntil: start + 1 }, 'u', start + 2),
    ).toThrow(/scheduledUntil: must be in the future/);
  });
});

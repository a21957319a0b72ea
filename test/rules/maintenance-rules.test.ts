// Scheduled maintenance's pure rules: what the scheduler does at a given moment (the reminder
// once, before the window only; the moves at its edges, both at once when the window passed) and
// which updates by hand are refused.
import { describe, expect, it } from 'vitest';
import type { RecordedMaintenanceEvent } from '../../src/server/domain/status/maintenance-events.ts';
import {
  cancelMaintenance,
  dueMaintenanceSteps,
  publishMaintenanceUpdate,
  rescheduleMaintenance,
  scheduleMaintenance,
} from '../../src/server/domain/status/maintenance-rules.ts';
import {
  applyMaintenanceEvent,
  type MaintenanceState,
} from '../../src/server/domain/status/maintenance-state.ts';

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
    cancelledAt: null,
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

describe('rescheduling and cancelling (issue 13, item 5)', () => {
  const recorded = (
    state: MaintenanceState,
    events: ReturnType<typeof cancelMaintenance>,
    at: number,
  ) =>
    events.reduce(
      (s, e, i) =>
        applyMaintenanceEvent(
          s,
          { ...e, seq: s.version + i + 1, at, actorId: 'comms' } as RecordedMaintenanceEvent,
          s.id,
        ),
      state,
    );
  const later = {
    scheduledFor: start + 5 * HOUR,
    scheduledUntil: start + 6 * HOUR,
    body: 'Moved.',
  };

  it('moves the window, and the reminder comes again once before the new one', () => {
    const reminded = maintenance({ remindedAt: start - HOUR });
    const events = rescheduleMaintenance(reminded, later, 'u', start - 30 * MINUTE, HOUR);
    expect(events[0]!.data).toMatchObject({
      previousFor: start,
      previousUntil: start + HOUR,
      scheduledFor: start + 5 * HOUR,
      reminded: false,
    });
    const moved = recorded(reminded, events, start - 30 * MINUTE);
    expect(moved).toMatchObject({
      status: 'scheduled',
      scheduledFor: start + 5 * HOUR,
      remindedAt: null,
    });
    // The old window's edges do nothing now; the new window's reminder and moves come once.
    expect(steps(moved, start)).toEqual([]);
    expect(steps(moved, start + 4 * HOUR)).toEqual(['reminder']);
    expect(steps(moved, start + 5 * HOUR)).toEqual(['in_progress']);
  });

  it('counts the rescheduled notice as the reminder when the new window is already within its notice time', () => {
    const events = rescheduleMaintenance(maintenance(), later, 'u', start + 4.5 * HOUR, HOUR);
    const moved = recorded(maintenance(), events, start + 4.5 * HOUR);
    expect(moved.remindedAt).toBe(start + 4.5 * HOUR);
    expect(steps(moved, start + 4.9 * HOUR)).toEqual([]);
  });

  it('refuses a window ending before it starts (naming scheduledUntil), the same window, and a maintenance begun', () => {
    expect(() =>
      rescheduleMaintenance(
        maintenance(),
        { ...later, scheduledUntil: later.scheduledFor - 1 },
        'u',
        start - HOUR,
        HOUR,
      ),
    ).toThrow(/scheduledUntil: must be after scheduledFor/);
    expect(() =>
      rescheduleMaintenance(
        maintenance(),
        { ...later, scheduledFor: start, scheduledUntil: start + HOUR },
        'u',
        start - HOUR,
        HOUR,
      ),
    ).toThrow(/scheduledFor/);
    expect(() =>
      rescheduleMaintenance(maintenance({ status: 'in_progress' }), later, 'u', start, HOUR),
    ).toThrow(/in_progress/);
  });

  it('cancels before the window opens: completed, cancelled, and nothing more happens', () => {
    const cancelled = recorded(
      maintenance(),
      cancelMaintenance(maintenance(), 'Off.', 'u'),
      start - HOUR,
    );
    expect(cancelled).toMatchObject({ status: 'completed', cancelledAt: start - HOUR });
    expect(steps(cancelled, start + 2 * HOUR)).toEqual([]);
    expect(() => cancelMaintenance(cancelled, 'Again.', 'u')).toThrow(/cancelled/);
    expect(() => cancelMaintenance(maintenance({ status: 'in_progress' }), 'x', 'u')).toThrow(
      /in_progress/,
    );
    expect(() => rescheduleMaintenance(cancelled, later, 'u', start - HOUR, HOUR)).toThrow(
      /cancelled/,
    );
    expect(() => publishMaintenanceUpdate(cancelled, { status: null, body: 'x' }, 'u')).toThrow(
      /cancelled/,
    );
  });
});

// A schedule's state, as the rules read it, and how each recorded event changes it in memory: the
// same change the projection (schedule-projection.ts) makes to its row.
import type { OnCallOverride, RecordedScheduleEvent, Rotation } from './schedule-events.ts';

export interface ScheduleState {
  id: string;
  version: number;
  name: string;
  rotation: Rotation;
  /** Overrides, by start. */
  overrides: OnCallOverride[];
  removed: boolean;
  createdAt: number;
  updatedAt: number;
}

export function applyScheduleEvent(
  state: ScheduleState | null,
  event: RecordedScheduleEvent,
  scheduleId: string,
): ScheduleState {
  const { at, seq } = event;
  if (event.type === 'oncall.schedule_created') {
    return {
      id: scheduleId,
      version: seq,
      name: event.data.name,
      rotation: event.data.rotation,
      overrides: [],
      removed: false,
      createdAt: at,
      updatedAt: at,
    };
  }
  if (!state) throw new Error(`${event.type} before oncall.schedule_created`);
  const next = { ...state, version: seq, updatedAt: at };
  switch (event.type) {
    case 'oncall.schedule_changed':
      return { ...next, ...event.data.changes };
    case 'oncall.schedule_removed':
      return { ...next, removed: true };
    case 'oncall.override_added':
      return {
        ...next,
        overrides: [...state.overrides, event.data.override].sort((a, b) => a.from - b.from),
      };
    case 'oncall.override_removed':
      return {
        ...next,
        overrides: state.overrides.filter((o) => o.id !== event.data.overrideId),
      };
    default:
      throw new Error(`${(event as { type: string }).type} is not an event of a schedule`);
  }
}

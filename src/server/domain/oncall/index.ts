// The on-call subject's public surface: schedules (rotations and overrides), who is on call now,
// a person's shifts; and the port other subjects ask who is on call through.
import { createScheduleService, type OnCallPorts } from './schedule-service.ts';

/** The on-call subject, built by the composition root (container.ts) from its ports. */
export function createOnCallModule(ports: OnCallPorts) {
  return createScheduleService(ports);
}

export type OnCallModule = ReturnType<typeof createOnCallModule>;

export type {
  OnCallPolicy,
  OnCallPorts,
  PersonShifts,
  ScheduleOverview,
} from './schedule-service.ts';
export type { ScheduleState } from './schedule-state.ts';
export type { OnCallOverride, PatternShift, Rotation } from './schedule-events.ts';
export type { Shift } from './shift-rules.ts';

// The clocks subject's public surface: deadlines from the policy, fired by the scheduler.
import {
  createDeadlinePlanner,
  createDeadlinesService,
  type DeadlinesDeps,
} from './deadline-service.ts';

export type ClocksPorts = DeadlinesDeps;

/** The clocks subject, built by the composition root (container.ts) from its ports. */
export function createClocksModule(ports: ClocksPorts) {
  return createDeadlinesService(ports);
}

export type ClocksModule = ReturnType<typeof createClocksModule>;

/**
 * The port incidents and reports plan their deadlines through, in their own transactions; built
 * before them (the clocks module, which reads them, comes after).
 */
export function createClocksPlanner(ports: Pick<ClocksPorts, 'policy' | 'programme'>) {
  return createDeadlinePlanner(ports);
}

export type ClocksPlanner = ReturnType<typeof createClocksPlanner>;

export {
  createDeadlinesService,
  type DeadlinesService,
  type BreachStageClock,
  type DeadlinesDeps,
  type ClockIncidents,
  type ClockProgramme,
  type ClockReports,
  type ClockUser,
  type ClockVulnerabilities,
} from './deadline-service.ts';
export { createClocksReader, type ClocksReader } from './reader-service.ts';
export type { DeadlineRecord, DeadlineListState } from './deadline-repository.ts';
export {
  DEADLINE_KINDS,
  type CustomerNotice,
  type Deadline,
  type DeadlineKind,
} from './deadline-rules.ts';
export {
  clockEvent,
  type ClockEvent,
  type ClockSubjectType,
  type ClockVulnerability,
  type DeadlineEventData,
  type DeadlineStep,
  type FollowUpDue,
  type PostmortemDue,
  type SubjectEvent,
} from './deadline-events.ts';
export type { ClockIncident } from './deadline-rules.ts';
export type { DeadlineMeasures, Durations, ShareMet } from './measure-rules.ts';

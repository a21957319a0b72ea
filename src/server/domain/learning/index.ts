// The learning subject's public surface: post-mortems and their follow-ups (next: final reports,
// recovery checks and exercises; see docs/learning.md).
import {
  createLearningService,
  type LearningModule,
  type LearningModulePorts,
} from './learning-service.ts';

/** Builds the learning subject from the narrow ports it declares (LearningModulePorts). */
export function createLearningModule(ports: LearningModulePorts): LearningModule {
  return createLearningService(ports);
}

/**
 * Whether an incident needs a post-mortem before it closes, and its draft clock: the part the
 * incidents subject asks, built before incidents (the rest of learning reads them).
 */
export {
  createPostmortemRequirement,
  type PostmortemCase,
  type PostmortemRequirement,
  type PostmortemStanding,
} from './requirement-service.ts';

export type {
  FollowUpInList,
  LearningIncidents,
  LearningStaff,
  LearningModule,
  LearningModulePorts,
  PolicyChange,
  PostmortemTimeline,
  PostmortemView,
} from './learning-service.ts';
export type { IncidentDurations, RecordEvent, Span, TimelineItem } from './timeline-rules.ts';
export type {
  FollowUp,
  PostmortemSectionState,
  PostmortemState,
  TimelineEntry,
  TimelineMark,
} from './learning-state.ts';
export type { FollowUpChange, NewFollowUp } from './learning-rules.ts';
export {
  createFollowUpRecord,
  type NewStandaloneFollowUp,
} from './standalone-follow-up-service.ts';
export type { FollowUpSource } from './learning-events.ts';
export {
  createProgrammeRecord,
  type ProgrammeClocks,
  type ScheduleItemView,
} from './programme-service.ts';
export { RECORDED_KINDS, type ActivityFields, type RecordedKind } from './programme-events.ts';
export type { ActivityRecord } from './programme-repository.ts';
export type { ExerciseReportView } from './exercise-report-service.ts';
export type { ExerciseReportState, ObjectiveState } from './exercise-report-state.ts';

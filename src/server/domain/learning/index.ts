// The learning subject's public surface: post-mortems (and, next, their follow-ups, final reports,
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

export type {
  FollowUpInList,
  LearningIncidents,
  LearningStaff,
  LearningModule,
  LearningModulePorts,
  PostmortemView,
} from './learning-service.ts';
export type { FollowUp, PostmortemSectionState, PostmortemState } from './learning-state.ts';
export type { NewFollowUp } from './learning-rules.ts';

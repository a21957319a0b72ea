// The exercise report's events (issue 14, item 7): an exercise ends with a report that judges each
// of its objectives met or not, with a note. One stream per exercise incident; the objectives come
// from the declaration (or the scenario's "Objectives" list) and more may be added.
import type { Recorded } from '../../db/event-store.ts';

export interface ObjectiveFields {
  objectiveId: string;
  text: string;
}

export type ExerciseReportEvent =
  | {
      type: 'exercise_report.started';
      data: { incidentId: string; incidentKey: string; objectives: ObjectiveFields[] };
      visibility: 'internal';
    }
  | { type: 'exercise_report.objective_added'; data: ObjectiveFields; visibility: 'internal' }
  | {
      type: 'exercise_report.objective_assessed';
      data: { objectiveId: string; met: boolean; note: string };
      visibility: 'internal';
    }
  | { type: 'exercise_report.completed'; data: { summary: string }; visibility: 'internal' }
  | { type: 'exercise_report.reopened'; data: { reason: string }; visibility: 'internal' };

export type RecordedExerciseReportEvent = Recorded<ExerciseReportEvent>;

// The exercise report as the reduction of its events (issue 14, item 7).
import type { RecordedExerciseReportEvent } from './exercise-report-events.ts';

export interface ObjectiveState {
  id: string;
  text: string;
  /** Null until someone judges it. */
  met: boolean | null;
  note: string;
  assessedBy: string | null;
  assessedAt: number | null;
}

export interface ExerciseReportState {
  id: string;
  incidentId: string;
  incidentKey: string;
  version: number;
  status: 'draft' | 'completed';
  objectives: ObjectiveState[];
  /** What the exercise showed, in a few words (Markdown), written when it is completed. */
  summary: string;
  completedBy: string | null;
  completedAt: number | null;
}

export function applyExerciseReportEvent(
  state: ExerciseReportState | null,
  event: RecordedExerciseReportEvent,
  streamId: string,
): ExerciseReportState {
  const version = (state?.version ?? 0) + 1;
  const blank = (objectiveId: string, text: string): ObjectiveState => ({
    id: objectiveId,
    text,
    met: null,
    note: '',
    assessedBy: null,
    assessedAt: null,
  });
  if (event.type === 'exercise_report.started') {
    return {
      id: streamId,
      incidentId: event.data.incidentId,
      incidentKey: event.data.incidentKey,
      version,
      status: 'draft',
      objectives: event.data.objectives.map((o) => blank(o.objectiveId, o.text)),
      summary: '',
      completedBy: null,
      completedAt: null,
    };
  }
  if (!state) throw new Error(`exercise report ${streamId} has no start`);
  switch (event.type) {
    case 'exercise_report.objective_added':
      return {
        ...state,
        version,
        objectives: [...state.objectives, blank(event.data.objectiveId, event.data.text)],
      };
    case 'exercise_report.objective_assessed': {
      const { objectiveId, met, note } = event.data;
      return {
        ...state,
        version,
        objectives: state.objectives.map((o) =>
          o.id === objectiveId
            ? { ...o, met, note, assessedBy: event.actorId, assessedAt: event.at }
            : o,
        ),
      };
    }
    case 'exercise_report.completed':
      return {
        ...state,
        version,
        status: 'completed',
        summary: event.data.summary,
        completedBy: event.actorId,
        completedAt: event.at,
      };
    case 'exercise_report.reopened':
      return { ...state, version, status: 'draft', completedBy: null, completedAt: null };
  }
}

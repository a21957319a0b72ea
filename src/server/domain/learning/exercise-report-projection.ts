// Records an exercise report's events and writes its row whole (the one writer of
// exercise_reports), in the caller's transaction; answers the state reduced in memory.
import { appendAndProject, type Projector } from '../../db/event-store.ts';
import type { Executor } from '../../db/schema.ts';
import type { ExerciseReportEvent } from './exercise-report-events.ts';
import { applyExerciseReportEvent, type ExerciseReportState } from './exercise-report-state.ts';

const exerciseReportProjector: Projector<ExerciseReportEvent, ExerciseReportState> = {
  streamType: 'exercise_report',
  apply: applyExerciseReportEvent,
  finish: async (tx, before, after) => {
    const row = {
      status: after.status,
      objectives_json: JSON.stringify(after.objectives),
      summary: after.summary,
      completed_by: after.completedBy,
      completed_at: after.completedAt,
      version: after.version,
    };
    if (before === null) {
      await tx
        .insertInto('exercise_reports')
        .values({
          id: after.id,
          incident_id: after.incidentId,
          incident_key: after.incidentKey,
          ...row,
        })
        .execute();
    } else {
      await tx.updateTable('exercise_reports').set(row).where('id', '=', after.id).execute();
    }
  },
};

export function appendToExerciseReport(
  tx: Executor,
  id: string,
  state: ExerciseReportState | null,
  events: readonly ExerciseReportEvent[],
  actorId: string | null,
  at: number,
): Promise<ExerciseReportState> {
  return appendAndProject(tx, exerciseReportProjector, id, state, events, actorId, at);
}

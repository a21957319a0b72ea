// Reads of exercise reports (the projection of their streams).
import type { Executor } from '../../db/schema.ts';
import type { ExerciseReportState, ObjectiveState } from './exercise-report-state.ts';

export async function findExerciseReportByIncident(
  ex: Executor,
  incidentId: string,
): Promise<ExerciseReportState | null> {
  const row = await ex
    .selectFrom('exercise_reports')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    incidentId: row.incident_id,
    incidentKey: row.incident_key,
    version: Number(row.version),
    status: row.status === 'completed' ? 'completed' : 'draft',
    objectives: JSON.parse(row.objectives_json) as ObjectiveState[],
    summary: row.summary,
    completedBy: row.completed_by,
    completedAt: row.completed_at === null ? null : Number(row.completed_at),
  };
}

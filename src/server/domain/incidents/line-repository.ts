// Reads of the line: which incidents hold it stopped, and its history of stops and resumes.
import type { Executor } from '../../db/schema.ts';

export interface StoppingIncidentRow {
  key: string;
  title: string;
  severity: string | null;
  stoppedAt: number;
}

export async function listStoppingIncidents(tx: Executor): Promise<StoppingIncidentRow[]> {
  const rows = await tx
    .selectFrom('incidents')
    .select(['key', 'title', 'severity', 'restricted', 'line_stopped_at'])
    .where('line_stopped', '=', 1)
    // An exercise runs for real inside Stopline, but never stops the releases of the real line.
    .where('exercise_json', 'is', null)
    .orderBy('line_stopped_at')
    .orderBy('key')
    .execute();
  return rows.map((r) => ({
    key: r.key,
    // The line is read by pipelines and dashboards: a restricted incident shows only its key.
    title: r.restricted ? 'Restricted incident' : r.title,
    severity: r.severity,
    stoppedAt: Number(r.line_stopped_at),
  }));
}

export interface LineHistoryRow {
  incidentKey: string;
  change: 'stopped' | 'resumed';
  reason: string;
  at: number;
}

export async function listLineHistory(tx: Executor, limit: number): Promise<LineHistoryRow[]> {
  const rows = await tx
    .selectFrom('line_history')
    .select(['incident_key', 'change', 'reason', 'at'])
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    incidentKey: r.incident_key,
    change: r.change as LineHistoryRow['change'],
    reason: r.reason,
    at: Number(r.at),
  }));
}

// Reads of the learning programme's records: reviews, training and tests, newest first.
import type { Executor } from '../../db/schema.ts';
import type { RecordedKind } from './programme-events.ts';

export interface ActivityRecord {
  id: string;
  kind: RecordedKind;
  heldAt: number;
  participants: string;
  summary: string;
  evidenceUrl: string;
  recordedBy: string | null;
  recordedAt: number;
}

export async function listActivities(
  tx: Executor,
  filter: { id?: string; limit?: number } = {},
): Promise<ActivityRecord[]> {
  let query = tx.selectFrom('programme_activities').selectAll();
  if (filter.id !== undefined) query = query.where('id', '=', filter.id);
  const rows = await query
    .orderBy('held_at', 'desc')
    .orderBy('id')
    .limit(filter.limit ?? 200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as RecordedKind,
    heldAt: Number(r.held_at),
    participants: r.participants,
    summary: r.summary,
    evidenceUrl: r.evidence_url,
    recordedBy: r.recorded_by,
    recordedAt: Number(r.recorded_at),
  }));
}

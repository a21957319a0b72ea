// Reads of status_drafts: plain camelCase records out. The one writer is draft-projection.ts.
import type { Selectable } from 'kysely';
import type { Executor, StatusDraftsTable } from '../../db/schema.ts';
import type { DraftContent } from './draft-events.ts';
import type { DraftStage, StatusDraftState } from './draft-state.ts';

const time = (value: number | null) => (value === null ? null : Number(value));

type Row = Selectable<StatusDraftsTable>;

function toState(r: Row): StatusDraftState {
  return {
    id: r.id,
    version: Number(r.version),
    stage: r.state as DraftStage,
    publicIncidentId: r.public_incident_id,
    incidentVersion: r.incident_version === null ? null : Number(r.incident_version),
    content: JSON.parse(r.content_json) as DraftContent,
    contentHash: r.content_hash,
    draftedBy: r.drafted_by,
    draftedAt: Number(r.drafted_at),
    decidedBy: r.decided_by,
    decidedAt: time(r.decided_at),
    reason: r.reason,
    publishedIncidentId: r.published_incident_id,
    publishedUpdateId: r.published_update_id,
  };
}

export async function findDraft(ex: Executor, id: string): Promise<StatusDraftState | null> {
  const row = await ex
    .selectFrom('status_drafts')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toState(row) : null;
}

/** Newest first. */
export async function listDrafts(
  ex: Executor,
  filter: { stage?: DraftStage | undefined; publicIncidentId?: string | undefined; limit: number },
): Promise<StatusDraftState[]> {
  let query = ex.selectFrom('status_drafts').selectAll();
  if (filter.stage !== undefined) query = query.where('state', '=', filter.stage);
  if (filter.publicIncidentId !== undefined) {
    query = query.where('public_incident_id', '=', filter.publicIncidentId);
  }
  const rows = await query
    .orderBy('drafted_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit)
    .execute();
  return rows.map(toState);
}

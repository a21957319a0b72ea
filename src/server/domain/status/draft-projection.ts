// Records a draft's events: appends them to the draft's stream and writes status_drafts, in the
// caller's transaction, and answers the state they produce (reduced in memory, not read back).
// The one writer of status_drafts.
import { appendAndProject, type Projector } from '../../db/event-store.ts';
import type { Executor } from '../../db/schema.ts';
import type { DraftEvent } from './draft-events.ts';
import { applyDraftEvent, type StatusDraftState } from './draft-state.ts';

const draftProjector: Projector<DraftEvent, StatusDraftState> = {
  streamType: 'status_draft',
  apply: applyDraftEvent,
  finish: (tx, before, after) => writeDraftRow(tx, before === null, after),
};

/** Appends to a draft's stream (state null: a new draft) and answers its state after. */
export function appendToDraft(
  tx: Executor,
  draftId: string,
  state: StatusDraftState | null,
  events: readonly DraftEvent[],
  actorId: string | null,
  at: number,
): Promise<StatusDraftState> {
  return appendAndProject(tx, draftProjector, draftId, state, events, actorId, at);
}

/** The row is the state, written whole. */
async function writeDraftRow(tx: Executor, isNew: boolean, d: StatusDraftState) {
  const row = {
    public_incident_id: d.publicIncidentId,
    incident_version: d.incidentVersion,
    content_json: JSON.stringify(d.content),
    content_hash: d.contentHash,
    state: d.stage,
    drafted_by: d.draftedBy,
    drafted_at: d.draftedAt,
    decided_by: d.decidedBy,
    decided_at: d.decidedAt,
    reason: d.reason,
    published_incident_id: d.publishedIncidentId,
    published_update_id: d.publishedUpdateId,
    version: d.version,
  };
  if (isNew)
    await tx
      .insertInto('status_drafts')
      .values({ id: d.id, ...row })
      .execute();
  else await tx.updateTable('status_drafts').set(row).where('id', '=', d.id).execute();
}

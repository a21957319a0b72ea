// A draft's state, as the rules read it, and how each recorded event changes it in memory: the
// same change the projection (draft-projection.ts) makes to its row.
import type { DraftContent, RecordedDraftEvent } from './draft-events.ts';

export type DraftStage = 'pending' | 'published' | 'rejected';

export interface StatusDraftState {
  id: string;
  version: number;
  stage: DraftStage;
  /** The public incident it updates; null: it opens a new one. */
  publicIncidentId: string | null;
  incidentVersion: number | null;
  content: DraftContent;
  contentHash: string;
  draftedBy: string | null;
  draftedAt: number;
  /** Who approved or rejected it, and when. */
  decidedBy: string | null;
  decidedAt: number | null;
  /** Why it was rejected. */
  reason: string | null;
  /** Where its approval published it. */
  publishedIncidentId: string | null;
  publishedUpdateId: string | null;
}

export function applyDraftEvent(
  state: StatusDraftState | null,
  event: RecordedDraftEvent,
  draftId: string,
): StatusDraftState {
  const { at, seq, actorId } = event;
  if (event.type === 'status.draft_written') {
    return {
      id: draftId,
      version: seq,
      stage: 'pending',
      publicIncidentId: event.data.publicIncidentId,
      incidentVersion: event.data.incidentVersion,
      content: event.data.content,
      contentHash: event.data.contentHash,
      draftedBy: actorId,
      draftedAt: at,
      decidedBy: null,
      decidedAt: null,
      reason: null,
      publishedIncidentId: null,
      publishedUpdateId: null,
    };
  }
  if (!state) throw new Error(`${event.type} before status.draft_written`);
  const decided = { ...state, version: seq, decidedBy: actorId, decidedAt: at };
  switch (event.type) {
    case 'status.draft_approved':
      return {
        ...decided,
        stage: 'published',
        publishedIncidentId: event.data.publicIncidentId,
        publishedUpdateId: event.data.updateId,
      };
    case 'status.draft_rejected':
      return { ...decided, stage: 'rejected', reason: event.data.reason };
    default:
      throw new Error(`${(event as { type: string }).type} is not an event of a draft`);
  }
}

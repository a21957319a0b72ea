// Drafts of the public status page (four-eyes publishing): the event types of a draft's stream and
// their data. A draft is written by one person and approved (then published) or rejected by
// another; its exact content and the hash of it are on the record. Every draft event is internal:
// nothing drafted is public until its approval publishes it on the public incident's stream.
import type { Recorded } from '../../db/event-store.ts';
import type { Visibility } from '../../db/schema.ts';
import type { IncidentImpact } from '../../../shared/domain/status.ts';
import type { UpdateInput } from './status-rules.ts';

/** What a draft would publish, frozen when it is written. */
export interface DraftContent {
  /** A new public incident (null: an update on an existing one). */
  opens: {
    name: string;
    impact: IncidentImpact;
    startedAt: number | null;
    /** The internal incident it speaks for, checked visible to the writer. */
    internalIncident: { id: string; key: string } | null;
  } | null;
  /** On an existing incident: a new name or impact, published with the update. */
  changes: { name?: string; impact?: IncidentImpact };
  update: UpdateInput;
}

export interface DraftEventData {
  'status.draft_written': {
    publicIncidentId: string | null;
    /** The public incident's version the text was written against (null: a new incident). */
    incidentVersion: number | null;
    content: DraftContent;
    /** sha256 of the content's canonical JSON: what the approver approves. */
    contentHash: string;
  };
  'status.draft_approved': { contentHash: string; publicIncidentId: string; updateId: string };
  'status.draft_rejected': { reason: string };
}

export type DraftEventType = keyof DraftEventData;

export type DraftEvent = {
  [K in DraftEventType]: { type: K; data: DraftEventData[K]; visibility: Visibility };
}[DraftEventType];

export type RecordedDraftEvent = Recorded<DraftEvent>;

export function draftEvent<K extends DraftEventType>(type: K, data: DraftEventData[K]): DraftEvent {
  return { type, data, visibility: 'internal' } as DraftEvent;
}

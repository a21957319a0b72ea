// Scheduled maintenance's event types and their data: the contract between the rules that decide
// and the projection that records. Each maintenance is a stream of its own; every text published
// to customers is in an event's data exactly as written, with who (the event's actor; none for
// the scheduler's moves at the window's edges) and when (its time), under the hash chain.
import type { Recorded } from '../../db/event-store.ts';
import type { Visibility } from '../../db/schema.ts';
import type { MaintenanceStatus } from '../../../shared/domain/status.ts';

export interface MaintenanceEventData {
  /** Announced: the window, the components it takes down and the first text. */
  'status.maintenance_scheduled': {
    name: string;
    scheduledFor: number;
    scheduledUntil: number;
    componentIds: string[];
    /** Its own notice time before the window; null: the policy's. */
    noticeBeforeMs: number | null;
    updateId: string;
    body: string;
  };
  /** A published update; `automatic` when the scheduler moved it at the window's edge. */
  'status.maintenance_updated': {
    updateId: string;
    status: MaintenanceStatus;
    body: string;
    automatic: boolean;
  };
  /** Subscribers were told the window opens soon (once). */
  'status.maintenance_reminded': { noticeBeforeMs: number };
}

export type MaintenanceEventType = keyof MaintenanceEventData;

export type MaintenanceEvent = {
  [K in MaintenanceEventType]: { type: K; data: MaintenanceEventData[K]; visibility: Visibility };
}[MaintenanceEventType];

export type RecordedMaintenanceEvent = Recorded<MaintenanceEvent>;

/** Everything about a maintenance is what the page shows. */
export function maintenanceEvent<K extends MaintenanceEventType>(
  type: K,
  data: MaintenanceEventData[K],
): MaintenanceEvent {
  return { type, data, visibility: 'public' } as MaintenanceEvent;
}

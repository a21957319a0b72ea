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
  /**
   * The window moved before it opened: the new window (the reminder comes again before it, once)
   * and the text telling subscribers so.
   */
  'status.maintenance_rescheduled': {
    scheduledFor: number;
    scheduledUntil: number;
    previousFor: number;
    previousUntil: number;
    /** Its own notice time before the new window; null: the policy's. */
    noticeBeforeMs: number | null;
    /** True when the new window is already within its notice time: no reminder follows. */
    reminded: boolean;
    updateId: string;
    body: string;
  };
  /** Called off before its window opened: it ends (completed) and takes nothing down. */
  'status.maintenance_cancelled': { updateId: string; body: string };
  /** Subscribers were told the window opens soon (once per window). */
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

// The status page's event types and their data: the contract between the rules that decide and
// the projection that records. The component catalogue is one stream (COMPONENTS_STREAM); each
// public incident is a stream of its own. Every text published to customers is in an event's
// data exactly as written, with who (the event's actor) and when (its time), under the hash chain.
import type { Recorded } from '../../db/event-store.ts';
import type { Visibility } from '../../db/schema.ts';
import type {
  ComponentStatus,
  IncidentImpact,
  PublicIncidentStatus,
} from '../../../shared/domain/status.ts';

export const COMPONENTS_STREAM = 'status-components';

export interface ComponentFields {
  name: string;
  description: string | null;
  groupId: string | null;
  position: number;
  onlyShowIfDegraded: boolean;
}

/** One component an update speaks of: its status on the page before and after the update. */
export interface AffectedComponent {
  componentId: string;
  name: string;
  oldStatus: ComponentStatus;
  newStatus: ComponentStatus;
}

export interface StatusEventData {
  'status.component_added': ComponentFields & { componentId: string; isGroup: boolean };
  'status.component_changed': { componentId: string; changes: Partial<ComponentFields> };
  'status.component_status_set': {
    componentId: string;
    status: ComponentStatus;
    previous: ComponentStatus;
  };
  'status.component_removed': { componentId: string };
  'status.incident_opened': { name: string; impact: IncidentImpact; startedAt: number };
  'status.incident_changed': { changes: { name?: string; impact?: IncidentImpact } };
  /**
   * A published update: the text exactly as written, the incident's status, the time shown (the
   * time of publishing unless backdated) and the components it sets on this incident.
   */
  'status.update_published': {
    updateId: string;
    status: PublicIncidentStatus;
    body: string;
    displayAt: number | null;
    components: (AffectedComponent & { incidentStatus: ComponentStatus })[];
    reopened: boolean;
  };
  /** Staff only: which internal incident this public one speaks for. */
  'status.incident_linked': { incidentId: string; incidentKey: string };
  'status.incident_unlinked': { incidentId: string };
}

export type StatusEventType = keyof StatusEventData;

export type StatusEvent = {
  [K in StatusEventType]: { type: K; data: StatusEventData[K]; visibility: Visibility };
}[StatusEventType];

export type RecordedStatusEvent = Recorded<StatusEvent>;

/** Customers see what the page shows; the link to an internal incident stays internal. */
export function statusEvent<K extends StatusEventType>(
  type: K,
  data: StatusEventData[K],
): StatusEvent {
  const visibility: Visibility =
    type === 'status.incident_linked' || type === 'status.incident_unlinked'
      ? 'internal'
      : 'public';
  return { type, data, visibility } as StatusEvent;
}

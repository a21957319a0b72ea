// The status page's state, as the rules read it, and how each recorded event changes it in
// memory: the same change the projection (status-projection.ts) makes to the rows, so a use case
// answers the state its events produced without reading it again. The property test
// (test/status/status-reducer.test.ts) checks that reducing equals projecting then loading.
import type {
  ComponentStatus,
  IncidentImpact,
  PublicIncidentStatus,
} from '../../../shared/domain/status.ts';
import type { AffectedComponent, RecordedStatusEvent } from './status-events.ts';

export interface StatusComponent {
  id: string;
  name: string;
  description: string | null;
  groupId: string | null;
  isGroup: boolean;
  position: number;
  onlyShowIfDegraded: boolean;
  /** Set on the component itself; unresolved incidents may make what the page shows worse. */
  status: ComponentStatus;
  createdAt: number;
  updatedAt: number;
}

/** Every component not removed, by position then name, and the catalogue stream's version. */
export interface ComponentCatalogue {
  version: number;
  components: StatusComponent[];
}

export interface StatusUpdate {
  id: string;
  status: PublicIncidentStatus;
  body: string;
  /** The time shown: when it was published, unless backdated. */
  displayAt: number;
  createdAt: number;
  createdBy: string | null;
  affectedComponents: AffectedComponent[];
}

export interface PublicIncidentState {
  id: string;
  version: number;
  name: string;
  impact: IncidentImpact;
  status: PublicIncidentStatus;
  /** Staff only. */
  internalIncidentId: string | null;
  startedAt: number;
  monitoringAt: number | null;
  resolvedAt: number | null;
  createdAt: number;
  updatedAt: number;
  /** The status this incident sets on each component it affects, by component id. */
  components: { componentId: string; status: ComponentStatus }[];
  /** Oldest first. */
  updates: StatusUpdate[];
}

const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
export const componentOrder = (a: StatusComponent, b: StatusComponent) =>
  a.position - b.position || text(a.name, b.name) || text(a.id, b.id);

export function applyComponentEvent(
  catalogue: ComponentCatalogue,
  event: RecordedStatusEvent,
): ComponentCatalogue {
  const { at } = event;
  const edit = (id: string, change: (c: StatusComponent) => StatusComponent) =>
    catalogue.components.map((c) => (c.id === id ? change(c) : c));
  let components = catalogue.components;
  switch (event.type) {
    case 'status.component_added': {
      const { componentId, ...d } = event.data;
      components = [
        ...components,
        { id: componentId, ...d, status: 'operational', createdAt: at, updatedAt: at },
      ];
      break;
    }
    case 'status.component_changed':
      components = edit(event.data.componentId, (c) => ({
        ...c,
        ...event.data.changes,
        updatedAt: at,
      }));
      break;
    case 'status.component_status_set':
      components = edit(event.data.componentId, (c) => ({
        ...c,
        status: event.data.status,
        updatedAt: at,
      }));
      break;
    case 'status.component_removed':
      components = components.filter((c) => c.id !== event.data.componentId);
      break;
    default:
      throw new Error(`${event.type} is not an event of the component catalogue`);
  }
  return { version: event.seq, components: [...components].sort(componentOrder) };
}

/** The state a public incident is in after one more event (null before it was opened). */
export function applyPublicIncidentEvent(
  state: PublicIncidentState | null,
  event: RecordedStatusEvent,
  incidentId: string,
): PublicIncidentState {
  const { at, seq } = event;
  if (event.type === 'status.incident_opened') {
    return {
      id: incidentId,
      version: seq,
      name: event.data.name,
      impact: event.data.impact,
      status: 'investigating',
      internalIncidentId: null,
      startedAt: event.data.startedAt,
      monitoringAt: null,
      resolvedAt: null,
      createdAt: at,
      updatedAt: at,
      components: [],
      updates: [],
    };
  }
  if (!state) throw new Error(`${event.type} before status.incident_opened`);
  const next = { ...state, version: seq, updatedAt: at };
  switch (event.type) {
    case 'status.incident_changed':
      return { ...next, ...event.data.changes };
    case 'status.incident_linked':
      return { ...next, internalIncidentId: event.data.incidentId };
    case 'status.incident_unlinked':
      return { ...next, internalIncidentId: null };
    case 'status.update_published': {
      const d = event.data;
      const set = new Map(state.components.map((c) => [c.componentId, c.status]));
      for (const c of d.components) set.set(c.componentId, c.incidentStatus);
      return {
        ...next,
        status: d.status,
        monitoringAt: d.reopened
          ? d.status === 'monitoring'
            ? at
            : null
          : d.status === 'monitoring'
            ? (state.monitoringAt ?? at)
            : state.monitoringAt,
        resolvedAt:
          d.status === 'resolved' ? at : d.status === 'postmortem' ? state.resolvedAt : null,
        components: [...set]
          .map(([componentId, status]) => ({ componentId, status }))
          .sort((a, b) => text(a.componentId, b.componentId)),
        updates: [
          ...state.updates,
          {
            id: d.updateId,
            status: d.status,
            body: d.body,
            displayAt: d.displayAt ?? at,
            createdAt: at,
            createdBy: event.actorId,
            affectedComponents: d.components.map(({ incidentStatus: _, ...c }) => c),
          },
        ],
      };
    }
    default:
      throw new Error(`${event.type} is not an event of a public incident`);
  }
}

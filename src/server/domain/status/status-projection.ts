// Records the status page's events: appends them to their stream and writes the status tables, in
// the caller's transaction, and answers the state they produce (reduced in memory, not read back).
// The one writer of status_components, status_incidents and their parts.
import { appendAndProject, type Projector } from '../../db/event-store.ts';
import type { Executor } from '../../db/schema.ts';
import { COMPONENTS_STREAM, type RecordedStatusEvent, type StatusEvent } from './status-events.ts';
import {
  applyComponentEvent,
  applyPublicIncidentEvent,
  type ComponentCatalogue,
  type PublicIncidentState,
} from './status-state.ts';

const flag = (value: boolean) => (value ? 1 : 0);

const catalogueProjector: Projector<StatusEvent, ComponentCatalogue> = {
  streamType: 'status_components',
  // The catalogue exists before its first event (an empty one at version 0).
  apply: (catalogue, event) => applyComponentEvent(catalogue!, event),
  project: (tx, event) => projectComponentEvent(tx, event),
};

const publicIncidentProjector: Projector<StatusEvent, PublicIncidentState> = {
  streamType: 'status_incident',
  apply: applyPublicIncidentEvent,
  project: (tx, event, after, incidentId) => projectIncidentEvent(tx, incidentId, event, after),
  finish: async (tx, _before, _after, recorded, incidentId) => {
    const last = recorded[recorded.length - 1]!;
    await tx
      .updateTable('status_incidents')
      .set({ version: last.seq, updated_at: last.at })
      .where('id', '=', incidentId)
      .execute();
  },
};

/** Appends to the component catalogue at its version and answers the catalogue after. */
export function appendToCatalogue(
  tx: Executor,
  catalogue: ComponentCatalogue,
  events: readonly StatusEvent[],
  actorId: string | null,
  at: number,
): Promise<ComponentCatalogue> {
  return appendAndProject(
    tx,
    catalogueProjector,
    COMPONENTS_STREAM,
    catalogue,
    events,
    actorId,
    at,
  );
}

/** Appends to a public incident's stream (state null: a new one) and answers its state after. */
export function appendToPublicIncident(
  tx: Executor,
  incidentId: string,
  state: PublicIncidentState | null,
  events: readonly StatusEvent[],
  actorId: string | null,
  at: number,
): Promise<PublicIncidentState> {
  return appendAndProject(tx, publicIncidentProjector, incidentId, state, events, actorId, at);
}

async function projectComponentEvent(tx: Executor, event: RecordedStatusEvent) {
  const { at } = event;
  switch (event.type) {
    case 'status.component_added': {
      const d = event.data;
      await tx
        .insertInto('status_components')
        .values({
          id: d.componentId,
          name: d.name,
          description: d.description,
          group_id: d.groupId,
          is_group: flag(d.isGroup),
          position: d.position,
          only_show_if_degraded: flag(d.onlyShowIfDegraded),
          status: 'operational',
          created_at: at,
          updated_at: at,
          removed_at: null,
        })
        .execute();
      return;
    }
    case 'status.component_changed': {
      const c = event.data.changes;
      await tx
        .updateTable('status_components')
        .set({
          ...(c.name !== undefined ? { name: c.name } : {}),
          ...(c.description !== undefined ? { description: c.description } : {}),
          ...(c.groupId !== undefined ? { group_id: c.groupId } : {}),
          ...(c.position !== undefined ? { position: c.position } : {}),
          ...(c.onlyShowIfDegraded !== undefined
            ? { only_show_if_degraded: flag(c.onlyShowIfDegraded) }
            : {}),
          updated_at: at,
        })
        .where('id', '=', event.data.componentId)
        .execute();
      return;
    }
    case 'status.component_status_set':
      await tx
        .updateTable('status_components')
        .set({ status: event.data.status, updated_at: at })
        .where('id', '=', event.data.componentId)
        .execute();
      return;
    case 'status.component_removed':
      await tx
        .updateTable('status_components')
        .set({ removed_at: at, updated_at: at })
        .where('id', '=', event.data.componentId)
        .execute();
      return;
    default:
      throw new Error(`${event.type} is not an event of the component catalogue`);
  }
}

/** `after`: the incident's state after this event (from the reducer), for the derived times. */
async function projectIncidentEvent(
  tx: Executor,
  id: string,
  event: RecordedStatusEvent,
  after: PublicIncidentState,
) {
  const { at } = event;
  const incident = () => tx.updateTable('status_incidents').where('id', '=', id);
  switch (event.type) {
    case 'status.incident_opened':
      await tx
        .insertInto('status_incidents')
        .values({
          id,
          name: event.data.name,
          impact: event.data.impact,
          status: 'investigating',
          internal_incident_id: null,
          started_at: event.data.startedAt,
          monitoring_at: null,
          resolved_at: null,
          created_at: at,
          updated_at: at,
          version: event.seq,
        })
        .execute();
      return;
    case 'status.incident_changed':
      await incident().set(event.data.changes).execute();
      return;
    case 'status.incident_linked':
      await incident().set({ internal_incident_id: event.data.incidentId }).execute();
      return;
    case 'status.incident_unlinked':
      await incident().set({ internal_incident_id: null }).execute();
      return;
    case 'status.update_published': {
      const d = event.data;
      await incident()
        .set({
          status: after.status,
          monitoring_at: after.monitoringAt,
          resolved_at: after.resolvedAt,
        })
        .execute();
      for (const c of d.components) {
        await tx
          .insertInto('status_incident_components')
          .values({ incident_id: id, component_id: c.componentId, status: c.incidentStatus })
          .onConflict((oc) =>
            oc.columns(['incident_id', 'component_id']).doUpdateSet({ status: c.incidentStatus }),
          )
          .execute();
      }
      await tx
        .insertInto('status_incident_updates')
        .values({
          id: d.updateId,
          incident_id: id,
          seq: event.seq,
          status: d.status,
          body: d.body,
          display_at: d.displayAt ?? at,
          affected_components_json: JSON.stringify(
            d.components.map(({ incidentStatus: _, ...c }) => c),
          ),
          created_by: event.actorId,
          created_at: at,
        })
        .execute();
      return;
    }
    default:
      throw new Error(`${event.type} is not an event of a public incident`);
  }
}

// Reads of the status tables: plain camelCase records out. The one writer is status-projection.ts.
import { streamVersion } from '../../db/event-store.ts';
import type { Executor } from '../../db/schema.ts';
import {
  ACTIVE_STATUSES,
  type ComponentStatus,
  type IncidentImpact,
  type PublicIncidentStatus,
} from '../../../shared/domain/status.ts';
import { listActiveMaintenanceComponents } from './maintenance-repository.ts';
import { COMPONENTS_STREAM, type AffectedComponent } from './status-events.ts';
import type { IncidentComponentStatus } from './status-rules.ts';
import {
  componentOrder,
  type ComponentCatalogue,
  type PublicIncidentState,
  type StatusComponent,
  type StatusUpdate,
} from './status-state.ts';

const time = (value: number | null) => (value === null ? null : Number(value));

export async function loadCatalogue(ex: Executor): Promise<ComponentCatalogue> {
  const [rows, version] = await Promise.all([
    ex.selectFrom('status_components').selectAll().where('removed_at', 'is', null).execute(),
    streamVersion(ex, COMPONENTS_STREAM),
  ]);
  const components: StatusComponent[] = rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    groupId: r.group_id,
    isGroup: Boolean(r.is_group),
    position: Number(r.position),
    onlyShowIfDegraded: Boolean(r.only_show_if_degraded),
    status: r.status as ComponentStatus,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  }));
  return { version, components: components.sort(componentOrder) };
}

/**
 * The latest change to anything the page shows or showed: a component (removed ones too), a
 * public incident (resolved ones too) or a scheduled maintenance; null while nothing was ever
 * recorded.
 */
export async function lastPageChange(ex: Executor): Promise<number | null> {
  const row = await ex
    .selectNoFrom((eb) => [
      eb
        .selectFrom('status_components')
        .select((c) => c.fn.max('updated_at').as('at'))
        .as('components'),
      eb
        .selectFrom('status_incidents')
        .select((i) => i.fn.max('updated_at').as('at'))
        .as('incidents'),
      eb
        .selectFrom('status_maintenances')
        .select((m) => m.fn.max('updated_at').as('at'))
        .as('maintenances'),
    ])
    .executeTakeFirstOrThrow();
  const times = [row.components, row.incidents, row.maintenances]
    .filter((t) => t !== null)
    .map(Number);
  return times.length > 0 ? Math.max(...times) : null;
}

/**
 * The statuses unresolved incidents set on components (but `exceptIncidentId`'s), and
 * `under_maintenance` on the components of each maintenance going on now.
 */
export async function listUnresolvedComponentStatuses(
  ex: Executor,
  exceptIncidentId: string | null = null,
): Promise<IncidentComponentStatus[]> {
  const maintenance = (await listActiveMaintenanceComponents(ex)).map(
    (m): IncidentComponentStatus => ({
      incidentId: m.maintenanceId,
      componentId: m.componentId,
      status: 'under_maintenance',
    }),
  );
  let query = ex
    .selectFrom('status_incident_components as c')
    .innerJoin('status_incidents as i', 'i.id', 'c.incident_id')
    .select(['c.incident_id', 'c.component_id', 'c.status'])
    .where('i.status', 'in', [...ACTIVE_STATUSES]);
  if (exceptIncidentId !== null) query = query.where('i.id', '!=', exceptIncidentId);
  const rows = await query.execute();
  return [
    ...rows.map((r) => ({
      incidentId: r.incident_id,
      componentId: r.component_id,
      status: r.status as ComponentStatus,
    })),
    ...maintenance,
  ];
}

export interface PublicIncidentFilter {
  unresolvedOnly?: boolean;
  /** Began at or after this time. */
  startedFrom?: number;
  /** Began before this time. */
  startedBefore?: number;
  /** Not resolved before this time (still open, or resolved at or after it). */
  openFrom?: number;
  limit: number;
}

async function loadIncidents(ex: Executor, ids: string[]): Promise<PublicIncidentState[]> {
  if (ids.length === 0) return [];
  const [rows, components, updates] = await Promise.all([
    ex.selectFrom('status_incidents').selectAll().where('id', 'in', ids).execute(),
    ex
      .selectFrom('status_incident_components')
      .selectAll()
      .where('incident_id', 'in', ids)
      .orderBy('component_id')
      .execute(),
    ex
      .selectFrom('status_incident_updates')
      .selectAll()
      .where('incident_id', 'in', ids)
      .orderBy('seq')
      .execute(),
  ]);
  const byId = new Map(
    rows.map((r): [string, PublicIncidentState] => [
      r.id,
      {
        id: r.id,
        version: Number(r.version),
        name: r.name,
        impact: r.impact as IncidentImpact,
        status: r.status as PublicIncidentStatus,
        internalIncidentId: r.internal_incident_id,
        startedAt: Number(r.started_at),
        monitoringAt: time(r.monitoring_at),
        resolvedAt: time(r.resolved_at),
        createdAt: Number(r.created_at),
        updatedAt: Number(r.updated_at),
        components: [],
        updates: [],
      },
    ]),
  );
  for (const c of components) {
    byId.get(c.incident_id)!.components.push({
      componentId: c.component_id,
      status: c.status as ComponentStatus,
    });
  }
  // Code-unit order, as the reducer sorts (SQL collations differ).
  for (const state of byId.values()) {
    state.components.sort((a, b) =>
      a.componentId < b.componentId ? -1 : a.componentId > b.componentId ? 1 : 0,
    );
  }
  for (const u of updates) {
    const update: StatusUpdate = {
      id: u.id,
      status: u.status as PublicIncidentStatus,
      body: u.body,
      displayAt: Number(u.display_at),
      createdAt: Number(u.created_at),
      createdBy: u.created_by,
      affectedComponents: JSON.parse(u.affected_components_json) as AffectedComponent[],
    };
    byId.get(u.incident_id)!.updates.push(update);
  }
  return ids.map((id) => byId.get(id)).filter((s): s is PublicIncidentState => !!s);
}

export async function findPublicIncident(
  ex: Executor,
  id: string,
): Promise<PublicIncidentState | null> {
  const [state] = await loadIncidents(ex, [id]);
  return state ?? null;
}

/** Newest first (by when they began, then by id). */
export async function listPublicIncidents(
  ex: Executor,
  filter: PublicIncidentFilter,
): Promise<PublicIncidentState[]> {
  let query = ex.selectFrom('status_incidents').select('id');
  if (filter.unresolvedOnly) query = query.where('status', 'in', [...ACTIVE_STATUSES]);
  if (filter.startedFrom !== undefined) query = query.where('started_at', '>=', filter.startedFrom);
  if (filter.startedBefore !== undefined)
    query = query.where('started_at', '<', filter.startedBefore);
  const openFrom = filter.openFrom;
  if (openFrom !== undefined)
    query = query.where((eb) =>
      eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>=', openFrom)]),
    );
  const rows = await query
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit)
    .execute();
  return loadIncidents(
    ex,
    rows.map((r) => r.id),
  );
}

/** The public incidents that speak for an internal incident, newest first. */
export async function listPublicIncidentsFor(
  ex: Executor,
  internalIncidentId: string,
): Promise<PublicIncidentState[]> {
  const rows = await ex
    .selectFrom('status_incidents')
    .select('id')
    .where('internal_incident_id', '=', internalIncidentId)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return loadIncidents(
    ex,
    rows.map((r) => r.id),
  );
}

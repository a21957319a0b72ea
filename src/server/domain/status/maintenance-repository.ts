// Reads of scheduled maintenance (status_maintenances and their updates): plain camelCase records
// out. The one writer is maintenance-projection.ts.
import type { Executor } from '../../db/schema.ts';
import {
  ACTIVE_MAINTENANCE_STATUSES,
  type MaintenanceStatus,
} from '../../../shared/domain/status.ts';
import type { MaintenanceState, MaintenanceUpdate } from './maintenance-state.ts';

const time = (value: number | null) => (value === null ? null : Number(value));

/** Which maintenances: every one, those not begun (upcoming), those going on, or not completed. */
export type MaintenanceFilter = 'all' | 'upcoming' | 'active' | 'unfinished';

const STATUSES_OF: Record<Exclude<MaintenanceFilter, 'all'>, readonly MaintenanceStatus[]> = {
  upcoming: ['scheduled'],
  active: ACTIVE_MAINTENANCE_STATUSES,
  unfinished: ['scheduled', ...ACTIVE_MAINTENANCE_STATUSES],
};

async function loadMaintenances(ex: Executor, ids: string[]): Promise<MaintenanceState[]> {
  if (ids.length === 0) return [];
  const [rows, updates] = await Promise.all([
    ex.selectFrom('status_maintenances').selectAll().where('id', 'in', ids).execute(),
    ex
      .selectFrom('status_maintenance_updates')
      .selectAll()
      .where('maintenance_id', 'in', ids)
      .orderBy('seq')
      .execute(),
  ]);
  const byId = new Map(
    rows.map((r): [string, MaintenanceState] => [
      r.id,
      {
        id: r.id,
        version: Number(r.version),
        name: r.name,
        status: r.status as MaintenanceStatus,
        scheduledFor: Number(r.scheduled_for),
        scheduledUntil: Number(r.scheduled_until),
        componentIds: JSON.parse(r.component_ids_json) as string[],
        noticeBeforeMs: time(r.notice_before_ms),
        remindedAt: time(r.reminded_at),
        startedAt: time(r.started_at),
        completedAt: time(r.completed_at),
        cancelledAt: time(r.cancelled_at),
        createdAt: Number(r.created_at),
        updatedAt: Number(r.updated_at),
        updates: [],
      },
    ]),
  );
  for (const u of updates) {
    const update: MaintenanceUpdate = {
      id: u.id,
      status: u.status as MaintenanceStatus,
      body: u.body,
      displayAt: Number(u.display_at),
      createdAt: Number(u.created_at),
      createdBy: u.created_by,
      automatic: Boolean(u.automatic),
    };
    byId.get(u.maintenance_id)!.updates.push(update);
  }
  return ids.map((id) => byId.get(id)).filter((s): s is MaintenanceState => !!s);
}

export async function findMaintenance(ex: Executor, id: string): Promise<MaintenanceState | null> {
  const [state] = await loadMaintenances(ex, [id]);
  return state ?? null;
}

/**
 * Soonest window first for upcoming, active and unfinished ones; newest window first for all.
 * `withoutCancelled` leaves out the maintenances called off before they began.
 */
export async function listMaintenances(
  ex: Executor,
  filter: MaintenanceFilter,
  limit: number,
  options: { withoutCancelled?: boolean } = {},
): Promise<MaintenanceState[]> {
  let query = ex.selectFrom('status_maintenances').select('id');
  if (filter !== 'all') query = query.where('status', 'in', [...STATUSES_OF[filter]]);
  if (options.withoutCancelled) query = query.where('cancelled_at', 'is', null);
  const order = filter === 'all' ? 'desc' : 'asc';
  const rows = await query
    .orderBy('scheduled_for', order)
    .orderBy('id', order)
    .limit(limit)
    .execute();
  return loadMaintenances(
    ex,
    rows.map((r) => r.id),
  );
}

/** The components maintenances going on now take down, by maintenance. */
export async function listActiveMaintenanceComponents(
  ex: Executor,
): Promise<{ maintenanceId: string; componentId: string }[]> {
  const rows = await ex
    .selectFrom('status_maintenances')
    .select(['id', 'component_ids_json'])
    .where('status', 'in', [...ACTIVE_MAINTENANCE_STATUSES])
    .execute();
  return rows.flatMap((r) =>
    (JSON.parse(r.component_ids_json) as string[]).map((componentId) => ({
      maintenanceId: r.id,
      componentId,
    })),
  );
}

/** The latest change to any maintenance; null when there is none. */
export async function lastMaintenanceChange(ex: Executor): Promise<number | null> {
  const row = await ex
    .selectFrom('status_maintenances')
    .select((m) => m.fn.max('updated_at').as('at'))
    .executeTakeFirst();
  return row?.at == null ? null : Number(row.at);
}

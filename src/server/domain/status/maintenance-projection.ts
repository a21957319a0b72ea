// Records scheduled maintenance's events: appends them to the maintenance's stream and writes its
// rows, in the caller's transaction, and answers the state they produce (reduced in memory). The
// one writer of status_maintenances and status_maintenance_updates.
import { appendAndProject, type Projector } from '../../db/event-store.ts';
import type { Executor } from '../../db/schema.ts';
import type { MaintenanceEvent, RecordedMaintenanceEvent } from './maintenance-events.ts';
import { applyMaintenanceEvent, type MaintenanceState } from './maintenance-state.ts';

const maintenanceProjector: Projector<MaintenanceEvent, MaintenanceState> = {
  streamType: 'status_maintenance',
  apply: applyMaintenanceEvent,
  project: (tx, event, after, id) => projectMaintenanceEvent(tx, id, event, after),
  finish: async (tx, _before, after, _recorded, id) => {
    await tx
      .updateTable('status_maintenances')
      .set({ version: after.version, updated_at: after.updatedAt })
      .where('id', '=', id)
      .execute();
  },
};

/** Appends to a maintenance's stream (state null: a new one) and answers its state after. */
export function appendToMaintenance(
  tx: Executor,
  id: string,
  state: MaintenanceState | null,
  events: readonly MaintenanceEvent[],
  actorId: string | null,
  at: number,
): Promise<MaintenanceState> {
  return appendAndProject(tx, maintenanceProjector, id, state, events, actorId, at);
}

async function insertUpdate(tx: Executor, id: string, after: MaintenanceState, seq: number) {
  const u = after.updates[after.updates.length - 1]!;
  await tx
    .insertInto('status_maintenance_updates')
    .values({
      id: u.id,
      maintenance_id: id,
      seq,
      status: u.status,
      body: u.body,
      display_at: u.displayAt,
      automatic: u.automatic ? 1 : 0,
      created_by: u.createdBy,
      created_at: u.createdAt,
    })
    .execute();
}

/** The columns that follow the state: every event after the first writes them all from `after`. */
function stateColumns(after: MaintenanceState) {
  return {
    status: after.status,
    scheduled_for: after.scheduledFor,
    scheduled_until: after.scheduledUntil,
    notice_before_ms: after.noticeBeforeMs,
    reminded_at: after.remindedAt,
    started_at: after.startedAt,
    completed_at: after.completedAt,
    cancelled_at: after.cancelledAt,
  };
}

async function projectMaintenanceEvent(
  tx: Executor,
  id: string,
  event: RecordedMaintenanceEvent,
  after: MaintenanceState,
) {
  if (event.type === 'status.maintenance_scheduled') {
    await tx
      .insertInto('status_maintenances')
      .values({
        id,
        name: after.name,
        ...stateColumns(after),
        component_ids_json: JSON.stringify(after.componentIds),
        created_at: after.createdAt,
        updated_at: after.updatedAt,
        version: event.seq,
      })
      .execute();
  } else {
    await tx
      .updateTable('status_maintenances')
      .set(stateColumns(after))
      .where('id', '=', id)
      .execute();
  }
  // A reminder tells subscribers but adds no update to the maintenance's page.
  if (event.type !== 'status.maintenance_reminded') await insertUpdate(tx, id, after, event.seq);
}

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

async function projectMaintenanceEvent(
  tx: Executor,
  id: string,
  event: RecordedMaintenanceEvent,
  after: MaintenanceState,
) {
  switch (event.type) {
    case 'status.maintenance_scheduled':
      await tx
        .insertInto('status_maintenances')
        .values({
          id,
          name: after.name,
          status: after.status,
          scheduled_for: after.scheduledFor,
          scheduled_until: after.scheduledUntil,
          component_ids_json: JSON.stringify(after.componentIds),
          notice_before_ms: after.noticeBeforeMs,
          reminded_at: null,
          started_at: null,
          completed_at: null,
          cancelled_at: null,
          created_at: after.createdAt,
          updated_at: after.updatedAt,
          version: event.seq,
        })
        .execute();
      await insertUpdate(tx, id, after, event.seq);
      return;
    case 'status.maintenance_reminded':
      await tx
        .updateTable('status_maintenances')
        .set({ reminded_at: after.remindedAt })
        .where('id', '=', id)
        .execute();
      return;
    case 'status.maintenance_rescheduled':
      await tx
        .updateTable('status_maintenances')
        .set({
          scheduled_for: after.scheduledFor,
          scheduled_until: after.scheduledUntil,
          notice_before_ms: after.noticeBeforeMs,
          reminded_at: after.remindedAt,
        })
        .where('id', '=', id)
        .execute();
      await insertUpdate(tx, id, after, event.seq);
      return;
    case 'status.maintenance_cancelled':
      await tx
        .updateTable('status_maintenances')
        .set({
          status: after.status,
          completed_at: after.completedAt,
          cancelled_at: after.cancelledAt,
        })
        .where('id', '=', id)
        .execute();
      await insertUpdate(tx, id, after, event.seq);
      return;
    case 'status.maintenance_updated':
      await tx
        .updateTable('status_maintenances')
        .set({
          status: after.status,
          started_at: after.startedAt,
          completed_at: after.completedAt,
        })
        .where('id', '=', id)
        .execute();
      await insertUpdate(tx, id, after, event.seq);
      return;
  }
}

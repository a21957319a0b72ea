// A scheduled maintenance's state, as the rules read it, and how each recorded event changes it in
// memory: the same change the projection (maintenance-projection.ts) makes to the rows, so a use
// case answers the state its events produced without reading it again.
import type { MaintenanceStatus } from '../../../shared/domain/status.ts';
import type { RecordedMaintenanceEvent } from './maintenance-events.ts';

export interface MaintenanceUpdate {
  id: string;
  status: MaintenanceStatus;
  body: string;
  displayAt: number;
  createdAt: number;
  /** Staff only; null for the scheduler's moves. */
  createdBy: string | null;
  automatic: boolean;
}

export interface MaintenanceState {
  id: string;
  version: number;
  name: string;
  status: MaintenanceStatus;
  scheduledFor: number;
  scheduledUntil: number;
  componentIds: string[];
  /** Its own notice time before the window; null: the policy's. */
  noticeBeforeMs: number | null;
  remindedAt: number | null;
  startedAt: number | null;
  completedAt: number | null;
  /** When it was called off before its window opened (its status is then completed). */
  cancelledAt: number | null;
  createdAt: number;
  updatedAt: number;
  /** Oldest first. */
  updates: MaintenanceUpdate[];
}

/** A maintenance as anyone may read it: not who wrote each update. */
export type PublicMaintenance = Omit<MaintenanceState, 'updates'> & {
  updates: Omit<MaintenanceState['updates'][number], 'createdBy'>[];
};

export function toPublicMaintenance(state: MaintenanceState): PublicMaintenance {
  const { updates, ...rest } = state;
  return { ...rest, updates: updates.map(({ createdBy: _, ...u }) => u) };
}

export function applyMaintenanceEvent(
  state: MaintenanceState | null,
  event: RecordedMaintenanceEvent,
  id: string,
): MaintenanceState {
  const { at, seq } = event;
  if (event.type === 'status.maintenance_scheduled') {
    const d = event.data;
    return {
      id,
      version: seq,
      name: d.name,
      status: 'scheduled',
      scheduledFor: d.scheduledFor,
      scheduledUntil: d.scheduledUntil,
      componentIds: [...d.componentIds],
      noticeBeforeMs: d.noticeBeforeMs,
      remindedAt: null,
      startedAt: null,
      completedAt: null,
      cancelledAt: null,
      createdAt: at,
      updatedAt: at,
      updates: [
        {
          id: d.updateId,
          status: 'scheduled',
          body: d.body,
          displayAt: at,
          createdAt: at,
          createdBy: event.actorId,
          automatic: false,
        },
      ],
    };
  }
  if (!state) throw new Error(`${event.type} before status.maintenance_scheduled`);
  const next = { ...state, version: seq, updatedAt: at };
  const update = (d: { updateId: string; body: string }, status: MaintenanceStatus) => ({
    id: d.updateId,
    status,
    body: d.body,
    displayAt: at,
    createdAt: at,
    createdBy: event.actorId,
    automatic: false,
  });
  switch (event.type) {
    case 'status.maintenance_rescheduled': {
      const d = event.data;
      return {
        ...next,
        scheduledFor: d.scheduledFor,
        scheduledUntil: d.scheduledUntil,
        noticeBeforeMs: d.noticeBeforeMs,
        remindedAt: d.reminded ? at : null,
        updates: [...state.updates, update(d, 'scheduled')],
      };
    }
    case 'status.maintenance_cancelled':
      return {
        ...next,
        status: 'completed',
        completedAt: at,
        cancelledAt: at,
        updates: [...state.updates, update(event.data, 'completed')],
      };
    case 'status.maintenance_reminded':
      return { ...next, remindedAt: at };
    case 'status.maintenance_updated': {
      const d = event.data;
      return {
        ...next,
        status: d.status,
        startedAt:
          state.startedAt ?? (d.status === 'in_progress' || d.status === 'verifying' ? at : null),
        completedAt: d.status === 'completed' ? at : state.completedAt,
        updates: [
          ...state.updates,
          {
            id: d.updateId,
            status: d.status,
            body: d.body,
            displayAt: at,
            createdAt: at,
            createdBy: event.actorId,
            automatic: d.automatic,
          },
        ],
      };
    }
    default:
      throw new Error(`${(event as { type: string }).type} is not an event of a maintenance`);
  }
}

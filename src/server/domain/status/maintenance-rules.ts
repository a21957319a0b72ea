// What scheduled maintenance decides, as pure functions: state in, events (or a refusal) out. A
// maintenance has a window and the components it takes down; it moves scheduled → in progress →
// (verifying →) completed, by hand or by the scheduler at the window's edges, and never back. Its
// subscribers are reminded once, a set time before the window opens.
import { AppError, type FieldError } from '../../errors.ts';
import { MAINTENANCE_STATUSES, type MaintenanceStatus } from '../../../shared/domain/status.ts';
import { maintenanceEvent, type MaintenanceEvent } from './maintenance-events.ts';
import type { MaintenanceState } from './maintenance-state.ts';
import type { StatusComponent } from './status-state.ts';

/** What the scheduler publishes at the window's edges (Statuspage's own words). */
export const AUTOMATIC_TEXT = {
  in_progress:
    'Scheduled maintenance is currently in progress. We will provide updates as necessary.',
  completed: 'The scheduled maintenance has been completed.',
} as const;

export interface NewMaintenance {
  name: string;
  /** Markdown: what will be done and what customers will notice. */
  body: string;
  scheduledFor: number;
  scheduledUntil: number;
  componentIds: string[];
  /** Its own notice time before the window; null: the policy's. */
  noticeBeforeMs: number | null;
}

export interface MaintenanceUpdateInput {
  /** Left out: a text on the maintenance as it stands. */
  status: MaintenanceStatus | null;
  body: string;
}

const invalid = (errors: FieldError[]) =>
  new AppError('VALIDATION', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });

const rank = (s: MaintenanceStatus) => MAINTENANCE_STATUSES.indexOf(s);

export function isActiveMaintenance(status: MaintenanceStatus): boolean {
  return status === 'in_progress' || status === 'verifying';
}

/** A window that ends before it starts, or has already ended, names `scheduledUntil`. */
function windowErrors(
  window: { scheduledFor: number; scheduledUntil: number },
  now: number,
): FieldError[] {
  if (window.scheduledUntil <= window.scheduledFor) {
    return [{ field: 'scheduledUntil', message: 'must be after scheduledFor' }];
  }
  if (window.scheduledUntil <= now) {
    return [{ field: 'scheduledUntil', message: 'must be in the future' }];
  }
  return [];
}

export function scheduleMaintenance(
  components: readonly StatusComponent[],
  input: NewMaintenance,
  updateId: string,
  now: number,
): MaintenanceEvent[] {
  const errors = windowErrors(input, now);
  const seen = new Set<string>();
  input.componentIds.forEach((id, i) => {
    const field = `componentIds.${i}`;
    const component = components.find((c) => c.id === id);
    if (!component) errors.push({ field, message: 'There is no component with this id' });
    else if (component.isGroup) {
      errors.push({ field, message: `${component.name} is a group: name its components` });
    } else if (seen.has(id)) errors.push({ field, message: 'This component is named twice' });
    seen.add(id);
  });
  if (errors.length > 0) throw invalid(errors);
  return [
    maintenanceEvent('status.maintenance_scheduled', {
      name: input.name,
      scheduledFor: input.scheduledFor,
      scheduledUntil: input.scheduledUntil,
      componentIds: [...seen],
      noticeBeforeMs: input.noticeBeforeMs,
      updateId,
      body: input.body,
    }),
  ];
}

/** An update by hand: a text, and optionally a move forward (never back, nothing once completed). */
export function publishMaintenanceUpdate(
  state: MaintenanceState,
  input: MaintenanceUpdateInput,
  updateId: string,
): MaintenanceEvent[] {
  if (state.status === 'completed') {
    const what = state.cancelledAt === null ? 'completed' : 'cancelled';
    throw new AppError('RULE_REFUSED', `This maintenance is ${what}: it takes no more updates`, {
      maintenanceStatus: state.status,
    });
  }
  const status = input.status ?? state.status;
  if (rank(status) < rank(state.status)) {
    throw new AppError(
      'RULE_REFUSED',
      `This maintenance is ${state.status}: it cannot move back to ${status}`,
      { maintenanceStatus: state.status },
    );
  }
  return [
    maintenanceEvent('status.maintenance_updated', {
      updateId,
      status,
      body: input.body,
      automatic: false,
    }),
  ];
}

export interface MaintenanceReschedule {
  scheduledFor: number;
  scheduledUntil: number;
  /** Its own notice time before the new window; undefined: as it was; null: the policy's. */
  noticeBeforeMs?: number | null;
  /** Markdown: the text telling subscribers the window moved. */
  body: string;
}

/** Only a maintenance whose window has not opened may be moved or called off. */
function refuseUnlessScheduled(state: MaintenanceState, doing: string) {
  if (state.status !== 'scheduled') {
    throw new AppError(
      'RULE_REFUSED',
      `This maintenance is ${state.cancelledAt === null ? state.status : 'cancelled'}: only one whose window has not opened can be ${doing}`,
      { maintenanceStatus: state.status },
    );
  }
}

/**
 * Moves the window of a maintenance that has not begun; the reminder comes again before the new
 * window (once), as the policy or the maintenance's own notice time says.
 */
export function rescheduleMaintenance(
  state: MaintenanceState,
  input: MaintenanceReschedule,
  updateId: string,
  now: number,
  policyNoticeBeforeMs: number,
): MaintenanceEvent[] {
  const errors = windowErrors(input, now);
  if (errors.length > 0) throw invalid(errors);
  refuseUnlessScheduled(state, 'rescheduled');
  if (input.scheduledFor === state.scheduledFor && input.scheduledUntil === state.scheduledUntil) {
    throw invalid([{ field: 'scheduledFor', message: 'This is the window it already has' }]);
  }
  const noticeBeforeMs =
    input.noticeBeforeMs === undefined ? state.noticeBeforeMs : input.noticeBeforeMs;
  const notice = noticeBeforeMs ?? policyNoticeBeforeMs;
  return [
    maintenanceEvent('status.maintenance_rescheduled', {
      scheduledFor: input.scheduledFor,
      scheduledUntil: input.scheduledUntil,
      previousFor: state.scheduledFor,
      previousUntil: state.scheduledUntil,
      noticeBeforeMs,
      // Already within the notice time of the new window: this notice is the reminder.
      reminded: notice > 0 && now >= input.scheduledFor - notice,
      updateId,
      body: input.body,
    }),
  ];
}

/** Calls off a maintenance before its window opens. */
export function cancelMaintenance(
  state: MaintenanceState,
  body: string,
  updateId: string,
): MaintenanceEvent[] {
  refuseUnlessScheduled(state, 'cancelled');
  return [maintenanceEvent('status.maintenance_cancelled', { updateId, body })];
}

/**
 * What the scheduler does to a maintenance at `now`: the reminder once the notice time before the
 * window is reached (not once it has opened), the move to in progress at its start and to
 * completed at its end (both at once when the whole window has passed). Empty when nothing is due.
 */
export function dueMaintenanceSteps(
  state: MaintenanceState,
  now: number,
  policyNoticeBeforeMs: number,
  newUpdateId: () => string,
): MaintenanceEvent[] {
  const events: MaintenanceEvent[] = [];
  const noticeBeforeMs = state.noticeBeforeMs ?? policyNoticeBeforeMs;
  let status = state.status;
  if (
    status === 'scheduled' &&
    state.remindedAt === null &&
    noticeBeforeMs > 0 &&
    now >= state.scheduledFor - noticeBeforeMs &&
    now < state.scheduledFor
  ) {
    events.push(maintenanceEvent('status.maintenance_reminded', { noticeBeforeMs }));
  }
  const move = (to: 'in_progress' | 'completed') => {
    events.push(
      maintenanceEvent('status.maintenance_updated', {
        updateId: newUpdateId(),
        status: to,
        body: AUTOMATIC_TEXT[to],
        automatic: true,
      }),
    );
    status = to;
  };
  if (status === 'scheduled' && now >= state.scheduledFor) move('in_progress');
  if (isActiveMaintenance(status) && now >= state.scheduledUntil) move('completed');
  return events;
}

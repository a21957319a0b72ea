// Records a schedule's events: appends them to its stream and writes oncall_schedules, in the
// caller's transaction, and answers the state they produce (reduced in memory, not read back).
// The one writer of oncall_schedules; a removed schedule's row goes, its stream stays.
import { appendAndProject, type Projector } from '../../db/event-store.ts';
import type { Executor } from '../../db/schema.ts';
import type { ScheduleEvent } from './schedule-events.ts';
import { applyScheduleEvent, type ScheduleState } from './schedule-state.ts';

const scheduleProjector: Projector<ScheduleEvent, ScheduleState> = {
  streamType: 'oncall_schedule',
  apply: applyScheduleEvent,
  finish: (tx, before, after) => writeScheduleRow(tx, before === null, after),
};

/** Appends to a schedule's stream (state null: a new schedule) and answers its state after. */
export function appendToSchedule(
  tx: Executor,
  scheduleId: string,
  state: ScheduleState | null,
  events: readonly ScheduleEvent[],
  actorId: string | null,
  at: number,
): Promise<ScheduleState> {
  return appendAndProject(tx, scheduleProjector, scheduleId, state, events, actorId, at);
}

async function writeScheduleRow(tx: Executor, isNew: boolean, s: ScheduleState) {
  if (s.removed) {
    await tx.deleteFrom('oncall_schedules').where('id', '=', s.id).execute();
    return;
  }
  const row = {
    name: s.name,
    name_key: s.name.trim().toLowerCase(),
    rotation_json: JSON.stringify(s.rotation),
    overrides_json: JSON.stringify(s.overrides),
    version: s.version,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
  if (isNew)
    await tx
      .insertInto('oncall_schedules')
      .values({ id: s.id, ...row })
      .execute();
  else await tx.updateTable('oncall_schedules').set(row).where('id', '=', s.id).execute();
}

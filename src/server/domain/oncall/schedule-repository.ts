// Reads of oncall_schedules: plain camelCase records out. The one writer is schedule-projection.ts.
import type { Selectable } from 'kysely';
import type { Executor, OncallSchedulesTable } from '../../db/schema.ts';
import type { OnCallOverride, Rotation } from './schedule-events.ts';
import type { ScheduleState } from './schedule-state.ts';

type Row = Selectable<OncallSchedulesTable>;

function toState(r: Row): ScheduleState {
  return {
    id: r.id,
    version: Number(r.version),
    name: r.name,
    rotation: JSON.parse(r.rotation_json) as Rotation,
    overrides: JSON.parse(r.overrides_json) as OnCallOverride[],
    removed: false,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export async function findSchedule(ex: Executor, id: string): Promise<ScheduleState | null> {
  const row = await ex
    .selectFrom('oncall_schedules')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toState(row) : null;
}

/** The schedule with this name (case-insensitive), if any. */
export async function findScheduleByName(
  ex: Executor,
  name: string,
): Promise<ScheduleState | null> {
  const row = await ex
    .selectFrom('oncall_schedules')
    .selectAll()
    .where('name_key', '=', name.trim().toLowerCase())
    .executeTakeFirst();
  return row ? toState(row) : null;
}

/** By name. */
export async function listSchedules(ex: Executor): Promise<ScheduleState[]> {
  const rows = await ex
    .selectFrom('oncall_schedules')
    .selectAll()
    .orderBy('name_key')
    .orderBy('id')
    .execute();
  return rows.map(toState);
}

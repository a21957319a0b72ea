// The status page's history by day (issue 13, item 6): for each component, the worst status each
// UTC day of the last N days saw, and the public incidents and maintenance behind it. Built only
// from what the public may read (published updates, maintenance windows); a component's own status
// set by hand is not history and does not show here.
import type { ComponentStatus } from '../../../shared/domain/status.ts';
import { worstStatus } from './status-rules.ts';

const DAY_MS = 86_400_000;

export interface DayEvent {
  kind: 'incident' | 'maintenance';
  id: string;
  name: string;
}

export interface ComponentDay {
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  /** Its first millisecond. */
  at: number;
  status: ComponentStatus;
  events: DayEvent[];
}

/** What the day bars need of a public incident. */
export interface IncidentSpan {
  id: string;
  name: string;
  startedAt: number;
  resolvedAt: number | null;
  components: readonly { componentId: string; status: ComponentStatus }[];
  updates: readonly {
    affectedComponents: readonly { componentId: string; newStatus: ComponentStatus }[];
  }[];
}

/** What the day bars need of a scheduled maintenance. */
export interface MaintenanceSpan {
  id: string;
  name: string;
  status: string;
  scheduledFor: number;
  scheduledUntil: number;
  startedAt: number | null;
  completedAt: number | null;
  /** Called off before it began: it took nothing down. */
  cancelledAt: number | null;
  componentIds: readonly string[];
}

export const dayOf = (ms: number) => Math.floor(ms / DAY_MS);
export const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * The last `days` UTC days up to the day of `now`, oldest first, for the component whose own id
 * and members' ids (a group's components) are `ids`: each day's worst status among the incidents
 * that were open on it (the worst status any of their updates set on one of `ids`) and the
 * maintenance that was under way on it (`under_maintenance`).
 */
export function componentDays(
  ids: ReadonlySet<string>,
  incidents: readonly IncidentSpan[],
  maintenances: readonly MaintenanceSpan[],
  now: number,
  days = 90,
): ComponentDay[] {
  const last = dayOf(now);
  const first = last - days + 1;
  const out: ComponentDay[] = [];
  for (let d = first; d <= last; d++) {
    out.push({ day: isoDay(d), at: d * DAY_MS, status: 'operational', events: [] });
  }
  const mark = (from: number, to: number, status: ComponentStatus, event: DayEvent) => {
    for (let d = Math.max(first, dayOf(from)); d <= Math.min(last, dayOf(to)); d++) {
      const slot = out[d - first]!;
      slot.status = worstStatus([slot.status, status]);
      slot.events.push(event);
    }
  };
  for (const i of incidents) {
    const set = [
      ...i.components.filter((c) => ids.has(c.componentId)).map((c) => c.status),
      ...i.updates.flatMap((u) =>
        u.affectedComponents.filter((a) => ids.has(a.componentId)).map((a) => a.newStatus),
      ),
    ];
    if (set.length === 0) continue;
    mark(i.startedAt, i.resolvedAt ?? now, worstStatus(set), {
      kind: 'incident',
      id: i.id,
      name: i.name,
    });
  }
  for (const m of maintenances) {
    if (m.scheduledFor > now || m.status === 'scheduled' || m.cancelledAt !== null) continue;
    if (!m.componentIds.some((id) => ids.has(id))) continue;
    const from = m.startedAt ?? m.scheduledFor;
    const end = Math.min(m.completedAt ?? m.scheduledUntil, now);
    mark(from, Math.max(end, from), 'under_maintenance', {
      kind: 'maintenance',
      id: m.id,
      name: m.name,
    });
  }
  return out;
}

/** The UTC month `YYYY-MM` as [first millisecond, first millisecond of the next); null if not one. */
export function monthRange(month: string): [number, number] | null {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) return null;
  const year = Number(m[1]);
  const index = Number(m[2]) - 1;
  return [Date.UTC(year, index, 1), Date.UTC(year, index + 1, 1)];
}

/** The UTC month of `ms`, as `YYYY-MM`. */
export const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);

/** The month before or after `month` (`YYYY-MM`). */
export function shiftMonth(month: string, by: number): string {
  const [from] = monthRange(month)!;
  const d = new Date(from);
  return monthOf(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + by, 1));
}

// Reading alerts: the queue staff triage from, one alert with its record, and a payload's bytes
// as they arrived. An alert stays visible to whoever reads alerts, but the incident it opened or
// joined is named only to those who may see that incident: a restricted one is left out of the
// alert, its record and the filter by incident, as on every other path.
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import type { AlertQueueStatus } from '../../../shared/domain/alerts.ts';
import type { Actor } from '../actor.ts';
import { listStreamEvents, type StoredEvent } from '../../db/event-store.ts';
import { AppError } from '../../errors.ts';
import * as alerts from './alert-repository.ts';
import type { AlertFilter, SimilarGroup } from './alert-repository.ts';
import type { AlertState } from './alert-state.ts';
import { findPayload, type PayloadRecord } from './payload-store.ts';
import { listSourceNames } from './source-repository.ts';
import { queueStatusOf, similarKeyOf } from './triage-rules.ts';

/** An alert as staff read it: its source's name, where it stands in the queue, its similar key. */
export type AlertView = AlertState & {
  sourceName: string;
  queueStatus: AlertQueueStatus;
  similarKey: string;
};

export type SimilarGroupView = SimilarGroup & { sourceName: string };

/** The incidents the actor may not see (incidents subject). */
export interface AlertIncidentSight {
  listHiddenIds(actor: Actor): Promise<string[]>;
}

/** The alert without the incident it opened or joined, when that incident is hidden. */
export function withoutHidden<T extends { routing: AlertState['routing'] }>(
  alert: T,
  hidden: Set<string>,
): T {
  const id = alert.routing?.incidentId;
  return id && hidden.has(id)
    ? { ...alert, routing: { ...alert.routing!, incidentId: null } }
    : alert;
}

/** The record's routing events without a hidden incident's id and key. */
function recordWithoutHidden(record: StoredEvent[], hidden: Set<string>): StoredEvent[] {
  return record.map((e) => {
    const data = e.data as { incidentId?: unknown } | null;
    return typeof data?.incidentId === 'string' && hidden.has(data.incidentId)
      ? { ...e, data: { ...data, incidentId: null, incidentKey: null } }
      : e;
  });
}

/** Alerts as staff read them, at `now` (where each stands in the queue). */
export async function viewsOf(
  ex: Executor,
  found: AlertState[],
  now: number,
): Promise<AlertView[]> {
  const names = await listSourceNames(
    ex,
    found.map((a) => a.sourceId),
  );
  return found.map((a) => ({
    ...a,
    sourceName: names.get(a.sourceId) ?? '',
    queueStatus: queueStatusOf(a, now),
    similarKey: similarKeyOf(a),
  }));
}

export function createAlertService(deps: { db: Db; clock: Clock; incidents: AlertIncidentSight }) {
  const { db, clock } = deps;
  const hiddenFrom = async (actor: Actor) => new Set(await deps.incidents.listHiddenIds(actor));
  const withNames = (found: AlertState[]) => viewsOf(db, found, clock.now());

  async function load(id: string): Promise<AlertState> {
    const found = await alerts.findAlert(db, id);
    if (!found) throw new AppError('NOT_FOUND', 'Alert was not found');
    return found;
  }

  return {
    async listAlerts(actor: Actor, filter: AlertFilter): Promise<AlertView[]> {
      const hidden = await hiddenFrom(actor);
      // Filtering by a hidden incident finds nothing: it would tell which alerts it came from.
      if (filter.incidentId !== undefined && hidden.has(filter.incidentId)) return [];
      const found = await withNames(await alerts.listAlerts(db, filter, clock.now()));
      return found.map((a) => withoutHidden(a, hidden));
    },

    /** Similar alerts among those the filter finds, with counts (triage-rules.ts similarKeyOf). */
    async listSimilarGroups(
      actor: Actor,
      filter: Omit<AlertFilter, 'limit' | 'before'>,
      limit: number,
    ): Promise<SimilarGroupView[]> {
      const hidden = await hiddenFrom(actor);
      if (filter.incidentId !== undefined && hidden.has(filter.incidentId)) return [];
      const groups = await alerts.listGroups(db, filter, clock.now(), limit);
      const names = await listSourceNames(
        db,
        groups.map((g) => g.sourceId),
      );
      return groups.map((g) => ({ ...g, sourceName: names.get(g.sourceId) ?? '' }));
    },

    async getAlert(actor: Actor, id: string): Promise<{ alert: AlertView; record: StoredEvent[] }> {
      const hidden = await hiddenFrom(actor);
      const alert = await load(id);
      const [view] = await withNames([alert]);
      return {
        alert: withoutHidden(view!, hidden),
        record: recordWithoutHidden(await listStreamEvents(db, id), hidden),
      };
    },

    async getPayload(id: string): Promise<PayloadRecord> {
      const found = await findPayload(db, id);
      if (!found) throw new AppError('NOT_FOUND', 'Payload was not found');
      return found;
    },
  };
}

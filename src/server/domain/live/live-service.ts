// Turns committed events into live notices: reads the events and, once per batch, the keys and
// audiences of the records they changed. Used by the live feed (new commits) and the stream
// route (replay after a reconnect).
import {
  lastEventPosition,
  listEventsAfter,
  listEventsAt,
  type LoggedEvent,
} from '../../db/event-store.ts';
import type { Db } from '../../db/schema.ts';
import { findIncidentAudiences } from '../incidents/index.ts';
import { findReportLinks } from '../reports/index.ts';
import { noticeFor, type LiveNotice } from './live-rules.ts';

export interface LiveServiceDeps {
  db: Db;
}

export interface Missed {
  notices: LiveNotice[];
  /** False when more events were missed than the limit: the client should refetch everything. */
  complete: boolean;
  /** The newest position in the log (the id to resume from after a reset). */
  latest: number;
}

const idsOf = (events: LoggedEvent[], streamType: string) => [
  ...new Set(events.filter((e) => e.streamType === streamType).map((e) => e.streamId)),
];

export function createLiveService({ db }: LiveServiceDeps) {
  async function noticesOf(events: LoggedEvent[]): Promise<LiveNotice[]> {
    if (events.length === 0) return [];
    const [incidents, links] = await Promise.all([
      findIncidentAudiences(db, idsOf(events, 'incident')),
      findReportLinks(db, idsOf(events, 'report')),
    ]);
    const reports = new Map([...links].map(([id, link]) => [id, link.key]));
    // A report linked to an incident is heard only by those who may see the incident.
    const linkedIds = [...links.values()].flatMap((link) => link.incidentId ?? []);
    const linked = await findIncidentAudiences(db, [...new Set(linkedIds)]);
    const reportIncidents = new Map(
      [...links].flatMap(([id, link]) => {
        const audience = link.incidentId === null ? undefined : linked.get(link.incidentId);
        return audience ? [[id, audience] as const] : [];
      }),
    );
    return events.flatMap(
      (event) => noticeFor(event, { incidents, reports, reportIncidents }) ?? [],
    );
  }

  return {
    /** The notices of events just committed, by position. */
    async noticesAt(positions: readonly number[]): Promise<LiveNotice[]> {
      return noticesOf(await listEventsAt(db, positions));
    },

    /** The notices of events after a position, oldest first, at most `limit` of them. */
    async noticesAfter(position: number, limit: number): Promise<Missed> {
      const events = await listEventsAfter(db, position, limit + 1);
      if (events.length > limit)
        return { notices: [], complete: false, latest: await lastEventPosition(db) };
      return {
        notices: await noticesOf(events),
        complete: true,
        latest: events.at(-1)?.position ?? position,
      };
    },

    /** The newest position in the log, 0 when it is empty. */
    latestPosition: () => lastEventPosition(db),
  };
}

export type LiveService = ReturnType<typeof createLiveService>;

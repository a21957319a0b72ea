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
import type { IncidentAudience } from '../incidents/index.ts';
import { noticeFor, type LiveNotice } from './live-rules.ts';

/** What the live stream needs of the incidents and reports subjects (wired in container.ts). */
export interface LiveSubjects {
  /** Key, restriction and participants of these incidents, by id. */
  incidentAudiences(ids: readonly string[]): Promise<Map<string, IncidentAudience>>;
  /** Each report's key and the incident it is linked to (or null), by id. */
  reportLinks(
    ids: readonly string[],
  ): Promise<Map<string, { key: string; incidentId: string | null }>>;
  /** The incident of each breach record, by the record's id. */
  breachIncidents(ids: readonly string[]): Promise<ReadonlyMap<string, string>>;
}

export interface LiveServiceDeps {
  db: Db;
  subjects: LiveSubjects;
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

export function createLiveService({ db, subjects }: LiveServiceDeps) {
  async function noticesOf(events: LoggedEvent[]): Promise<LiveNotice[]> {
    if (events.length === 0) return [];
    const [incidents, links, breaches] = await Promise.all([
      subjects.incidentAudiences(idsOf(events, 'incident')),
      subjects.reportLinks(idsOf(events, 'report')),
      subjects.breachIncidents(idsOf(events, 'breach')),
    ]);
    const reports = new Map([...links].map(([id, link]) => [id, link.key]));
    // A report linked to an incident is heard only by those who may see the incident.
    const linkedIds = [
      ...[...links.values()].flatMap((link) => link.incidentId ?? []),
      ...breaches.values(),
    ];
    const linked = await subjects.incidentAudiences([...new Set(linkedIds)]);
    const reportIncidents = new Map(
      [...links].flatMap(([id, link]) => {
        const audience = link.incidentId === null ? undefined : linked.get(link.incidentId);
        return audience ? [[id, audience] as const] : [];
      }),
    );
    const breachIncidents = new Map(
      [...breaches].flatMap(([id, incidentId]) => {
        const audience = linked.get(incidentId);
        return audience ? [[id, audience] as const] : [];
      }),
    );
    return events.flatMap(
      (event) => noticeFor(event, { incidents, reports, reportIncidents, breachIncidents }) ?? [],
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

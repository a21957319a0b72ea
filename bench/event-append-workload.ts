// The work the event-append benchmark replays: incident streams receiving events, one transaction
// at a time, each at the version the writer last saw. Built up front so timing covers only writes.
import { newId } from '../src/server/ids.ts';
import type { NewEvent } from '../src/server/db/event-store.ts';
import type { EventsTable } from '../src/server/db/schema.ts';

/** One append transaction: events for one stream at the version its writer loaded. */
export interface PlannedAppend {
  streamId: string;
  expectedVersion: number;
  at: number;
  events: NewEvent[];
}

/** An event row exactly as stored, hashes included: what the reference inserts. */
export type EventRow = Omit<EventsTable, 'position'>;

/** A planned append together with the rows Stopline wrote for it. */
export interface RecordedAppend extends PlannedAppend {
  rows: EventRow[];
}

/** Every stream gets this many transactions, so most appends move an existing stream. */
export const APPENDS_PER_STREAM = 10;

const EVENT_TYPES = [
  'incident.note_added',
  'incident.severity_changed',
  'incident.task_assigned',
  'incident.customer_update_sent',
  'incident.containment_action_taken',
];

const SYSTEMS = ['identity-provider', 'mail-gateway', 'billing-api', 'vpn', 'ci-runners'];

/** A plausible incident event: a few hundred bytes of JSON, like a note or a status change. */
function incidentEvent(n: number, actorId: string): NewEvent {
  return {
    type: EVENT_TYPES[n % EVENT_TYPES.length]!,
    visibility: n % 4 === 0 ? 'reporter' : 'internal',
    actorId,
    data: {
      severity: `P${n % 4}`,
      phase: n % 2 === 0 ? 'containment' : 'investigation',
      summary: 'Suspicious OAuth grants on the finance tenant after a phishing wave',
      note: `Revoked ${n % 50} refresh tokens; waiting for the identity provider audit export (${n}).`,
      systems: [SYSTEMS[n % SYSTEMS.length], SYSTEMS[(n + 2) % SYSTEMS.length]],
      decidedBy: { role: 'incident-commander', reason: 'blast radius still unknown' },
    },
  };
}

/**
 * `total` events in appends of `eventsPerAppend`, spread over streams that each take
 * APPENDS_PER_STREAM appends; streams take turns, as concurrent incidents would.
 */
export function planAppends(total: number, eventsPerAppend: number, startAt: number) {
  const perStream = APPENDS_PER_STREAM * eventsPerAppend;
  if (total % perStream !== 0) {
    throw new Error(`event count ${total} must be a multiple of ${perStream}`);
  }
  const streams = Array.from({ length: total / perStream }, () => newId());
  const actorId = newId();
  const plan: PlannedAppend[] = [];
  let n = 0;
  for (let round = 0; round < APPENDS_PER_STREAM; round++) {
    for (const streamId of streams) {
      const events = Array.from({ length: eventsPerAppend }, () => incidentEvent(n++, actorId));
      plan.push({ streamId, expectedVersion: round * eventsPerAppend, at: startAt + n, events });
    }
  }
  return plan;
}

/** Pairs each planned append with its stored rows (rows in insertion order). */
export function recordAppends(plan: PlannedAppend[], rows: EventRow[]): RecordedAppend[] {
  let offset = 0;
  const recorded = plan.map((append) => {
    const own = rows.slice(offset, offset + append.events.length);
    offset += append.events.length;
    if (own.length !== append.events.length || own.some((r) => r.stream_id !== append.streamId)) {
      throw new Error('stored events do not line up with the plan');
    }
    return { ...append, rows: own };
  });
  if (offset !== rows.length) throw new Error('more stored events than planned');
  return recorded;
}

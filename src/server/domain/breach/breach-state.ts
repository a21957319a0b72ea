// A breach record's state: the reduction of its events. The projection writes the same state to
// rows, and the repository reads it back; a property of the design, tested on both databases.
import type { BreachStatus, DeterminationKind } from '../../../shared/domain/breach.ts';
import type { BreachEventData, BreachFacts, RecordedBreachEvent } from './breach-events.ts';

export interface Determination {
  kind: DeterminationKind;
  value: boolean;
  at: number;
  rationale: string;
  decidedBy: string | null;
  decidedAt: number;
  seq: number;
}

export type Submission = BreachEventData['breach.submitted'] & {
  recordedBy: string | null;
  recordedAt: number;
  seq: number;
};

export interface BreachState {
  id: string;
  incidentId: string;
  version: number;
  status: BreachStatus;
  facts: BreachFacts;
  openedAt: number;
  openedBy: string | null;
  updatedAt: number;
  /** Every determination in the order recorded; the latest of a kind is the one in force. */
  determinations: Determination[];
  /** Every submission in the order recorded. */
  submissions: Submission[];
}

export function applyBreachEvent(
  state: BreachState | null,
  event: RecordedBreachEvent,
  breachId: string,
): BreachState {
  if (event.type === 'breach.opened') {
    return {
      id: breachId,
      incidentId: event.data.incidentId,
      version: event.seq,
      status: event.data.status,
      facts: event.data.facts,
      openedAt: event.at,
      openedBy: event.actorId,
      updatedAt: event.at,
      determinations: [],
      submissions: [],
    };
  }
  if (!state) throw new Error(`${event.type} before breach.opened on ${breachId}`);
  const next = { ...state, version: event.seq, updatedAt: event.at };
  switch (event.type) {
    case 'breach.updated':
      return { ...next, facts: { ...state.facts, ...event.data.changes } };
    case 'breach.status_changed':
      return { ...next, status: event.data.to };
    case 'breach.determined':
      return {
        ...next,
        determinations: [
          ...state.determinations,
          {
            ...event.data,
            decidedBy: event.actorId,
            decidedAt: event.at,
            seq: event.seq,
          },
        ],
      };
    case 'breach.submitted':
      return {
        ...next,
        submissions: [
          ...state.submissions,
          { ...event.data, recordedBy: event.actorId, recordedAt: event.at, seq: event.seq },
        ],
      };
  }
}

export function reduceBreach(
  state: BreachState | null,
  events: readonly RecordedBreachEvent[],
  breachId: string,
): BreachState {
  let current = state;
  for (const event of events) current = applyBreachEvent(current, event, breachId);
  if (!current) throw new Error(`no events for breach ${breachId}`);
  return current;
}

/** The determination in force of each kind: the latest recorded. */
export function currentDeterminations(
  state: Pick<BreachState, 'determinations'>,
): Partial<Record<DeterminationKind, Determination>> {
  const current: Partial<Record<DeterminationKind, Determination>> = {};
  for (const d of state.determinations) current[d.kind] = d;
  return current;
}

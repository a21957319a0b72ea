// The breach record's event types and their data: the contract between the rules that decide and
// the projection that records. Every change to a breach record is one of these on its own stream
// (stream type "breach"), never on the incident's, so its details stay with the legal role.
import type { Recorded } from '../../db/event-store.ts';
import type { BreachFields } from '../../../shared/api/breach.ts';
import type {
  BreachStatus,
  DeterminationKind,
  SubmissionPart,
} from '../../../shared/domain/breach.ts';

export type BreachFacts = BreachFields;

export interface BreachEventData {
  'breach.opened': { incidentId: string; status: BreachStatus; facts: BreachFacts };
  'breach.updated': { changes: Partial<BreachFacts> };
  'breach.status_changed': { from: BreachStatus; to: BreachStatus; reason: string };
  /** A recorded decision: who (the event's actor), when it was decided, what it refers to, why. */
  'breach.determined': {
    kind: DeterminationKind;
    value: boolean;
    /** The moment it refers to (for became_aware: when the team became aware). */
    at: number;
    rationale: string;
  };
  /** A stage submitted (or a part of it), with a frozen copy of what was sent and its hash. */
  'breach.submitted': {
    regimeId: string;
    stageId: string;
    part: SubmissionPart;
    submittedAt: number;
    recipient: string;
    reference: string;
    copy: { mediaType: string; text: string; sha256: string };
    /** When the stage was due at the time (null: no clock ran). */
    dueAt: number | null;
    late: boolean;
    delayReasons: string;
  };
}

export type BreachEventType = keyof BreachEventData;
export const BREACH_EVENT_TYPES = [
  'breach.opened',
  'breach.updated',
  'breach.status_changed',
  'breach.determined',
  'breach.submitted',
] as const satisfies readonly BreachEventType[];

export type BreachEvent = {
  [K in BreachEventType]: { type: K; data: BreachEventData[K] };
}[BreachEventType];

/** An event as recorded: with the actor and the time it was recorded. */
export type RecordedBreachEvent = Recorded<BreachEvent>;

export function breachEvent<K extends BreachEventType>(
  type: K,
  data: BreachEventData[K],
): BreachEvent {
  return { type, data } as BreachEvent;
}

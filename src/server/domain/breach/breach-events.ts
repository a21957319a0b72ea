// The breach record's event types and their data: the contract between the rules that decide and
// the projection that records. Every change to a breach record is one of these on its own stream
// (stream type "breach"), never on the incident's, so its details stay with the legal role.
import type { Recorded } from '../../db/event-store.ts';
import type { BreachFields } from '../../../shared/api/breach.ts';
import type {
  BreachStatus,
  DeterminationKind,
  StageAudience,
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
  /** A notice drafted from the record for a stage's audience (the text as generated). */
  'breach.notice_drafted': {
    noticeId: string;
    audience: StageAudience;
    regimeId: string;
    stageId: string;
    subject: string;
    text: string;
  };
  'breach.notice_edited': { noticeId: string; subject: string; text: string };
  /** Approved by the legal role: the text is frozen and its hash kept; it may now go out. */
  'breach.notice_approved': { noticeId: string; sha256: string };
  /** Sent to the people affected, one e-mail each through the notifications outbox. */
  'breach.notice_sent': { noticeId: string; recipients: number };
  /** A contact list imported: how many people and the file's hash (the people are not logged). */
  'breach.contacts_imported': { count: number; sha256: string };
  /**
   * A tombstone (issue 19, retention and erasure): people were removed from the contact list,
   * the whole list by the retention rule (`scope: list`, `rule: retention`) or one address on
   * request (`scope: contact`, `rule: request`, an admin's reason). Who went is not logged:
   * `removedHash` is an HMAC-SHA256 under the server key of the removed rows.
   */
  'breach.contacts_redacted': {
    scope: 'list' | 'contact';
    count: number;
    rule: 'retention' | 'request';
    reason: string;
    removedHash: string;
  };
}

export type BreachEventType = keyof BreachEventData;
export const BREACH_EVENT_TYPES = [
  'breach.opened',
  'breach.updated',
  'breach.status_changed',
  'breach.determined',
  'breach.submitted',
  'breach.notice_drafted',
  'breach.notice_edited',
  'breach.notice_approved',
  'breach.notice_sent',
  'breach.contacts_imported',
  'breach.contacts_redacted',
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

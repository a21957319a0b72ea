// A breach record's state: the reduction of its events. The projection writes the same state to
// rows, and the repository reads it back; a property of the design, tested on both databases.
import type {
  BreachStatus,
  DeterminationKind,
  NoticeStatus,
  StageAudience,
} from '../../../shared/domain/breach.ts';
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

export interface BreachNotice {
  id: string;
  audience: StageAudience;
  regimeId: string;
  stageId: string;
  subject: string;
  text: string;
  status: NoticeStatus;
  /** The approved text's SHA-256 (null while a draft). */
  sha256: string | null;
  draftedAt: number;
  draftedBy: string | null;
  approvedAt: number | null;
  approvedBy: string | null;
  sentAt: number | null;
  /** How many people it was sent to. */
  recipients: number | null;
}

/**
 * A tombstone of the contact list (`breach.contacts_redacted`): one person's lines erased on
 * request (`scope: contact`) or the whole list removed by the retention rule (`scope: list`),
 * how many lines, why and when; never who.
 */
export interface ContactRedaction {
  scope: 'list' | 'contact';
  /** How many lines of the list were removed. */
  count: number;
  rule: 'retention' | 'request';
  reason: string;
  at: number;
}

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
  /** Drafted notices, oldest first. */
  notices: BreachNotice[];
  /** The contact list's tombstones, oldest first. */
  contactRedactions: ContactRedaction[];
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
      notices: [],
      contactRedactions: [],
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
    case 'breach.notice_drafted': {
      const { noticeId, ...d } = event.data;
      const notice: BreachNotice = {
        id: noticeId,
        ...d,
        status: 'draft',
        sha256: null,
        draftedAt: event.at,
        draftedBy: event.actorId,
        approvedAt: null,
        approvedBy: null,
        sentAt: null,
        recipients: null,
      };
      return { ...next, notices: [...state.notices, notice] };
    }
    case 'breach.notice_edited': {
      const { noticeId, subject, text } = event.data;
      return { ...next, notices: changeNotice(state, noticeId, { subject, text }) };
    }
    case 'breach.notice_approved': {
      const { noticeId, sha256 } = event.data;
      const approved = { status: 'approved' as const, sha256 };
      const by = { approvedAt: event.at, approvedBy: event.actorId };
      return { ...next, notices: changeNotice(state, noticeId, { ...approved, ...by }) };
    }
    case 'breach.notice_sent': {
      const { noticeId, recipients } = event.data;
      const sent = { status: 'sent' as const, sentAt: event.at, recipients };
      return { ...next, notices: changeNotice(state, noticeId, sent) };
    }
    case 'breach.contacts_imported':
      return next;
    case 'breach.contacts_redacted': {
      const { scope, count, rule, reason } = event.data;
      const redaction = { scope, count, rule, reason, at: event.at };
      return { ...next, contactRedactions: [...state.contactRedactions, redaction] };
    }
  }
}

function changeNotice(state: BreachState, id: string, change: Partial<BreachNotice>) {
  return state.notices.map((n) => (n.id === id ? { ...n, ...change } : n));
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

// A report's event types and their data: the contract between the use cases that decide and the
// projection that records (report-projection.ts). Every change to a report is one of these on its
// stream. The names and data are those the log has always held, so `stopline verify` and the
// portal read old and new records alike.
import type { ReportStatus } from '../../../shared/api/reports.ts';
import type {
  CLOSE_RESOLUTIONS,
  MESSAGE_TYPES,
  MILESTONES,
  REMOVAL_STATUSES,
  VERIFICATION_METHODS,
} from '../../../shared/domain/reports.ts';
import type { NewEvent, StoredEvent } from '../../db/event-store.ts';
import type { Visibility } from '../../db/schema.ts';
import type { DeadlineEventData } from '../clocks/index.ts';

export type CloseResolution = (typeof CLOSE_RESOLUTIONS)[number];
export type MessageType = (typeof MESSAGE_TYPES)[number];
export type Milestone = (typeof MILESTONES)[number];

/** A file as the log names it: never where it is stored. */
export interface AttachmentSummary {
  id: string;
  name: string;
  size: number;
  sha256: string;
  detectedType: string;
}

/** Where a file the log names is kept, and the type its sender claimed: on its row only. */
export interface StoredAttachment {
  id: string;
  storedPath: string;
  claimedType: string | null;
}

export type ContactWay = 'name' | 'email' | 'phone' | 'pgpKey';

/** What of a report can be redacted: its contact details, or one attachment's bytes. */
export type RedactedReportField = 'contact' | 'attachment';
/** Why: the policy's retention, or an erasure request. */
export type RedactionRule = 'retention' | 'request';

export interface ReportEventData {
  'report.received': {
    key: string;
    summary: string;
    description: string;
    stepsToReproduce: string | null;
    impact: string | null;
    firstNoticed: string | null;
    affected: string | null;
    preferredLanguage: string | null;
    /** Where the reporter said the issue was posted publicly (on the report: the first one told). */
    publicUrl: string | null;
    creditConsent: boolean;
    creditName: string | null;
    attachments: AttachmentSummary[];
    /** Reported as an emergency: the policy's emergency acknowledgment clock applies. */
    emergency: boolean;
    acknowledgeDueAt: number;
  };
  /** Which ways to reach the reporter were given, never the details (see ReportPersonalData). */
  'report.contact_recorded': { given: ContactWay[] };
  'report.acknowledged': { dueAt: number; onTime: boolean };
  'report.emergency_changed': {
    emergency: boolean;
    reason: string;
    acknowledgeDueAt: number;
    previousDueAt: number;
  };
  /** The reason is written for the reporter. */
  'report.closed': { resolution: CloseResolution; reason: string };
  /** The other report's key: internal, not the reporter's to see. */
  'report.duplicate_linked': { duplicateOf: string };
  'report.incident_linked': { incidentId: string };
  'report.incident_unlinked': { incidentId: string };
  'report.status_changed': { status: ReportStatus };
  'report.milestone_recorded': { milestone: Milestone };
  /** `recordedBy`: who told us of the public copy (the task's recorder is the event's actor). */
  'report.public_removal_requested': {
    taskId: string;
    url: string;
    recordedBy: 'reporter' | 'staff';
  };
  'report.public_removal_updated': {
    taskId: string;
    status: (typeof REMOVAL_STATUSES)[number];
    evidence: string | null;
  };
  'report.public_copy_reported': { url: string };
  'report.message_sent': { messageId: string; messageType: MessageType; body: string };
  'report.note_added': { messageId: string; body: string };
  'report.reporter_replied': {
    messageId: string;
    body: string;
    attachments: AttachmentSummary[];
  };
  'report.evidence_added': { messageId: null; body: null; attachments: AttachmentSummary[] };
  'report.identity_verified': {
    verificationId: string;
    method: (typeof VERIFICATION_METHODS)[number];
    note: string | null;
  };
  /** The reporter learns that they are verified, not how or what was noted. */
  'report.reporter_verified': Record<string, never>;
  'report.access_code_rotated': Record<string, never>;
  /** The reporter gave their OpenPGP public key in the portal: mail to them is encrypted to it. */
  'report.reporter_key_added': { fingerprint: string };
  /**
   * A tombstone (issue 19, retention and redaction): personal data kept outside the log (the
   * reporter's contact details, or an attachment's bytes) was removed, by the policy's retention
   * (`rule: retention`) or on request (`rule: request`, an admin's reason). `removedHash`: HMAC-
   * SHA256 under the server key of what was removed, so whoever holds it can show what it was.
   */
  'report.redacted': {
    field: RedactedReportField;
    attachmentId: string | null;
    rule: RedactionRule;
    reason: string;
    removedHash: string;
  };
  /** Written by the clocks: a reminder, the breach, each escalation, and the deadline met. */
  'report.deadline_reminded': DeadlineEventData;
  'report.deadline_breached': DeadlineEventData;
  'report.deadline_escalated': DeadlineEventData;
  'report.deadline_met': DeadlineEventData;
}

/**
 * What an event puts on the report's row but never in the log: personal data must stay erasable
 * (the log cannot be), and the access code is kept only as its hash, on the row.
 */
export interface ReportPersonalData {
  'report.received': {
    /** Personal data: on the row only, never in the log, so it can be erased. */
    contactName: string | null;
    contactEmail: string | null;
    contactPhone: string | null;
    contactPgpKey: string | null;
    /** SHA-256 (hex) of the reporter's access code; the code itself is never stored. */
    accessCodeHash: string;
    /** The attachments' rows: where each file is kept. */
    files: StoredAttachment[];
  };
  'report.access_code_rotated': { accessCodeHash: string };
  'report.reporter_replied': { files: StoredAttachment[] };
  'report.evidence_added': { files: StoredAttachment[] };
  /** The stored file the redaction removes (an attachment's), removed once it is committed. */
  'report.redacted': { fileKey: string | null };
}

export type ReportEventType = keyof ReportEventData;

/** Who may read each event type: the reporter in the portal, or the team only. */
export const REPORT_EVENT_VISIBILITY = {
  'report.received': 'reporter',
  'report.contact_recorded': 'internal',
  'report.acknowledged': 'reporter',
  'report.emergency_changed': 'internal',
  'report.closed': 'reporter',
  'report.duplicate_linked': 'internal',
  'report.incident_linked': 'internal',
  'report.incident_unlinked': 'internal',
  'report.status_changed': 'reporter',
  'report.milestone_recorded': 'reporter',
  'report.public_removal_requested': 'internal',
  'report.public_removal_updated': 'internal',
  'report.public_copy_reported': 'reporter',
  'report.message_sent': 'reporter',
  'report.note_added': 'internal',
  'report.reporter_replied': 'reporter',
  'report.evidence_added': 'reporter',
  'report.identity_verified': 'internal',
  'report.reporter_verified': 'reporter',
  'report.access_code_rotated': 'reporter',
  'report.reporter_key_added': 'reporter',
  'report.redacted': 'internal',
  'report.deadline_reminded': 'internal',
  'report.deadline_breached': 'internal',
  'report.deadline_escalated': 'internal',
  'report.deadline_met': 'internal',
} as const satisfies Record<ReportEventType, Visibility>;

export const REPORT_EVENT_TYPES = Object.keys(REPORT_EVENT_VISIBILITY) as ReportEventType[];

/** The clocks' events: recorded by no one (the clocks), whoever's command they came with. */
const CLOCK_EVENT_TYPES = new Set<string>([
  'report.deadline_reminded',
  'report.deadline_breached',
  'report.deadline_escalated',
  'report.deadline_met',
] satisfies ReportEventType[]);

export const isClockEvent = (type: string) => CLOCK_EVENT_TYPES.has(type);

export type ReportEvent = {
  [K in ReportEventType]: {
    type: K;
    data: ReportEventData[K];
  } & (K extends keyof ReportPersonalData
    ? { personal: ReportPersonalData[K] }
    : { personal?: never });
}[ReportEventType];

/** An event as decided, with what the log added (its stream is the report's id). */
export type RecordedReportEvent = ReportEvent &
  Pick<StoredEvent, 'streamId' | 'seq' | 'at' | 'actorId'>;

type PlainType = Exclude<ReportEventType, keyof ReportPersonalData>;

/** An event with nothing personal to put on the row. */
export function reportEvent<K extends PlainType>(type: K, data: ReportEventData[K]): ReportEvent {
  return { type, data } as ReportEvent;
}

/** As the log stores it: the type's visibility, the actor (none for the clocks), no personal data. */
export function toNewEvent(event: ReportEvent, actorId: string | null): NewEvent {
  return {
    type: event.type,
    visibility: REPORT_EVENT_VISIBILITY[event.type],
    actorId: isClockEvent(event.type) ? null : actorId,
    data: { ...event.data },
  };
}

/** The events the clocks record on a report (a reminder, the breach, escalations, met). */
export type ReportClockEvent = Extract<ReportEvent, { type: `report.deadline_${string}` }>;

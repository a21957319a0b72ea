// Table types for Kysely. Times are epoch milliseconds; ids are text (UUIDv7).
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';

export type Visibility = 'internal' | 'reporter' | 'public';

export interface EventsTable {
  id: string;
  stream_id: string;
  seq: number;
  type: string;
  at: number;
  actor_id: string | null;
  visibility: Visibility;
  /** Canonical JSON (RFC 8785) of the event data: the exact text the hash covers. */
  data_json: string;
  prev_hash: string;
  hash: string;
  /** Global insertion order, for feeds that read across streams. */
  position: Generated<number>;
}

export interface StreamsTable {
  id: string;
  type: string;
  version: number;
  head_hash: string;
  created_at: number;
  updated_at: number;
}

export interface KeySequencesTable {
  name: string;
  value: number;
}

/**
 * Booleans read back as 0/1 on SQLite and true/false on PostgreSQL; write 0 or 1 (both accept it)
 * and read with Boolean().
 */
export type DbBool = ColumnType<boolean | number, 0 | 1, 0 | 1>;

export interface ReportsTable {
  id: string;
  key: string;
  status: string;
  summary: string;
  description: string;
  steps_to_reproduce: string | null;
  impact: string | null;
  first_noticed: string | null;
  affected: string | null;
  preferred_language: string | null;
  public_url: string | null;
  credit_consent: DbBool;
  credit_name: string | null;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  contact_pgp_key: string | null;
  /** SHA-256 (hex) of the reporter's access code; the code itself is never stored. */
  access_code_hash: string;
  verified: DbBool;
  received_at: number;
  acknowledge_due_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  assessed_at: number | null;
  fixed_at: number | null;
  disclosed_at: number | null;
  closed_at: number | null;
  close_reason: string | null;
  duplicate_of: string | null;
  incident_id: string | null;
  version: number;
  updated_at: number;
}

export interface ReportAttachmentsTable {
  id: string;
  report_id: string;
  message_id: string | null;
  original_name: string;
  claimed_type: string | null;
  detected_type: string;
  size: number;
  sha256: string;
  stored_path: string;
  uploaded_by: string;
  created_at: number;
}

export interface ReportMessagesTable {
  id: string;
  report_id: string;
  kind: 'internal_note' | 'to_reporter' | 'from_reporter';
  message_type: string | null;
  body: string;
  author_id: string | null;
  created_at: number;
}

export interface ReportIdentityVerificationsTable {
  id: string;
  report_id: string;
  method: string;
  note: string | null;
  verified_by: string | null;
  verified_at: number;
}

export interface PublicRemovalTasksTable {
  id: string;
  report_id: string;
  url: string;
  status: 'requested' | 'removed' | 'could_not_be_removed';
  evidence: string | null;
  recorded_by: string;
  created_at: number;
  updated_at: number;
}

export interface PortalSessionsTable {
  token_hash: string;
  report_id: string;
  created_at: number;
  expires_at: number;
}

export interface ReportAccessLogTable {
  id: string;
  report_id: string | null;
  report_key: string | null;
  action: string;
  actor_id: string | null;
  ip: string | null;
  at: number;
}

export interface RateLimitCountersTable {
  bucket: string;
  window_start: number;
  count: number;
}

export interface OutboxTable {
  id: string;
  channel: string;
  recipient: string;
  subject: string;
  body_text: string;
  body_html: string | null;
  idempotency_key: string;
  status: string;
  created_at: number;
}

export interface Database {
  events: EventsTable;
  streams: StreamsTable;
  key_sequences: KeySequencesTable;
  reports: ReportsTable;
  report_attachments: ReportAttachmentsTable;
  report_messages: ReportMessagesTable;
  report_identity_verifications: ReportIdentityVerificationsTable;
  public_removal_tasks: PublicRemovalTasksTable;
  portal_sessions: PortalSessionsTable;
  report_access_log: ReportAccessLogTable;
  rate_limit_counters: RateLimitCountersTable;
  outbox: OutboxTable;
}

export type Db = Kysely<Database>;
/** Anything a query can run on: the database or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;
export type Dialect = 'sqlite' | 'postgres';

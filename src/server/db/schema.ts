// Table types for Kysely. Times are epoch milliseconds; ids are text (UUIDv7).
import type { Generated, Kysely, Transaction } from 'kysely';

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

/** One policy text that has been in force; the hash (SHA-256 of the text) is what incidents record. */
export interface PolicyVersionsTable {
  hash: string;
  name: string;
  revision: string;
  text: string;
  /** First start-up with this policy in force. */
  loaded_at: number;
  /** Latest start-up with this policy in force. */
  last_loaded_at: number;
}

export type UserStatus = 'active' | 'disabled';

export interface UsersTable {
  id: string;
  /** Lower-cased. */
  email: string;
  display_name: string;
  roles_json: string;
  status: UserStatus;
  /** argon2id; null until the user sets a password through a one-time link. */
  password_hash: string | null;
  away_until: number | null;
  contacts_json: string;
  /** TOTP secret (base32) once confirmed; the pending one while enrolling. */
  mfa_secret: string | null;
  mfa_pending_secret: string | null;
  /** Last accepted TOTP time step, so a code cannot be replayed. */
  mfa_last_counter: number | null;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  /** SHA-256 of the 256-bit session id held in the cookie. */
  id_hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  /** Absolute expiry. */
  expires_at: number;
  ended_at: number | null;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  permissions_json: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface RecoveryCodesTable {
  code_hash: string;
  user_id: string;
  used_at: number | null;
}

export type OneTimeLinkPurpose = 'setup' | 'set_password';

export interface OneTimeLinksTable {
  token_hash: string;
  purpose: OneTimeLinkPurpose;
  user_id: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface OidcLoginsTable {
  /** SHA-256 of the flow id held in a short-lived cookie. */
  flow_hash: string;
  state: string;
  nonce: string;
  code_verifier: string;
  created_at: number;
  expires_at: number;
}

export interface SignInCountersTable {
  /** `account:<email>` or `ip:<address>`. */
  key: string;
  window_start: number;
  failures: number;
  locked_until: number | null;
}

export interface AuditLogTable {
  seq: number;
  id: string;
  at: number;
  actor_kind: string;
  actor_id: string | null;
  ip: string | null;
  user_agent: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  /** Canonical JSON (RFC 8785): the exact text the hash covers. */
  detail_json: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  head_hash: string;
}

export interface Database {
  events: EventsTable;
  streams: StreamsTable;
  key_sequences: KeySequencesTable;
  policy_versions: PolicyVersionsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  recovery_codes: RecoveryCodesTable;
  one_time_links: OneTimeLinksTable;
  sign_in_counters: SignInCountersTable;
  oidc_logins: OidcLoginsTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
}

export type Db = Kysely<Database>;
/** Anything a query can run on: the database or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;
export type Dialect = 'sqlite' | 'postgres';

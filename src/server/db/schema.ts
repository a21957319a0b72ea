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

export interface Database {
  events: EventsTable;
  streams: StreamsTable;
  key_sequences: KeySequencesTable;
  policy_versions: PolicyVersionsTable;
}

export type Db = Kysely<Database>;
/** Anything a query can run on: the database or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;
export type Dialect = 'sqlite' | 'postgres';

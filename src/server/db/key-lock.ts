// Serialises writers of one logical key (an alert source's dedup key) across the transactions
// of every instance: on PostgreSQL a transaction-scoped advisory lock per key, taken in sorted
// order so two writers of overlapping keys never deadlock; SQLite has one writer at a time.
import { sql } from 'kysely';
import type { Dialect, Executor } from './schema.ts';

export async function lockKeys(tx: Executor, dialect: Dialect, keys: readonly string[]) {
  if (dialect !== 'postgres') return;
  for (const key of [...new Set(keys)].sort()) {
    await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(tx);
  }
}

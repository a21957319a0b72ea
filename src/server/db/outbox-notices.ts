// Wakes the outbox workers when outbox rows are committed, so a notice leaves at once instead of
// at the worker's next poll (STOPLINE_OUTBOX_POLL_SECONDS, now only the fallback).
// PostgreSQL: pg_notify on this schema's live channel (db/live-notices.ts) with the payload
// OUTBOX_NOTICE, inside the enqueuing transaction: PostgreSQL delivers it at commit to every
// instance listening (workers/live-feed.ts), and drops it on rollback.
// This process, on either database: inTransaction (db/transaction.ts) tells the local listeners
// after its commit. An enqueue outside a transaction is committed already and tells them at once;
// so does one in a transaction inTransaction did not open (its commit is unknown here): on SQLite
// the worker's read then waits for that transaction (one connection, one holder at a time), and
// on PostgreSQL the NOTIFY at commit wakes the worker again.
import { sql } from 'kysely';
import { channelOfCurrentSchema, isPostgres } from './live-notices.ts';
import type { Db, Executor } from './schema.ts';

/** The NOTIFY payload that means "outbox rows were committed" (never a live-events notice). */
export const OUTBOX_NOTICE = '{"outbox":true}';

interface Enqueued {
  any: boolean;
  notified: boolean;
}

const enqueuedByTransaction = new WeakMap<object, Enqueued>();
/** Keyed by the query adapter, which a database and all its transactions share. */
const localListeners = new WeakMap<object, Set<() => void>>();

function keyOf(executor: Executor): object {
  return executor.getExecutor().adapter;
}

function tell(key: object): void {
  for (const listener of localListeners.get(key) ?? []) listener();
}

/** Called by enqueueMessage (and whatever makes a message due again) after writing the row. */
export async function announceEnqueued(tx: Executor): Promise<void> {
  const pending = enqueuedByTransaction.get(tx);
  if (isPostgres(tx) && !pending?.notified) {
    await sql`select pg_notify(${channelOfCurrentSchema}, ${OUTBOX_NOTICE})`.execute(tx);
    if (pending) pending.notified = true;
  }
  if (pending) pending.any = true;
  else tell(keyOf(tx));
}

/** inTransaction: note whether this transaction enqueues, to tell the listeners after commit. */
export function collectEnqueued(tx: object): Enqueued {
  const enqueued = { any: false, notified: false };
  enqueuedByTransaction.set(tx, enqueued);
  return enqueued;
}

/** inTransaction, after commit. */
export function publishEnqueued(db: Db, enqueued: Enqueued): void {
  if (enqueued.any) tell(keyOf(db));
}

/** The outbox worker: hear of every commit of outbox rows on this database in this process. */
export function onEnqueued(db: Db, listener: () => void): () => void {
  const key = keyOf(db);
  let listeners = localListeners.get(key);
  if (!listeners) localListeners.set(key, (listeners = new Set()));
  listeners.add(listener);
  return () => listeners.delete(listener);
}

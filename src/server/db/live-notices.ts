// Tells the live fan-out (workers/live-feed.ts) which events were appended, only once their
// transaction has committed, and never for one that rolled back.
// PostgreSQL: pg_notify inside the appending transaction, on this schema's channel; PostgreSQL
// delivers it at commit to every instance listening on that channel and drops it on rollback.
// SQLite (one process): the positions wait on the transaction, and inTransaction hands them to
// this process's listeners after the commit. On PostgreSQL too, for the listeners that must hear
// this process's own commits at once (the status page's kept answers), not a moment later by NOTIFY.
import { createHash } from 'node:crypto';
import { PostgresAdapter, sql } from 'kysely';
import type { Db, Executor } from './schema.ts';

/** An event as the live stream reads it: where it sits in the whole log, and on what record. */
export interface LoggedEvent {
  position: number;
  streamId: string;
  streamType: string;
  type: string;
  at: number;
  data: Record<string, unknown>;
}

/** What a notice carries: the positions of the appended events in the log (they say the rest). */
export interface AppendedNotice {
  positions: number[];
}

/**
 * NOTIFY payloads must stay under 8000 bytes; a position is at most 16 characters, so 200 per
 * notice leaves room.
 */
export const POSITIONS_PER_NOTICE = 200;
const CHANNEL_PREFIX = 'stopline_live_';

/**
 * The LISTEN/NOTIFY channel of one PostgreSQL schema: installations (and test files) sharing a
 * database never hear each other. A hash, because a channel name is at most 63 bytes.
 */
export function liveChannel(schema: string): string {
  return CHANNEL_PREFIX + createHash('md5').update(schema).digest('hex').slice(0, 16);
}

/** The same channel computed inside PostgreSQL from the connection's schema. */
export const channelOfCurrentSchema = sql<string>`${CHANNEL_PREFIX} || left(md5(current_schema()), 16)`;

export function parseAppendedNotice(payload: string): AppendedNotice | null {
  try {
    const parsed = JSON.parse(payload) as { positions?: unknown };
    const positions = parsed.positions;
    if (!Array.isArray(positions) || !positions.every((p) => Number.isSafeInteger(p))) return null;
    return { positions: positions as number[] };
  } catch {
    return null;
  }
}

const pendingByTransaction = new WeakMap<object, number[]>();
const localListeners = new WeakMap<Db, Set<(notice: AppendedNotice) => void>>();

export function isPostgres(tx: Executor): boolean {
  return tx.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Called by appendEvents inside the transaction that appends; `notified`: its statement already
 * sent the NOTIFY (PostgreSQL), only this process's listeners are left.
 */
export async function announceAppended(
  tx: Executor,
  positions: number[],
  { notified = false } = {},
): Promise<void> {
  if (positions.length === 0) return;
  if (isPostgres(tx) && !notified) {
    for (let i = 0; i < positions.length; i += POSITIONS_PER_NOTICE) {
      const payload = JSON.stringify({ positions: positions.slice(i, i + POSITIONS_PER_NOTICE) });
      await sql`select pg_notify(${channelOfCurrentSchema}, ${payload})`.execute(tx);
    }
  }
  pendingByTransaction.get(tx)?.push(...positions);
}

/** inTransaction: collect what this transaction appends (SQLite), to hand over after commit. */
export function collectAppended(tx: object, into: number[]): void {
  pendingByTransaction.set(tx, into);
}

/** inTransaction, after commit: hand the appended positions to this process's listeners. */
export function publishCommitted(db: Db, positions: number[]): void {
  if (positions.length === 0) return;
  for (const listener of localListeners.get(db) ?? []) listener({ positions });
}

/**
 * Hear of every commit on this database in this process, once committed: the live feed on SQLite;
 * on PostgreSQL, what must not wait for NOTIFY (workers/live-feed.ts, onAppended).
 */
export function onCommitted(db: Db, listener: (notice: AppendedNotice) => void): () => void {
  let listeners = localListeners.get(db);
  if (!listeners) localListeners.set(db, (listeners = new Set()));
  listeners.add(listener);
  return () => listeners.delete(listener);
}

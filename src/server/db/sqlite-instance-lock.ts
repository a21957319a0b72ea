// SQLite is for one instance: a second `stopline serve` on the same database file would run a
// second scheduler, outbox worker and mailbox reader beside the first. The running server holds an
// exclusive SQLite lock on a small file beside the database for as long as it runs; the operating
// system drops that lock when the process ends, however it ends (kill -9 included), so a stale
// lock never blocks a restart. Commands that only read or back up (`verify`, `backup`) do not take
// it and run beside a server as before.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  ensurePrivateFolderSync,
  touchPrivateFileSync,
  writePrivateFileSync,
} from '../private-files.ts';

export interface InstanceLock {
  release(): void;
}

/** Another process serves this SQLite file; the message says which and what to do. */
export class InstanceLockedError extends Error {
  override name = 'InstanceLockedError';
  readonly exitCode = 2;
}

export const instanceLockPath = (sqlitePath: string) => `${sqlitePath}.instance-lock`;
const holderPath = (sqlitePath: string) => `${sqlitePath}.instance`;

/**
 * Takes the lock or throws InstanceLockedError naming the process that holds it. `what` says
 * what this process is about to do ("serve", "restore into").
 */
export function lockSqliteInstance(sqlitePath: string, what = 'serve'): InstanceLock {
  const file = instanceLockPath(sqlitePath);
  ensurePrivateFolderSync(dirname(file));
  touchPrivateFileSync(file);
  let lock: SQLite.Database | undefined;
  try {
    lock = new SQLite(file, { timeout: 0 });
    lock.pragma('journal_mode = DELETE');
    lock.pragma('busy_timeout = 0');
    lock.pragma('locking_mode = EXCLUSIVE');
    // The first write in exclusive mode takes the lock and keeps it until the connection closes.
    lock.exec('create table if not exists holder (pid integer, host text, started_at text)');
    lock.exec('begin exclusive');
    lock.exec('delete from holder');
    lock.exec('commit');
  } catch (error) {
    lock?.close();
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
      throw new InstanceLockedError(
        `another Stopline process is already running on the SQLite database ${sqlitePath}` +
          `${describeHolder(sqlitePath)}. SQLite serves one instance: stop that one first ` +
          `(or, for several instances, use PostgreSQL with DATABASE_URL). Nothing was changed.`,
      );
    }
    throw error;
  }
  const started = new Date().toISOString();
  try {
    writePrivateFileSync(
      holderPath(sqlitePath),
      JSON.stringify({ pid: process.pid, host: hostname(), startedAt: started, doing: what }),
      'w',
    );
  } catch {
    // Only a description for the message above; the lock is what counts.
  }
  const held = lock;
  return { release: () => held.close() };
}

function describeHolder(sqlitePath: string): string {
  try {
    const holder = JSON.parse(readFileSync(holderPath(sqlitePath), 'utf8')) as {
      pid?: number;
      host?: string;
      startedAt?: string;
      doing?: string;
    };
    return ` (${holder.doing ?? 'serve'}, process ${holder.pid} on ${holder.host}, since ${holder.startedAt})`;
  } catch {
    return '';
  }
}

// Housekeeping of credentials (`serve` runs it hourly): ended sessions, used or expired one-time
// links, stale sign-in flows and failure counters go once they can no longer matter.
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/schema.ts';
import { sweepExpired } from './credential-repository.ts';

/** Ended sessions stay listed this long (for "recent sign-ins"), then go. */
export const SWEEP_KEEP_DAYS = 30;

/**
 * Deletes sessions and one-time links that ended or expired more than `SWEEP_KEEP_DAYS` days ago,
 * sign-in flows past their expiry and stale failure counters. Answers how many of each went.
 */
export function sweepExpiredCredentials(deps: { db: Db; clock: Clock }) {
  const now = deps.clock.now();
  return deps.db
    .transaction()
    .execute((tx) => sweepExpired(tx, now, now - SWEEP_KEEP_DAYS * 24 * 60 * 60 * 1000));
}

// Fixed-window counters in the database, so a limit holds across every instance behind a load
// balancer. One row per (bucket, window); old windows are removed by pruneRateLimits.
import { sql } from 'kysely';
import type { Executor } from './schema.ts';

export interface RateWindow {
  bucket: string;
  windowMs: number;
  now: number;
}

const windowStart = ({ windowMs, now }: RateWindow) => now - (now % windowMs);

/** Counts one more hit in the current window and returns the count including it. */
export async function hitRateLimit(tx: Executor, w: RateWindow): Promise<number> {
  const row = await tx
    .insertInto('rate_limit_counters')
    .values({ bucket: w.bucket, window_start: windowStart(w), count: 1 })
    .onConflict((oc) =>
      oc
        .columns(['bucket', 'window_start'])
        .doUpdateSet({ count: sql<number>`rate_limit_counters.count + 1` }),
    )
    .returning('count')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The hits so far in the current window. */
export async function peekRateLimit(tx: Executor, w: RateWindow): Promise<number> {
  const row = await tx
    .selectFrom('rate_limit_counters')
    .select('count')
    .where('bucket', '=', w.bucket)
    .where('window_start', '=', windowStart(w))
    .executeTakeFirst();
  return row ? Number(row.count) : 0;
}

export async function pruneRateLimits(tx: Executor, olderThan: number): Promise<void> {
  await tx.deleteFrom('rate_limit_counters').where('window_start', '<', olderThan).execute();
}

// Fixed-window counters in the database, so a limit holds across every instance behind a load
// balancer. One row per (bucket, window); old windows are removed by pruneRateLimits. Buckets that
// count a client name it by rateLimitKeyForAddress.
import { isIPv4, isIPv6 } from 'node:net';
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

/** An IPv6 address as its eight 16-bit groups, or undefined when it is not one. */
function ipv6Groups(address: string): number[] | undefined {
  if (!isIPv6(address)) return undefined;
  let text = address;
  // A dotted IPv4 tail (::ffff:192.0.2.1) is the last two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text =
      text.slice(0, dotted.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...(tail === undefined ? [] : zeros), ...right].map((g) => parseInt(g, 16));
}

/**
 * What a rate limit counts as one client: an IPv4 address as it is (also when written as an
 * IPv4-mapped IPv6 address), and an IPv6 address by its /64, because one subscriber is usually
 * given a whole /64 and can take a new address from it for every request.
 */
export function rateLimitKeyForAddress(address: string): string {
  const ip = address.trim().toLowerCase().replace(/%.*$/, '');
  if (isIPv4(ip)) return ip;
  const groups = ipv6Groups(ip);
  if (!groups) return ip;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi, lo] = [groups[6]!, groups[7]!];
    return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

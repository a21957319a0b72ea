// `stopline deadlines`: prints what is due, soonest first (breached ones marked), straight from
// the database. --breached shows only breached ones; --within DURATION (default 4h) how far ahead.
import type { Config } from '../config.ts';
import { listDeadlinesForOperator } from '../domain/clocks/index.ts';
import { formatDuration, parseDuration } from '../domain/policy/index.ts';
import { openMigratedDatabase } from './open-database.ts';
import type { Output } from './output.ts';

export async function deadlinesCommand(
  config: Config,
  args: string[],
  out: Output,
  now: number = Date.now(),
): Promise<number> {
  const breachedOnly = args.includes('--breached');
  const withinAt = args.indexOf('--within');
  const within = withinAt >= 0 ? parseDuration(args[withinAt + 1] ?? '') : 4 * 3_600_000;
  if (within === null || within <= 0) {
    out.error('stopline deadlines: --within needs a duration such as "30m", "4h" or "2d"');
    return 2;
  }
  const handle = await openMigratedDatabase(config);
  try {
    const filter = { now, soonWithin: within, limit: 500 };
    const breached = await listDeadlinesForOperator(handle.db, { ...filter, state: 'breached' });
    const soon = breachedOnly
      ? []
      : await listDeadlinesForOperator(handle.db, { ...filter, state: 'due_soon' });
    const rows = [...breached, ...soon];
    if (rows.length === 0) {
      out.info(
        breachedOnly
          ? 'No deadline is breached.'
          : `Nothing is breached or due within ${formatDuration(within)}.`,
      );
      return 0;
    }
    const keys = new Map<string, string>();
    const incidentIds = rows.filter((d) => d.subjectType === 'incident').map((d) => d.subjectId);
    const reportIds = rows.filter((d) => d.subjectType === 'report').map((d) => d.subjectId);
    if (incidentIds.length > 0) {
      const found = await handle.db
        .selectFrom('incidents')
        .select(['id', 'key'])
        .where('id', 'in', incidentIds)
        .execute();
      for (const r of found) keys.set(r.id, r.key);
    }
    if (reportIds.length > 0) {
      const found = await handle.db
        .selectFrom('reports')
        .select(['id', 'key'])
        .where('id', 'in', reportIds)
        .execute();
      for (const r of found) keys.set(r.id, r.key);
    }
    for (const d of rows) {
      const late = d.dueAt <= now;
      const when = late
        ? `BREACHED ${formatDuration(roundToMinute(now - d.dueAt))} ago`
        : `due in ${formatDuration(roundToMinute(d.dueAt - now))}`;
      const paused = d.status === 'paused' ? ' (paused)' : '';
      out.info(
        `${new Date(d.dueAt).toISOString()}  ${keys.get(d.subjectId) ?? d.subjectId}  ${d.kind}${paused}  ${when}`,
      );
    }
    return breached.length > 0 ? 1 : 0;
  } finally {
    await handle.close();
  }
}

const roundToMinute = (ms: number) => Math.max(60_000, Math.round(ms / 60_000) * 60_000);

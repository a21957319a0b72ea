// `stopline deadlines`: prints what is due, soonest first (breached ones marked), straight from
// the database, each subject named by the key its own subject's reader gives. --breached shows
// only breached ones; --within DURATION (default 4h) how far ahead.
import type { Config } from '../config.ts';
import { systemActor } from '../domain/actor.ts';
import { createClocksReader } from '../domain/clocks/index.ts';
import { createIncidentsReader } from '../domain/incidents/index.ts';
import { createReportsReader } from '../domain/reports/index.ts';
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
    // As the system actor: the operator at the console may read every subject.
    const clocks = createClocksReader({ db: handle.db });
    const breached = await clocks.listDeadlinesAs(systemActor, { ...filter, state: 'breached' });
    const soon = breachedOnly
      ? []
      : await clocks.listDeadlinesAs(systemActor, { ...filter, state: 'due_soon' });
    const rows = [...breached, ...soon];
    if (rows.length === 0) {
      out.info(
        breachedOnly
          ? 'No deadline is breached.'
          : `Nothing is breached or due within ${formatDuration(within)}.`,
      );
      return 0;
    }
    // Keys through each subject's reader (the operator may read every subject: no one is hidden).
    const ids = (type: 'incident' | 'report') =>
      rows.filter((d) => d.subjectType === type).map((d) => d.subjectId);
    const [incidentKeys, reportKeys] = await Promise.all([
      createIncidentsReader({ db: handle.db }).findKeys(ids('incident')),
      createReportsReader({ db: handle.db }).findKeys(ids('report')),
    ]);
    const keys = new Map([...incidentKeys, ...reportKeys]);
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

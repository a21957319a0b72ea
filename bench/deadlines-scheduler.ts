// The scheduler's side of the deadlines bench (bench/deadlines.ts): the deadlines service with no
// subjects behind it, and, run on its own, the scheduler's own process on the database the bench
// filled (its environment): it fires the deadlines due in the hour after the overdue ones and
// prints its memory as one JSON line. bench/deadlines.ts runs it through tsx (as Stopline ran
// before its build) and built by bin/build.mjs's bundling (plain Node.js, as `npm start` runs).
//
//   node --import tsx bench/deadlines-scheduler.ts    node dist/bench/deadlines-scheduler.mjs
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FakeClock } from '../src/server/clock.ts';
import { BUNDLED_POLICY, loadConfig } from '../src/server/config.ts';
import { createDatabase, type DatabaseHandle } from '../src/server/db/database.ts';
import { createDeadlinesService } from '../src/server/domain/clocks/index.ts';
import { loadPolicyFile } from '../src/server/domain/policy/index.ts';
import { Scheduler } from '../src/server/workers/scheduler.ts';

/** When the bench's deadlines start: the overdue ones are due just before. */
export const START = Date.parse('2026-06-01T00:00:00Z');
/** When the scheduler's own process ticks: an hour after the overdue deadlines. */
export const TICK_AT = START + 3_600_000;

/** The deadlines service with no subjects behind it (nothing to notify, no events written). */
export function benchDeadlines(
  handle: DatabaseHandle,
  config: ReturnType<typeof loadConfig>,
  clock: FakeClock,
) {
  const policy = loadPolicyFile(BUNDLED_POLICY);
  policy.policy.clocks.remindAt = [];
  return createDeadlinesService({
    db: handle.db,
    dialect: handle.dialect,
    clock,
    policy: () => policy.policy,
    listUsers: async () => [],
    onCall: { listOnCallIds: async () => [] },
    baseUrl: config.baseUrl,
    incidents: {
      findVisible: async () => ({ id: '' }),
      findPolicy: async () => null,
      listHiddenIds: async () => [],
      findNoticeHeadline: async () => null,
      listRoleHolderIds: async () => [],
      recordClockEvents: async () => false,
      findKeys: async () => new Map(),
      listExerciseIds: async () => [],
    },
    reports: {
      assertVisible: async () => {},
      listHiddenIds: async () => [],
      findNoticeHeadline: async () => null,
      recordClockEvents: async () => false,
      findKeys: async () => new Map(),
    },
    vulnerabilities: {
      assertVisible: async () => {},
      listHiddenIds: async () => [],
      findNoticeHeadline: async () => null,
      recordClockEvents: async () => false,
      findKeys: async () => new Map(),
    },
    programme: { recordClockEvents: async () => {} },
    followUps: { recordClockEvents: async () => false, findNoticeHeadline: async () => null },
    notices: { tellPerson: async () => {}, tellDeadlineStep: async () => {} },
  });
}

/** Peak and current resident memory of this process, from /proc (Linux). */
function residentMemory(): { rss: number; peak: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1]) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** The scheduler's own process: opens the database the parent filled (its environment) and
 * fires the deadlines due in the hour after the overdue ones, then says its memory. */
async function schedulerProcess(): Promise<void> {
  const config = loadConfig(process.env);
  const handle = await createDatabase(config);
  try {
    const clock = new FakeClock(TICK_AT);
    const deadlines = benchDeadlines(handle, config, clock);
    const idle = residentMemory();
    const scheduler = new Scheduler({ deadlines, clock, workerId: 'bench-process' });
    const fired = await scheduler.tick(TICK_AT);
    const after = residentMemory();
    console.log(JSON.stringify({ idle: idle.rss, rss: after.rss, peak: after.peak, fired }));
  } finally {
    await handle.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await schedulerProcess();

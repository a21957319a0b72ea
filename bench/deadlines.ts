// Scheduler bench: N pending deadlines (default 1,000,000) spread over 30 days in one SQLite
// database (Stopline's own migrations and driver). Measures how long the scheduler's query takes
// to find the due rows, beside a bare indexed range query on the same table as the reference;
// then one tick firing the due rows; the database size on disk; the process memory.
//
//   node --import tsx bench/deadlines.ts [--rows 1000000] [--due 200] [--repeat 50]
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Insertable } from 'kysely';
import type { DeadlinesTable } from '../src/server/db/schema.ts';
import { FakeClock } from '../src/server/clock.ts';
import { loadConfig } from '../src/server/config.ts';
import { createDatabase } from '../src/server/db/database.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import { createDeadlinesService } from '../src/server/domain/clocks/index.ts';
import { loadPolicyFile } from '../src/server/domain/policy/index.ts';
import { Scheduler } from '../src/server/workers/scheduler.ts';
import { BUNDLED_POLICY } from '../src/server/config.ts';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const ROWS = option('rows', 1_000_000);
const DUE = option('due', 200);
const REPEAT = option('repeat', 50);
const START = Date.parse('2026-06-01T00:00:00Z');
const SPAN = 30 * 24 * 3_600_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'stopline-bench-deadlines-'));
  const config = loadConfig({ STOPLINE_DATA_DIR: dir, STOPLINE_LOG_LEVEL: 'silent' });
  const handle = await createDatabase(config);
  try {
    await migrateToLatest(handle.db, handle.dialect, config.pgSchema);
    const db = handle.db;
    const rssBefore = process.memoryUsage().rss;
    const insertStarted = performance.now();
    // The first DUE rows are due at the start (overdue at `now`); the rest spread over 30 days.
    for (let i = 0; i < ROWS; i += 1_000) {
      const values: Insertable<DeadlinesTable>[] = [];
      for (let j = i; j < Math.min(ROWS, i + 1_000); j++) {
        const due =
          j < DUE
            ? START - 1_000 + j
            : START + 60_000 + Math.floor((j * 7919) % ROWS) * (SPAN / ROWS);
        values.push({
          id: `dl-${String(j).padStart(8, '0')}`,
          subject_type: 'incident',
          subject_id: `incident-${j % 5_000}`,
          kind: 'task_due',
          ref: String(j),
          status: 'pending',
          started_at: due - 3_600_000,
          due_at: Math.floor(due),
          stage: 0,
          next_fire_at: Math.floor(due),
          paused_at: null,
          responsible_id: null,
          satisfied_by_json: '[]',
          met_at: null,
          met_by: null,
          met_reason: null,
          breached_at: null,
          claimed_by: null,
          claimed_until: null,
          created_at: START,
          updated_at: START,
        });
      }
      await db.transaction().execute((tx) => tx.insertInto('deadlines').values(values).execute());
    }
    const insertMs = performance.now() - insertStarted;

    const policy = loadPolicyFile(BUNDLED_POLICY);
    policy.policy.clocks.remindAt = [];
    const clock = new FakeClock(START);
    const deadlines = createDeadlinesService({
      db,
      dialect: handle.dialect,
      clock,
      policy: () => policy.policy,
      listUsers: async () => [],
      incidents: {
        findVisible: async () => ({ id: '' }),
        findPolicy: async () => null,
        listHiddenIds: async () => [],
      },
    });

    const now = START;
    const scheduler: number[] = [];
    const bare: number[] = [];
    for (let r = 0; r < REPEAT; r++) {
      let t = performance.now();
      const found = await deadlines.findDueIds(now, DUE);
      scheduler.push(performance.now() - t);
      if (found.length !== DUE) throw new Error(`found ${found.length}, expected ${DUE}`);
      t = performance.now();
      const rows = await sql<{ id: string }>`
        select id from deadlines where status = 'pending' and next_fire_at <= ${now}
        order by next_fire_at limit ${DUE}`.execute(db);
      bare.push(performance.now() - t);
      if (rows.rows.length !== DUE) throw new Error('bare query found a different count');
    }
    const plan = await sql<Record<string, unknown>>`
      explain query plan select id from deadlines where status = 'pending'
      and next_fire_at <= ${now} and (claimed_until is null or claimed_until < ${now})
      order by next_fire_at, id limit ${DUE}`.execute(db);

    const s = new Scheduler({ deadlines, clock, workerId: 'bench' });
    const tickStarted = performance.now();
    const fired = await s.tick(now);
    const tickMs = performance.now() - tickStarted;

    const files = readdirSync(dir).filter((f) => f.endsWith('.db') || f.includes('.db-'));
    const size = files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    const memory = process.memoryUsage();
    console.log(`deadlines bench (SQLite, ${ROWS.toLocaleString('en')} pending rows)`);
    console.log(`  insert: ${(insertMs / 1000).toFixed(1)} s`);
    console.log(
      `  find ${DUE} due rows, median of ${REPEAT}: scheduler query ${median(scheduler).toFixed(2)} ms, bare indexed range query ${median(bare).toFixed(2)} ms`,
    );
    console.log(`  query plan: ${plan.rows.map((r) => String(r['detail'])).join(' | ')}`);
    console.log(`  one tick firing ${fired} overdue rows: ${tickMs.toFixed(0)} ms`);
    console.log(`  database on disk: ${mb(size)} (${files.join(', ')})`);
    console.log(
      `  process memory: rss ${mb(memory.rss)} (before insert ${mb(rssBefore)}), heap used ${mb(memory.heapUsed)}`,
    );
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

// Scheduler bench: N pending deadlines (default 1,000,000) spread over 30 days in one database
// (Stopline's own migrations and driver), SQLite or PostgreSQL. Measures how long the
// scheduler's query takes to find the due rows, beside a bare indexed range query on the same
// table as the reference; the claim of a batch (compare-and-set per row on SQLite, one
// FOR UPDATE SKIP LOCKED statement on PostgreSQL); one tick firing the due rows; the size of the
// table on disk; the process memory; and the memory of a scheduler's own process (a fresh Node.js
// process that opens the filled database and fires the next hour's deadlines, as `stopline serve`'s
// scheduler would), apart from this process, which holds the fill's garbage: twice in the same
// run, as Stopline ran before (TypeScript compiled in the process by tsx) and as it runs now (built
// JavaScript, bin/build.mjs's bundling, plain Node.js: what `npm start` runs).
//
//   node --import tsx bench/deadlines.ts [--database sqlite|postgres] [--rows 1000000] [--due 200]
//     [--repeat 50]    PostgreSQL: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql, type Insertable, type Selectable } from 'kysely';
import pg from 'pg';
import type { Db, DeadlinesTable, Executor } from '../src/server/db/schema.ts';
import { FakeClock } from '../src/server/clock.ts';
import { loadConfig } from '../src/server/config.ts';
import { createDatabase } from '../src/server/db/database.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import { claimDue } from '../src/server/domain/clocks/deadline-repository.ts';
import { Scheduler } from '../src/server/workers/scheduler.ts';
import { bundleModule } from '../bin/build.mjs';
import { START, TICK_AT, benchDeadlines } from './deadlines-scheduler.ts';

const { values: args } = parseArgs({
  options: {
    database: { type: 'string', default: 'sqlite' },
    rows: { type: 'string', default: '1000000' },
    due: { type: 'string', default: '200' },
    repeat: { type: 'string', default: '50' },
  },
});
const POSTGRES = args.database === 'postgres';
if (!POSTGRES && args.database !== 'sqlite') throw new Error('--database is sqlite or postgres');
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROWS = Number(args.rows);
const DUE = Number(args.due);
const REPEAT = Number(args.repeat);
const SPAN = 30 * 24 * 3_600_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Pending rows; the first DUE are overdue at START, the rest spread over 30 days. */
async function fill(db: Db): Promise<number> {
  const started = performance.now();
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
        severity: 'P2',
        created_at: START,
        updated_at: START,
      });
    }
    await db.transaction().execute((tx) => tx.insertInto('deadlines').values(values).execute());
  }
  return performance.now() - started;
}

/** Rolls a transaction back after `run`: a claim can be timed again and again on the same rows. */
class Rollback extends Error {}
async function inRolledBack(db: Db, run: (tx: Executor) => Promise<unknown>): Promise<void> {
  await db
    .transaction()
    .execute(async (tx) => {
      await run(tx);
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
}

const SCHEDULER = 'bench/deadlines-scheduler.ts';
const BUILT_SCHEDULER = 'dist/bench/deadlines-scheduler.mjs';
const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The pending rows the scheduler's own process fires, to put back after one such process so
 * the next does the same work on the same rows. */
async function dueAtTick(db: Db): Promise<Selectable<DeadlinesTable>[]> {
  return db
    .selectFrom('deadlines')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_fire_at', '<=', TICK_AT)
    .execute();
}
async function putBack(db: Db, rows: Selectable<DeadlinesTable>[]): Promise<void> {
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < rows.length; i += 1_000) {
      const page = rows.slice(i, i + 1_000);
      await tx
        .deleteFrom('deadlines')
        .where(
          'id',
          'in',
          page.map((r) => r.id),
        )
        .execute();
      await tx.insertInto('deadlines').values(page).execute();
    }
  });
}

/** Runs the scheduler's own process (bench/deadlines-scheduler.ts) in a fresh Node.js process:
 * through tsx as this process runs (Stopline before its build), or `built` as `npm start` builds
 * the server (bin/build.mjs's bundling), with plain Node.js. */
async function runSchedulerProcess(env: Record<string, string>, built: boolean) {
  if (built) await bundleModule(ROOT, SCHEDULER, BUILT_SCHEDULER);
  const program = built
    ? [join(ROOT, BUILT_SCHEDULER)]
    : [...process.execArgv, join(ROOT, SCHEDULER)];
  const out = execFileSync(process.execPath, program, {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as {
    idle: number;
    rss: number;
    peak: number;
    fired: number;
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'stopline-bench-deadlines-'));
  const schema = `stopline_bench_deadlines_${process.pid}`;
  const env: Record<string, string> = { STOPLINE_DATA_DIR: dir, STOPLINE_LOG_LEVEL: 'silent' };
  if (POSTGRES) {
    const host = new URL(PG_URL).hostname;
    if (!['localhost', '127.0.0.1', '[::1]', ''].includes(host)) {
      throw new Error(`refusing a database that is not on this machine: ${host}`);
    }
    Object.assign(env, { DATABASE_URL: PG_URL, STOPLINE_PG_SCHEMA: schema });
  }
  const config = loadConfig(env);
  const handle = await createDatabase(config);
  try {
    await migrateToLatest(handle.db, handle.dialect, config.pgSchema);
    const db = handle.db;
    const rssBefore = process.memoryUsage().rss;
    const insertMs = await fill(db);
    if (POSTGRES) await sql`analyze deadlines`.execute(db);

    const clock = new FakeClock(START);
    const deadlines = benchDeadlines(handle, config, clock);

    const now = START;
    const scheduler: number[] = [];
    const bare: number[] = [];
    const claim: number[] = [];
    for (let r = 0; r < REPEAT; r++) {
      let found = 0;
      scheduler.push(
        await timed(async () => (found = (await deadlines.findDueIds(now, DUE)).length)),
      );
      if (found !== DUE) throw new Error(`found ${found}, expected ${DUE}`);
      let rows = 0;
      bare.push(
        await timed(async () => {
          const result = await sql<{ id: string }>`
            select id from deadlines where status = 'pending' and next_fire_at <= ${now}
            order by next_fire_at limit ${DUE}`.execute(db);
          rows = result.rows.length;
        }),
      );
      if (rows !== DUE) throw new Error('bare query found a different count');
      let claimed = 0;
      claim.push(
        await timed(() =>
          inRolledBack(db, async (tx) => {
            const lease = { worker: 'bench', now, lease: 60_000, limit: DUE };
            claimed = (await claimDue(tx, handle.dialect, lease)).claimed.length;
          }),
        ),
      );
      if (claimed !== DUE) throw new Error(`claimed ${claimed}, expected ${DUE}`);
    }
    const plan = POSTGRES
      ? await sql<{ 'QUERY PLAN': string }>`
          explain select id from deadlines where status = 'pending'
          and next_fire_at <= ${now} and (claimed_until is null or claimed_until < ${now})
          order by next_fire_at, id limit ${DUE} for update skip locked`.execute(db)
      : await sql<Record<string, unknown>>`
          explain query plan select id from deadlines where status = 'pending'
          and next_fire_at <= ${now} and (claimed_until is null or claimed_until < ${now})
          order by next_fire_at, id limit ${DUE}`.execute(db);
    const planText = plan.rows
      .map((r) =>
        String(POSTGRES ? r['QUERY PLAN' as keyof typeof r] : r['detail' as keyof typeof r]),
      )
      .join(' | ');

    const s = new Scheduler({ deadlines, clock, workerId: 'bench' });
    let fired = 0;
    const tickMs = await timed(async () => (fired = await s.tick(now)));

    let size: string;
    if (POSTGRES) {
      const bytes = await sql<{ n: string }>`
        select pg_total_relation_size('deadlines')::text as n`.execute(db);
      size = `${mb(Number(bytes.rows[0]!.n))} (table deadlines with its indexes)`;
    } else {
      const files = readdirSync(dir).filter((f) => f.endsWith('.db') || f.includes('.db-'));
      const total = files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
      size = `${mb(total)} (${files.join(', ')})`;
    }
    const memory = process.memoryUsage();
    // The same work for each: the next hour's deadlines, put back after the first.
    const due = await dueAtTick(db);
    const underTsx = await runSchedulerProcess(env, false);
    await putBack(db, due);
    const built = await runSchedulerProcess(env, true);
    const name = POSTGRES ? 'PostgreSQL' : 'SQLite';
    console.log(`deadlines bench (${name}, ${ROWS.toLocaleString('en')} pending rows)`);
    console.log(`  insert: ${(insertMs / 1000).toFixed(1)} s`);
    console.log(
      `  find ${DUE} due rows, median of ${REPEAT}: scheduler query ${median(scheduler).toFixed(2)} ms, bare indexed range query ${median(bare).toFixed(2)} ms`,
    );
    console.log(
      `  claim ${DUE} due rows (${POSTGRES ? 'one FOR UPDATE SKIP LOCKED update' : 'compare-and-set per row'}, in a transaction rolled back), median of ${REPEAT}: ${median(claim).toFixed(2)} ms`,
    );
    console.log(`  query plan: ${planText}`);
    console.log(`  one tick firing ${fired} overdue rows: ${tickMs.toFixed(0)} ms`);
    console.log(`  on disk: ${size}`);
    console.log(
      `  process memory: rss ${mb(memory.rss)} (before insert ${mb(rssBefore)}), heap used ${mb(memory.heapUsed)}`,
    );
    console.log(
      `  the scheduler's own process (a fresh one on this database, firing an hour's deadlines):`,
    );
    for (const [how, own] of [
      ['before: TypeScript through tsx', underTsx],
      ['now: built JavaScript, plain Node.js', built],
    ] as const)
      console.log(
        `    ${how}: rss ${mb(own.idle)} before its tick, ${mb(own.rss)} after (fired ${own.fired}), peak ${mb(own.peak)}`,
      );
    console.log(
      `    built / tsx: rss after its tick ${(built.rss / underTsx.rss).toFixed(2)} (${mb(built.rss - underTsx.rss)}), peak ${(built.peak / underTsx.peak).toFixed(2)} (${mb(built.peak - underTsx.peak)})`,
    );
  } finally {
    await handle.close();
    if (POSTGRES) {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

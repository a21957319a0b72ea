// Benchmark: how fast Stopline appends events (appendEvents inside db.transaction(), one event
// per transaction and in batches) on SQLite and PostgreSQL, beside the reference: a bare INSERT of
// the same rows through the same driver. Local databases only; every database it makes is removed.
// Run: npm run bench [-- --single 2000 --batched 20000 --batch-size 100 --pg-url postgres://...]
// --before REV also appends with the code of an earlier commit, in the same interleaved rounds.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { loadConfig, type Config } from '../src/server/config.ts';
import { createDatabase } from '../src/server/db/database.ts';
import { appendEvents, eventHash } from '../src/server/db/event-store.ts';
import { GENESIS_HASH, canonicalJson } from '../src/server/db/hash-chain.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import { newId } from '../src/server/ids.ts';
import { openPostgresWriter, openSqliteWriter } from './bare-insert.ts';
import { checkoutBefore, type BeforeTree } from './before-tree.ts';
import {
  measureDatabase,
  type Figures,
  type StoplineCode,
  type Target,
  type Workload,
} from './event-append-rounds.ts';
import { planAppends, type PlannedAppend } from './event-append-workload.ts';

const { values: args } = parseArgs({
  options: {
    single: { type: 'string', default: '2000' },
    batched: { type: 'string', default: '20000' },
    'batch-size': { type: 'string', default: '100' },
    warmup: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '10' },
    before: { type: 'string' },
    'pg-url': {
      type: 'string',
      default: process.env.STOPLINE_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
  },
});
function count(name: keyof typeof args): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} must be a whole number > 0`);
  return value;
}
const SINGLE = count('single');
const BATCHED = count('batched');
const BATCH_SIZE = count('batch-size');
const WARMUP = count('warmup');
const ROUNDS = count('rounds');
const PG_URL = args['pg-url'];

async function codeAt(tree: BeforeTree): Promise<StoplineCode> {
  const database = await tree.load<{ createDatabase: StoplineCode['createDatabase'] }>(
    'src/server/db/database.ts',
  );
  const migrate = await tree.load<{ migrateToLatest: StoplineCode['migrateToLatest'] }>(
    'src/server/db/migrate.ts',
  );
  const store = await tree.load<{ appendEvents: StoplineCode['appendEvents'] }>(
    'src/server/db/event-store.ts',
  );
  return {
    createDatabase: database.createDatabase,
    migrateToLatest: migrate.migrateToLatest,
    appendEvents: store.appendEvents,
  };
}

function sqliteTarget(dir: string): Target {
  const config = loadConfig({ STOPLINE_DATA_DIR: dir, STOPLINE_LOG_LEVEL: 'silent' });
  const pathOf = (label: string) => join(dir, `${label}.db`);
  return {
    dialect: 'sqlite',
    async open(label, code) {
      const handle = await code.createDatabase({ ...config, sqlitePath: pathOf(label) });
      await code.migrateToLatest(handle.db, handle.dialect);
      return handle;
    },
    openWriter: async (label) => openSqliteWriter(pathOf(label)),
    dropAll: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresTarget(url: string): Target {
  const prefix = `stopline_bench_${process.pid}`;
  const schemaOf = (label: string) => `${prefix}_${label}`;
  const made: string[] = [];
  const configOf = (label: string): Config =>
    loadConfig({
      DATABASE_URL: url,
      STOPLINE_PG_SCHEMA: schemaOf(label),
      STOPLINE_PG_POOL_SIZE: '2',
    });
  return {
    dialect: 'postgres',
    async open(label, code) {
      const config = configOf(label);
      made.push(config.pgSchema);
      const handle = await code.createDatabase(config);
      await code.migrateToLatest(handle.db, handle.dialect, config.pgSchema);
      return handle;
    },
    openWriter: (label) => openPostgresWriter(url, schemaOf(label)),
    async dropAll() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      for (const schema of made) await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

/** Only a database on this machine: the benchmark writes tens of thousands of rows. */
function isLocal(url: string): boolean {
  const parsed = new URL(url);
  if (['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname)) return true;
  return parsed.hostname === '' && (parsed.searchParams.get('host') ?? '').startsWith('/');
}

/** The server's version and durability settings, or why PostgreSQL is skipped. */
async function probePostgres(url: string): Promise<{ version: string } | { skip: string }> {
  if (!isLocal(url)) return { skip: `${new URL(url).host} is not a local database` };
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ name: string; setting: string }>(
      `select name, setting from pg_settings
        where name in ('server_version', 'fsync', 'synchronous_commit') order by name`,
    );
    const settings = Object.fromEntries(rows.map((r) => [r.name, r.setting]));
    return {
      version: `${settings.server_version} (fsync=${settings.fsync}, synchronous_commit=${settings.synchronous_commit})`,
    };
  } catch (error) {
    return { skip: `not reachable at ${new URL(url).host} (${(error as Error).message})` };
  } finally {
    await client.end().catch(() => {});
  }
}

/** The CPU appendEvents spends per event before any SQL: an id, canonical JSON and SHA-256. */
function hashingMicroseconds(plan: PlannedAppend[]): number {
  hashAll(plan); // warm-up: let the JIT compile canonicalize and the hashing path first
  const start = performance.now();
  const count = hashAll(plan);
  return ((performance.now() - start) * 1000) / count;
}

function hashAll(plan: PlannedAppend[]): number {
  let count = 0;
  for (const append of plan) {
    let prevHash = GENESIS_HASH;
    append.events.forEach((event, i) => {
      const fields = {
        id: newId(),
        stream_id: append.streamId,
        seq: append.expectedVersion + i + 1,
        type: event.type,
        at: append.at,
        actor_id: event.actorId,
        visibility: event.visibility,
        data_json: canonicalJson(event.data),
      };
      prevHash = eventHash(prevHash, fields);
      count++;
    });
  }
  return count;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

const rate = (events: number, seconds: number) => Math.round(events / seconds).toLocaleString('en');
const micros = (events: number, seconds: number) => ((seconds * 1e6) / events).toFixed(0);

async function main(): Promise<void> {
  const start = Date.now();
  const t0 = Date.UTC(2026, 10, 25);
  const workload: Workload = {
    warmup: planAppends(WARMUP, 1, t0),
    single: planAppends(SINGLE, 1, t0 + 1e7),
    batched: planAppends(BATCHED, BATCH_SIZE, t0 + 2e7),
  };
  const sqliteDir = mkdtempSync(join(tmpdir(), 'stopline-bench-'));
  const probe = await probePostgres(PG_URL);
  const memory = new SQLite(':memory:');
  const sqliteVersion = memory.prepare('select sqlite_version() as v').get() as { v: string };
  memory.close();
  console.log(`Stopline event-append benchmark, ${new Date(start).toISOString()}`);
  console.log(
    `Node ${process.version}; SQLite ${sqliteVersion.v} (WAL, synchronous=FULL, ${sqliteDir}); ` +
      `PostgreSQL ${'version' in probe ? probe.version : 'skipped'}`,
  );
  console.log(
    `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
  );
  console.log(
    `${SINGLE} single appends (1 event/transaction), ${BATCHED} batched (${BATCH_SIZE} events/transaction); ` +
      `${WARMUP} untimed warm-up appends; writers interleaved in ${ROUNDS} rounds per mode\n`,
  );
  if ('skip' in probe) console.log(`PostgreSQL skipped: ${probe.skip}\n`);
  const tree = args.before ? checkoutBefore(args.before) : null;
  if (tree) console.log(`before: Stopline at ${tree.commit}, in the same rounds\n`);
  const code: StoplineCode = { createDatabase, migrateToLatest, appendEvents };
  const beforeCode = tree ? await codeAt(tree) : null;

  const targets = [sqliteTarget(sqliteDir)];
  if ('version' in probe) targets.push(postgresTarget(PG_URL));
  const figures: Figures[] = [];
  for (const target of targets) {
    try {
      figures.push(...(await measureDatabase(target, workload, ROUNDS, code, beforeCode)));
    } finally {
      await target.dropAll();
    }
  }
  tree?.remove();

  printTable(
    ['database', 'mode', 'events', 'seconds', 'events/s', 'reference events/s', 'ratio'],
    figures.map((f) => [
      f.dialect,
      f.mode,
      String(f.events),
      f.stopline.toFixed(2),
      rate(f.events, f.stopline),
      rate(f.events, f.bare),
      (f.bare / f.stopline).toFixed(2),
    ]),
  );
  if (tree) {
    console.log(`\nBefore (Stopline at ${tree.commit}) and after, in the same rounds:`);
    printTable(
      ['database', 'mode', 'before events/s', 'after events/s', 'before ratio', 'after ratio'],
      figures.map((f) => [
        f.dialect,
        f.mode,
        rate(f.events, f.before!),
        rate(f.events, f.stopline),
        (f.bare / f.before!).toFixed(2),
        (f.bare / f.stopline).toFixed(2),
      ]),
    );
  }
  const hashing = hashingMicroseconds(planAppends(BATCHED, BATCH_SIZE, 0));
  console.log('\nWhere the time goes, microseconds per event:');
  printTable(
    ['database', 'mode', 'stopline', 'same SQL via driver', 'bare INSERT'],
    figures.map((f) => [
      f.dialect,
      f.mode,
      micros(f.events, f.stopline),
      micros(f.events, f.statements),
      micros(f.events, f.bare),
    ]),
  );
  console.log(`id + canonical JSON + SHA-256 alone (CPU, no database): ${hashing.toFixed(1)}`);
  console.log(`\ntotal ${((Date.now() - start) / 1000).toFixed(0)} s`);
}

await main();

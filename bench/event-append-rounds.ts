// Measures one database: Stopline's appends and the two driver-only writers, interleaved chunk by
// chunk so that a disk whose fsync latency drifts (common on virtual machines) slows all alike.
import type { createDatabase, DatabaseHandle } from '../src/server/db/database.ts';
import { EVENT_COLUMNS, type appendEvents } from '../src/server/db/event-store.ts';
import type { migrateToLatest } from '../src/server/db/migrate.ts';
import type { Db, Dialect } from '../src/server/db/schema.ts';
import type { RawWriter } from './bare-insert.ts';
import {
  recordAppends,
  type EventRow,
  type PlannedAppend,
  type RecordedAppend,
} from './event-append-workload.ts';

/** Stopline's code that opens, migrates and appends: this checkout's, or an earlier commit's. */
export interface StoplineCode {
  createDatabase: typeof createDatabase;
  migrateToLatest: typeof migrateToLatest;
  appendEvents: typeof appendEvents;
}

export interface Target {
  dialect: Dialect;
  /** A fresh database named by label, migrated by `code`. */
  open(label: string, code: StoplineCode): Promise<DatabaseHandle>;
  /** A driver-only writer on the database opened under label. */
  openWriter(label: string): Promise<RawWriter>;
  /** Removes every database opened. */
  dropAll(): Promise<void>;
}

export interface Workload {
  warmup: PlannedAppend[];
  single: PlannedAppend[];
  batched: PlannedAppend[];
}

export type Mode = 'single' | 'batched';

/** Seconds spent by each writer on one mode's events. */
export interface Figures {
  dialect: Dialect;
  mode: Mode;
  events: number;
  stopline: number;
  /** Stopline at the earlier commit (`--before`), or null when not measured. */
  before: number | null;
  statements: number;
  bare: number;
}

interface StoplineWriter {
  handle: DatabaseHandle;
  code: StoplineCode;
}

interface Writers {
  stopline: StoplineWriter;
  before: StoplineWriter | null;
  bare: RawWriter;
  statements: RawWriter;
}

const STORED_COLUMNS = [...EVENT_COLUMNS, 'position'] as const;

async function timed(work: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

async function appendAll(writer: StoplineWriter, plan: PlannedAppend[]): Promise<void> {
  for (const append of plan) {
    await writer.handle.db
      .transaction()
      .execute((tx) => writer.code.appendEvents(tx, { ...append, streamType: 'incident' }));
  }
}

async function writeAll(
  appends: RecordedAppend[],
  write: (append: RecordedAppend) => Promise<void>,
): Promise<void> {
  for (const append of appends) await write(append);
}

/** The bare INSERT needs the streams its events point at; they are created untimed, up front. */
async function createStreams(db: Db, workload: Workload): Promise<void> {
  const ids = [
    ...new Set(
      [...workload.warmup, ...workload.single, ...workload.batched].map((a) => a.streamId),
    ),
  ];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = ids.slice(i, i + 500).map((id) => ({
      id,
      type: 'incident',
      version: 0,
      head_hash: '',
      created_at: 0,
      updated_at: 0,
    }));
    await db.insertInto('streams').values(rows).execute();
  }
}

/**
 * Runs one chunk through every writer: Stopline first (its stored rows, hashes included, are what
 * the driver-only writers then write), Stopline at the earlier commit, then the bare INSERT, then
 * the same SQL by hand.
 */
async function runChunk(writers: Writers, chunk: PlannedAppend[], afterPosition: number) {
  const stopline = await timed(() => appendAll(writers.stopline, chunk));
  const { before } = writers;
  const beforeSeconds = before ? await timed(() => appendAll(before, chunk)) : null;
  const stored = await writers.stopline.handle.db
    .selectFrom('events')
    .select(STORED_COLUMNS)
    .where('position', '>', afterPosition)
    .orderBy('position')
    .execute();
  const rows: EventRow[] = stored.map(({ position: _, ...row }) => row);
  const recorded = recordAppends(chunk, rows);
  const bare = await timed(() => writeAll(recorded, (a) => writers.bare.bareInsert(a.rows)));
  const statements = await timed(() =>
    writeAll(recorded, (a) => writers.statements.appendWithStream(a)),
  );
  const lastPosition = Number(stored[stored.length - 1]?.position ?? afterPosition);
  return { stopline, before: beforeSeconds, bare, statements, lastPosition };
}

async function openWriters(
  target: Target,
  workload: Workload,
  code: StoplineCode,
  beforeCode: StoplineCode | null,
): Promise<Writers> {
  const stopline = { handle: await target.open('stopline', code), code };
  const before = beforeCode && {
    handle: await target.open('before', beforeCode),
    code: beforeCode,
  };
  const reference = await target.open('reference', code);
  await createStreams(reference.db, workload);
  await reference.close();
  await (await target.open('statements', code)).close();
  return {
    stopline,
    before,
    bare: await target.openWriter('reference'),
    statements: await target.openWriter('statements'),
  };
}

export async function measureDatabase(
  target: Target,
  workload: Workload,
  rounds: number,
  code: StoplineCode,
  beforeCode: StoplineCode | null,
): Promise<Figures[]> {
  const writers = await openWriters(target, workload, code, beforeCode);
  try {
    let position = (await runChunk(writers, workload.warmup, 0)).lastPosition;
    const figures: Figures[] = [];
    for (const mode of ['single', 'batched'] as const) {
      const plan = workload[mode];
      const total: Figures = {
        dialect: target.dialect,
        mode,
        events: 0,
        stopline: 0,
        before: beforeCode ? 0 : null,
        bare: 0,
        statements: 0,
      };
      const chunkSize = Math.ceil(plan.length / rounds);
      for (let start = 0; start < plan.length; start += chunkSize) {
        const chunk = plan.slice(start, start + chunkSize);
        const seconds = await runChunk(writers, chunk, position);
        position = seconds.lastPosition;
        total.events += chunk.reduce((n, append) => n + append.events.length, 0);
        total.stopline += seconds.stopline;
        if (total.before !== null) total.before += seconds.before ?? 0;
        total.bare += seconds.bare;
        total.statements += seconds.statements;
      }
      figures.push(total);
    }
    return figures;
  } finally {
    await writers.stopline.handle.close();
    await writers.before?.handle.close();
    await writers.bare.close();
    await writers.statements.close();
  }
}

// The references for the event-append benchmark: the same rows (hashes precomputed) written
// straight through the driver, with no Kysely, no hashing and no canonical JSON.
//   bareInsert: only the INSERT of the event rows, one transaction per call.
//   appendWithStream: the statements appendEvents issues (take the ledger's numbers, read the
//   stream, create it or compare-and-set its version, insert the rows and their ledger entries,
//   move the ledger head), hand-written; separates the SQL's cost from the rest. Its only
//   JavaScript is the ledger's hashes (SHA-256 of a short line, under 1 µs an entry).
import type SQLite from 'better-sqlite3';
import pg from 'pg';
import { openSqlite } from '../src/server/db/database.ts';
import { EVENT_COLUMNS } from '../src/server/db/event-store.ts';
import {
  LEDGER_COLUMNS,
  numberEntries,
  type ReservedHead,
} from '../src/server/db/global-ledger.ts';
import type { EventRow, RecordedAppend } from './event-append-workload.ts';

export interface RawWriter {
  bareInsert(rows: EventRow[]): Promise<void>;
  appendWithStream(append: RecordedAppend): Promise<void>;
  close(): Promise<void>;
}

const STREAM_TYPE = 'incident';

function rowValues(row: EventRow): unknown[] {
  return EVENT_COLUMNS.map((column) => row[column]);
}

function streamAfter(append: RecordedAppend) {
  const last = append.rows[append.rows.length - 1]!;
  return { version: append.expectedVersion + append.rows.length, headHash: last.hash };
}

/** The ledger rows of an append's events, numbered after the head its reservation returned. */
function ledgerRows(append: RecordedAppend, head: ReservedHead) {
  return numberEntries(
    head,
    append.rows.length,
    append.rows.map((row) => ({
      kind: 'event' as const,
      refId: row.id,
      streamId: row.stream_id,
      entryHash: row.hash,
    })),
  );
}

const lostRace = (append: RecordedAppend) =>
  new Error(`stream ${append.streamId} is not at version ${append.expectedVersion}`);

/** better-sqlite3 prepared statements on a connection opened with Stopline's own pragmas. */
export function openSqliteWriter(path: string): RawWriter {
  const sqlite: SQLite.Database = openSqlite(path);
  const insertEvent = sqlite.prepare(
    `insert into events (${EVENT_COLUMNS.join(', ')}) values (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
  );
  const selectStream = sqlite.prepare('select version, head_hash, type from streams where id = ?');
  const insertStream = sqlite.prepare(
    'insert into streams (id, type, version, head_hash, created_at, updated_at) values (?, ?, ?, ?, ?, ?)',
  );
  const updateStream = sqlite.prepare(
    'update streams set version = ?, head_hash = ?, updated_at = ? where id = ? and version = ?',
  );
  const reserve = sqlite.prepare(
    'update ledger_head set seq = seq + ? where id = 1 returning seq, head_hash',
  );
  const insertEntry = sqlite.prepare(
    `insert into ledger (${LEDGER_COLUMNS.join(', ')}) values (${LEDGER_COLUMNS.map(() => '?').join(', ')})`,
  );
  const moveHead = sqlite.prepare('update ledger_head set head_hash = ? where id = 1');
  const insertRows = (rows: EventRow[]) => {
    for (const row of rows) insertEvent.run(rowValues(row));
  };
  const bare = sqlite.transaction(insertRows);
  const withStream = sqlite.transaction((append: RecordedAppend) => {
    const head = reserve.get(append.rows.length) as ReservedHead;
    const stream = selectStream.get(append.streamId) as { version: number } | undefined;
    if ((stream?.version ?? 0) !== append.expectedVersion) throw lostRace(append);
    const after = streamAfter(append);
    if (!stream) {
      const { streamId, at } = append;
      insertStream.run(streamId, STREAM_TYPE, after.version, after.headHash, at, at);
    } else {
      const { changes } = updateStream.run(
        after.version,
        after.headHash,
        append.at,
        append.streamId,
        append.expectedVersion,
      );
      if (changes !== 1) throw lostRace(append);
    }
    insertRows(append.rows);
    const ledger = ledgerRows(append, head);
    for (const entry of ledger.rows) insertEntry.run(LEDGER_COLUMNS.map((c) => entry[c]));
    moveHead.run(ledger.headHash);
  });
  return {
    async bareInsert(rows) {
      bare(rows);
    },
    async appendWithStream(append) {
      withStream(append);
    },
    async close() {
      sqlite.close();
    },
  };
}

/**
 * PostgreSQL's append as Stopline sends it (db/event-store.ts): one statement takes the ledger's
 * numbers and reads the stream, one writes the stream, the rows, their ledger entries, the head
 * and the live stream's NOTIFY; both prepared once on the connection.
 */
const OPEN_TEXT = `
  with head as (update ledger_head set seq = seq + $1 where id = 1 returning seq, head_hash)
  select head.seq, head.head_hash, streams.version
    from head left join streams on streams.id = $2`;

const EVENT_TYPES = [
  'text',
  'text',
  'bigint',
  'text',
  'bigint',
  'text',
  'text',
  'text',
  'text',
  'text',
];
const LEDGER_TYPES = ['bigint', 'text', 'text', 'text', 'text', 'text', 'text'];
const arrays = (types: string[], from: number) =>
  types.map((type, i) => `$${from + i}::${type}[]`).join(', ');

const writeText = (create: boolean) => {
  const move = create
    ? `insert into streams (id, type, version, head_hash, created_at, updated_at)
         values ($1, $5, $2, $3, $4, $4) returning id`
    : `update streams set version = $2, head_hash = $3, updated_at = $4
         where id = $1 and version = $5 returning id`;
  const ledgerFrom = 6 + EVENT_TYPES.length;
  return `
  with moved as (${move}),
  appended as (
    insert into events (${EVENT_COLUMNS.join(', ')})
    select * from unnest(${arrays(EVENT_TYPES, 6)}) returning position),
  numbered as (
    insert into ledger (${LEDGER_COLUMNS.join(', ')})
    select * from unnest(${arrays(LEDGER_TYPES, ledgerFrom)})),
  head as (update ledger_head set head_hash = $${ledgerFrom + LEDGER_TYPES.length} where id = 1),
  notices as (
    select json_build_object('positions', json_agg(position order by position))::text as notice
      from (select position, (row_number() over (order by position) - 1) / 200 as part
              from appended) parts
     group by part)
  select (select count(*) from moved)::int as moved,
         pg_notify('stopline_live_' || left(md5(current_schema()), 16), notices.notice)::text
    from notices`;
};

/** One pg connection; batches go in one multi-row INSERT, as Kysely sends them. */
export async function openPostgresWriter(url: string, schema: string): Promise<RawWriter> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  const insertTexts = new Map<number, string>();
  const insertText = (count: number) => {
    let text = insertTexts.get(count);
    if (!text) {
      const tuples = Array.from({ length: count }, (_, r) => {
        const params = EVENT_COLUMNS.map((_, c) => `$${r * EVENT_COLUMNS.length + c + 1}`);
        return `(${params.join(', ')})`;
      });
      text = `insert into events (${EVENT_COLUMNS.join(', ')}) values ${tuples.join(', ')}`;
      insertTexts.set(count, text);
    }
    return text;
  };
  const insertRows = (rows: EventRow[]) =>
    client.query(insertText(rows.length), rows.flatMap(rowValues));
  const inTransaction = async (work: () => Promise<void>) => {
    await client.query('begin');
    try {
      await work();
      await client.query('commit');
    } catch (error) {
      await client.query('rollback');
      throw error;
    }
  };
  return {
    bareInsert: (rows) => inTransaction(async () => void (await insertRows(rows))),
    appendWithStream: (append) =>
      inTransaction(async () => {
        const opened = await client.query<ReservedHead & { version: number | null }>({
          name: 'bench_open',
          text: OPEN_TEXT,
          values: [append.rows.length, append.streamId],
        });
        const found = opened.rows[0]!;
        if ((found.version === null ? 0 : Number(found.version)) !== append.expectedVersion)
          throw lostRace(append);
        const after = streamAfter(append);
        const ledger = ledgerRows(append, found);
        const column = <K extends keyof EventRow>(key: K) => append.rows.map((row) => row[key]);
        const entry = (key: (typeof LEDGER_COLUMNS)[number]) => ledger.rows.map((row) => row[key]);
        const created = found.version === null;
        const { rows } = await client.query<{ moved: number }>({
          name: created ? 'bench_create' : 'bench_move',
          text: writeText(created),
          values: [
            append.streamId,
            after.version,
            after.headHash,
            append.at,
            created ? STREAM_TYPE : append.expectedVersion,
            ...EVENT_COLUMNS.map(column),
            ...LEDGER_COLUMNS.map(entry),
            ledger.headHash,
          ],
        });
        if (rows[0]?.moved !== 1) throw lostRace(append);
      }),
    close: () => client.end(),
  };
}

// The references for the event-append benchmark: the same rows (hashes precomputed) written
// straight through the driver, with no Kysely, no hashing and no canonical JSON.
//   bareInsert: only the INSERT of the event rows, one transaction per call.
//   appendWithStream: the statements appendEvents issues (read the stream, create it or
//   compare-and-set its version, insert the rows), hand-written; separates SQL from the rest.
import type SQLite from 'better-sqlite3';
import pg from 'pg';
import { openSqlite } from '../src/server/db/database.ts';
import { EVENT_COLUMNS } from '../src/server/db/event-store.ts';
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
  const insertRows = (rows: EventRow[]) => {
    for (const row of rows) insertEvent.run(rowValues(row));
  };
  const bare = sqlite.transaction(insertRows);
  const withStream = sqlite.transaction((append: RecordedAppend) => {
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
        const { rows } = await client.query<{ version: number }>(
          'select version, head_hash, type from streams where id = $1',
          [append.streamId],
        );
        const stream = rows[0];
        if ((stream?.version ?? 0) !== append.expectedVersion) throw lostRace(append);
        const after = streamAfter(append);
        if (!stream) {
          await client.query(
            'insert into streams (id, type, version, head_hash, created_at, updated_at) values ($1, $2, $3, $4, $5, $6)',
            [append.streamId, STREAM_TYPE, after.version, after.headHash, append.at, append.at],
          );
        } else {
          const result = await client.query(
            'update streams set version = $1, head_hash = $2, updated_at = $3 where id = $4 and version = $5',
            [after.version, after.headHash, append.at, append.streamId, append.expectedVersion],
          );
          if (result.rowCount !== 1) throw lostRace(append);
        }
        await insertRows(append.rows);
      }),
    close: () => client.end(),
  };
}

// The append-only event log: every change to a report or incident is an event in its stream.
// Appends run inside the caller's transaction (together with projections) and use optimistic
// concurrency: appending at a stale version throws CONFLICT and, with the transaction rolled
// back, nothing is half-written. Every append also tells the live stream (db/live-notices.ts),
// which learns of it only once the transaction commits.
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import { sql, type RawBuilder, type Selectable } from 'kysely';
import {
  numberEntries,
  reserveLedger,
  type LedgerEntry,
  type LedgerSlots,
  type ReservedHead,
} from './global-ledger.ts';
import { GENESIS_HASH, canonicalJson, chainHashOfText } from './hash-chain.ts';
import {
  announceAppended,
  channelOfCurrentSchema,
  isPostgres,
  parseAppendedNotice,
  POSITIONS_PER_NOTICE,
  type LoggedEvent,
} from './live-notices.ts';
import { onOneConnection, preparedQuery, standInRow } from './prepared-query.ts';
import type { Database, Executor, LedgerTable, Visibility } from './schema.ts';

export interface NewEvent {
  type: string;
  visibility: Visibility;
  actorId: string | null;
  data: Record<string, unknown>;
}

export interface StoredEvent extends NewEvent {
  id: string;
  streamId: string;
  seq: number;
  at: number;
  hash: string;
}

export interface AppendInput {
  streamId: string;
  /** Kind of subject, e.g. "incident"; fixed when the stream is created. */
  streamType: string;
  /** The version the caller loaded: 0 for a new stream. */
  expectedVersion: number;
  at: number;
  events: NewEvent[];
}

interface HashedFields {
  id: string;
  stream_id: string;
  seq: number;
  type: string;
  at: number;
  actor_id: string | null;
  visibility: Visibility;
  data_json: string;
}

/** What the hash covers: every column except the hashes themselves and the global position. */
export function eventHash(prevHash: string, row: HashedFields): string {
  return chainHashOfText(prevHash, eventRecordText(row));
}

/** The hashed record, keys in RFC 8785's order (UTF-16 code units): written out below. */
const hashedRecord = (row: HashedFields) => ({
  actor_id: row.actor_id,
  at: Number(row.at),
  data_json: row.data_json,
  id: row.id,
  seq: Number(row.seq),
  stream_id: row.stream_id,
  type: row.type,
  visibility: row.visibility,
});

/** A lone surrogate: RFC 8785 (and the canonicalize package) refuse a string holding one. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The RFC 8785 text of the hashed record, the same as `canonicalJson` gives for it
 * (test/event-hash.test.ts) but written out in its fixed key order: JCS writes strings
 * and numbers as JSON.stringify does, so only the walk and the key sorting are saved: about 3 of
 * the 9 µs an event's id, canonical data and hashes took (bench/README.md). Anything unusual (a value of another type, a lone
 * surrogate, a number that is not finite) goes the generic way, which answers or throws as before.
 */
export function eventRecordText(row: HashedFields): string {
  const record = hashedRecord(row);
  const strings = [record.data_json, record.id, record.stream_id, record.type, record.visibility];
  if (
    !strings.every((s) => typeof s === 'string' && !LONE_SURROGATE.test(s)) ||
    !(record.actor_id === null || typeof record.actor_id === 'string') ||
    (record.actor_id !== null && LONE_SURROGATE.test(record.actor_id)) ||
    !Number.isFinite(record.at) ||
    !Number.isFinite(record.seq)
  )
    return canonicalJson(record);
  const text = JSON.stringify;
  return (
    `{"actor_id":${text(record.actor_id)},"at":${text(record.at)},` +
    `"data_json":${text(record.data_json)},"id":${text(record.id)},"seq":${text(record.seq)},` +
    `"stream_id":${text(record.stream_id)},"type":${text(record.type)},` +
    `"visibility":${text(record.visibility)}}`
  );
}

const staleVersion = (streamId: string, expected: number, actual: number | undefined) =>
  new AppError(
    'CONFLICT',
    'This record was changed by someone else since you loaded it; reload and try again',
    { streamId, expectedVersion: expected, currentVersion: actual ?? 0 },
  );

type EventRow = HashedFields & { prev_hash: string; hash: string };

interface StreamHead {
  version: number;
  head_hash: string;
}

/** What an append writes once the stream's version is checked and the rows are hashed. */
interface AppendWrite {
  streamId: string;
  streamType: string;
  /** The stream as read (null: a new stream). */
  stream: StreamHead | null;
  expectedVersion: number;
  at: number;
  rows: EventRow[];
  entries: LedgerEntry[];
}

/**
 * Appends at the expected version. Run it inside `inTransaction` (db/transaction.ts): on SQLite
 * that is what hands the new events to the live stream after commit.
 */
export async function appendEvents(tx: Executor, input: AppendInput): Promise<StoredEvent[]> {
  const { streamId, expectedVersion, at } = input;
  if (input.events.length === 0) return [];
  // The global sequence first: its head is the lock every append takes before any other.
  const opened = isPostgres(tx)
    ? await openOnPostgres(tx, streamId, input.events.length)
    : await openOnSqlite(tx, streamId, input.events.length);
  const { stream } = opened;
  const currentVersion = stream ? Number(stream.version) : 0;
  if (currentVersion !== expectedVersion)
    throw staleVersion(streamId, expectedVersion, currentVersion);

  let prevHash = stream?.head_hash ?? GENESIS_HASH;
  const rows = input.events.map((event, i): EventRow => {
    const fields: HashedFields = {
      id: newId(),
      stream_id: streamId,
      seq: expectedVersion + i + 1,
      type: event.type,
      at,
      actor_id: event.actorId,
      visibility: event.visibility,
      data_json: canonicalJson(event.data),
    };
    const row = { ...fields, prev_hash: prevHash, hash: eventHash(prevHash, fields) };
    prevHash = row.hash;
    return row;
  });
  const write: AppendWrite = {
    streamId,
    streamType: input.streamType,
    stream,
    expectedVersion,
    at,
    rows,
    entries: rows.map((row) => ({ kind: 'event', refId: row.id, streamId, entryHash: row.hash })),
  };
  try {
    if ('head' in opened) await writeOnPostgres(tx, write, opened.head);
    else await writeOnSqlite(tx, write, opened.ledger);
  } catch (error) {
    if (isUniqueViolation(error)) throw staleVersion(streamId, expectedVersion, undefined);
    throw error;
  }
  return rows.map((row, i) => ({
    ...input.events[i]!,
    id: row.id,
    streamId,
    seq: row.seq,
    at,
    hash: row.hash,
  }));
}

/**
 * SQLite: in-process statements, one after another, each compiled once and kept prepared
 * (db/prepared-query.ts, db/database.ts); the writes run on the transaction's connection taken
 * once, and a row is a statement of its own, which SQLite runs faster than one of many rows.
 */
const selectStream = preparedQuery<{ streamId: string }, StreamHead>((db, p) =>
  db.selectFrom('streams').select(['version', 'head_hash']).where('id', '=', p.streamId),
);

/** A stream's creation or compare-and-set (both databases). */
interface StreamMove {
  streamId: string;
  streamType: string;
  expectedVersion: number;
  version: number;
  headHash: string;
  at: number;
}

const createStream = preparedQuery<StreamMove, unknown>((db, p) =>
  db.insertInto('streams').values({
    id: p.streamId,
    type: p.streamType,
    version: p.version,
    head_hash: p.headHash,
    created_at: p.at,
    updated_at: p.at,
  }),
);

// Compare-and-set: a concurrent writer that got here first leaves zero rows to update.
const moveStream = preparedQuery<StreamMove, unknown>((db, p) =>
  db
    .updateTable('streams')
    .set({ version: p.version, head_hash: p.headHash, updated_at: p.at })
    .where('id', '=', p.streamId)
    .where('version', '=', p.expectedVersion),
);

/** An event row's columns, the global position aside. */
export const EVENT_COLUMNS = [
  'id',
  'stream_id',
  'seq',
  'type',
  'at',
  'actor_id',
  'visibility',
  'data_json',
  'prev_hash',
  'hash',
] as const satisfies readonly (keyof EventRow)[];

const insertEvent = preparedQuery<EventRow, unknown>((db, p) =>
  db.insertInto('events').values(standInRow(p, EVENT_COLUMNS)),
);

async function openOnSqlite(tx: Executor, streamId: string, count: number) {
  const ledger = await reserveLedger(tx, count);
  const { rows } = await selectStream.execute(tx, { streamId });
  return { ledger, stream: rows[0] ?? null };
}

async function writeOnSqlite(tx: Executor, write: AppendWrite, ledger: LedgerSlots) {
  const { streamId, expectedVersion, rows } = write;
  const move: StreamMove = {
    streamId,
    streamType: write.streamType,
    expectedVersion,
    version: expectedVersion + rows.length,
    headHash: rows[rows.length - 1]!.hash,
    at: write.at,
  };
  const positions = await onOneConnection(tx, async (run) => {
    if (!write.stream) await run(createStream, move);
    else if ((await run(moveStream, move)).numAffectedRows !== 1n)
      throw staleVersion(streamId, expectedVersion, undefined);
    const inserted: number[] = [];
    // The statement's insertId is the row's rowid: its position.
    for (const row of rows) inserted.push(Number((await run(insertEvent, row)).insertId));
    await ledger.record(write.entries, run);
    return inserted;
  });
  await announceAppended(tx, positions);
}

/**
 * PostgreSQL: two round trips where there were six. The first moves the ledger head (taking its
 * row lock, as every append does first) and reads the stream. A writer that waited for that lock
 * reads the stream as it was before the holder committed; the compare-and-set below then finds
 * the version moved and the append is a CONFLICT, as it would have been. Both statements are
 * prepared queries (db/prepared-query.ts): built once, parsed and planned once per connection.
 */
const openStatement = preparedQuery<
  { count: number; streamId: string },
  ReservedHead & { version: number | null; stream_hash: string | null }
>(
  (_, p) => sql`
    with head as (update ledger_head set seq = seq + ${p.count} where id = 1 returning seq, head_hash)
    select head.seq, head.head_hash, streams.version, streams.head_hash as stream_hash
      from head left join streams on streams.id = ${p.streamId}`,
);

async function openOnPostgres(tx: Executor, streamId: string, count: number) {
  const { rows } = await openStatement.execute(tx, { count, streamId });
  const found = rows[0];
  if (!found) throw new Error('ledger: the head row is missing');
  const stream =
    found.version === null ? null : { version: found.version, head_hash: found.stream_hash! };
  return { head: { seq: found.seq, head_hash: found.head_hash }, stream };
}

type EventColumns = { [K in keyof EventRow as `event_${K}`]: EventRow[K][] };
type LedgerColumns = { [K in keyof LedgerTable as `ledger_${K}`]: LedgerTable[K][] };
type WriteValues = EventColumns & LedgerColumns & StreamMove & { ledgerHead: string };

/**
 * The second: in one statement, the stream's compare-and-set (or its creation), the event rows,
 * their ledger numbers, the ledger head, and the live stream's NOTIFY (200 positions a notice,
 * db/live-notices.ts). Columns go as arrays, so the statement is the same whatever the count.
 */
const writeStatement = (moveStream: (p: WriteValues) => RawBuilder<unknown>) =>
  preparedQuery<WriteValues, { moved: number; notice: string | null }>(
    (_, p) => sql`
    with moved as (${moveStream(p)}),
    appended as (
      insert into events (id, stream_id, seq, type, at, actor_id, visibility, data_json,
                          prev_hash, hash)
      select * from unnest(${p.event_id}::text[], ${p.event_stream_id}::text[],
        ${p.event_seq}::bigint[], ${p.event_type}::text[], ${p.event_at}::bigint[],
        ${p.event_actor_id}::text[], ${p.event_visibility}::text[],
        ${p.event_data_json}::text[], ${p.event_prev_hash}::text[], ${p.event_hash}::text[])
      returning position),
    numbered as (
      insert into ledger (seq, kind, ref_id, stream_id, entry_hash, prev_hash, hash)
      select * from unnest(${p.ledger_seq}::bigint[], ${p.ledger_kind}::text[],
        ${p.ledger_ref_id}::text[], ${p.ledger_stream_id}::text[],
        ${p.ledger_entry_hash}::text[], ${p.ledger_prev_hash}::text[],
        ${p.ledger_hash}::text[])),
    head as (update ledger_head set head_hash = ${p.ledgerHead} where id = 1),
    notices as (
      select json_build_object('positions', json_agg(position order by position))::text as notice
        from (select position, (row_number() over (order by position) - 1) / ${POSITIONS_PER_NOTICE} as part
                from appended) parts
       group by part)
    select (select count(*) from moved)::int as moved, notices.notice,
           pg_notify(${channelOfCurrentSchema}, notices.notice)::text as sent
      from notices`,
  );

const moveStatement = writeStatement(
  (p) => sql`update streams set version = ${p.version}, head_hash = ${p.headHash},
    updated_at = ${p.at} where id = ${p.streamId} and version = ${p.expectedVersion} returning id`,
);

const createStatement = writeStatement(
  (p) => sql`insert into streams (id, type, version, head_hash, created_at, updated_at)
    values (${p.streamId}, ${p.streamType}, ${p.version}, ${p.headHash}, ${p.at}, ${p.at})
    returning id`,
);

async function writeOnPostgres(tx: Executor, write: AppendWrite, head: ReservedHead) {
  const { streamId, expectedVersion, at, rows } = write;
  const ledger = numberEntries(head, rows.length, write.entries);
  const event = <K extends keyof EventRow>(key: K) => rows.map((row) => row[key]);
  const entry = <K extends keyof LedgerTable>(key: K) => ledger.rows.map((row) => row[key]);
  const statement = write.stream ? moveStatement : createStatement;
  const { rows: notices } = await statement.execute(tx, {
    streamId,
    streamType: write.streamType,
    expectedVersion,
    version: expectedVersion + rows.length,
    headHash: rows[rows.length - 1]!.hash,
    at,
    ledgerHead: ledger.headHash,
    event_id: event('id'),
    event_stream_id: event('stream_id'),
    event_seq: event('seq'),
    event_type: event('type'),
    event_at: event('at'),
    event_actor_id: event('actor_id'),
    event_visibility: event('visibility'),
    event_data_json: event('data_json'),
    event_prev_hash: event('prev_hash'),
    event_hash: event('hash'),
    ledger_seq: entry('seq'),
    ledger_kind: entry('kind'),
    ledger_ref_id: entry('ref_id'),
    ledger_stream_id: entry('stream_id'),
    ledger_entry_hash: entry('entry_hash'),
    ledger_prev_hash: entry('prev_hash'),
    ledger_hash: entry('hash'),
  });
  if (notices[0]?.moved !== 1) throw staleVersion(streamId, expectedVersion, undefined);
  await announceAppended(
    tx,
    notices.flatMap((n) => parseAppendedNotice(n.notice!)!.positions),
    { notified: true },
  );
}

/** A subject's typed event as its rules decide it; events without a visibility are internal. */
export interface TypedEvent {
  type: string;
  data: object;
  visibility?: Visibility;
}

/** A typed event as recorded: with what the log added. */
export type Recorded<E> = E & Pick<StoredEvent, 'seq' | 'at' | 'actorId'>;

/** How one subject's stream becomes its state and its rows. */
export interface Projector<E extends TypedEvent, S extends { version: number }> {
  /** Kind of subject, fixed when the stream is created. */
  streamType: string;
  /**
   * How the log stores one event (default: its visibility, else internal, the command's actor
   * and its data); the recorded event carries the actor named here.
   */
  toLog?(event: E, actorId: string | null): NewEvent;
  /** The reducer: one recorded event onto the state (null before the stream's first event). */
  apply(state: S | null, event: Recorded<E>, streamId: string): S;
  /** Writes the rows one event implies, in order; `after` is the state after it. */
  project?(tx: Executor, event: Recorded<E>, after: S, streamId: string): Promise<void>;
  /** Runs once after every event is projected (a version column, a row written whole). */
  finish?(
    tx: Executor,
    before: S | null,
    after: S,
    recorded: Recorded<E>[],
    streamId: string,
  ): Promise<void>;
}

/**
 * Records a subject's events: appends them to its stream at the version of `state` (null: a new
 * stream, id `streamId`; a concurrent change makes the append a CONFLICT), projects each, and
 * answers the state after them, reduced in memory rather than read back. The one way every
 * subject with a stream records.
 */
export async function appendAndProject<E extends TypedEvent, S extends { version: number }>(
  tx: Executor,
  projector: Projector<E, S>,
  streamId: string,
  state: S | null,
  events: readonly E[],
  actorId: string | null,
  at: number,
): Promise<S> {
  if (events.length === 0) {
    if (!state)
      throw new Error(`nothing to record for the new ${projector.streamType} ${streamId}`);
    return state;
  }
  const stored = await appendEvents(tx, {
    streamId,
    streamType: projector.streamType,
    expectedVersion: state?.version ?? 0,
    at,
    events: events.map(
      (e): NewEvent =>
        projector.toLog?.(e, actorId) ?? {
          type: e.type,
          visibility: e.visibility ?? 'internal',
          actorId,
          data: e.data as Record<string, unknown>,
        },
    ),
  });
  const recorded = events.map((e, i): Recorded<E> => ({
    ...e,
    seq: stored[i]!.seq,
    at,
    actorId: stored[i]!.actorId,
  }));
  let after = state;
  for (const event of recorded) {
    const next = projector.apply(after, event, streamId);
    await projector.project?.(tx, event, next, streamId);
    after = next;
  }
  await projector.finish?.(tx, state, after!, recorded, streamId);
  return after!;
}

export async function streamVersion(tx: Executor, streamId: string): Promise<number> {
  const row = await tx
    .selectFrom('streams')
    .select('version')
    .where('id', '=', streamId)
    .executeTakeFirst();
  return row ? Number(row.version) : 0;
}

export interface ListEventsOptions {
  visibility?: Visibility[];
  types?: string[];
  afterSeq?: number;
  limit?: number;
}

/** Which of `types` each stream has ever recorded (one read for many streams). */
export async function findRecordedTypes(
  tx: Executor,
  streamIds: readonly string[],
  types: readonly string[],
): Promise<Map<string, Set<string>>> {
  const found = new Map<string, Set<string>>();
  if (streamIds.length === 0 || types.length === 0) return found;
  const rows = await tx
    .selectFrom('events')
    .select(['stream_id', 'type'])
    .distinct()
    .where('stream_id', 'in', streamIds)
    .where('type', 'in', types)
    .execute();
  for (const row of rows)
    found.set(row.stream_id, (found.get(row.stream_id) ?? new Set()).add(row.type));
  return found;
}

export async function listStreamEvents(
  tx: Executor,
  streamId: string,
  options: ListEventsOptions = {},
): Promise<StoredEvent[]> {
  let query = tx.selectFrom('events').selectAll().where('stream_id', '=', streamId);
  if (options.visibility) query = query.where('visibility', 'in', options.visibility);
  if (options.types?.length) query = query.where('type', 'in', options.types);
  if (options.afterSeq !== undefined) query = query.where('seq', '>', options.afterSeq);
  const rows = await query
    .orderBy('seq')
    .limit(options.limit ?? 1000)
    .execute();
  return rows.map(toStored);
}

/**
 * Many streams' events of `types` (all types when none), oldest first, in one read: the first
 * `limitEach` of each stream, as listStreamEvents reads one. Answers each stream with events.
 */
export async function listStreamsEvents(
  tx: Executor,
  streamIds: readonly string[],
  options: { types?: readonly string[]; limitEach: number },
): Promise<Map<string, StoredEvent[]>> {
  const found = new Map<string, StoredEvent[]>();
  if (streamIds.length === 0) return found;
  let query = tx.selectFrom('events').selectAll().where('stream_id', 'in', streamIds);
  if (options.types?.length) query = query.where('type', 'in', options.types);
  for (const row of await query.orderBy('stream_id').orderBy('seq').execute()) {
    let events = found.get(row.stream_id);
    if (!events) found.set(row.stream_id, (events = []));
    if (events.length < options.limitEach) events.push(toStored(row));
  }
  return found;
}

function toStored(row: Selectable<Database['events']>): StoredEvent {
  return {
    id: row.id,
    streamId: row.stream_id,
    seq: Number(row.seq),
    type: row.type,
    at: Number(row.at),
    actorId: row.actor_id,
    visibility: row.visibility,
    data: JSON.parse(row.data_json) as Record<string, unknown>,
    hash: row.hash,
  };
}

function loggedEvents(tx: Executor) {
  return tx
    .selectFrom('events')
    .innerJoin('streams', 'streams.id', 'events.stream_id')
    .select([
      'events.position',
      'events.stream_id',
      'streams.type as stream_type',
      'events.type',
      'events.at',
      'events.data_json',
    ]);
}

function toLogged(row: {
  position: number;
  stream_id: string;
  stream_type: string;
  type: string;
  at: number;
  data_json: string;
}): LoggedEvent {
  return {
    position: Number(row.position),
    streamId: row.stream_id,
    streamType: row.stream_type,
    type: row.type,
    at: Number(row.at),
    data: JSON.parse(row.data_json) as Record<string, unknown>,
  };
}

/** The events at these positions, in log order. */
export async function listEventsAt(
  tx: Executor,
  positions: readonly number[],
): Promise<LoggedEvent[]> {
  if (positions.length === 0) return [];
  const rows = await loggedEvents(tx)
    .where('events.position', 'in', [...positions])
    .orderBy('events.position')
    .execute();
  return rows.map(toLogged);
}

/** Up to `limit` events after a position, in log order. */
export async function listEventsAfter(
  tx: Executor,
  position: number,
  limit: number,
): Promise<LoggedEvent[]> {
  const rows = await loggedEvents(tx)
    .where('events.position', '>', position)
    .orderBy('events.position')
    .limit(limit)
    .execute();
  return rows.map(toLogged);
}

/** The newest position in the log, 0 while it is empty. */
export async function lastEventPosition(tx: Executor): Promise<number> {
  const row = await tx
    .selectFrom('events')
    .select((eb) => eb.fn.max('position').as('latest'))
    .executeTakeFirst();
  return Number(row?.latest ?? 0);
}

export type { LoggedEvent };

/** Unique-constraint violation on either driver. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string };
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

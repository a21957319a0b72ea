// A statement built once and run many times. `preparedQuery` builds and compiles the query the
// first time it runs on a dialect, with placeholders where its values go; every later call only
// puts the values in their places and hands the compiled text to the executor: no query building
// or compiling per call. On PostgreSQL the text is also prepared once per connection (parsed and
// planned once, `namedStatement`, used by database.ts); on SQLite the statement cache keeps it
// prepared by its text (database.ts).
import { createHash } from 'node:crypto';
import { CompiledQuery, type QueryResult } from 'kysely';
import { isPostgres } from './live-notices.ts';
import type { Executor } from './schema.ts';

const PLACEHOLDER = Symbol('placeholder');

interface Placeholder {
  [PLACEHOLDER]: string;
}

/** Where a value goes: a placeholder named by its key, or a value fixed when the query was built. */
type Slot = { key: string } | { value: unknown };

interface Compiled {
  sql: string;
  slots: Slot[];
}

/** The prepared names of the compiled texts, for PostgreSQL's connections (database.ts). */
const names = new Map<string, string>();

/** The name a PostgreSQL connection prepares this text under, if it is a prepared query's. */
export function namedStatement(text: string): string | undefined {
  return names.get(text);
}

/** A query builder or a `sql` template. */
interface Buildable<R> {
  compile(db: Executor): CompiledQuery<R>;
}

export interface PreparedQuery<P, R> {
  /** Runs the query with these values (one round trip). */
  execute(tx: Executor, values: P): Promise<QueryResult<R>>;
  /** The compiled query with these values in their places, for a connection in hand. */
  withValues(tx: Executor, values: P): CompiledQuery<R>;
}

/** Runs a prepared query with its values. */
export type RunPrepared = <P, R>(query: PreparedQuery<P, R>, values: P) => Promise<QueryResult<R>>;

/**
 * Runs `work`'s prepared queries on the connection of `tx` (its transaction's), taken once.
 * Kysely hands the connection over anew for every query, which on SQLite, where a statement is a
 * call into the library of a few microseconds, costs about as much as the statement. `work` must
 * run nothing on `tx` itself meanwhile: that would wait for the connection `work` holds.
 */
export function onOneConnection<T>(
  tx: Executor,
  work: (run: RunPrepared) => Promise<T>,
): Promise<T> {
  return tx
    .getExecutor()
    .provideConnection((connection) =>
      work((query, values) => connection.executeQuery(query.withValues(tx, values))),
    );
}

/** The stand-ins of `columns` as one row: the values of an insert named as its columns. */
export function standInRow<P, K extends keyof P>(p: P, columns: readonly K[]): Pick<P, K> {
  return Object.fromEntries(columns.map((column) => [column, p[column]])) as Pick<P, K>;
}

/**
 * `build` gets the database and stand-ins for the values (`p.streamId`, …), to be put where the
 * values go; it must not look inside them: the query is built once, not per call (except under
 * plugins, when it gets the values themselves).
 */
export function preparedQuery<P extends object, R>(
  build: (db: Executor, p: { [K in keyof P]: P[K] }) => Buildable<R>,
): PreparedQuery<P, R> {
  const byDialect = new Map<string, Compiled>();
  const compile = (tx: Executor): Compiled => {
    const stand = new Proxy({} as { [K in keyof P]: P[K] }, {
      get: (_, key) => ({ [PLACEHOLDER]: String(key) }) satisfies Placeholder,
    });
    const compiled = build(tx, stand).compile(tx);
    const slots = compiled.parameters.map((parameter): Slot => {
      const key = (parameter as Partial<Placeholder> | null)?.[PLACEHOLDER];
      return key === undefined ? { value: parameter } : { key };
    });
    if (isPostgres(tx)) {
      const digest = createHash('sha256').update(compiled.sql).digest('hex');
      names.set(compiled.sql, `stopline_${digest.slice(0, 32)}`);
    }
    return { sql: compiled.sql, slots };
  };
  const withValues = (tx: Executor, values: P): CompiledQuery<R> => {
    // Plugins (a test's statement recorder, bench/incident-statements.ts) see every query they
    // run on: with any installed, the query is built and compiled per call (the same text).
    if (tx.getExecutor().plugins.length > 0) return build(tx, values).compile(tx);
    const dialect = isPostgres(tx) ? 'postgres' : 'sqlite';
    let compiled = byDialect.get(dialect);
    if (!compiled) byDialect.set(dialect, (compiled = compile(tx)));
    const parameters = compiled.slots.map((slot) =>
      'key' in slot ? (values as Record<string, unknown>)[slot.key] : slot.value,
    );
    return CompiledQuery.raw(compiled.sql, parameters) as CompiledQuery<R>;
  };
  return {
    execute: (tx, values) => tx.executeQuery(withValues(tx, values)),
    withValues,
  };
}

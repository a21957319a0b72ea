// Opens the database chosen by the configuration: embedded SQLite by default, PostgreSQL when
// DATABASE_URL is set. The rest of the code sees one Kysely<Database> and never the driver.
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  sql,
  type KyselyPlugin,
  type SqliteDatabase,
} from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import { ensurePrivateFolderSync, touchPrivateFileSync } from '../private-files.ts';
import { namedStatement } from './prepared-query.ts';
import type { Database, Db, Dialect } from './schema.ts';

export interface DatabaseHandle {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
}

export type DatabaseConfig = Pick<
  Config,
  'database' | 'databaseUrl' | 'sqlitePath' | 'pgSchema' | 'pgPoolSize'
>;

/** int8/bigint columns hold epoch milliseconds and counters: well inside Number's exact range. */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as unknown as pg.CustomTypesConfig;

export function openSqlite(path: string): SQLite.Database {
  if (path !== ':memory:') {
    ensurePrivateFolderSync(dirname(path));
    touchPrivateFileSync(path);
  }
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a write the API acknowledged survives a power cut, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Deleted and overwritten content is zeroed, so data redacted by retention or erasure does not
  // linger in free pages or free space of a page (and so in a copy of the file).
  sqlite.pragma('secure_delete = ON');
  return sqlite;
}

/** Prepared statements kept per SQL text; the least recently used goes past this many. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * The connection as Kysely's SQLite driver sees it, with a statement cache: the driver prepares
 * every query anew, and preparing (parsing and planning the SQL) was most of what an append cost
 * on top of the bare insert (bench/README.md, "Event append"). SQLite re-prepares a kept
 * statement by itself when the schema changes; one still being iterated is not handed out again.
 */
export function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const kept = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text) {
      const found = kept.get(text);
      if (found && !found.busy) {
        kept.delete(text);
        kept.set(text, found);
        return found;
      }
      const statement = sqlite.prepare(text);
      kept.set(text, statement);
      if (kept.size > STATEMENT_CACHE_SIZE) kept.delete(kept.keys().next().value!);
      return statement;
    },
  };
}

/**
 * A PostgreSQL connection that prepares the texts of `preparedQuery` (db/prepared-query.ts) under
 * their names: parsed and planned the first time a connection runs one, then only executed.
 */
class PreparingClient extends pg.Client {
  // `never`: the one answer type that fits all of pg.Client.query's overloads.
  override query(config: unknown, values?: unknown, callback?: unknown): never {
    const name = typeof config === 'string' && Array.isArray(values) && namedStatement(config);
    const query = super.query as (...args: unknown[]) => never;
    return name
      ? query.call(this, { name, text: config, values }, callback)
      : query.call(this, config, values, callback);
  }
}

/** `plugins`: Kysely plugins on every query (the statement-counting bench uses one). */
export async function createDatabase(
  config: DatabaseConfig,
  plugins: KyselyPlugin[] = [],
): Promise<DatabaseHandle> {
  if (config.database === 'sqlite') {
    const sqlite = openSqlite(config.sqlitePath);
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
      plugins,
    });
    return { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  const schema = config.pgSchema;
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: config.pgPoolSize,
    types: pgTypes,
    options: `-c search_path=${schema}`,
    Client: PreparingClient,
  });
  // An idle client that loses its server must not crash the process; queries will report it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins });
  if (schema !== 'public') {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db).catch((error: unknown) => {
      // Two instances racing to create the schema: the loser sees a duplicate; the schema exists.
      if ((error as { code?: string }).code !== '23505') throw error;
    });
  }
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/** True when the database answers a trivial query. */
export async function isReachable(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

// Applies pending migrations. On PostgreSQL a session advisory lock makes concurrent start-ups of
// several instances take turns; the second finds nothing left to do.
import {
  Migrator,
  NO_MIGRATIONS,
  sql,
  type DatabaseIntrospector,
  type MigrationResult,
  type MigrationResultSet,
} from 'kysely';
import { MIGRATION_NAMES, migrationsFor } from './migrations/index.ts';
import type { Db, Dialect } from './schema.ts';

const MIGRATION_LOCK_KEY = 7_405_019_113; // arbitrary, fixed: "stopline migrations"

export interface MigrateOutcome {
  applied: string[];
}

/**
 * The database as the migrator sees it, its introspection limited to our own schema. Kysely's
 * migrator finds its bookkeeping tables by introspecting every schema in the database, with
 * functions (has_schema_privilege, pg_get_serial_sequence) that raise "schema … does not exist" or
 * "column … does not exist" when another schema is created, changed or dropped at that moment
 * (another Stopline sharing the database, or test files side by side).
 */
function ownSchemaOnly(db: Db, schema: string): Db {
  const introspection: DatabaseIntrospector = {
    async getSchemas() {
      const { rows } = await sql<{ name: string }>`
        select nspname as name from pg_catalog.pg_namespace where nspname = ${schema}`.execute(db);
      return rows;
    },
    async getTables() {
      const { rows } = await sql<{ name: string }>`
        select c.relname as name from pg_catalog.pg_class c
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where n.nspname = ${schema} and c.relkind in ('r', 'p', 'v')`.execute(db);
      return rows.map((r) => ({ name: r.name, schema, isView: false, columns: [] }));
    },
    async getMetadata() {
      return { tables: await this.getTables() };
    },
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === 'introspection') return introspection;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function createMigrator(db: Db, dialect: Dialect, pgSchema: string): Migrator {
  return new Migrator({
    db: dialect === 'postgres' ? ownSchemaOnly(db, pgSchema) : db,
    provider: { getMigrations: async () => migrationsFor(dialect) },
    // Without a schema Kysely would accept its bookkeeping tables from any schema in the database.
    ...(dialect === 'postgres' ? { migrationTableSchema: pgSchema } : {}),
  });
}

/**
 * Runs the migrator once: on PostgreSQL under a session advisory lock, so concurrent start-ups of
 * several instances take turns. A migration that fails, or one to undo that could not be, throws.
 */
async function runMigrator(
  db: Db,
  dialect: Dialect,
  pgSchema: string,
  step: (migrator: Migrator) => Promise<MigrationResultSet>,
): Promise<MigrationResult[]> {
  const run = async (executor: Db): Promise<MigrationResult[]> => {
    const { error, results } = await step(createMigrator(executor, dialect, pgSchema));
    const failed = results?.find((r) => r.status !== 'Success');
    if (error || failed) {
      const why = error ? ((error as Error).message ?? String(error)) : 'not executed';
      throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${why}`);
    }
    return results ?? [];
  };
  if (dialect === 'sqlite') return run(db);
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(connection);
    try {
      return await run(connection);
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(connection);
    }
  });
}

export async function migrateToLatest(
  db: Db,
  dialect: Dialect,
  pgSchema = 'public',
): Promise<MigrateOutcome> {
  const results = await runMigrator(db, dialect, pgSchema, (m) => m.migrateToLatest());
  return { applied: results.map((r) => r.migrationName) };
}

/**
 * Undoes every migration after `target` (null: all of them), newest first, through each one's
 * `down`; answers the names undone, in the order undone.
 */
export async function migrateDownTo(
  db: Db,
  dialect: Dialect,
  target: string | null,
  pgSchema = 'public',
): Promise<string[]> {
  if (target !== null && !MIGRATION_NAMES.includes(target))
    throw new Error(`no migration named ${target}`);
  const results = await runMigrator(db, dialect, pgSchema, (m) =>
    m.migrateTo(target ?? NO_MIGRATIONS),
  );
  return results.map((r) => r.migrationName);
}

/** When the migration `name` was applied to this database (epoch ms); null while it is pending. */
export async function migrationAppliedAt(
  db: Db,
  dialect: Dialect,
  name: string,
  pgSchema = 'public',
): Promise<number | null> {
  if (!MIGRATION_NAMES.includes(name)) throw new Error(`no migration named ${name}`);
  const all = await createMigrator(db, dialect, pgSchema).getMigrations();
  return all.find((m) => m.name === name)?.executedAt?.getTime() ?? null;
}

/** Names of known migrations not yet applied (empty when the database is current). */
export async function pendingMigrations(
  db: Db,
  dialect: Dialect,
  pgSchema = 'public',
): Promise<string[]> {
  const all = await createMigrator(db, dialect, pgSchema).getMigrations();
  const applied = new Set(all.filter((m) => m.executedAt !== undefined).map((m) => m.name));
  return MIGRATION_NAMES.filter((name) => !applied.has(name));
}

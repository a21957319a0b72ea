// Applies pending migrations. On PostgreSQL a session advisory lock makes concurrent start-ups of
// several instances take turns; the second finds nothing left to do.
import { Migrator, sql, type MigrationResult } from 'kysely';
import { MIGRATION_NAMES, migrationsFor } from './migrations/index.ts';
import type { Db, Dialect } from './schema.ts';

const MIGRATION_LOCK_KEY = 7_405_019_113; // arbitrary, fixed: "stopline migrations"

export interface MigrateOutcome {
  applied: string[];
}

function createMigrator(db: Db, dialect: Dialect, pgSchema: string): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrationsFor(dialect) },
    // Without a schema Kysely would accept its bookkeeping tables from any schema in the database.
    ...(dialect === 'postgres' ? { migrationTableSchema: pgSchema } : {}),
  });
}

export async function migrateToLatest(
  db: Db,
  dialect: Dialect,
  pgSchema = 'public',
): Promise<MigrateOutcome> {
  const run = async (executor: Db): Promise<MigrateOutcome> => {
    const migrator = createMigrator(executor, dialect, pgSchema);
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r: MigrationResult) => r.status === 'Error');
      throw new Error(
        `migration ${failed?.migrationName ?? '(unknown)'} failed: ${(error as Error).message ?? error}`,
      );
    }
    return {
      applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
    };
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

// Commands that read the database open it here. A database that was never migrated, or is behind
// this version, gets one plain sentence saying so and how to fix it (exit code 2) instead of the
// driver's "no such table"; a SQLite file that does not exist is not created by a command that
// only reads.
import { existsSync } from 'node:fs';
import type { Config } from '../config.ts';
import { createDatabase, type DatabaseHandle } from '../db/database.ts';
import { pendingMigrations } from '../db/migrate.ts';
import { MIGRATION_NAMES } from '../db/migrations/index.ts';

/** The database cannot be read yet; `main` prints the message and exits 2. */
export class DatabaseNotReadyError extends Error {
  override name = 'DatabaseNotReadyError';
  readonly exitCode = 2;
}

const HOW_TO_FIX =
  'Run `stopline migrate` (or start `stopline serve`, which migrates) with the same settings ' +
  '(STOPLINE_DATA_DIR, DATABASE_URL, STOPLINE_PG_SCHEMA).';

function describeDatabase(config: Config): string {
  return config.database === 'sqlite'
    ? `the SQLite database ${config.sqlitePath}`
    : `the PostgreSQL schema "${config.pgSchema}"`;
}

export async function openMigratedDatabase(config: Config): Promise<DatabaseHandle> {
  const where = describeDatabase(config);
  if (config.database === 'sqlite' && !existsSync(config.sqlitePath))
    throw new DatabaseNotReadyError(
      `${where} does not exist: this Stopline is not initialised. ${HOW_TO_FIX}`,
    );
  const handle = await createDatabase(config);
  try {
    const pending = await pendingMigrations(handle.db, handle.dialect, config.pgSchema);
    if (pending.length === MIGRATION_NAMES.length)
      throw new DatabaseNotReadyError(
        `${where} is not initialised (no migration has been applied). ${HOW_TO_FIX}`,
      );
    if (pending.length > 0)
      throw new DatabaseNotReadyError(
        `${where} is not up to date: ${pending.length} migration(s) not applied (${pending.join(', ')}). ${HOW_TO_FIX}`,
      );
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

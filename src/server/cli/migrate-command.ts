// `stopline migrate`: apply pending migrations and say what was done (idempotent).
import type { Config } from '../config.ts';
import { createDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import type { Output } from './output.ts';

export async function migrateCommand(config: Config, out: Output): Promise<number> {
  const handle = await createDatabase(config);
  try {
    const { applied } = await migrateToLatest(handle.db, handle.dialect, config.pgSchema);
    out.info(
      applied.length === 0
        ? 'database is current; no migrations to apply'
        : `applied ${applied.length} migration(s): ${applied.join(', ')}`,
    );
    return 0;
  } finally {
    await handle.close();
  }
}

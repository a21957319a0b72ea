// Every migration can be undone: `down` is required of each (db/migrations/index.ts), so a test
// that goes back to an earlier schema (test/clocks/deadline-severity-migration.test.ts) undoes
// the migrations added after it without listing them. Here: all the way down and up again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../src/server/db/database.ts';
import { migrateDownTo, migrateToLatest, pendingMigrations } from '../src/server/db/migrate.ts';
import { MIGRATION_NAMES } from '../src/server/db/migrations/index.ts';
import { createTestDatabase, type TestDatabase } from './helpers/test-db.ts';

let tdb: TestDatabase;
let handle: DatabaseHandle;
beforeAll(async () => {
  tdb = await createTestDatabase();
  handle = await createDatabase(tdb.config);
});
afterAll(async () => {
  await handle.close();
  await tdb.drop();
});

/** Our tables and their columns, without the migrator's own bookkeeping. */
async function ownTables(): Promise<string[]> {
  const tables = await handle.db.introspection.getTables();
  return tables
    .filter((t) => !t.name.startsWith('kysely_migration') && t.schema !== 'pg_catalog')
    .filter((t) => handle.dialect === 'sqlite' || t.schema === tdb.config.pgSchema)
    .map(
      (t) =>
        `${t.name}(${t.columns
          .map((c) => c.name)
          .sort()
          .join(',')})`,
    )
    .sort();
}

describe('migrations', () => {
  it('undo to nothing, newest first, and apply again to the same schema', async () => {
    const { db, dialect } = handle;
    const schema = tdb.config.pgSchema;
    await migrateToLatest(db, dialect, schema);
    const tables = await ownTables();
    expect(tables.some((t) => t.startsWith('events('))).toBe(true);

    expect(await migrateDownTo(db, dialect, null, schema)).toEqual([...MIGRATION_NAMES].reverse());
    expect(await ownTables()).toEqual([]);
    expect(await pendingMigrations(db, dialect, schema)).toEqual(MIGRATION_NAMES);

    expect((await migrateToLatest(db, dialect, schema)).applied).toEqual(MIGRATION_NAMES);
    expect(await ownTables()).toEqual(tables);
  });

  it('refuses a target that is not a migration', async () => {
    await expect(
      migrateDownTo(handle.db, handle.dialect, '2026-01-01-typo', tdb.config.pgSchema),
    ).rejects.toThrow(/no migration named 2026-01-01-typo/);
  });
});

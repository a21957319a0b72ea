// A start that fails leaves no database open behind it: the secret key is read before the
// database opens, and a step that fails once it is open (here, a database never migrated) closes
// it before the error reaches the caller.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createContainer } from '../src/server/container.ts';
import { createLogger } from '../src/server/logger.ts';
import { SECRET_KEY_FILE } from '../src/server/secret-key.ts';
import {
  createTestDatabase,
  TEST_PG_URL,
  testDialect,
  type TestDatabase,
} from './helpers/test-db.ts';

let database: TestDatabase | undefined;
afterEach(async () => {
  await database?.drop();
  database = undefined;
});

const quiet = { logger: createLogger('silent') };

/** Whether the database the configuration names was ever created (file or schema). */
async function databaseExists(config: TestDatabase['config']): Promise<boolean> {
  if (!TEST_PG_URL) return existsSync(config.sqlitePath);
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    const found = await client.query(
      'select 1 from information_schema.schemata where schema_name = $1',
      [config.pgSchema],
    );
    return found.rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('a start that fails', () => {
  it('with a secret key that cannot be read stops before the database is opened', async () => {
    database = await createTestDatabase();
    // A folder where the key file should be: reading it fails (EISDIR).
    mkdirSync(join(database.config.dataDir, SECRET_KEY_FILE));

    await expect(createContainer(database.config, quiet)).rejects.toThrow(/EISDIR/);
    expect(await databaseExists(database.config)).toBe(false);
  });

  it.runIf(testDialect === 'sqlite')(
    'after the database is open closes it again (SQLite removes its write-ahead log on the last close)',
    async () => {
      database = await createTestDatabase();
      const { sqlitePath } = database.config;

      // Never migrated: recording the policy in force fails on the missing table.
      await expect(createContainer(database.config, { ...quiet, migrate: false })).rejects.toThrow(
        /policy_versions/,
      );
      expect(existsSync(sqlitePath)).toBe(true);
      expect(existsSync(`${sqlitePath}-wal`)).toBe(false);
      expect(existsSync(`${sqlitePath}-shm`)).toBe(false);
    },
  );
});

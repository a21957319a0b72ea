// A fresh database per test app: a temporary SQLite file always (for test apps a copy of one the
// migrator made once per process, see migratedSqliteFile); a fresh PostgreSQL schema when
// STOPLINE_TEST_DATABASE_URL is set (CI sets it, so the same suite runs on both).
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/server/config.ts';
import { createDatabase } from '../../src/server/db/database.ts';
import { migrateToLatest } from '../../src/server/db/migrate.ts';

export const TEST_PG_URL = process.env.STOPLINE_TEST_DATABASE_URL;
export const testDialect = TEST_PG_URL ? 'postgres' : 'sqlite';

export interface TestDatabase {
  /** Environment for loadConfig / the CLI pointing at this database. */
  env: Record<string, string>;
  config: Config;
  drop(): Promise<void>;
}

/**
 * An SQLite file with every migration applied, made once per test process by the migrator itself:
 * a copy of it is what the migrator would make again (some 150 ms of DDL for each test app).
 */
let migratedSqlite: Promise<string> | undefined;
function migratedSqliteFile(): Promise<string> {
  migratedSqlite ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stopline-test-template-'));
    const config = loadConfig({ STOPLINE_DATA_DIR: dir, STOPLINE_LOG_LEVEL: 'silent' });
    const handle = await createDatabase(config);
    await migrateToLatest(handle.db, handle.dialect, config.pgSchema);
    await handle.close(); // checkpoints the write-ahead log into the file and removes it
    if (existsSync(`${config.sqlitePath}-wal`)) throw new Error('template left a -wal file');
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return config.sqlitePath;
  })();
  return migratedSqlite;
}

export async function createTestDatabase(
  extraEnv: Record<string, string> = {},
  options: {
    /**
     * Start from a migrated database (test apps: their start would apply the same migrations).
     * SQLite only; tests of migrating itself leave it unset.
     */
    migrated?: boolean;
  } = {},
): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stopline-test-'));
  const env: Record<string, string> = {
    STOPLINE_DATA_DIR: dataDir,
    STOPLINE_LOG_LEVEL: 'silent',
    // Delivery tests post to receivers on this machine; SSRF tests set an empty list.
    STOPLINE_OUTBOUND_ALLOW: '127.0.0.0/8,::1/128',
    ...extraEnv,
  };
  let schema: string | undefined;
  if (TEST_PG_URL) {
    schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    env.DATABASE_URL = TEST_PG_URL;
    env.STOPLINE_PG_SCHEMA = schema;
    env.STOPLINE_PG_POOL_SIZE = '5';
  }
  const config = loadConfig(env);
  if (options.migrated && config.database === 'sqlite')
    copyFileSync(await migratedSqliteFile(), config.sqlitePath);
  return {
    env,
    config,
    async drop() {
      if (schema) {
        const client = new pg.Client({ connectionString: TEST_PG_URL });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// A fresh database per test file: a temporary SQLite file always; a fresh PostgreSQL schema when
// STOPLINE_TEST_DATABASE_URL is set (CI sets it, so the same suite runs on both).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/server/config.ts';

export const TEST_PG_URL = process.env.STOPLINE_TEST_DATABASE_URL;
export const testDialect = TEST_PG_URL ? 'postgres' : 'sqlite';

export interface TestDatabase {
  /** Environment for loadConfig / the CLI pointing at this database. */
  env: Record<string, string>;
  config: Config;
  drop(): Promise<void>;
}

export async function createTestDatabase(
  extraEnv: Record<string, string> = {},
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
  return {
    env,
    config: loadConfig(env),
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

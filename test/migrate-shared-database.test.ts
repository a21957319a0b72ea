// Several Stopline schemas in one PostgreSQL database (staging beside production, or test files
// running side by side): migrating one must not trip over another being created, changed or
// dropped at the same moment. Kysely's migrator looks for its tables by introspecting every
// schema in the database, which raised "schema … does not exist" or "column … does not exist"
// when another schema changed under it; ours looks in its own schema only.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/server/config.ts';
import { createDatabase } from '../src/server/db/database.ts';
import { migrateToLatest, pendingMigrations } from '../src/server/db/migrate.ts';
import { TEST_PG_URL } from './helpers/test-db.ts';

describe.skipIf(!TEST_PG_URL)('migrations in a database shared with other schemas', () => {
  it('migrate while other schemas are created, altered and dropped around them', async () => {
    const churn = new pg.Client({ connectionString: TEST_PG_URL });
    await churn.connect();
    let stop = false;
    const others: string[] = [];
    // Another schema's life, over and over: created, its tables changed, dropped.
    const churning = (async () => {
      for (let i = 0; !stop; i += 1) {
        const name = `churn_${process.pid}_${i}`;
        others.push(name);
        await churn.query(`create schema ${name}`);
        await churn.query(`create table ${name}.t (id serial primary key, a int)`);
        await churn.query(`alter table ${name}.t add column b text`);
        await churn.query(`alter table ${name}.t drop column a`);
        await churn.query(`drop schema ${name} cascade`);
      }
    })();
    const schemas: string[] = [];
    try {
      for (let round = 0; round < 8; round += 1) {
        const schema = `mig_${process.pid}_${round}_${Math.random().toString(36).slice(2, 8)}`;
        schemas.push(schema);
        const config = loadConfig({
          STOPLINE_DATA_DIR: '/tmp',
          DATABASE_URL: TEST_PG_URL!,
          STOPLINE_PG_SCHEMA: schema,
        });
        const handle = await createDatabase(config);
        try {
          const { applied } = await migrateToLatest(handle.db, 'postgres', schema);
          expect(applied.length).toBeGreaterThan(0);
          expect(await pendingMigrations(handle.db, 'postgres', schema)).toEqual([]);
          // A second run finds nothing to do.
          expect((await migrateToLatest(handle.db, 'postgres', schema)).applied).toEqual([]);
        } finally {
          await handle.close();
        }
      }
    } finally {
      stop = true;
      await churning.catch(() => {});
      for (const s of [...schemas, ...others])
        await churn.query(`drop schema if exists ${s} cascade`);
      await churn.end();
    }
  }, 120_000);
});

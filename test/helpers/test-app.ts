// Builds the app on a fresh database with a fake clock and a captured log, for inject() tests.
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { FakeClock } from '../../src/server/clock.ts';
import type { Config } from '../../src/server/config.ts';
import { createFileStore, s3SettingsOf } from '../../src/server/db/file-store.ts';
import type { Database } from '../../src/server/db/schema.ts';
import {
  createContainer,
  type Container,
  type ContainerOverrides,
} from '../../src/server/container.ts';
import { buildApp } from '../../src/server/http/app.ts';
import { createLogger } from '../../src/server/logger.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

export interface TestApp {
  app: FastifyInstance;
  container: Container;
  clock: FakeClock;
  database: TestDatabase;
  /** Every log line written so far, raw JSON text. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * Set-up steps run on every test app before ready(). Used by the STAND-IN test/helpers/auth.ts
 * until the accounts branch lands; harmless (empty) otherwise.
 */
export const beforeReadySteps: ((app: FastifyInstance) => void)[] = [];

export async function createTestApp(
  options: {
    env?: Record<string, string>;
    clock?: FakeClock;
    /** Settings beyond what the environment can say (e.g. a heartbeat shorter than a second). */
    config?: Partial<Config>;
    /** Another app's database: a second instance on the same database (PostgreSQL). */
    database?: TestDatabase;
    /**
     * Stand-ins the container takes (e.g. the DNS inbound mail is checked against), and Kysely
     * plugins on every query (test/helpers/statements.ts records what each statement reads).
     */
    overrides?: Pick<ContainerOverrides, 'dnsResolver' | 'databasePlugins'>;
    /**
     * The app's own start applies every migration, now, as a new installation's first start does
     * (the migrations' times are this start's). Otherwise an SQLite app starts on a copy of a
     * database the migrator made once for the test process.
     */
    migrateAtStart?: boolean;
  } = {},
): Promise<TestApp> {
  const shared = options.database;
  const database =
    shared ??
    (await createTestDatabase(options.env, { migrated: options.migrateAtStart !== true }));
  const clock = options.clock ?? new FakeClock('2026-03-02T09:00:00Z');
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const container = await createContainer(
    { ...database.config, logLevel: 'info', ...options.config },
    { clock, logger: createLogger('info', sink), ...options.overrides },
  );
  const app = await buildApp(container);
  for (const step of beforeReadySteps) step(app);
  await app.ready();
  return {
    app,
    container,
    clock,
    database,
    logs,
    async close() {
      await app.close();
      await container.close();
      // The database belongs to the app that made it.
      if (!shared) await database.drop();
    },
  };
}

/** How many rows a table holds now. */
export async function countRows(t: Pick<TestApp, 'container'>, table: keyof Database) {
  const row = await t.container.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The bytes of a stored file (raw mail, an attachment) as the configured store serves them. */
export function storedFile(t: Pick<TestApp, 'container'>, key: string): Promise<Buffer> {
  const { config, db, clock } = t.container;
  return createFileStore(config.fileStore, {
    db,
    clock,
    dataDir: config.dataDir,
    s3: s3SettingsOf(config),
  }).get(key);
}

// The command line on a database that was never migrated: every command that reads the database
// says plainly that it is not initialised and how to initialise it (exit 2), never a raw SQL error,
// and does not create a SQLite file on the way. After `stopline migrate` the same commands work;
// a database behind this version is named as such.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../src/server/db/database.ts';
import { runCli } from './helpers/cli-process.ts';
import { createTestDatabase, testDialect, type TestDatabase } from './helpers/test-db.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database.drop());

const READING_COMMANDS = [['deadlines'], ['verify'], ['gate']];

describe('the command line on a database that was never migrated', () => {
  // Each command is a process of its own (a few seconds each on a busy machine).
  it(
    'says the database is not initialised and how to initialise it, for every reading command',
    { timeout: 90_000 },
    async () => {
      const runs = await Promise.all(READING_COMMANDS.map((args) => runCli(args, database.env)));
      for (const [i, run] of runs.entries()) {
        const args = READING_COMMANDS[i]!;
        const name = `stopline ${args.join(' ')}`;
        expect(run.code, `${name}\n${run.stderr}`).toBe(2);
        expect(run.stderr, name).toMatch(
          /is not initialised|does not exist: this Stopline is not initialised/,
        );
        expect(run.stderr, name).toContain('Run `stopline migrate`');
        expect(run.stderr, name).not.toMatch(/no such table|relation .* does not exist/i);
        expect(run.stdout, name).toBe('');
      }
      if (testDialect === 'sqlite') expect(existsSync(database.config.sqlitePath)).toBe(false);
    },
  );

  it(
    'works once migrated, and names a database that is behind this version',
    { timeout: 90_000 },
    async () => {
      const migrated = await runCli(['migrate'], database.env);
      expect(migrated.code, migrated.stderr).toBe(0);
      const verify = await runCli(['verify'], database.env);
      expect(verify.code, verify.stderr).toBe(0);
      expect(verify.stdout).toContain('event log OK');

      // An older Stopline's database: the newest migration is not recorded as applied.
      const handle = await createDatabase(database.config);
      const newest = await handle.db
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .orderBy('name' as never, 'desc')
        .executeTakeFirstOrThrow();
      await handle.db
        .deleteFrom('kysely_migration' as never)
        .where('name' as never, '=', (newest as { name: string }).name as never)
        .execute();
      await handle.close();
      const behind = await runCli(['gate'], database.env);
      expect(behind.code, behind.stderr).toBe(2);
      expect(behind.stderr).toContain('is not up to date: 1 migration(s) not applied');
      expect(behind.stderr).toContain((newest as { name: string }).name);
      expect(behind.stderr).toContain('Run `stopline migrate`');
    },
  );
});

// `stopline serve` as a real process: first start creates the database, a restart keeps data and
// does not re-run migrations, SIGTERM shuts down cleanly, and several instances share PostgreSQL.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from './helpers/cli-process.ts';
import { createTestDatabase, testDialect, type TestDatabase } from './helpers/test-db.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ STOPLINE_LOG_LEVEL: 'info' });
});
afterAll(async () => database.drop());

describe('stopline serve', () => {
  it('starts on an empty database, survives a restart with its data, and stops cleanly on SIGTERM', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'stopline-serve-'));
    const first = await startServer(database.env, cwd);
    expect(first.output()).toContain('database migrations applied');
    const ready = await fetch(`http://127.0.0.1:${first.port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.output()).toContain('"msg":"stopped"');

    const second = await startServer(database.env, cwd);
    expect(second.output()).not.toContain('database migrations applied');
    expect((await fetch(`http://127.0.0.1:${second.port}/readyz`)).status).toBe(200);
    expect(await second.stop('SIGINT')).toBe(0);
  });

  it.runIf(testDialect === 'postgres')(
    'two instances started at the same moment on one empty PostgreSQL schema both come up',
    async () => {
      const fresh = await createTestDatabase({ STOPLINE_LOG_LEVEL: 'info' });
      try {
        const [a, b] = await Promise.all([startServer(fresh.env), startServer(fresh.env)]);
        for (const server of [a, b]) {
          expect((await fetch(`http://127.0.0.1:${server.port}/readyz`)).status).toBe(200);
        }
        const applied = [a, b].filter((s) => s.output().includes('database migrations applied'));
        expect(applied).toHaveLength(1);
        expect(await a.stop()).toBe(0);
        expect(await b.stop()).toBe(0);
      } finally {
        await fresh.drop();
      }
    },
  );
});

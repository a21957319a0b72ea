// SQLite serves one instance: a second `stopline serve` on the same database file refuses to start
// with a message naming the running one, and changes nothing; once the first is gone (stopped, or
// killed with no chance to clean up), the next one starts.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startServer } from '../helpers/cli-process.ts';
import { testDialect } from '../helpers/test-db.ts';

describe.runIf(testDialect === 'sqlite')('one instance on a SQLite file', () => {
  it('a second serve on the same data folder refuses with a clear message and leaves the first serving', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stopline-single-'));
    const env = { STOPLINE_DATA_DIR: dataDir, STOPLINE_LOG_LEVEL: 'warn' };
    const first = await startServer(env);
    try {
      const filesBefore = readdirSync(dataDir).sort();
      const second = await runCli(['serve'], { ...env, PORT: '0' });
      expect(second.code).toBe(2);
      expect(second.stderr).toContain(
        `another Stopline process is already running on the SQLite database ${join(dataDir, 'stopline.db')}`,
      );
      expect(second.stderr).toContain(`process ${first.child.pid}`);
      expect(second.stderr).toContain('use PostgreSQL with DATABASE_URL');
      expect(second.stderr).toContain('Nothing was changed');
      expect(readdirSync(dataDir).sort()).toEqual(filesBefore);
      expect((await fetch(`http://127.0.0.1:${first.port}/readyz`)).status).toBe(200);

      // Commands that read run beside the server as before.
      const verify = await runCli(['verify'], env);
      expect(verify.code).toBe(0);
    } finally {
      await first.stop('SIGKILL');
    }
    // Killed without a chance to clean up: the operating system let go of the lock.
    const next = await startServer(env);
    expect((await fetch(`http://127.0.0.1:${next.port}/readyz`)).status).toBe(200);
    expect(await next.stop()).toBe(0);
    const again = await startServer(env);
    expect(await again.stop()).toBe(0);
  }, 120_000);
});

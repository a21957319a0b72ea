// Stopline's files are its own user's alone: a first start creates the data folder 0700, the
// SQLite database with its -wal and -shm files 0600, the key file 0600, and a report's evidence
// in 0700 folders as 0600 files. The server runs with umask 000, so nothing here depends on the
// operator's umask.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from './helpers/cli-process.ts';
import { createTestDatabase, testDialect, type TestDatabase } from './helpers/test-db.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database.drop());

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('files Stopline creates', () => {
  it('are readable by the user Stopline runs as only, whatever the umask', async () => {
    const dataDir = join(database.env.STOPLINE_DATA_DIR!, 'fresh', 'data');
    const previousUmask = process.umask(0);
    let server;
    try {
      // Evidence in the data folder (the SQLite default; on PostgreSQL the default keeps it in
      // the database, where no file mode applies), so the folder's modes are checked on both.
      server = await startServer({
        ...database.env,
        STOPLINE_DATA_DIR: dataDir,
        STOPLINE_FILE_STORE: 'fs',
      });
    } finally {
      process.umask(previousUmask);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/api/v1/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          summary: 'Session cookie readable by scripts',
          description: 'The session cookie lacks HttpOnly on the legacy login page.',
          attachments: [
            { name: 'poc.txt', contentBase64: Buffer.from('alert(1)').toString('base64') },
          ],
        }),
      });
      expect(res.status, await res.clone().text()).toBe(201);

      expect(modeOf(dataDir)).toBe('700');
      expect(modeOf(join(dataDir, '..'))).toBe('700');
      expect(modeOf(join(dataDir, 'secret.key'))).toBe('600');
      if (testDialect === 'sqlite') {
        for (const file of ['stopline.db', 'stopline.db-wal', 'stopline.db-shm'])
          expect(modeOf(join(dataDir, file)), file).toBe('600');
      }
      const attachments = join(dataDir, 'attachments');
      expect(modeOf(attachments)).toBe('700');
      const [reportFolder, ...others] = readdirSync(attachments);
      expect(others).toEqual([]);
      expect(modeOf(join(attachments, reportFolder!))).toBe('700');
      const files = readdirSync(join(attachments, reportFolder!));
      expect(files).toHaveLength(1);
      expect(modeOf(join(attachments, reportFolder!, files[0]!))).toBe('600');
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});

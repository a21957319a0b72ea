// Several instances on one database (issue 19, item 2): with the files in the database, a file
// kept through one instance is served by another that shares no folder with it; its SHA-256
// matches, an unknown file is 404, and a restricted report's files stay hidden on every instance.
// Files kept in the data folder before the switch stay readable.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.ts';
import { loginAs } from '../helpers/auth.ts';
import { attachmentsOnDisk, migrateFiles, submitWithAttachment } from '../helpers/file-stores.ts';
import { buildMessage, TestDns } from '../helpers/mail.ts';
import { countRows, createTestApp, type TestApp } from '../helpers/test-app.ts';

const ENV = {
  STOPLINE_FILE_STORE: 'database',
  STOPLINE_SECRET_KEY: 'file-store-test-key-0123456789abcdef-0123456789',
  STOPLINE_INTAKE_RATE_LIMIT: '1000',
  STOPLINE_SECURITY_EMAIL: 'security@stopline.test',
};
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

let a: TestApp;
let b: TestApp;
let otherDir: string;

beforeAll(async () => {
  a = await createTestApp({ env: ENV, overrides: { dnsResolver: new TestDns().resolve } });
  // A second instance on the same database, with a data folder of its own.
  otherDir = mkdtempSync(join(tmpdir(), 'stopline-other-'));
  b = await createTestApp({
    database: a.database,
    config: { dataDir: otherDir },
    overrides: { dnsResolver: new TestDns().resolve },
  });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
  rmSync(otherDir, { recursive: true, force: true });
});

describe('files in the database', () => {
  it('defaults to the database on PostgreSQL and to the data folder on SQLite', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://db/stopline' }).fileStore).toBe('database');
    expect(loadConfig({}).fileStore).toBe('fs');
    expect(() => loadConfig({ STOPLINE_FILE_STORE: 's4' })).toThrow(
      'STOPLINE_FILE_STORE: must be database, s3 or fs',
    );
  });

  it('an attachment sent to one instance is served by the other, its hash matching', async () => {
    const bytes = Buffer.from('proof of the leak: customer 4711, customer 4712\n');
    const key = await submitWithAttachment(a, 'poc.txt', bytes);
    const admin = await loginAs(b, 'admin');
    const detail = await b.app.inject({
      url: `/api/v1/reports/${key}`,
      headers: admin.headers,
    });
    expect(detail.statusCode, detail.body).toBe(200);
    const [attachment] = detail.json().attachments;
    expect(attachment.sha256).toBe(sha256(bytes));
    const file = await b.app.inject({ url: attachment.downloadUrl, headers: admin.headers });
    expect(file.statusCode, file.body).toBe(200);
    expect(sha256(file.rawPayload)).toBe(attachment.sha256);
    expect(await countRows(b, 'files')).toBeGreaterThanOrEqual(1);

    const unknown = await b.app.inject({
      url: `/api/v1/reports/${key}/attachments/00000000-0000-4000-8000-000000000000`,
      headers: admin.headers,
    });
    expect(unknown.statusCode, unknown.body).toBe(404);
  });

  it("a restricted report's file stays hidden on the other instance", async () => {
    const key = await submitWithAttachment(a, 'secret.txt', Buffer.from('Quartzwhisper evidence'));
    const admin = await loginAs(a, 'admin');
    const opened = await a.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: admin.headers,
      payload: { title: 'Customer export leak', restricted: true, reportIds: [key] },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const detail = await a.app.inject({ url: `/api/v1/reports/${key}`, headers: admin.headers });
    const url = detail.json().attachments[0].downloadUrl as string;

    const outsider = await loginAs(b, 'responder');
    const hidden = await b.app.inject({ url, headers: outsider.headers });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.body).not.toContain('Quartzwhisper');
    const shown = await b.app.inject({ url, headers: (await loginAs(b, 'admin')).headers });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toBe('Quartzwhisper evidence');
  });

  it('an e-mail received by one instance is read raw on the other', async () => {
    const { raw, sha256: hash } = await buildMessage({
      from: 'finder@example.org',
      to: ENV.STOPLINE_SECURITY_EMAIL,
      subject: 'Open redirect on login',
      text: 'The next= parameter accepts any host.',
    });
    const outcome = await a.container.services.mail.receiveMessage(raw, {
      via: 'imap',
      remoteAddress: null,
      helo: null,
      mailFrom: null,
      rcptTo: [ENV.STOPLINE_SECURITY_EMAIL],
    });
    const read = await b.container.services.mail.readRaw(outcome.id);
    expect(read && sha256(read)).toBe(hash);
  });
});

describe('files kept in the data folder before the switch', () => {
  it('stay readable once the store is the database, and are moved into it by stopline files migrate', async () => {
    const before = await createTestApp({
      env: { ...ENV, STOPLINE_FILE_STORE: 'fs' },
    });
    try {
      const key = await submitWithAttachment(before, 'old.txt', Buffer.from('kept on disk'));
      expect(await countRows(before, 'files')).toBe(0);
      const after = await createTestApp({
        database: before.database,
        config: { fileStore: 'database' },
      });
      try {
        const admin = await loginAs(after, 'admin');
        const detail = await after.app.inject({
          url: `/api/v1/reports/${key}`,
          headers: admin.headers,
        });
        const file = await after.app.inject({
          url: detail.json().attachments[0].downloadUrl,
          headers: admin.headers,
        });
        expect(file.statusCode, file.body).toBe(200);
        expect(file.body).toBe('kept on disk');

        // `stopline files migrate --to database` moves it into the table, verified, once.
        const env = { ...before.database.env, ...ENV };
        expect(attachmentsOnDisk(before)).toHaveLength(1);
        expect(await migrateFiles('database', env)).toMatchObject({ code: 0 });
        expect(attachmentsOnDisk(before)).toEqual([]);
        expect(await countRows(after, 'files')).toBe(1);
        const again = await migrateFiles('database', env);
        expect(again).toMatchObject({ code: 0 });
        expect(again.last).toMatch(/^moved 0 file\(s\)/);
        const read = await after.app.inject({
          url: detail.json().attachments[0].downloadUrl,
          headers: admin.headers,
        });
        expect(read.body).toBe('kept on disk');
      } finally {
        await after.close();
      }
    } finally {
      await before.close();
    }
  });
});

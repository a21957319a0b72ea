// Files in an S3-compatible bucket (issue 19, item 2), against a local s3rver started here: a file
// kept through one instance is served by another that shares no folder with it, its SHA-256
// checked on every read (an object changed in the bucket is refused with a clear error); an
// unknown file is 404 and a restricted report's file stays hidden from an outsider. The settings
// are checked at start with a message naming the variable, and the secret never reaches an answer
// or a log line. `stopline files migrate --to s3` moves the files kept in the data folder into
// the bucket, idempotent, removing each original only once its copy reads back the same.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.ts';
import { loginAs } from '../helpers/auth.ts';
import { attachmentsOnDisk, migrateFiles, submitWithAttachment } from '../helpers/file-stores.ts';
import { startLocalS3, type LocalS3 } from '../helpers/s3.ts';
import { countRows, createTestApp, type TestApp } from '../helpers/test-app.ts';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const BASE = {
  STOPLINE_SECRET_KEY: 's3-file-store-test-key-0123456789abcdef-0123456789',
  STOPLINE_INTAKE_RATE_LIMIT: '1000',
};

let s3: LocalS3;
let a: TestApp;
let b: TestApp;
let otherDir: string;

/** The attachment's download address as an admin of `t` sees it. */
async function downloadUrl(t: TestApp, key: string): Promise<string> {
  const admin = await loginAs(t, 'admin');
  const detail = await t.app.inject({ url: `/api/v1/reports/${key}`, headers: admin.headers });
  expect(detail.statusCode, detail.body).toBe(200);
  return detail.json().attachments[0].downloadUrl as string;
}

beforeAll(async () => {
  s3 = await startLocalS3();
  a = await createTestApp({ env: { ...BASE, ...s3.env } });
  // A second instance on the same database and bucket, with a data folder of its own.
  otherDir = mkdtempSync(join(tmpdir(), 'stopline-other-'));
  b = await createTestApp({ database: a.database, config: { dataDir: otherDir } });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
  await s3?.stop();
  rmSync(otherDir, { recursive: true, force: true });
});

describe('the S3 settings', () => {
  it('name the missing or wrong variable, and never repeat the secret', () => {
    expect(() => loadConfig({ STOPLINE_FILE_STORE: 's3' })).toThrow(
      'STOPLINE_S3_BUCKET: must be set when STOPLINE_FILE_STORE is s3',
    );
    expect(() =>
      loadConfig({
        STOPLINE_FILE_STORE: 's3',
        STOPLINE_S3_BUCKET: 'b1x',
        STOPLINE_S3_ACCESS_KEY_ID: 'k',
      }),
    ).toThrow('STOPLINE_S3_SECRET_ACCESS_KEY: must be set when STOPLINE_FILE_STORE is s3');
    expect(() => loadConfig({ ...s3.env, STOPLINE_S3_BUCKET: 'My_Bucket' })).toThrow(
      'STOPLINE_S3_BUCKET: must be a bucket name',
    );
    expect(() => loadConfig({ ...s3.env, STOPLINE_S3_ENDPOINT: 'ftp://x' })).toThrow(
      'STOPLINE_S3_ENDPOINT: must be a URL',
    );
    expect(() => loadConfig({ STOPLINE_FILE_STORE: 'disk' })).toThrow(
      'STOPLINE_FILE_STORE: must be database, s3 or fs',
    );
  });

  it('a bucket that does not exist is refused with an answer that names the setting, never the secret', async () => {
    const secret = 'wrong-secret-Quartz-7f3a9c';
    const wrong = await createTestApp({
      database: a.database,
      config: {
        ...loadConfig({
          ...a.database.env,
          ...s3.env,
          STOPLINE_S3_BUCKET: 'no-such-bucket',
          STOPLINE_S3_SECRET_ACCESS_KEY: secret,
        }),
      },
    });
    try {
      const res = await wrong.app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        payload: {
          summary: 'Evidence',
          description: 'The admin export leaks.',
          contact: { email: 'finder@example.org' },
          attachments: [{ name: 'x.txt', contentBase64: Buffer.from('x').toString('base64') }],
        },
      });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().detail).toContain('the S3 bucket no-such-bucket at 127.0.0.1');
      expect(res.json().detail).toContain('NoSuchBucket (check STOPLINE_S3_BUCKET');
      expect(res.body).not.toContain(secret);
      expect(wrong.logs.join('')).not.toContain(secret);
    } finally {
      await wrong.close();
    }
  });
});

describe('files in the bucket', () => {
  it('an attachment sent to one instance is served by the other, its hash matching', async () => {
    const bytes = Buffer.from('proof of the leak: customer 4711, customer 4712\n');
    const key = await submitWithAttachment(a, 'poc.txt', bytes);
    const url = await downloadUrl(b, key);
    const admin = await loginAs(b, 'admin');
    const file = await b.app.inject({ url, headers: admin.headers });
    expect(file.statusCode, file.body).toBe(200);
    expect(sha256(file.rawPayload)).toBe(sha256(bytes));
    // Kept in the bucket, recorded with its hash; not in the database nor a data folder.
    expect(await countRows(b, 'stored_objects')).toBeGreaterThanOrEqual(1);
    expect(await countRows(b, 'files')).toBe(0);
    expect(attachmentsOnDisk(a)).toEqual([]);

    const unknown = await b.app.inject({
      url: `/api/v1/reports/${key}/attachments/00000000-0000-4000-8000-000000000000`,
      headers: admin.headers,
    });
    expect(unknown.statusCode, unknown.body).toBe(404);
  });

  it('an object changed in the bucket is refused on read with a clear error', async () => {
    const key = await submitWithAttachment(a, 'ledger.csv', Buffer.from('id,amount\n1,100\n'));
    const url = await downloadUrl(a, key);
    const report = await a.container.db
      .selectFrom('reports')
      .innerJoin('report_attachments', 'report_attachments.report_id', 'reports.id')
      .select('report_attachments.stored_path')
      .where('reports.key', '=', key)
      .executeTakeFirstOrThrow();
    await s3.overwrite(report.stored_path, Buffer.from('id,amount\n1,999999\n'));

    const res = await b.app.inject({ url, headers: (await loginAs(b, 'admin')).headers });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().detail).toContain('does not match its SHA-256');
    expect(res.body).not.toContain('999999');
  });

  it("a restricted report's file stays hidden from an outsider on the other instance", async () => {
    const key = await submitWithAttachment(a, 'secret.txt', Buffer.from('Quartzwhisper evidence'));
    const admin = await loginAs(a, 'admin');
    const opened = await a.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: admin.headers,
      payload: { title: 'Customer export leak', restricted: true, reportIds: [key] },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const url = await downloadUrl(a, key);

    const outsider = await loginAs(b, 'responder');
    const hidden = await b.app.inject({ url, headers: outsider.headers });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.body).not.toContain('Quartzwhisper');
    const shown = await b.app.inject({ url, headers: (await loginAs(b, 'admin')).headers });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toBe('Quartzwhisper evidence');
  });
});

describe('stopline files migrate --to s3', () => {
  it('moves the files kept in the data folder into the bucket, verified, and again moves nothing twice', async () => {
    const before = await createTestApp({ env: { ...BASE, STOPLINE_FILE_STORE: 'fs' } });
    try {
      const key = await submitWithAttachment(before, 'old.txt', Buffer.from('kept on disk'));
      expect(attachmentsOnDisk(before)).toHaveLength(1);
      const env = { ...before.database.env, ...BASE, ...s3.env };
      // The store must be the one the servers read.
      const elsewhere = await migrateFiles('s3', { ...env, STOPLINE_FILE_STORE: 'fs' });
      expect(elsewhere).toMatchObject({ code: 2 });
      expect(elsewhere.last).toContain('STOPLINE_FILE_STORE is fs');
      expect(attachmentsOnDisk(before)).toHaveLength(1);

      const moved = await migrateFiles('s3', env);
      expect(moved).toMatchObject({ code: 0 });
      expect(moved.last).toContain('moved 1 file(s)');
      expect(attachmentsOnDisk(before)).toEqual([]);
      expect(await countRows(before, 'stored_objects')).toBe(1);
      // Again: nothing left to move.
      const again = await migrateFiles('s3', env);
      expect(again).toMatchObject({ code: 0 });
      expect(again.last).toMatch(/^moved 0 file\(s\)/);

      const after = await createTestApp({
        database: before.database,
        config: loadConfig(env),
      });
      try {
        const admin = await loginAs(after, 'admin');
        const file = await after.app.inject({
          url: await downloadUrl(after, key),
          headers: admin.headers,
        });
        expect(file.statusCode, file.body).toBe(200);
        expect(file.body).toBe('kept on disk');
      } finally {
        await after.close();
      }
    } finally {
      await before.close();
    }
  });
});

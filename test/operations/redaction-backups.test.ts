// Exports and backups respect redactions (issue 19, item 5): after a reporter's contact details
// and file are erased and an e-mail as received is redacted by retention, none of what went is in
// the bytes of `stopline backup FILE` (SQLite: the copy is rebuilt, and secure_delete zeroes freed
// space; PostgreSQL: pg_dump), nor in the exports that exist (audit CSV and JSON, the offline
// copy), the report's detail, the queue and its search; e-mail to the erased address is emptied
// and what was not sent never goes. A backup made before the redaction holds them all, which
// shows the search of the bytes finds what is there.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { createTokenFor } from '../helpers/auth.ts';
import { buildMessage } from '../helpers/mail.ts';
import { runStopline } from '../helpers/tamper.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const SECURITY = 'security@stopline.test';
const DAY = 24 * 60 * 60 * 1000;
const clock = new FakeClock('2026-12-05T09:00:00Z');
const work = mkdtempSync(join(tmpdir(), 'stopline-redacted-backups-'));
// What the reporters gave, each unlike anything else in the database.
const NAME = 'Quillon Vantasker';
const EMAIL = 'quillon.vantasker@finder.test';
const PHONE = '+44 20 7946 0173';
const FILE_TEXT = 'Xyloquartz proof bytes 5521';
const MAIL_FROM = 'wendeline.marrow@mailfinder.test';
const MAIL_HEADER = 'Trace-Zephyrine-88412';
const SECRETS = [NAME, EMAIL, PHONE, FILE_TEXT, MAIL_FROM, MAIL_HEADER];

let t: TestApp;
let admin: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp({ clock, env: { STOPLINE_SECURITY_EMAIL: SECURITY } });
  admin = (await createTokenFor(t, 'admin')).headers;
});
afterAll(async () => t.close());

const get = (url: string) => t.app.inject({ url, headers: admin });
const post = (url: string, payload: object) =>
  t.app.inject({ method: 'POST', url, headers: admin, payload });

/**
 * Every byte of a backup's entries (the database copy, the key, the stored files); PostgreSQL's
 * pg_dump (custom format, compressed) as pg_restore writes it out as SQL, with its COPY data.
 */
async function backupBytes(name: string): Promise<string> {
  const file = join(work, name);
  const made = await runStopline(t, ['backup', file]);
  expect(made.stderr).toBe('');
  expect(made.code).toBe(0);
  const parts: string[] = [];
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const bytes = Buffer.concat(chunks);
      if (header.name.endsWith('.pgdump')) {
        const dump = join(work, `${name}.pgdump`);
        void writeFile(dump, bytes).then(() => {
          parts.push(execFileSync('pg_restore', ['--file=-', dump]).toString('latin1'));
          next();
        }, next);
        return;
      }
      parts.push(bytes.toString('latin1'));
      next();
    });
  });
  const done = new Promise((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  Readable.from(gunzipSync(await readFile(file))).pipe(extract);
  await done;
  return parts.join('\n');
}

/** The secrets a text holds, as text or hex-encoded (a bytea column in a pg_dump). */
const found = (text: string) =>
  SECRETS.filter((s) => text.includes(s) || text.includes(Buffer.from(s).toString('hex')));

describe('exports and backups respect redactions', () => {
  it('a backup and the exports made after redaction hold none of what was removed', async () => {
    const sent = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: {
        summary: 'Account takeover through the reset form',
        description: 'The reset token is predictable.',
        contact: { name: NAME, email: EMAIL, phone: PHONE },
        attachments: [
          { name: 'poc.txt', contentBase64: Buffer.from(FILE_TEXT).toString('base64') },
        ],
      },
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const key = sent.json().key as string;
    // Mail to the reporter, waiting in the outbox (no SMTP here): it must never go once erased.
    const told = await post(`/api/v1/reports/${key}/messages`, {
      kind: 'to_reporter',
      body: 'Thank you, we are looking at it.',
    });
    expect(told.statusCode, told.body).toBe(201);
    const waiting = await t.container.db
      .selectFrom('outbox')
      .select(['id', 'status'])
      .where('recipient', '=', EMAIL)
      .execute();
    expect(waiting.length).toBeGreaterThan(0);

    const { raw } = await buildMessage({
      from: `Wendeline <${MAIL_FROM}>`,
      to: SECURITY,
      subject: 'Open redirect on login',
      text: 'The next= parameter accepts any host.',
      headers: { 'X-Trace': MAIL_HEADER },
    });
    const mailed = await t.container.services.mail.receiveMessage(raw, {
      via: 'imap',
      remoteAddress: null,
      helo: null,
      mailFrom: null,
      rcptTo: [SECURITY],
    });
    expect(mailed.status).toBe('report');

    const before = await backupBytes('before.tar.gz');
    expect(found(before)).toEqual(SECRETS);

    // The reporter asks to be forgotten; the mailed report is closed and its data expires.
    const reason = 'GDPR erasure request, ticket 9001';
    const attachmentId = (await get(`/api/v1/reports/${key}`)).json().attachments[0].id as string;
    expect(
      (await post(`/api/v1/reports/${key}/erasures`, { field: 'contact', reason })).statusCode,
    ).toBe(201);
    const file = await post(`/api/v1/reports/${key}/erasures`, {
      field: 'attachment',
      attachmentId,
      reason,
    });
    expect(file.statusCode, file.body).toBe(201);
    const closed = await post(`/api/v1/reports/${mailed.reportKey}/close`, {
      resolution: 'not_vulnerability',
      reason: 'Works as designed',
    });
    expect(closed.statusCode, closed.body).toBe(204);
    clock.advance(180 * DAY);
    expect((await t.container.services.mail.sweepMailRetention()).messages).toBe(1);
    // Its sender is the mailed report's contact, kept for reporterContactDays (180).
    expect((await t.container.services.reports.sweepRetention()).contacts).toBe(1);

    // What was waiting for the erased address is given up, never sent.
    const outbox = await t.container.db
      .selectFrom('outbox')
      .select(['status', 'recipient', 'body_text', 'last_error'])
      .where(
        'id',
        'in',
        waiting.map((w) => w.id),
      )
      .execute();
    for (const m of outbox)
      expect(m).toMatchObject({
        status: 'dead',
        recipient: '(removed: the address was erased)',
        body_text: '',
        last_error: 'not sent: the address was erased',
      });

    const after = await backupBytes('after.tar.gz');
    expect(found(after)).toEqual([]);

    const exports = [
      await get('/api/v1/audit/export?format=csv'),
      await get('/api/v1/audit/export?format=json'),
      await get('/api/v1/continuity/offline-copy'),
      await get(`/api/v1/reports/${key}`),
      await get(`/api/v1/reports/${key}/contact`),
      await get(`/api/v1/reports/${mailed.reportKey}`),
      await get(`/api/v1/reports/${mailed.reportKey}/mail`),
      await get('/api/v1/reports'),
      await get(`/api/v1/reports?q=${encodeURIComponent(EMAIL)}`),
    ];
    for (const res of exports) {
      expect(res.statusCode, res.body).toBe(200);
      expect(found(res.body)).toEqual([]);
    }
    const run = await runStopline(t, ['verify']);
    expect(run.code, run.stderr).toBe(0);
  });
});

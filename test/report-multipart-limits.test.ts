// The public forms' multipart bodies are capped before and while they are read: a sender over the
// hourly limit is refused before the body is read, a declared length over the cap is refused at
// once, a body sent chunked is cut off at the cap as it arrives, and text fields are capped in
// size, in number and with the files in parts. Each refusal is a 413 (or 429) page that says
// which limit, nothing is recorded, and no evidence file is left on disk. Files are streamed to a
// staging folder, never held whole in memory, and moved into place when the report is recorded.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, createTestApp, type TestApp } from './helpers/test-app.ts';
import { formFields, multipart, readReceipt, signIn } from './helpers/reports.ts';

let t: TestApp;
let port: number;
beforeAll(async () => {
  t = await createTestApp({
    env: {
      STOPLINE_ATTACHMENT_MAX_BYTES: '2048',
      STOPLINE_ATTACHMENT_MAX_COUNT: '2',
      STOPLINE_INTAKE_RATE_LIMIT: '3',
    },
  });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await t.close();
});

const MiB = 1024 * 1024;
/** 4 MiB of text + 64 KiB + 2 files × (2048 + 2048): what multipartBodyLimit gives here. */
const TOTAL_CAP = 4 * MiB + 64 * 1024 + 2 * (2048 + 2048);

const file = (name: string, size: number) => ({
  name,
  type: 'text/plain',
  bytes: Buffer.alloc(size, 'a'),
});
const countReports = () => countRows(t, 'reports');

/** Evidence files: those still in the staging folder on disk, and those kept by the file store. */
async function storedFiles(): Promise<{ staged: string[]; kept: string[] }> {
  const root = join(t.container.config.dataDir, 'attachments');
  const onDisk = existsSync(root)
    ? readdirSync(root, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    : [];
  const inDatabase =
    t.container.config.fileStore === 'database'
      ? (
          await t.container.db
            .selectFrom('files')
            .select('key')
            .where('key', 'like', 'attachments/%')
            .execute()
        ).map((row) => row.key.slice('attachments/'.length))
      : [];
  return {
    staged: onDisk.filter((p) => p.startsWith('.incoming')),
    kept: [...onDisk.filter((p) => !p.startsWith('.incoming')), ...inDatabase],
  };
}

function postForm(remoteAddress: string, form: ReturnType<typeof multipart>, url = '/report') {
  return t.app.inject({ method: 'POST', url, remoteAddress, ...form });
}

function expectRefusalPage(res: { statusCode: number; headers: object; body: string }) {
  expect(res.statusCode, res.body.slice(0, 400)).toBe(413);
  expect((res.headers as Record<string, string>)['content-type']).toMatch(/^text\/html/);
  expect(res.body).toContain('role="alert"');
}

interface RawAnswer {
  status: number;
  headers: string;
  body: string;
  /** Body bytes written before the answer arrived. */
  sent: number;
}

/**
 * A client on a real connection: sends the request head, then the body piece by piece while no
 * answer has come, and resolves with the answer as soon as it is complete (or undefined after
 * `waitMs` without one). `chunked` frames the body with Transfer-Encoding: chunked.
 */
async function sendRaw(
  head: string,
  pieces: Iterable<Buffer>,
  options: { chunked?: boolean; waitMs?: number } = {},
): Promise<RawAnswer | undefined> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.on('error', () => {}); // the server may close once it has answered
  let received = Buffer.alloc(0);
  let sent = 0;
  let answer: RawAnswer | undefined;
  const answered = new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const headers = received.subarray(0, end).toString('latin1');
      const length = Number(/content-length: (\d+)/i.exec(headers)?.[1] ?? 0);
      if (received.length - end - 4 < length) return;
      answer = {
        status: Number(headers.split(' ')[1]),
        headers,
        body: received.subarray(end + 4, end + 4 + length).toString('utf8'),
        sent,
      };
      resolve();
    });
    socket.on('close', () => resolve());
  });
  socket.write(head);
  for (const piece of pieces) {
    if (answer || socket.destroyed) break;
    const framed = options.chunked
      ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')])
      : piece;
    const more = socket.write(framed);
    sent += piece.length;
    if (!more) await Promise.race([once(socket, 'drain'), answered]);
  }
  await Promise.race([answered, new Promise((r) => setTimeout(r, options.waitMs ?? 5000))]);
  socket.destroy();
  return answer;
}

/** A multipart body whose `description` is `size` bytes, in 64 KiB pieces. */
function* bigDescription(boundary: string, size: number): Generator<Buffer> {
  yield Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="summary"\r\n\r\nBig\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\n`,
  );
  const piece = Buffer.alloc(64 * 1024, 'x');
  for (let n = 0; n < size; n += piece.length) yield piece;
  yield Buffer.from(`\r\n--${boundary}--\r\n`);
}

const requestHead = (path: string, headers: Record<string, string | number>) =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
  Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('') +
  '\r\n';

describe('multipart limits on the report form', () => {
  it('a text field over 1 MiB is a 413 page naming the field; nothing is stored', async () => {
    const res = await postForm(
      '192.0.2.10',
      multipart(formFields({ description: 'x'.repeat(MiB + 1) })),
    );
    expectRefusalPage(res);
    expect(res.body).toContain('The field &quot;description&quot; is larger than 1048576 bytes');
    expect(await countReports()).toBe(0);
  });

  it('more than 20 fields is a 413 page; nothing is stored', async () => {
    const fields = formFields();
    for (let i = 0; Object.keys(fields).length < 21; i++) fields[`extra${i}`] = 'x';
    const res = await postForm('192.0.2.11', multipart(fields));
    expectRefusalPage(res);
    expect(res.body).toContain('more than 20 fields');
    expect(await countReports()).toBe(0);
  });

  it('more parts than fields and files together may have is a 413 page; no file is left', async () => {
    const fields = formFields();
    for (let i = 0; Object.keys(fields).length < 20; i++) fields[`extra${i}`] = 'x';
    const res = await postForm(
      '192.0.2.12',
      multipart(fields, [file('a.txt', 10), file('b.txt', 10), file('c.txt', 10)]),
    );
    expectRefusalPage(res);
    expect(res.body).toContain('more than 22 parts (fields and files)');
    expect(await countReports()).toBe(0);
    expect(await storedFiles()).toEqual({ staged: [], kept: [] });
  });

  it('more files than allowed, or one too large, is a 413 page; no file is left on disk', async () => {
    const many = await postForm(
      '192.0.2.13',
      multipart(formFields(), [file('a.txt', 1000), file('b.txt', 1000), file('c.txt', 10)]),
    );
    expectRefusalPage(many);
    expect(many.body).toContain('limited to 2 files');
    const big = await postForm(
      '192.0.2.13',
      multipart(formFields(), [file('ok.txt', 1000), file('big.log', 4096)]),
    );
    expectRefusalPage(big);
    expect(big.body).toContain('The file &quot;big.log&quot; is larger than 2048 bytes');
    expect(await countReports()).toBe(0);
    expect(await storedFiles()).toEqual({ staged: [], kept: [] });
  });

  it('files are streamed to storage: a recorded report keeps them, a refused form leaves none', async () => {
    const refused = await postForm(
      '192.0.2.14',
      multipart(formFields({ summary: ' ' }), [file('a.txt', 2000)]),
    );
    expect(refused.statusCode).toBe(400);
    expect(await storedFiles()).toEqual({ staged: [], kept: [] });

    const res = await postForm(
      '192.0.2.14',
      multipart(formFields(), [file('a.txt', 2048), file('b.png', 100)]),
    );
    readReceipt(res);
    const disk = await storedFiles();
    expect(disk.staged).toEqual([]);
    expect(disk.kept).toHaveLength(2);
    const rows = await t.container.db
      .selectFrom('report_attachments')
      .select(['original_name', 'size', 'sha256'])
      .orderBy('original_name')
      .execute();
    const sha256 = (size: number) =>
      createHash('sha256').update(Buffer.alloc(size, 'a')).digest('hex');
    expect(rows).toEqual([
      { original_name: 'a.txt', size: 2048, sha256: sha256(2048) },
      { original_name: 'b.png', size: 100, sha256: sha256(100) },
    ]);
  });

  it('a declared length over the cap is refused with 413 before the body is read', async () => {
    const before = await countReports();
    const answer = await sendRaw(
      requestHead('/report', {
        'Content-Type': 'multipart/form-data; boundary=b',
        'Content-Length': 105 * MiB,
      }),
      [],
    );
    expect(answer?.status).toBe(413);
    expect(answer?.headers).toMatch(/content-type: text\/html/i);
    expect(answer?.body).toContain(`The form is larger than ${TOTAL_CAP} bytes in all`);
    expect(await countReports()).toBe(before);
  });

  it('a body sent chunked, without a length, is cut off at the cap as it arrives', async () => {
    const before = await countReports();
    const answer = await sendRaw(
      requestHead('/report', {
        'Content-Type': 'multipart/form-data; boundary=b',
        'Transfer-Encoding': 'chunked',
      }),
      bigDescription('b', 12 * MiB),
      { chunked: true },
    );
    expect(answer?.status).toBe(413);
    expect(answer?.body).toContain(`The form is larger than ${TOTAL_CAP} bytes in all`);
    expect(await countReports()).toBe(before);
    expect((await storedFiles()).staged).toEqual([]);
  });
});

describe('multipart limits on a portal reply', () => {
  it('a reply over a limit is a 413 page; the conversation and its files are kept', async () => {
    const sent = await postForm('192.0.2.20', multipart(formFields(), [file('first.txt', 100)]));
    const { key, accessCode } = readReceipt(sent);
    const visit = await signIn(t.app, key, accessCode, '192.0.2.20');
    expect((await visit.reply('An earlier message')).statusCode).toBe(303);
    const keptBefore = (await storedFiles()).kept;

    const longField = await visit.reply('y'.repeat(MiB + 1));
    expectRefusalPage(longField);
    expect(longField.body).toContain('The field &quot;body&quot; is larger than 1048576 bytes');
    const bigFile = await visit.reply('with a big file', [file('ok.txt', 10), file('big', 4096)]);
    expectRefusalPage(bigFile);

    const page = await visit.page();
    expect(page).toContain('An earlier message');
    expect(page).toContain('first.txt');
    expect(page).not.toContain('with a big file');
    expect(await storedFiles()).toEqual({ staged: [], kept: keptBefore });
  });
});

describe('a sender over the hourly limit', () => {
  it('is refused with 429 before the body is read, on the form, the portal and the API', async () => {
    // The raw connections come from 127.0.0.1 (the portal visit above replied from there too).
    for (let i = 0; i < 3; i++) {
      const res = await postForm('127.0.0.1', multipart(formFields()));
      if (res.statusCode === 429) break;
      readReceipt(res);
    }
    const before = await countReports();
    const boundary = 'b';
    const start = bigDescription(boundary, MiB);
    const firstPiece = [start.next().value as Buffer];

    const form = await sendRaw(
      requestHead('/report', {
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': 105 * MiB,
      }),
      firstPiece,
    );
    expect(form?.status).toBe(429);
    expect(form?.headers).toMatch(/retry-after: \d+/i);
    expect(form?.headers).toMatch(/content-type: text\/html/i);
    expect(form?.body).toContain('Too many reports from your network');

    const reply = await sendRaw(
      requestHead('/portal/reply', {
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': 3 * MiB,
      }),
      firstPiece,
    );
    expect(reply?.status).toBe(429);

    const api = await sendRaw(
      requestHead('/api/v1/reports', {
        'Content-Type': 'application/json',
        'Content-Length': 3 * MiB,
      }),
      [Buffer.from('{"summary":"s","description":"')],
    );
    expect(api?.status).toBe(429);
    expect(api?.headers).toMatch(/content-type: application\/problem\+json/i);
    expect(await countReports()).toBe(before);
  });
});

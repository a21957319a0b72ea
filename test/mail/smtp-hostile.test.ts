// Hostile mail at the default limits: a 30 MB message is refused during the SMTP dialogue (552)
// with nothing stored; a zip bomb is kept as the small file it is, never expanded; a message with
// no headers at all still becomes a report, answered by no receipt (there is no one to answer).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32, deflateRawSync } from 'node:zlib';
import { buildMessage, sendRaw, staffReport, TestDns } from '../helpers/mail.ts';
import { countRows, createTestApp, storedFile, type TestApp } from '../helpers/test-app.ts';

const SECURITY = 'security@stopline.test';
let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await createTestApp({
    env: { STOPLINE_SECURITY_EMAIL: SECURITY, STOPLINE_SMTP_IN_PORT: '0' },
    overrides: { dnsResolver: new TestDns().resolve },
  });
  await t.container.workers.listen();
  port = t.container.workers.smtpIn!.port!;
});
afterAll(() => t.close());

/** A one-file zip archive (stored deflated) whose content expands to `size` zero bytes. */
function zipBomb(size: number): Buffer {
  const content = Buffer.alloc(size);
  const packed = deflateRawSync(content, { level: 9 });
  const name = Buffer.from('zeros.bin');
  const crc = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(packed.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(packed.length, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(name.length, 28);
  const centralAt = local.length + name.length + packed.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(centralAt, 16);
  return Buffer.concat([local, name, packed, central, name, end]);
}

const inbound = () =>
  t.container.db
    .selectFrom('inbound_mail')
    .selectAll()
    .orderBy('received_at')
    .orderBy('id')
    .execute();

describe('hostile mail at the default limits', () => {
  it('a 30 MB message is refused with 552 during the dialogue and nothing is stored', async () => {
    const big = await buildMessage({
      from: 'x@reporter.test',
      to: SECURITY,
      subject: 'huge',
      text: 'see attachment',
      attachments: [{ filename: 'dump.bin', content: Buffer.alloc(30 * 1024 * 1024, 7) }],
    });
    const refused = await sendRaw(port, { from: 'x@reporter.test', to: [SECURITY] }, big.raw).then(
      () => null,
      (error: { responseCode?: number }) => error,
    );
    expect(refused?.responseCode).toBe(552);
    expect(await inbound()).toHaveLength(0);
  });

  it('a zip bomb attachment is stored as the small file it is, never expanded, and the report is made', async () => {
    const bomb = zipBomb(100 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(200 * 1024);
    const message = await buildMessage({
      from: 'x@reporter.test',
      to: SECURITY,
      subject: 'Archive of the logs',
      text: 'Logs attached.',
      messageId: '<bomb@reporter.test>',
      attachments: [{ filename: 'logs.zip', content: bomb, contentType: 'application/zip' }],
    });
    expect(await sendRaw(port, { from: 'x@reporter.test', to: [SECURITY] }, message.raw)).toMatch(
      /^250 /,
    );
    const row = (await inbound()).at(-1)!;
    expect(row.status).toBe('report');
    const file = await t.container.db
      .selectFrom('report_attachments')
      .selectAll()
      .where('report_id', '=', row.report_id!)
      .executeTakeFirstOrThrow();
    expect(file).toMatchObject({ original_name: 'logs.zip', size: bomb.length });
    expect(await storedFile(t, file.stored_path)).toEqual(bomb);
  });

  it('a message with no headers at all becomes a report, with no receipt, kept as received', async () => {
    const outbox = await countRows(t, 'outbox');
    const raw = 'Just a body, no headers.\r\n';
    expect(await sendRaw(port, { from: 'x@reporter.test', to: [SECURITY] }, `\r\n${raw}`)).toMatch(
      /^250 /,
    );
    const row = (await inbound()).at(-1)!;
    expect(row).toMatchObject({ status: 'report', message_id: null, from_address: null });
    expect((await storedFile(t, row.raw_path)).toString()).toBe(`\r\n${raw}`);
    const { key } = await t.container.db
      .selectFrom('reports')
      .select('key')
      .where('id', '=', row.report_id!)
      .executeTakeFirstOrThrow();
    const report = await staffReport(t, key);
    expect(report.summary).toBe('(no subject)');
    expect(report.description).toContain('Just a body, no headers.');
    expect(await countRows(t, 'outbox')).toBe(outbox);
  });
});

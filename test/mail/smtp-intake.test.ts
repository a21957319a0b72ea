// security@ by e-mail: a real SMTP client (nodemailer) sends to Stopline's listener. Each message
// is stored as received (bytes, SHA-256, receive time) and becomes a report through the same use
// case as the form, with its acknowledgment clock from the receive time and an automatic receipt
// to a sender who is not shown forged; hostile mail is stored and inert.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../src/server/clock.ts';
import type { OutboxWorker } from '../../src/server/workers/outbox-worker.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/delivery.ts';
import {
  buildMessage,
  outboxTo,
  sendRaw,
  staffReport as staffReportOf,
  TestDns,
} from '../helpers/mail.ts';
import { countRows, createTestApp, storedFile, type TestApp } from '../helpers/test-app.ts';

const SECURITY = 'security@stopline.test';
const MAX_BYTES = 1024 * 1024;

let t: TestApp;
let port: number;
let receiver: SmtpReceiver;
let worker: OutboxWorker;
const dns = new TestDns();
let aliceKey: ReturnType<TestDns['dkimKey']>;

beforeAll(async () => {
  // reporter.test signs its mail and sends it from this machine; bank.test sends from elsewhere.
  dns.publish('reporter.test', 'v=spf1 ip4:127.0.0.1 -all');
  dns.publish('_dmarc.reporter.test', 'v=DMARC1; p=reject');
  aliceKey = dns.dkimKey('reporter.test', 's1');
  dns.publish('bank.test', 'v=spf1 ip4:192.0.2.1 -all');
  dns.publish('_dmarc.bank.test', 'v=DMARC1; p=reject');
  t = await createTestApp({
    env: {
      STOPLINE_SECURITY_EMAIL: SECURITY,
      STOPLINE_SMTP_IN_PORT: '0',
      STOPLINE_SMTP_IN_MAX_BYTES: String(MAX_BYTES),
    },
    overrides: { dnsResolver: dns.resolve },
  });
  await t.container.workers.listen();
  port = t.container.workers.smtpIn!.port!;
  receiver = await startSmtpReceiver();
  worker = outboxTo(t, receiver.port, SECURITY);
});
afterAll(async () => {
  await receiver.stop();
  await t.close();
});

async function inbound() {
  return t.container.db
    .selectFrom('inbound_mail')
    .selectAll()
    .orderBy('received_at')
    .orderBy('id')
    .execute();
}

const staffReport = (key: string) => staffReportOf(t, key);

const aliceMessage = (extra: Record<string, unknown> = {}) =>
  buildMessage(
    {
      from: 'Alice Finder <alice@reporter.test>',
      to: SECURITY,
      subject: 'Stored XSS in the profile name',
      text: 'Set your display name to <img src=x onerror=alert(1)> and open the team page.',
      messageId: '<first-report@reporter.test>',
      ...extra,
    },
    aliceKey,
  );

describe('a report by e-mail', () => {
  it('becomes a report with the acknowledgment clock from its receive time, stored as received, with SPF, DKIM and DMARC recorded, and the sender gets a receipt', async () => {
    const message = await aliceMessage();
    const receivedAt = t.clock.now();
    const reply = await sendRaw(port, { from: 'alice@reporter.test', to: [SECURITY] }, message.raw);
    expect(reply).toMatch(/^250 /);

    const [row] = await inbound();
    expect(row).toMatchObject({
      via: 'smtp',
      status: 'report',
      sha256: message.sha256,
      message_id: 'first-report@reporter.test',
      from_address: 'alice@reporter.test',
      envelope_from: 'alice@reporter.test',
    });
    expect(Number(row!.received_at)).toBe(receivedAt);
    // The bytes on disk are the bytes sent.
    expect(await storedFile(t, row!.raw_path)).toEqual(message.raw);
    expect(JSON.parse(row!.auth_json!)).toEqual({
      spf: 'pass',
      dkim: [{ domain: 'reporter.test', result: 'pass' }],
      dmarc: 'pass',
      fromDomain: 'reporter.test',
    });

    const report = await staffReport('RPT-0001');
    expect(report.summary).toBe('Stored XSS in the profile name');
    expect(report.description).toContain('<img src=x onerror=alert(1)>');
    expect(report.receivedAt).toBe(new Date(receivedAt).toISOString());
    expect(report.acknowledgeDueAt).toBe(new Date(receivedAt + 24 * HOUR).toISOString());
    expect(report.status).toBe('received');

    // The acknowledgment clock is a live deadline from the receive time.
    const deadlines = await t.container.db
      .selectFrom('deadlines')
      .select(['due_at', 'started_at'])
      .where('subject_id', '=', row!.report_id!)
      .execute();
    expect(deadlines.map((d) => Number(d.due_at))).toContain(receivedAt + 24 * HOUR);

    t.clock.advance(MINUTE);
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 1 });
    await receiver.waitFor(1);
    const receipt = receiver.received[0]!;
    expect(receipt.to).toMatchObject({ value: [{ address: 'alice@reporter.test' }] });
    expect(receipt.subject).toBe('[RPT-0001] Received: Stored XSS in the profile name');
    expect(receipt.text).toContain('recorded as RPT-0001');
    expect(receipt.text).toContain(new Date(receivedAt + 24 * HOUR).toISOString());
    // A receipt never carries the report back.
    expect(receipt.text).not.toContain('onerror');
  });

  it('the same message again (same Message-ID) is stored but makes no second report and no second receipt', async () => {
    const before = await countRows(t, 'reports');
    const message = await aliceMessage();
    expect(
      await sendRaw(port, { from: 'alice@reporter.test', to: [SECURITY] }, message.raw),
    ).toMatch(/^250 /);
    const rows = await inbound();
    const last = rows.at(-1)!;
    expect(last).toMatchObject({
      status: 'duplicate',
      duplicate_of: rows[0]!.id,
      report_id: rows[0]!.report_id,
    });
    expect(await countRows(t, 'reports')).toBe(before);
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 0 });
  });

  it('a forged From (SPF and DMARC fail) is kept as a report, but no receipt goes to the address it names', async () => {
    const message = await buildMessage({
      from: 'ceo@bank.test',
      to: SECURITY,
      subject: 'Urgent: wire transfer bug',
      text: 'Please confirm.',
      messageId: '<forged@bank.test>',
    });
    expect(await sendRaw(port, { from: 'ceo@bank.test', to: [SECURITY] }, message.raw)).toMatch(
      /^250 /,
    );
    const row = (await inbound()).at(-1)!;
    expect(row.status).toBe('report');
    expect(JSON.parse(row.auth_json!)).toMatchObject({ spf: 'fail', dmarc: 'fail', dkim: [] });
    expect((await staffReport('RPT-0002')).summary).toBe('Urgent: wire transfer bug');
    // Staff hear of the new report; the address it names hears nothing.
    await worker.deliverDue(t.clock.now());
    expect(receiver.received.map((m) => m.to && 'text' in m.to && m.to.text)).not.toContain(
      'ceo@bank.test',
    );
  });

  it('an auto-reply is filed without a receipt, so two robots cannot loop', async () => {
    const message = await aliceMessage({
      subject: 'Out of office',
      text: 'I am away.',
      messageId: '<ooo@reporter.test>',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    expect(
      await sendRaw(port, { from: 'alice@reporter.test', to: [SECURITY] }, message.raw),
    ).toMatch(/^250 /);
    expect((await inbound()).at(-1)).toMatchObject({ status: 'report' });
    // Staff hear of the new report; the robot that wrote it hears nothing.
    const before = receiver.received.length;
    await worker.deliverDue(t.clock.now());
    expect(
      receiver.received.slice(before).map((m) => m.to && 'text' in m.to && m.to.text),
    ).not.toContain('alice@reporter.test');
  });
});

describe('what the listener refuses during the SMTP dialogue', () => {
  it('a message over the size limit gets 552 and nothing is stored', async () => {
    const before = await inbound();
    const big = await buildMessage({
      from: 'alice@reporter.test',
      to: SECURITY,
      subject: 'big',
      text: 'x'.repeat(2 * MAX_BYTES),
    });
    const refused = await sendRaw(
      port,
      { from: 'alice@reporter.test', to: [SECURITY] },
      big.raw,
    ).then(
      () => null,
      (error: { responseCode?: number }) => error,
    );
    expect(refused?.responseCode).toBe(552);
    expect(await inbound()).toHaveLength(before.length);
  });

  it('mail for any other address gets 550; the +token forms of the security address are taken', async () => {
    const message = await buildMessage({
      from: 'alice@reporter.test',
      to: 'ceo@stopline.test',
      subject: 's',
      text: 't',
    });
    const refused = await sendRaw(
      port,
      { from: 'alice@reporter.test', to: ['ceo@stopline.test'] },
      message.raw,
    ).then(
      () => null,
      (error: { responseCode?: number }) => error,
    );
    expect(refused?.responseCode).toBe(550);
    const elsewhere = await sendRaw(
      port,
      { from: 'a@reporter.test', to: ['security@evil.test'] },
      message.raw,
    ).then(
      () => null,
      (error: { responseCode?: number }) => error,
    );
    expect(elsewhere?.responseCode).toBe(550);
  });
});

function multipartOf(count: number): string {
  const parts = Array.from(
    { length: count },
    (_, i) =>
      `--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="p${i}.txt"\r\n\r\npart ${i}\r\n`,
  ).join('');
  return `From: x@reporter.test\r\nSubject: many parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee the parts\r\n${parts}--b--\r\n`;
}

async function keyOf(reportId: string): Promise<string> {
  const row = await t.container.db
    .selectFrom('reports')
    .select('key')
    .where('id', '=', reportId)
    .executeTakeFirstOrThrow();
  return row.key;
}

describe('hostile mail is stored as received and inert', () => {
  const send = async (raw: string | Buffer) => {
    const before = (await inbound()).length;
    expect(await sendRaw(port, { from: 'x@reporter.test', to: [SECURITY] }, raw)).toMatch(/^250 /);
    const rows = await inbound();
    expect(rows).toHaveLength(before + 1);
    return rows.at(-1)!;
  };

  it('an HTML-only message with script: the report holds its text, never the script', async () => {
    const message = await buildMessage({
      from: 'x@reporter.test',
      to: SECURITY,
      subject: '<script>alert("subject")</script>',
      html: '<p>Hello</p><script>alert("body")</script><img src=x onerror="alert(2)">',
      messageId: '<html-only@reporter.test>',
    });
    const row = await send(message.raw);
    expect(row).toMatchObject({ status: 'report', sha256: message.sha256 });
    const report = await staffReport(await keyOf(row.report_id!));
    // Kept as written: the subject is text, shown escaped wherever it is shown.
    expect(report.summary).toBe('<script>alert("subject")</script>');
    expect(report.description).toContain('Hello');
    expect(report.description).not.toMatch(/<script|onerror/i);
  });

  it('8-bit garbage, malformed MIME, 300 parts and 1,000 parts are each stored as received and become reports', async () => {
    const garbage = Buffer.concat([
      Buffer.from(
        'From: x@reporter.test\r\nSubject: \xff\xfe bytes\r\nMessage-ID: <garbage@reporter.test>\r\n\r\n',
        'latin1',
      ),
      Buffer.from(
        Array.from({ length: 4096 }, (_, i) => (i * 37) % 256).filter(
          (b) => b !== 10 && b !== 13 && b !== 46,
        ),
      ),
      Buffer.from('\r\n'),
    ]);
    const stored = await send(garbage);
    expect(await storedFile(t, stored.raw_path)).toEqual(garbage);
    expect(stored.status).toBe('report');

    const malformed = [
      'From: x@reporter.test',
      'Subject: broken',
      'Subject: twice',
      'Content-Type: multipart/mixed; boundary="never-closed"',
      '',
      '--never-closed',
      'Content-Type: text/plain; charset=no-such-charset',
      'Content-Transfer-Encoding: base64',
      '',
      '!!!not base64!!!',
      '--never-closed',
      'Content-Type: application/octet-stream; name="a.zip"',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      '=ZZ=',
      '',
    ].join('\r\n');
    expect((await send(malformed)).status).toBe('report');

    // 300 parts are read: the report keeps as many files as the limit allows and names the rest.
    const row = await send(multipartOf(300));
    expect(row.status).toBe('report');
    const files = await t.container.db
      .selectFrom('report_attachments')
      .select('id')
      .where('report_id', '=', row.report_id!)
      .execute();
    expect(files).toHaveLength(t.container.config.attachmentMaxCount);
    expect((await staffReport(await keyOf(row.report_id!))).description).toMatch(
      /p299\.txt is over the count limit/,
    );

    // 1,000 parts are more than the parser takes: still a report, flagged, the message kept.
    const huge = multipartOf(1000);
    const refused = await send(huge);
    expect(refused).toMatchObject({ status: 'report' });
    expect(refused.problem).toMatch(/MIME structure could not be read/);
    expect((await storedFile(t, refused.raw_path)).toString()).toBe(huge);
    const flagged = await staffReport(await keyOf(refused.report_id!));
    expect(flagged.summary).toBe('(an e-mail Stopline could not read)');
    expect(flagged.description).toContain(refused.sha256);
  });
});

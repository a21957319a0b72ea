// The hostile corpus of issue 17, sent over real SMTP (nodemailer) to Stopline's listener after a
// real report and its reply: each message gets a clear outcome (what it became, and why), script
// is never run or shown unescaped anywhere (the staff notice, the portal, the raw view), a forged
// From is recorded and shown to staff, a stolen subject tag threads nowhere (only a reply
// address token or an answer from the reporter's own address joins a report), and at the end
// nothing stored before is lost: every message's bytes still hash to what was recorded, and the
// first report and its conversation are as they were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { SendMailOptions } from 'nodemailer';
import { loginAs } from '../helpers/auth.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/delivery.ts';
import {
  buildMessage,
  deliveredTo,
  lastInbound,
  outboxTo,
  sendRaw,
  staffReport,
  TestDns,
  conversationOf,
} from '../helpers/mail.ts';
import { formEncoded } from '../helpers/reports.ts';
import { createTestApp, storedFile, type TestApp } from '../helpers/test-app.ts';

const SECURITY = 'security@stopline.test';
let t: TestApp;
let port: number;
let receiver: SmtpReceiver;
const dns = new TestDns();
let firstKey: string;
let firstConversation: unknown;

beforeAll(async () => {
  dns.publish('reporter.test', 'v=spf1 ip4:127.0.0.1 -all');
  dns.publish('_dmarc.reporter.test', 'v=DMARC1; p=reject');
  dns.publish('bank.test', 'v=spf1 ip4:192.0.2.1 -all');
  dns.publish('_dmarc.bank.test', 'v=DMARC1; p=reject');
  t = await createTestApp({
    env: {
      STOPLINE_BASE_URL: 'https://stopline.test',
      STOPLINE_SECURITY_EMAIL: SECURITY,
      STOPLINE_SMTP_IN_PORT: '0',
    },
    overrides: { dnsResolver: dns.resolve },
  });
  await t.container.workers.listen();
  port = t.container.workers.smtpIn!.port!;
  receiver = await startSmtpReceiver();
  // A real report and the reporter's reply to it, before any of the corpus.
  const first = await send('alice@reporter.test', {
    subject: 'SSRF in the webhook tester',
    text: 'The tester fetches http://169.254.169.254/.',
    messageId: '<alice-1@reporter.test>',
  });
  firstKey = await keyOf(first.report_id!);
  const reply = await send('alice@reporter.test', {
    subject: `Re: [${firstKey}] SSRF in the webhook tester`,
    text: 'It also follows redirects.',
    inReplyTo: '<alice-1@reporter.test>',
    messageId: '<alice-2@reporter.test>',
  });
  expect(reply.status).toBe('reply');
  firstConversation = await conversation(firstKey);
});
afterAll(async () => {
  await receiver.stop();
  await t.close();
});

async function send(from: string, mail: SendMailOptions) {
  const built = await buildMessage({ from, to: SECURITY, ...mail });
  return sendBytes(from, built.raw);
}

async function sendBytes(from: string, raw: Buffer | string) {
  expect(await sendRaw(port, { from, to: [SECURITY] }, raw)).toMatch(/^250 /);
  return lastInbound(t);
}

async function keyOf(reportId: string): Promise<string> {
  const row = await t.container.db
    .selectFrom('reports')
    .select('key')
    .where('id', '=', reportId)
    .executeTakeFirstOrThrow();
  return row.key;
}

const conversation = async (key: string) => ({ messages: await conversationOf(t, key) });

const deliveredToAddress = (address: string) => deliveredTo(t, receiver, SECURITY, address);

function multipartOf(count: number): string {
  const parts = Array.from(
    { length: count },
    (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`,
  ).join('');
  return `From: x@reporter.test\r\nSubject: many parts\r\nMessage-ID: <parts@reporter.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n${parts}--b--\r\n`;
}

describe('the hostile corpus', () => {
  it('1,000 MIME parts: stored as received, a report flagged for a person ("could not read") naming the stored message', async () => {
    const raw = multipartOf(1000);
    const row = await sendBytes('x@reporter.test', raw);
    expect(row).toMatchObject({ status: 'report' });
    expect(row.problem).toMatch(/MIME structure could not be read/);
    expect((await storedFile(t, row.raw_path)).toString()).toBe(raw);
    const report = await staffReport(t, await keyOf(row.report_id!));
    expect(report.summary).toBe('(an e-mail Stopline could not read)');
    expect(report.description).toContain(row.id);
    expect(report.description).toContain(row.sha256);
  });

  it('an HTML-only message with script: stored as sent, its text a report, the script shown escaped in the staff notice and the portal, and the raw view plain text', async () => {
    const script = '<script>alert("x")</script>';
    const row = await send('html@reporter.test', {
      subject: `${script} in the search box`,
      html: `<p>Search for</p>${script}<img src=x onerror="alert(2)">`,
      messageId: '<html@reporter.test>',
    });
    expect(row.status).toBe('report');
    const key = await keyOf(row.report_id!);
    const report = await staffReport(t, key);
    expect(report.summary).toBe(`${script} in the search box`);
    expect(report.description).toContain('Search for');
    expect(report.description).not.toMatch(/<script|onerror/i);

    // The staff notice's HTML part and the receipt carry it escaped, never as markup.
    t.clock.advance(1000);
    const before = receiver.received.length;
    await outboxTo(t, receiver.port, SECURITY).deliverDue(t.clock.now());
    const sent = receiver.received.slice(before);
    for (const mail of sent) expect(mail.html || '').not.toMatch(/<script|onerror=/i);
    const receipt = sent.find((m) => m.subject?.startsWith(`[${key}] Received`))!;
    const code = /access code: (\S+)/.exec(receipt.text ?? '')![1]!;

    // The reporter's portal shows the subject as text.
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/portal/sign-in',
      ...formEncoded({ key, accessCode: code }),
    });
    expect(signIn.statusCode).toBe(303);
    const portal = await t.app.inject({
      method: 'GET',
      url: '/portal',
      headers: { cookie: String(signIn.headers['set-cookie']).split(';')[0]! },
    });
    expect(portal.body).toContain('&lt;script&gt;');
    expect(portal.body).not.toContain(script);

    // The raw message, script and all, is a text/plain download.
    const staff = await loginAs(t, 'responder');
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/reports/${key}/mail`,
      headers: staff.headers,
    });
    const raw = await t.app.inject({
      method: 'GET',
      url: list.json().messages[0].rawUrl,
      headers: staff.headers,
    });
    expect(raw.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(raw.headers['content-disposition']).toMatch(/^attachment;/);
    expect(raw.body).toContain(script);
  });

  it('a forged From: DMARC fail recorded, shown to staff on the report and in its mail, and no answer sent to the address', async () => {
    const row = await send('ceo@bank.test', {
      subject: 'Invoice system bug',
      text: 'Pay the attached invoice to test it.',
      messageId: '<forged@bank.test>',
    });
    expect(row.status).toBe('report');
    expect(JSON.parse(row.auth_json!)).toMatchObject({ spf: 'fail', dmarc: 'fail' });
    const key = await keyOf(row.report_id!);
    expect((await staffReport(t, key)).description).toContain(
      'SENDER NOT PROVEN, the From address may be forged (DMARC fail, SPF fail, DKIM none)',
    );
    const staff = await loginAs(t, 'viewer');
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/reports/${key}/mail`,
      headers: staff.headers,
    });
    expect(list.json().messages[0]).toMatchObject({ forged: true });
    expect(await deliveredToAddress('ceo@bank.test')).toEqual([]);
  });

  it("a stolen subject tag from another sender never threads into someone else's report: alone, with the reporter's Message-ID, or with a wrong token", async () => {
    const tagOnly = await send('mallory@reporter.test', {
      subject: `Re: [${firstKey}] SSRF in the webhook tester`,
      text: 'Add me to this report.',
      messageId: '<stolen-1@reporter.test>',
    });
    const withReference = await send('mallory@reporter.test', {
      subject: `Re: [${firstKey}] SSRF in the webhook tester`,
      text: 'Add me too.',
      inReplyTo: '<alice-1@reporter.test>',
      references: ['<alice-1@reporter.test>'],
      messageId: '<stolen-2@reporter.test>',
    });
    for (const row of [tagOnly, withReference]) {
      expect(row.status).toBe('report');
      expect(row.report_id).not.toBe(
        (
          await t.container.db
            .selectFrom('reports')
            .select('id')
            .where('key', '=', firstKey)
            .executeTakeFirstOrThrow()
        ).id,
      );
    }
    // A token that belongs to no report, with the stolen tag: a report of its own.
    const built = await buildMessage({
      from: 'mallory@reporter.test',
      to: `security+${'ab'.repeat(16)}@stopline.test`,
      subject: `Re: [${firstKey}] SSRF`,
      text: 'Token guess.',
      messageId: '<stolen-3@reporter.test>',
    });
    expect(
      await sendRaw(
        port,
        { from: 'mallory@reporter.test', to: [`security+${'ab'.repeat(16)}@stopline.test`] },
        built.raw,
      ),
    ).toMatch(/^250 /);
    expect((await lastInbound(t)).status).toBe('report');
    expect(await conversation(firstKey)).toEqual(firstConversation);
  });

  it('malformed MIME (unclosed boundary, bad charset and encodings, duplicated and missing headers, 8-bit bytes): stored as sent and a report', async () => {
    const malformed = Buffer.concat([
      Buffer.from(
        [
          'From: x@reporter.test',
          'Subject: broken',
          'Subject: twice',
          'Message-ID: <malformed@reporter.test>',
          'Content-Type: multipart/mixed; boundary="never-closed"',
          '',
          '--never-closed',
          'Content-Type: text/plain; charset=no-such-charset',
          'Content-Transfer-Encoding: base64',
          '',
          '!!!not base64!!!',
          '--never-closed',
          'Content-Type: text/plain',
          '',
          '',
        ].join('\r\n'),
      ),
      Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x0d, 0x0a]),
    ]);
    const row = await sendBytes('x@reporter.test', malformed);
    expect(row.status).toBe('report');
    expect(await storedFile(t, row.raw_path)).toEqual(malformed);
  });

  it('afterwards nothing stored is lost: every message still hashes to what was recorded, and the first report is as it was', async () => {
    const rows = await t.container.db
      .selectFrom('inbound_mail')
      .select(['raw_path', 'sha256', 'status'])
      .execute();
    expect(rows.length).toBeGreaterThanOrEqual(9);
    for (const row of rows) {
      const bytes = await storedFile(t, row.raw_path);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(row.sha256);
      expect(row.status).not.toBe('received');
    }
    const first = await staffReport(t, firstKey);
    expect(first.summary).toBe('SSRF in the webhook tester');
    expect(await conversation(firstKey)).toEqual(firstConversation);
  });
});

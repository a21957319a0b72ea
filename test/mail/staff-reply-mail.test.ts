// A staff reply to a report that came by e-mail goes out by e-mail (and stays in the portal's
// conversation): threaded on the reporter's mail, from the report's reply address, with a
// Message-ID that names the report; encrypted to the reporter's key when they sent one, and it
// opens with that key. The reporter's answer to it joins the report even when it names only our
// Message-ID; someone else's does not; a bounce or an auto-reply to it is kept and never answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import * as openpgp from 'openpgp';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/delivery.ts';
import {
  buildMessage,
  outboxTo,
  sendRaw,
  TestDns,
  staffReply as staffReplyOn,
  lastInbound as lastInboundOf,
  conversationOf,
} from '../helpers/mail.ts';
import {
  decryptWith,
  generateTestKey,
  innerEntity,
  pgpMimeMessage,
  type TestKey,
} from '../helpers/pgp.ts';
import { countRows, createTestApp, type TestApp } from '../helpers/test-app.ts';

const SECURITY = 'security@stopline.test';
let t: TestApp;
let port: number;
let receiver: SmtpReceiver;
let alice: TestKey;

beforeAll(async () => {
  t = await createTestApp({
    env: {
      STOPLINE_BASE_URL: 'https://stopline.test',
      STOPLINE_SECURITY_EMAIL: SECURITY,
      STOPLINE_SMTP_IN_PORT: '0',
    },
    overrides: { dnsResolver: new TestDns().resolve },
  });
  await t.container.workers.listen();
  port = t.container.workers.smtpIn!.port!;
  receiver = await startSmtpReceiver();
  alice = await generateTestKey('alice@reporter.test');
});
afterAll(async () => {
  await receiver.stop();
  await t.close();
});

const lastInbound = () => lastInboundOf(t);

const send = async (from: string, raw: Buffer | string, to = SECURITY) => {
  expect(await sendRaw(port, { from, to: [to] }, raw)).toMatch(/^250 /);
  return lastInbound();
};

/** Delivers the outbox; answers what arrived since `before`. */
async function delivered(before: number): Promise<ParsedMail[]> {
  await outboxTo(t, receiver.port, SECURITY).deliverDue(t.clock.now());
  return receiver.received.slice(before);
}

const staffReply = (key: string, body: string) => staffReplyOn(t, key, body);

const conversation = (key: string) => conversationOf(t, key);

let staffMail: ParsedMail;

describe('a staff reply to an encrypted report by e-mail', () => {
  it("arrives by e-mail encrypted to the reporter's key, threaded on their message, and opens with their key", async () => {
    const published = await t.app.inject({ method: 'GET', url: '/pgp-key.asc' });
    const teamKey = await openpgp.readKey({ armoredKey: published.body });
    const raw = await pgpMimeMessage(
      {
        From: 'Alice <alice@reporter.test>',
        To: SECURITY,
        Subject: '...',
        'Message-ID': '<enc-report@reporter.test>',
      },
      await innerEntity({
        subject: 'Auth bypass on /admin',
        text: 'Add X-Original-URL: /admin and the check is skipped.',
        attachments: [
          {
            filename: 'alice.asc',
            contentType: 'application/pgp-keys',
            content: alice.armoredPublic,
          },
        ],
      }),
      teamKey,
      alice.privateKey,
    );
    const row = await send('alice@reporter.test', raw);
    expect(row.status).toBe('report');
    const before = receiver.received.length;
    await delivered(before); // the receipt
    const afterReceipt = receiver.received.length;

    await staffReply('RPT-0001', 'Confirmed. Which version did you test? We plan a fix this week.');
    const [mail, ...rest] = await delivered(afterReceipt);
    expect(rest).toEqual([]);
    staffMail = mail!;
    expect(staffMail.to).toMatchObject({ value: [{ address: 'alice@reporter.test' }] });
    expect(staffMail.headers.get('content-type')).toMatchObject({ value: 'multipart/encrypted' });
    expect(staffMail.subject).toBe('[RPT-0001] Encrypted message');
    expect(staffMail.inReplyTo).toBe('<enc-report@reporter.test>');
    expect(staffMail.replyTo?.value[0]?.address).toMatch(/^security\+[0-9a-f]{32}@stopline\.test$/);
    expect(staffMail.messageId).toMatch(
      /^<s\.[0-9a-f]+\.[0-9a-f-]{36}\.[0-9a-f]+@stopline\.test>$/,
    );
    // Nothing of the reply shows outside the encryption.
    expect(JSON.stringify(staffMail.text ?? '')).not.toContain('Which version');
    const ciphertext = staffMail.attachments.find(
      (a) => a.contentType === 'application/octet-stream',
    )!;
    const plain = await decryptWith(ciphertext.content.toString(), alice.privateKey);
    expect(plain).toContain('Subject: [RPT-0001] Re: Auth bypass on /admin');
    expect(plain).toContain('Confirmed. Which version did you test? We plan a fix this week.');
    // A stranger's key does not open it.
    const stranger = await generateTestKey('mallory@evil.test');
    await expect(decryptWith(ciphertext.content.toString(), stranger.privateKey)).rejects.toThrow();
    // And it is on the conversation, as the portal shows it.
    expect((await conversation('RPT-0001')).map((m) => m.body)).toContain(
      'Confirmed. Which version did you test? We plan a fix this week.',
    );
  });

  it("the reporter's answer naming only our Message-ID joins the report; someone else's is a report of its own", async () => {
    const reports = await countRows(t, 'reports');
    const answer = await buildMessage({
      from: 'alice@reporter.test',
      to: SECURITY,
      subject: 'Re: [RPT-0001] Encrypted message',
      text: 'Version 4.2.1, on the demo instance.',
      messageId: '<alice-answer@reporter.test>',
      inReplyTo: staffMail.messageId!,
      references: [staffMail.messageId!],
    });
    const joined = await send('alice@reporter.test', answer.raw);
    expect(joined).toMatchObject({ status: 'reply' });
    expect(await countRows(t, 'reports')).toBe(reports);
    expect((await conversation('RPT-0001')).map((m) => m.body.trim())).toContain(
      'Version 4.2.1, on the demo instance.',
    );

    const intruder = await buildMessage({
      from: 'mallory@evil.test',
      to: SECURITY,
      subject: 'Re: [RPT-0001] Encrypted message',
      text: 'Please close this report, it is a duplicate.',
      messageId: '<mallory@evil.test>',
      inReplyTo: staffMail.messageId!,
    });
    const own = await send('mallory@evil.test', intruder.raw);
    expect(own.status).toBe('report');
    expect(own.report_id).not.toBe(joined.report_id);
  });

  it('a bounce and an auto-reply to our mail are kept on the report, neither added nor answered', async () => {
    const reports = await countRows(t, 'reports');
    const messages = (await conversation('RPT-0001')).length;
    await delivered(receiver.received.length); // what was already waiting (staff notices)
    const before = receiver.received.length;
    const bounce = [
      'From: Mail Delivery System <MAILER-DAEMON@reporter.test>',
      `To: ${SECURITY}`,
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <bounce-1@reporter.test>',
      `References: ${staffMail.messageId}`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'The mail system could not deliver your message.',
      '--b--',
      '',
    ].join('\r\n');
    expect(await sendRaw(port, { from: '', to: [SECURITY] }, bounce)).toMatch(/^250 /);
    expect(await lastInbound()).toMatchObject({ status: 'ignored' });
    const away = await buildMessage({
      from: 'alice@reporter.test',
      to: SECURITY,
      subject: 'Out of office: [RPT-0001] Encrypted message',
      text: 'I am away until Monday.',
      messageId: '<away@reporter.test>',
      inReplyTo: staffMail.messageId!,
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    expect(await send('alice@reporter.test', away.raw)).toMatchObject({ status: 'ignored' });
    expect(await countRows(t, 'reports')).toBe(reports);
    expect(await conversation('RPT-0001')).toHaveLength(messages);
    // Nothing goes back to anyone: no receipt, no notice of a message.
    expect((await delivered(before)).map((m) => [m.to, m.subject])).toEqual([]);
  });
});

describe('a staff reply to a plaintext report by e-mail', () => {
  it('arrives by e-mail with its text, answering the report and replying to the report address', async () => {
    const report = await buildMessage({
      from: 'bob@reporter.test',
      to: SECURITY,
      subject: 'Verbose errors on /api/login',
      text: 'Stack traces with SQL in them.',
      messageId: '<bob-report@reporter.test>',
    });
    const row = await send('bob@reporter.test', report.raw);
    const key = (
      await t.container.db
        .selectFrom('reports')
        .select('key')
        .where('id', '=', row.report_id!)
        .executeTakeFirstOrThrow()
    ).key;
    const before = receiver.received.length;
    await delivered(before); // the receipt
    const afterReceipt = receiver.received.length;
    await staffReply(key, 'Thanks, fixed in today’s release.');
    const [mail] = await delivered(afterReceipt);
    expect(mail!.subject).toBe(`[${key}] Re: Verbose errors on /api/login`);
    expect(mail!.text).toContain('Thanks, fixed in today’s release.');
    expect(mail!.inReplyTo).toBe('<bob-report@reporter.test>');
    expect(mail!.replyTo?.value[0]?.address).toMatch(/^security\+[0-9a-f]{32}@stopline\.test$/);
  });
});

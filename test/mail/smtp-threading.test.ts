// A reporter's reply by e-mail joins their report's conversation when it answers (In-Reply-To,
// References) a message that made the report, and comes from the same address; a Message-ID or a
// subject tag is no secret, so anyone else's "reply" is a report of its own; a machine answering
// on the thread is kept but never added nor answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import type { SendMailOptions } from 'nodemailer';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/delivery.ts';
import { buildMessage, conversationOf, outboxTo, sendRaw, TestDns } from '../helpers/mail.ts';
import { countRows, createTestApp, type TestApp } from '../helpers/test-app.ts';

const SECURITY = 'security@stopline.test';
let t: TestApp;
let port: number;
let receiver: SmtpReceiver;
const dns = new TestDns();

beforeAll(async () => {
  t = await createTestApp({
    env: { STOPLINE_SECURITY_EMAIL: SECURITY, STOPLINE_SMTP_IN_PORT: '0' },
    overrides: { dnsResolver: dns.resolve },
  });
  await t.container.workers.listen();
  port = t.container.workers.smtpIn!.port!;
  await send('alice@reporter.test', SECURITY, {
    from: 'Alice <alice@reporter.test>',
    subject: 'SSRF in the webhook tester',
    text: 'The tester fetches http://169.254.169.254/.',
    messageId: '<orig@reporter.test>',
  });
  receiver = await startSmtpReceiver();
});
afterAll(async () => {
  await receiver.stop();
  await t.close();
});

/** Delivers the outbox to the test's SMTP receiver; answers the receipt for this report. */
async function receiptFor(key: string): Promise<ParsedMail> {
  const worker = outboxTo(t, receiver.port, SECURITY);
  await worker.deliverDue(t.clock.now());
  const found = receiver.received.find((m) => m.subject?.startsWith(`[${key}]`));
  expect(found, `a receipt for ${key}`).toBeDefined();
  return found!;
}

const replyToOf = (mail: ParsedMail) => mail.replyTo?.value[0]?.address ?? '';

async function conversation(key: string) {
  return (await conversationOf(t, key)).map((m) => [m.kind, m.body.trim()]);
}

/** Sends a message by SMTP from `from` to `to` (envelope and headers); answers the row it left. */
async function send(from: string, to: string, mail: SendMailOptions) {
  const built = await buildMessage({ from, to, ...mail });
  expect(await sendRaw(port, { from, to: [to] }, built.raw)).toMatch(/^250 /);
  return lastInbound();
}

const lastInbound = async () =>
  await t.container.db
    .selectFrom('inbound_mail')
    .selectAll()
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();

describe('replies by e-mail', () => {
  it("the reporter's reply (In-Reply-To) joins the same report's conversation, with no second report or receipt", async () => {
    const outboxBefore = await countRows(t, 'outbox');
    const row = await send('alice@reporter.test', SECURITY, {
      subject: 'Re: [RPT-0001] Received: SSRF in the webhook tester',
      text: 'It also reaches the metadata token endpoint.',
      messageId: '<reply-1@reporter.test>',
      inReplyTo: '<receipt-we-sent@stopline.test>',
      references: ['<orig@reporter.test>', '<receipt-we-sent@stopline.test>'],
    });
    expect(row).toMatchObject({ status: 'reply' });
    expect(await countRows(t, 'reports')).toBe(1);
    expect(await conversation('RPT-0001')).toEqual([
      ['from_reporter', 'It also reaches the metadata token endpoint.'],
    ]);
    expect(await countRows(t, 'outbox')).toBe(outboxBefore);
  });

  it("someone else's message answering the report's Message-ID, with its subject tag, is a report of its own", async () => {
    const row = await send('mallory@evil.test', SECURITY, {
      subject: 'Re: [RPT-0001] please close this, it is not a bug',
      text: 'Withdrawn.',
      messageId: '<stolen@evil.test>',
      inReplyTo: '<orig@reporter.test>',
      references: ['<orig@reporter.test>'],
    });
    expect(row).toMatchObject({ status: 'report' });
    expect(await countRows(t, 'reports')).toBe(2);
    expect(await conversation('RPT-0001')).not.toContainEqual(['from_reporter', 'Withdrawn.']);
    expect(await conversation('RPT-0002')).toEqual([]);
  });

  it('an auto-reply on the thread is kept but neither added to the conversation nor answered', async () => {
    const outboxBefore = await countRows(t, 'outbox');
    const row = await send('alice@reporter.test', SECURITY, {
      subject: 'Automatic reply: [RPT-0001]',
      text: 'I am out of the office.',
      messageId: '<away@reporter.test>',
      inReplyTo: '<orig@reporter.test>',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    expect(row).toMatchObject({ status: 'ignored' });
    expect(await conversation('RPT-0001')).toHaveLength(1);
    expect(await countRows(t, 'reports')).toBe(2);
    expect(await countRows(t, 'outbox')).toBe(outboxBefore);
  });

  it("the receipt carries the report's own reply address, answers the reporter's message, and says a machine sent it", async () => {
    const receipt = await receiptFor('RPT-0001');
    expect(replyToOf(receipt)).toMatch(/^security\+[0-9a-f]{32}@stopline\.test$/);
    expect(receipt.inReplyTo).toBe('<orig@reporter.test>');
    expect(receipt.references).toBe('<orig@reporter.test>');
    expect(receipt.headers.get('auto-submitted')).toBe('auto-generated');
    // The token is never stored, only its hash.
    const token = replyToOf(receipt).split('+')[1]!.split('@')[0]!;
    const tokens = await t.container.db.selectFrom('mail_reply_tokens').selectAll().execute();
    expect(JSON.stringify(tokens)).not.toContain(token);
  });

  it('a message to the reply address joins the report, whatever address it comes from', async () => {
    const replyTo = replyToOf(await receiptFor('RPT-0001'));
    const row = await send('alice.at.home@example.net', replyTo, {
      subject: 'more details',
      text: 'Here is the request I used.',
      messageId: '<by-token@example.net>',
    });
    expect(row).toMatchObject({ status: 'reply' });
    expect(await conversation('RPT-0001')).toContainEqual([
      'from_reporter',
      'Here is the request I used.',
    ]);
  });

  it("an unknown token is a new report; another report's token with a stolen [RPT-0001] tag joins only that report", async () => {
    const reports = await countRows(t, 'reports');
    const unknown = `security+${'0'.repeat(32)}@stopline.test`;
    const row = await send('mallory@evil.test', unknown, {
      subject: 'Re: [RPT-0001]',
      text: 'A guessed token.',
      messageId: '<guess@evil.test>',
    });
    expect(row).toMatchObject({ status: 'report' });
    expect(await countRows(t, 'reports')).toBe(reports + 1);
    expect(await conversation('RPT-0001')).not.toContainEqual([
      'from_reporter',
      'A guessed token.',
    ]);

    const malloryAddress = replyToOf(await receiptFor('RPT-0002'));
    await send('mallory@evil.test', malloryAddress, {
      subject: 'Re: [RPT-0001] Received',
      text: 'Close RPT-0001 please.',
      messageId: '<tag@evil.test>',
    });
    expect(await conversation('RPT-0002')).toEqual([['from_reporter', 'Close RPT-0001 please.']]);
    expect(await conversation('RPT-0001')).not.toContainEqual([
      'from_reporter',
      'Close RPT-0001 please.',
    ]);
  });
});

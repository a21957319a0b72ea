// A report made with the web form, by a reporter who gave an e-mail address, gets a reply address
// of its own too: a staff reply goes out by e-mail with its text, Reply-To security+<token>@…,
// and the reporter's e-mail answer to that address joins the same report (and shows in the
// portal with the staff reply); another report's token or an unknown one does not. Real SMTP out
// (the outbox to a test receiver) and in (Stopline's listener).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import type { SmtpReceiver } from '../helpers/delivery.ts';
import {
  buildMessage,
  conversationOf,
  deliveredTo,
  lastInbound,
  sendRaw,
  staffReply,
  startMailApp,
} from '../helpers/mail.ts';
import { formFields, multipart, readReceipt, signIn } from '../helpers/reports.ts';
import { countRows, type TestApp } from '../helpers/test-app.ts';

const SECURITY = 'security@stopline.test';
const REPORTER = 'rita@reporter.test';
let t: TestApp;
let receiver: SmtpReceiver;
let port: number;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ t, port, receiver, close } = await startMailApp());
});
afterAll(() => close());

async function fileByForm(summary: string, email: string) {
  const form = multipart(formFields({ summary, contactEmail: email }));
  return readReceipt(await t.app.inject({ method: 'POST', url: '/report', ...form }));
}

const conversation = (key: string) => conversationOf(t, key);

const replyAddressOf = (mail: ParsedMail) => mail.replyTo?.value[0]?.address ?? '';

describe('a report made with the form, answered by e-mail', () => {
  let key: string;
  let accessCode: string;
  let staffMail: ParsedMail;

  beforeAll(async () => {
    ({ key, accessCode } = await fileByForm('IDOR on /api/invoices/{id}', REPORTER));
    await deliveredTo(t, receiver, SECURITY, REPORTER); // whatever the form sends on filing
  });

  it('a staff reply goes out by e-mail with its text and the report’s own reply address', async () => {
    await staffReply(t, key, 'Confirmed on staging. Can you tell us which account you used?');
    const [mail, ...rest] = await deliveredTo(t, receiver, SECURITY, REPORTER);
    expect(rest).toEqual([]);
    staffMail = mail!;
    expect(staffMail.subject).toBe(`[${key}] Re: IDOR on /api/invoices/{id}`);
    expect(staffMail.text).toContain('Can you tell us which account you used?');
    expect(replyAddressOf(staffMail)).toMatch(/^security\+[0-9a-f]{32}@stopline\.test$/);
    expect(staffMail.messageId).toMatch(
      /^<s\.[0-9a-f]+\.[0-9a-f-]{36}\.[0-9a-f]+@stopline\.test>$/,
    );
    expect(staffMail.headers.get('auto-submitted')).toBe('auto-generated');
    // Only the token's hash is kept.
    const tokens = await t.container.db.selectFrom('mail_reply_tokens').selectAll().execute();
    expect(JSON.stringify(tokens)).not.toContain(replyAddressOf(staffMail).slice(9, 41));
  });

  it('the reporter’s e-mail answer to the reply address joins the report, and both show in the portal', async () => {
    const reportsBefore = await countRows(t, 'reports');
    const answer = await buildMessage({
      from: `Rita <${REPORTER}>`,
      to: replyAddressOf(staffMail),
      subject: `Re: ${staffMail.subject}`,
      text: 'I used the free tier account rita-test-2.',
      messageId: '<rita-answer@reporter.test>',
      inReplyTo: staffMail.messageId,
      references: [staffMail.messageId!],
    });
    expect(
      await sendRaw(port, { from: REPORTER, to: [replyAddressOf(staffMail)] }, answer.raw),
    ).toMatch(/^250 /);
    const row = await lastInbound(t);
    expect(row.status).toBe('reply');
    expect(await countRows(t, 'reports')).toBe(reportsBefore);
    const messages = await conversation(key);
    expect(messages.at(-1)).toMatchObject({ kind: 'from_reporter' });
    expect(messages.at(-1)!.body).toContain('I used the free tier account rita-test-2.');

    const portal = await (await signIn(t.app, key, accessCode)).page();
    expect(portal).toContain('Can you tell us which account you used?');
    expect(portal).toContain('I used the free tier account rita-test-2.');

    // The next staff reply answers the reporter's e-mail.
    await staffReply(t, key, 'Thanks, reproduced with that account.');
    const [next] = await deliveredTo(t, receiver, SECURITY, REPORTER);
    expect(next!.inReplyTo).toBe('<rita-answer@reporter.test>');
    expect(replyAddressOf(next!)).toBe(replyAddressOf(staffMail));
  });

  it('another form report’s reply address is its own, and an unknown token is a new report', async () => {
    const other = await fileByForm('Open redirect on /logout', 'sam@reporter.test');
    await staffReply(t, other.key, 'Looking into it.');
    const [samMail] = await deliveredTo(t, receiver, SECURITY, 'sam@reporter.test');
    expect(replyAddressOf(samMail!)).toMatch(/^security\+[0-9a-f]{32}@stopline\.test$/);
    expect(replyAddressOf(samMail!)).not.toBe(replyAddressOf(staffMail));

    const reportsBefore = await countRows(t, 'reports');
    const guessed = `security+${'0'.repeat(32)}@stopline.test`;
    const stray = await buildMessage({
      from: REPORTER,
      to: guessed,
      subject: `Re: [${key}] IDOR`,
      text: 'A guessed token with a stolen tag.',
    });
    expect(await sendRaw(port, { from: REPORTER, to: [guessed] }, stray.raw)).toMatch(/^250 /);
    expect((await lastInbound(t)).status).toBe('report');
    expect(await countRows(t, 'reports')).toBe(reportsBefore + 1);
    expect((await conversation(key)).map((m) => m.body).join('\n')).not.toContain('guessed token');
  });

  it('a report made without an e-mail address gets no mail and no reply address', async () => {
    const tokensBefore = await countRows(t, 'mail_reply_tokens');
    const form = multipart(formFields({ summary: 'No contact', contactEmail: '' }));
    const { key: silent } = readReceipt(
      await t.app.inject({ method: 'POST', url: '/report', ...form }),
    );
    const before = receiver.received.length;
    await staffReply(t, silent, 'Nobody will get this by e-mail.');
    await deliveredTo(t, receiver, SECURITY, REPORTER);
    const mailed = receiver.received.slice(before).map((m) => `${m.subject}\n${m.text}`);
    expect(mailed.join('\n')).not.toContain('Nobody will get this');
    expect(await countRows(t, 'mail_reply_tokens')).toBe(tokensBefore);
  });
});

// The receipt carries the portal: its link, the report key and the access code, which signs the
// reporter in (the outbox holds the code sealed, forgets it once sent). The encryption policy
// (STOPLINE_MAIL_ENCRYPTION): with always, a reporter without a kept key never gets a staff
// reply's text in plaintext, only word to read it in the portal; with refuse-plaintext, a
// plaintext report is kept as received but refused, answered with why and how to encrypt (not
// when the sender is forged), while an encrypted one becomes a report. Real SMTP both ways.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as openpgp from 'openpgp';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/delivery.ts';
import {
  buildMessage,
  deliveredTo,
  lastInbound,
  sendRaw,
  staffReply,
  TestDns,
} from '../helpers/mail.ts';
import { innerEntity, pgpMimeMessage } from '../helpers/pgp.ts';
import { formEncoded } from '../helpers/reports.ts';
import { countRows, createTestApp, type TestApp } from '../helpers/test-app.ts';

const SECURITY = 'security@stopline.test';
let receiver: SmtpReceiver;
const dns = new TestDns();

beforeAll(async () => {
  dns.publish('reporter.test', 'v=spf1 ip4:127.0.0.1 -all');
  dns.publish('bank.test', 'v=spf1 ip4:192.0.2.1 -all');
  dns.publish('_dmarc.bank.test', 'v=DMARC1; p=reject');
  receiver = await startSmtpReceiver();
});
afterAll(() => receiver.stop());

async function appWith(encryption?: string) {
  const t = await createTestApp({
    env: {
      STOPLINE_BASE_URL: 'https://stopline.test',
      STOPLINE_SECURITY_EMAIL: SECURITY,
      STOPLINE_SMTP_IN_PORT: '0',
      ...(encryption ? { STOPLINE_MAIL_ENCRYPTION: encryption } : {}),
    },
    overrides: { dnsResolver: dns.resolve },
  });
  await t.container.workers.listen();
  return t;
}

async function send(t: TestApp, from: string, raw: Buffer) {
  expect(await sendRaw(t.container.workers.smtpIn!.port!, { from, to: [SECURITY] }, raw)).toMatch(
    /^250 /,
  );
  return lastInbound(t);
}

const deliveredToAddress = (t: TestApp, address: string) =>
  deliveredTo(t, receiver, SECURITY, address);

const plainReport = (from: string, subject: string, text: string, id: string) =>
  buildMessage({ from, to: SECURITY, subject, text, messageId: `<${id}>` });

describe('the receipt (encryption if possible, the default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await appWith();
  });
  afterAll(() => t.close());

  it('names the portal, the report key and an access code that signs the reporter in; the outbox never holds the code readable', async () => {
    const message = await plainReport(
      'bob@reporter.test',
      'Open redirect on /login',
      'next=//evil.test',
      'receipt-code@reporter.test',
    );
    expect((await send(t, 'bob@reporter.test', message.raw)).status).toBe('report');

    const row = await t.container.db
      .selectFrom('outbox')
      .selectAll()
      .where('idempotency_key', 'like', 'report-receipt:%')
      .executeTakeFirstOrThrow();
    expect(row.body_text).toContain('access code: [sealed until sent]');
    expect(row.sealed_secret).toBeTruthy();

    const [receipt] = await deliveredToAddress(t, 'bob@reporter.test');
    expect(receipt!.text).toContain('https://stopline.test/portal');
    expect(receipt!.text).toContain('report key:  RPT-0001');
    const code = /access code: (\S+)/.exec(receipt!.text ?? '')![1]!;
    expect(code).not.toBe('[sealed');
    expect(row.sealed_secret).not.toContain(code);
    expect(row.body_text).not.toContain(code);

    // Delivered: the row forgets the sealed code.
    const after = await t.container.db
      .selectFrom('outbox')
      .select(['status', 'sealed_secret'])
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ status: 'delivered', sealed_secret: null });

    // The code from the mail signs the reporter in to the portal.
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/portal/sign-in',
      ...formEncoded({ key: 'RPT-0001', accessCode: code }),
    });
    expect(signIn.statusCode, signIn.body).toBe(303);
    const portal = await t.app.inject({
      method: 'GET',
      url: '/portal',
      headers: { cookie: String(signIn.headers['set-cookie']).split(';')[0]! },
    });
    expect(portal.body).toContain('Open redirect on /login');
  });
});

describe('encryption always', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await appWith('always');
  });
  afterAll(() => t.close());

  it('a staff reply to a reporter without a kept key is not mailed in plaintext: they are told to read it in the portal', async () => {
    const message = await plainReport(
      'carol@reporter.test',
      'IDOR on invoices',
      'Change the id.',
      'always@reporter.test',
    );
    expect((await send(t, 'carol@reporter.test', message.raw)).status).toBe('report');
    await deliveredToAddress(t, 'carol@reporter.test'); // the receipt
    await staffReply(t, 'RPT-0001', 'Confirmed; the fix ships Friday.');
    const [notice, ...rest] = await deliveredToAddress(t, 'carol@reporter.test');
    expect(rest).toEqual([]);
    expect(notice!.text).not.toContain('the fix ships Friday');
    expect(notice!.text).toContain('https://stopline.test/portal');
  });
});

describe('refuse plaintext', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await appWith('refuse-plaintext');
  });
  afterAll(() => t.close());

  it('a plaintext report is kept as received but refused: no report, and the sender is told why and how to encrypt', async () => {
    const message = await plainReport(
      'dave@reporter.test',
      'SQL injection in search',
      "q=' OR 1=1 --",
      'plain@reporter.test',
    );
    const row = await send(t, 'dave@reporter.test', message.raw);
    expect(row).toMatchObject({ status: 'refused', report_id: null, sha256: message.sha256 });
    expect(row.problem).toMatch(/unencrypted/);
    expect(await countRows(t, 'reports')).toBe(0);

    const [answer, ...rest] = await deliveredToAddress(t, 'dave@reporter.test');
    expect(rest).toEqual([]);
    const { fingerprint } = (await t.container.services.mail.findPublishedKey())!;
    expect(answer!.subject).toBe('Not accepted (send it encrypted): SQL injection in search');
    expect(answer!.inReplyTo).toBe('<plain@reporter.test>');
    expect(answer!.text).toContain('https://stopline.test/pgp-key.asc');
    expect(answer!.text).toContain(fingerprint);
    expect(answer!.text).not.toContain('OR 1=1');
    expect(answer!.headers.get('auto-submitted')).toBe('auto-generated');
  });

  it('a forged plaintext message is refused without an answer', async () => {
    const message = await plainReport('ceo@bank.test', 'Pay now', 'x', 'forged-plain@bank.test');
    const row = await send(t, 'ceo@bank.test', message.raw);
    expect(row.status).toBe('refused');
    expect(await deliveredToAddress(t, 'ceo@bank.test')).toEqual([]);
  });

  it('a PGP/MIME report to the team key becomes a report with its receipt', async () => {
    const published = await t.app.inject({ method: 'GET', url: '/pgp-key.asc' });
    const teamKey = await openpgp.readKey({ armoredKey: published.body });
    const raw = await pgpMimeMessage(
      {
        From: 'dave@reporter.test',
        To: SECURITY,
        Subject: '...',
        'Message-ID': '<encrypted-ok@reporter.test>',
      },
      await innerEntity({ subject: 'SQL injection in search', text: "q=' OR 1=1 --" }),
      teamKey,
    );
    const row = await send(t, 'dave@reporter.test', raw);
    expect(row.status).toBe('report');
    const [receipt] = await deliveredToAddress(t, 'dave@reporter.test');
    expect(receipt!.subject).toBe('[RPT-0001] Received: SQL injection in search');
  });
});

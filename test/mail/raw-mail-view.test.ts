// Staff see a report's e-mails as received: each message's SHA-256, size, SPF/DKIM/DMARC results
// and whether its sender is shown forged (reports.read), and its raw bytes with every header as a
// text/plain download, never rendered (reports.read_contact, each read in the access log). A
// report linked to a restricted incident keeps its mail hidden (404) from everyone who may not
// see the incident. Mail arrives over real SMTP (nodemailer) at Stopline's listener.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../helpers/auth.ts';
import { buildMessage, sendRaw, TestDns } from '../helpers/mail.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const SECURITY = 'security@stopline.test';
type Who = Awaited<ReturnType<typeof loginAs>>;

let t: TestApp;
let port: number;
const dns = new TestDns();
let dkim: ReturnType<TestDns['dkimKey']>;
let viewer: Who;
let responder: Who;
let admin: Who;

beforeAll(async () => {
  dns.publish('reporter.test', 'v=spf1 ip4:127.0.0.1 -all');
  dns.publish('_dmarc.reporter.test', 'v=DMARC1; p=reject');
  dkim = dns.dkimKey('reporter.test', 's1');
  dns.publish('bank.test', 'v=spf1 ip4:192.0.2.1 -all');
  dns.publish('_dmarc.bank.test', 'v=DMARC1; p=reject');
  t = await createTestApp({
    env: { STOPLINE_SECURITY_EMAIL: SECURITY, STOPLINE_SMTP_IN_PORT: '0' },
    overrides: { dnsResolver: dns.resolve },
  });
  await t.container.workers.listen();
  port = t.container.workers.smtpIn!.port!;
  viewer = await loginAs(t, 'viewer');
  responder = await loginAs(t, 'responder');
  admin = await loginAs(t, 'admin');
});
afterAll(() => t.close());

const get = (who: Who, url: string) => t.app.inject({ method: 'GET', url, headers: who.headers });

/** Sends a message and answers the key of the report it made. */
async function mailReport(raw: Buffer, from: string): Promise<string> {
  expect(await sendRaw(port, { from, to: [SECURITY] }, raw)).toMatch(/^250 /);
  const row = await t.container.db
    .selectFrom('inbound_mail')
    .innerJoin('reports', 'reports.id', 'inbound_mail.report_id')
    .select('reports.key')
    .orderBy('inbound_mail.received_at', 'desc')
    .orderBy('inbound_mail.id', 'desc')
    .executeTakeFirstOrThrow();
  return row.key;
}

type MailList = {
  messages: {
    id: string;
    sha256: string;
    size: number;
    status: string;
    forged: boolean;
    authentication: { spf: string; dmarc: string; dkim: { result: string }[] };
    rawUrl: string;
  }[];
};

describe('a report e-mail as received', () => {
  let key: string;
  let message: Awaited<ReturnType<typeof buildMessage>>;

  beforeAll(async () => {
    message = await buildMessage(
      {
        from: 'Alice Finder <alice@reporter.test>',
        to: SECURITY,
        subject: 'SSRF in the webhook tester',
        html: '<p>See below</p><script>alert("raw")</script>',
        messageId: '<raw-view@reporter.test>',
        headers: { 'X-Custom-Trace': 'hop-1' },
      },
      dkim,
    );
    key = await mailReport(message.raw, 'alice@reporter.test');
  });

  it('lists its SHA-256, size and authentication to anyone who reads reports, with the sender not forged', async () => {
    const res = await get(viewer, `/api/v1/reports/${key}/mail`);
    expect(res.statusCode, res.body).toBe(200);
    const [mail] = (res.json() as MailList).messages;
    expect(mail).toMatchObject({
      sha256: message.sha256,
      size: message.raw.length,
      status: 'report',
      forged: false,
      authentication: { spf: 'pass', dmarc: 'pass', dkim: [{ result: 'pass' }] },
      rawUrl: `/api/v1/reports/${key}/mail/${mail!.id}/raw`,
    });
    // The listing never carries the message's text or its sender's address.
    expect(res.body).not.toContain('alice@reporter.test');
    expect(res.body).not.toContain('script');
  });

  it('serves the raw bytes with every header as a text/plain download to those who read contact details, and logs the read', async () => {
    const [mail] = ((await get(viewer, `/api/v1/reports/${key}/mail`)).json() as MailList).messages;
    const res = await get(responder, mail!.rawUrl);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.rawPayload).toEqual(message.raw);
    expect(res.body).toContain('X-Custom-Trace: hop-1');
    expect(res.body).toContain('<script>alert("raw")</script>');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${mail!.id}.eml.txt"`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    expect(res.headers['x-stopline-sha256']).toBe(message.sha256);
    expect(res.headers.digest).toBe(
      `sha-256=${Buffer.from(message.sha256, 'hex').toString('base64')}`,
    );

    const log = await get(responder, `/api/v1/reports/${key}/access-log`);
    expect(log.json().entries).toContainEqual(
      expect.objectContaining({ action: 'mail_raw_read', actorId: responder.userId }),
    );
  });

  it('a viewer (reports.read without contact details) is refused the raw message with 403', async () => {
    const [mail] = ((await get(viewer, `/api/v1/reports/${key}/mail`)).json() as MailList).messages;
    const res = await get(viewer, mail!.rawUrl);
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().permission ?? res.json().details?.permission ?? res.body).toContain(
      'reports.read_contact',
    );
  });

  it('a message of another report, or one that does not exist, is 404 under this report', async () => {
    const other = await mailReport(
      (
        await buildMessage(
          { from: 'alice@reporter.test', to: SECURITY, subject: 'Other', text: 'x' },
          dkim,
        )
      ).raw,
      'alice@reporter.test',
    );
    const [mail] = ((await get(viewer, `/api/v1/reports/${other}/mail`)).json() as MailList)
      .messages;
    expect((await get(responder, `/api/v1/reports/${key}/mail/${mail!.id}/raw`)).statusCode).toBe(
      404,
    );
    expect(
      (await get(responder, `/api/v1/reports/${key}/mail/00000000-0000-7000-8000-000000000000/raw`))
        .statusCode,
    ).toBe(404);
    expect((await get(responder, `/api/v1/reports/RPT-9999/mail`)).statusCode).toBe(404);
  });
});

describe('a forged From', () => {
  it('is recorded with SPF and DMARC failing and shown to staff as forged', async () => {
    const forged = await buildMessage({
      from: 'ceo@bank.test',
      to: SECURITY,
      subject: 'Wire the money',
      text: 'Now.',
      messageId: '<forged-view@bank.test>',
    });
    const key = await mailReport(forged.raw, 'ceo@bank.test');
    const res = await get(viewer, `/api/v1/reports/${key}/mail`);
    expect((res.json() as MailList).messages[0]).toMatchObject({
      sha256: forged.sha256,
      forged: true,
      authentication: { spf: 'fail', dmarc: 'fail', dkim: [] },
    });
  });
});

describe('a report linked to a restricted incident', () => {
  it('keeps its mail hidden (404) from staff who may not see the incident; participants see it', async () => {
    const key = await mailReport(
      (
        await buildMessage(
          {
            from: 'alice@reporter.test',
            to: SECURITY,
            subject: 'Quartzwhisper leak',
            text: 'secret',
          },
          dkim,
        )
      ).raw,
      'alice@reporter.test',
    );
    const [mail] = ((await get(viewer, `/api/v1/reports/${key}/mail`)).json() as MailList).messages;
    const opened = await t.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: admin.headers,
      payload: { title: 'Customer export leak', restricted: true, reportIds: [key] },
    });
    expect(opened.statusCode, opened.body).toBe(201);

    for (const who of [viewer, responder]) {
      const list = await get(who, `/api/v1/reports/${key}/mail`);
      expect(list.statusCode).toBe(404);
      expect(list.body).not.toContain(mail!.sha256);
      const raw = await get(who, mail!.rawUrl);
      // A viewer may not read raw mail at all (403, as for any report); a responder is told
      // the report is not there, as for the report itself.
      expect(raw.statusCode).toBe(who === viewer ? 403 : 404);
      expect(raw.body).not.toContain('Quartzwhisper');
    }
    expect((await get(admin, `/api/v1/reports/${key}/mail`)).statusCode).toBe(200);
    const raw = await get(admin, mail!.rawUrl);
    expect(raw.statusCode).toBe(200);
    expect(raw.body).toContain('Quartzwhisper');
  });
});

// Inbound mail for tests: DNS records a test publishes (SPF, DKIM keys, DMARC) through the
// resolver mailauth is given, and messages built and DKIM-signed by nodemailer, sent over real
// SMTP to Stopline's listener as exact bytes.
import { createHash, generateKeyPairSync } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { DNSResolver } from '../../src/server/integrations/mail-authentication.ts';
import { createSmtpMailer } from '../../src/server/integrations/smtp-mailer.ts';
import type { OutboxWorker } from '../../src/server/workers/outbox-worker.ts';
import { expect } from 'vitest';
import { loginAs } from './auth.ts';
import { startSmtpReceiver, workerFor, type SmtpReceiver } from './delivery.ts';
import { createTestApp, type TestApp } from './test-app.ts';

export class TestDns {
  readonly #txt = new Map<string, string[][]>();

  publish(name: string, text: string): void {
    this.#txt.set(name.toLowerCase(), [...(this.#txt.get(name.toLowerCase()) ?? []), [text]]);
  }

  /** A DKIM key pair for `selector._domainkey.domain`, its public half published. */
  dkimKey(
    domain: string,
    selector: string,
  ): { domainName: string; keySelector: string; privateKey: string } {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    this.publish(`${selector}._domainkey.${domain}`, `v=DKIM1; k=rsa; p=${der}`);
    return {
      domainName: domain,
      keySelector: selector,
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
  }

  readonly resolve: DNSResolver = async (domain, rrtype) => {
    const found = rrtype === 'TXT' ? this.#txt.get(domain.toLowerCase()) : undefined;
    if (found) return found;
    throw Object.assign(new Error(`no ${rrtype} record for ${domain}`), { code: 'ENOTFOUND' });
  };
}

export interface BuiltMessage {
  raw: Buffer;
  sha256: string;
}

/** A message as nodemailer writes it (DKIM-signed when a key is given). */
export async function buildMessage(
  mail: SendMailOptions,
  dkim?: { domainName: string; keySelector: string; privateKey: string },
): Promise<BuiltMessage> {
  const builder = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    ...(dkim ? { dkim } : {}),
  });
  const info = await builder.sendMail(mail);
  const raw = info.message as Buffer;
  return { raw, sha256: createHash('sha256').update(raw).digest('hex') };
}

/** Sends exact bytes to the listener; answers the server's reply, or throws with its code. */
export async function sendRaw(
  port: number,
  envelope: { from: string; to: string[] },
  raw: Buffer | string,
): Promise<string> {
  const client = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    connectionTimeout: 5000,
  });
  try {
    const info = await client.sendMail({ envelope, raw });
    return info.response;
  } finally {
    client.close();
  }
}

/** An outbox worker delivering to a test SMTP receiver, from the security address. */
export function outboxTo(t: TestApp, port: number, from: string): OutboxWorker {
  return workerFor(
    t,
    createSmtpMailer({
      host: '127.0.0.1',
      port,
      security: 'none',
      from: `Stopline <${from}>`,
      timeoutMs: 2000,
    }),
  );
}

/** A report as a responder sees it through the API. */
export async function staffReport(t: TestApp, key: string) {
  const staff = await loginAs(t, 'responder');
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/reports/${key}`,
    headers: staff.headers,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Record<string, unknown> & { summary: string; description: string };
}

/** A responder writes to the reporter on the report (POST …/messages, to_reporter). */
export async function staffReply(t: TestApp, key: string, body: string): Promise<void> {
  const staff = await loginAs(t, 'responder');
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/reports/${key}/messages`,
    headers: staff.headers,
    payload: { kind: 'to_reporter', body },
  });
  expect(res.statusCode, res.body).toBe(201);
}

/** The inbound message stored last (its row). */
export const lastInbound = (t: TestApp) =>
  t.container.db
    .selectFrom('inbound_mail')
    .selectAll()
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();

/** Delivers the outbox to `receiver` from the security address; answers what reached `address`. */
export async function deliveredTo(
  t: TestApp,
  receiver: SmtpReceiver,
  from: string,
  address: string,
): Promise<ParsedMail[]> {
  const before = receiver.received.length;
  await outboxTo(t, receiver.port, from).deliverDue(t.clock.now());
  return receiver.received
    .slice(before)
    .filter((m) => m.to && 'value' in m.to && m.to.value.some((v) => v.address === address));
}

/** A test app taking mail for security@stopline.test on a listener, with a receiver for its mail. */
export async function startMailApp(
  dnsResolver: DNSResolver = new TestDns().resolve,
): Promise<{ t: TestApp; port: number; receiver: SmtpReceiver; close(): Promise<void> }> {
  const t = await createTestApp({
    env: {
      STOPLINE_BASE_URL: 'https://stopline.test',
      STOPLINE_SECURITY_EMAIL: 'security@stopline.test',
      STOPLINE_SMTP_IN_PORT: '0',
    },
    overrides: { dnsResolver },
  });
  await t.container.workers.listen();
  const receiver = await startSmtpReceiver();
  return {
    t,
    port: t.container.workers.smtpIn!.port!,
    receiver,
    close: async () => {
      await receiver.stop();
      await t.close();
    },
  };
}

/** A report's conversation as a responder reads it (GET …/messages). */
export async function conversationOf(t: TestApp, key: string) {
  const staff = await loginAs(t, 'responder');
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/reports/${key}/messages`,
    headers: staff.headers,
  });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { messages: { kind: string; body: string }[] }).messages;
}

// STARTTLS on the inbound SMTP listener when a certificate is configured: a sender that insists on
// TLS and trusts only that certificate (self-signed, made here with openssl) delivers its report
// encrypted; the certificate and key go together in the configuration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { ConfigError, loadConfig } from '../../src/server/config.ts';
import { selfSignedCertificate } from '../helpers/certificates.ts';
import { buildMessage, TestDns } from '../helpers/mail.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const SECURITY = 'security@stopline.test';
const cert = selfSignedCertificate({ ipSan: true });
const { certFile, keyFile } = cert;
const dir = mkdtempSync(join(tmpdir(), 'smtp-tls-'));
let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await createTestApp({
    env: {
      STOPLINE_SECURITY_EMAIL: SECURITY,
      STOPLINE_SMTP_IN_PORT: '0',
      STOPLINE_SMTP_IN_TLS_CERT: certFile,
      STOPLINE_SMTP_IN_TLS_KEY: keyFile,
    },
    overrides: { dnsResolver: new TestDns().resolve },
  });
  await t.container.workers.listen();
  port = t.container.workers.smtpIn!.port!;
});
afterAll(() => t.close());

const client = (tls: { ca?: string; rejectUnauthorized?: boolean }) =>
  nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    requireTLS: true,
    tls: { servername: 'localhost', ...tls },
    connectionTimeout: 5000,
  });

describe('STARTTLS on the inbound listener', () => {
  it('a sender requiring TLS and trusting only the configured certificate delivers a report', async () => {
    const message = await buildMessage({
      from: 'alice@reporter.test',
      to: SECURITY,
      subject: 'Sent over TLS',
      text: 'The session cookie lacks Secure.',
      messageId: '<tls-1@reporter.test>',
    });
    const sender = client({ ca: cert.pem });
    try {
      const info = await sender.sendMail({
        envelope: { from: 'alice@reporter.test', to: [SECURITY] },
        raw: message.raw,
      });
      expect(info.response).toMatch(/^250 /);
    } finally {
      sender.close();
    }
    const row = await t.container.db
      .selectFrom('inbound_mail')
      .selectAll()
      .where('message_id', '=', 'tls-1@reporter.test')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'report', sha256: message.sha256 });
  });

  it('a sender that does not trust the certificate cannot complete the handshake, and nothing is stored', async () => {
    const before = await t.container.db.selectFrom('inbound_mail').select('id').execute();
    const other = selfSignedCertificate();
    const sender = client({ ca: other.pem });
    try {
      await expect(
        sender.sendMail({
          envelope: { from: 'a@reporter.test', to: [SECURITY] },
          raw: 'Subject: x\r\n\r\nx\r\n',
        }),
      ).rejects.toMatchObject({ code: 'ESOCKET' });
    } finally {
      sender.close();
    }
    expect(await t.container.db.selectFrom('inbound_mail').select('id').execute()).toHaveLength(
      before.length,
    );
  });

  it('a certificate without its key (or a key alone) is a configuration error naming the other', () => {
    expect(() =>
      loadConfig({
        STOPLINE_DATA_DIR: dir,
        STOPLINE_SECURITY_EMAIL: SECURITY,
        STOPLINE_SMTP_IN_PORT: '0',
        STOPLINE_SMTP_IN_TLS_CERT: certFile,
      }),
    ).toThrow(ConfigError);
    expect(() => loadConfig({ STOPLINE_DATA_DIR: dir, STOPLINE_SMTP_IN_TLS_KEY: keyFile })).toThrow(
      /STOPLINE_SMTP_IN_TLS_CERT/,
    );
  });
});

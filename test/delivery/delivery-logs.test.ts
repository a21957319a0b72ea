// A failed delivery is told by its kind and status codes only: neither a password (the SMTP one,
// or one in an endpoint URL) nor what the SMTP server or the webhook receiver wrote back reaches
// the logs, the outbox or the admin API, even when the peer echoes what it was sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enqueueMessage } from '../../src/server/db/outbox.ts';
import { createSmtpMailer } from '../../src/server/integrations/smtp-mailer.ts';
import { createLogger } from '../../src/server/logger.ts';
import { loginAs } from '../helpers/auth.ts';
import { workerFor } from '../helpers/delivery.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const SMTP_PASSWORD = 'smtp-pw-Quokka-4471';
const URL_PASSWORD = 'hook-pw-Wombat-9120';
const REPLY_WORDS = 'REPLY-TEXT-Platypus';
const base64 = (text: string) => Buffer.from(text).toString('base64');

/** An SMTP server that echoes the credentials it was sent in its refusal, and refuses every
 * recipient with words of its own. */
async function talkativeSmtpServer(): Promise<{ port: number; stop(): Promise<void> }> {
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.password === 'right-password') return callback(null, { user: auth.username });
      const echo = `${auth.username}:${auth.password} ${base64(`\0${auth.username}\0${auth.password}`)}`;
      callback(
        Object.assign(new Error(`5.7.8 ${REPLY_WORDS} refused ${echo}`), { responseCode: 535 }),
      );
    },
    onRcptTo(address, _session, callback) {
      const words = `5.1.1 ${REPLY_WORDS} no mailbox ${address.address}`;
      callback(Object.assign(new Error(words), { responseCode: 550 }));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A receiver that refuses with a body repeating the Authorization header it was sent. */
async function talkativeReceiver(): Promise<{ port: number; stop(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`${REPLY_WORDS}: you sent ${req.headers.authorization ?? ''}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

/** Everything an operator or admin can read about the outbox: logs, rows, attempts, the API. */
async function everythingShown(): Promise<string> {
  const { headers } = await loginAs(t, 'admin');
  const listed = await t.app.inject({ url: '/api/v1/outbox', headers });
  const details = await Promise.all(
    (listed.json() as { id: string }[]).map(
      async (m) => (await t.app.inject({ url: `/api/v1/outbox/${m.id}`, headers })).body,
    ),
  );
  const rows = await t.container.db.selectFrom('outbox').select('last_error').execute();
  const attempts = await t.container.db.selectFrom('outbox_attempts').select('error').execute();
  return [t.logs.join('\n'), listed.body, ...details, JSON.stringify({ rows, attempts })].join(
    '\n',
  );
}

function expectNothingSecret(text: string): void {
  for (const secret of [SMTP_PASSWORD, URL_PASSWORD, REPLY_WORDS]) {
    expect(text).not.toContain(secret);
  }
  expect(text).not.toContain(base64(`\0stopline\0${SMTP_PASSWORD}`));
  expect(text).not.toContain(base64(`hook-user:${URL_PASSWORD}`));
}

async function lastErrors(): Promise<string[]> {
  const rows = await t.container.db
    .selectFrom('outbox')
    .select(['idempotency_key', 'last_error'])
    .orderBy('idempotency_key')
    .execute();
  return rows.map((r) => `${r.idempotency_key}: ${r.last_error}`);
}

describe('what a failed delivery leaves in the logs', () => {
  it('a refused SMTP sign-in and a refused recipient are logged by kind and codes, without the password or the reply', async () => {
    const smtp = await talkativeSmtpServer();
    const mailer = (password: string) =>
      createSmtpMailer({
        host: '127.0.0.1',
        port: smtp.port,
        security: 'none',
        user: 'stopline',
        password,
        from: 'Stopline <stopline@example.org>',
        timeoutMs: 2000,
      });
    for (const key of ['a-refused-sign-in', 'b-refused-recipient']) {
      await enqueueMessage(
        t.container.db,
        {
          channel: 'email',
          recipient: 'lead@example.org',
          subject: 'Reminder',
          bodyText: 'Due soon.',
          idempotencyKey: key,
        },
        t.clock.now(),
      );
    }
    // One message per worker, so each meets the server with its own password.
    const wrong = workerFor(t, mailer(SMTP_PASSWORD), { batchSize: 1, maxAttempts: 1 });
    expect(await wrong.deliverDue(t.clock.now())).toEqual({ delivered: 0, failed: 0, dead: 1 });
    await wrong.close();
    const right = workerFor(t, mailer('right-password'), { batchSize: 1 });
    expect(await right.deliverDue(t.clock.now())).toEqual({ delivered: 0, failed: 1, dead: 0 });
    await right.close();
    await smtp.stop();

    expect(await lastErrors()).toEqual([
      'a-refused-sign-in: SMTP EAUTH: the server refused the user name or password (reply 535 5.7.8)',
      'b-refused-recipient: SMTP EENVELOPE: the server refused the sender or the recipient (reply 550 5.1.1)',
    ]);
    const logs = t.logs.join('\n');
    expect(logs).toContain('outbox message is a dead letter');
    expect(logs).toContain('delivery failed');
    expectNothingSecret(await everythingShown());
  });

  it('a refused webhook with user:password@ in its URL is logged without the password or the reply', async () => {
    const receiver = await talkativeReceiver();
    const { headers } = await loginAs(t, 'admin');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhook-endpoints',
      headers,
      payload: {
        kind: 'standard',
        name: 'guarded',
        url: `http://hook-user:${URL_PASSWORD}@127.0.0.1:${receiver.port}/hook`,
        eventTypes: ['incident.line_stopped'],
      },
    });
    expect(created.statusCode).toBe(201);
    await enqueueMessage(
      t.container.db,
      {
        channel: 'webhook',
        recipient: created.json().id as string,
        subject: 'Line stopped',
        bodyText: '{"type":"incident.line_stopped"}',
        idempotencyKey: 'msg_guarded',
      },
      t.clock.now(),
    );
    const worker = workerFor(t, null, { maxAttempts: 1 });
    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 0, failed: 0, dead: 1 });
    await worker.close();
    await receiver.stop();

    expect(await lastErrors()).toEqual(['msg_guarded: HTTP 500 from the receiver']);
    expect(t.logs.join('\n')).toContain('outbox message is a dead letter');
    expectNothingSecret(await everythingShown());
  });

  it('an error logged whole loses the SMTP reply it carries and the password of any URL in it', () => {
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    // The shape of a nodemailer error, and of Node's invalid-URL error.
    const reply = `535 5.7.8 ${REPLY_WORDS} ${SMTP_PASSWORD}`;
    const smtpError = Object.assign(new Error(`Invalid login: ${reply}`), {
      code: 'EAUTH',
      response: reply,
      responseCode: 535,
      command: 'AUTH PLAIN',
    });
    const urlError = Object.assign(new TypeError('Invalid URL'), {
      input: `http://hook-user:${URL_PASSWORD}@[bad/hook`,
      code: 'ERR_INVALID_URL',
    });
    const saying = new Error(`POST http://hook-user:${URL_PASSWORD}@hooks.example.org/x failed`);
    logger.error({ err: smtpError }, 'sending failed');
    logger.error({ err: urlError }, 'posting failed');
    logger.error({ err: saying }, 'posting failed');
    const logged = lines.map((l) => JSON.parse(l) as { err: Record<string, unknown> });
    expect(logged.map((l) => l.err.message)).toEqual([
      'Invalid login: [redacted]',
      'Invalid URL',
      'POST http://hook-user:***@hooks.example.org/x failed',
    ]);
    expect(logged.map((l) => l.err.code)).toEqual(['EAUTH', 'ERR_INVALID_URL', undefined]);
    expectNothingSecret(lines.join('\n'));
  });
});

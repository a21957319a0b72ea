// Local receivers for delivery tests: an SMTP server (smtp-server) that parses what it receives
// (mailparser), and an HTTP receiver on 127.0.0.1 that answers with a chosen status.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { OutboxWorker, type OutboxWorkerDeps } from '../../src/server/workers/outbox-worker.ts';
import { createHttpPoster } from '../../src/server/integrations/outbound-http.ts';
import {
  createPersonalRequests,
  twilioSettingsOf,
} from '../../src/server/workers/personal-requests.ts';
import { parseAllowList } from '../../src/server/integrations/outbound-address.ts';
import { createSmtpMailer, type Mailer } from '../../src/server/integrations/smtp-mailer.ts';
import type { TestApp } from './test-app.ts';

export interface SmtpReceiver {
  port: number;
  received: ParsedMail[];
  /** Resolves once `count` messages have arrived (bounded by `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
  /** Listens again on the same port (the "server comes back" half of an outage). */
  restart(): Promise<void>;
}

export async function startSmtpReceiver(
  port = 0,
  /** Recipients this server refuses at RCPT TO (a mailbox that does not exist), 550. */
  refuses: (address: string) => boolean = () => false,
): Promise<SmtpReceiver> {
  const received: ParsedMail[] = [];
  let server: SMTPServer;
  const listen = (on: number) =>
    new Promise<number>((resolve, reject) => {
      server = new SMTPServer({
        disabledCommands: ['STARTTLS'],
        authOptional: true,
        logger: false,
        onAuth(auth, _session, callback) {
          if (auth.username === 'stopline' && auth.password === 'smtp-secret-pw')
            callback(null, { user: auth.username });
          else callback(new Error('Invalid username or password'));
        },
        onRcptTo(address, _session, callback) {
          if (refuses(address.address)) callback(new Error('550 5.1.1 No such mailbox here'));
          else callback();
        },
        onData(stream, _session, callback) {
          simpleParser(stream).then(
            (mail) => {
              received.push(mail);
              callback();
            },
            (error: Error) => callback(error),
          );
        },
      });
      server.on('error', reject);
      server.listen(on, '127.0.0.1', () => {
        resolve((server.server.address() as AddressInfo).port);
      });
    });
  const actual = await listen(port);
  const receiver: SmtpReceiver = {
    port: actual,
    received,
    async waitFor(count, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > until) throw new Error(`only ${received.length} of ${count} arrived`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    restart: async () => {
      await listen(actual);
    },
  };
  return receiver;
}

export interface HttpRequestSeen {
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
  url: string;
}

export interface HttpReceiver {
  url: string;
  requests: HttpRequestSeen[];
  /** Status codes to answer with, in turn; when used up, 204. */
  answers: number[];
  /** Resolves once `count` requests have arrived (bounded by `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests: HttpRequestSeen[] = [];
  const answers: number[] = [];
  const waiting = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        url: req.url ?? '',
      });
      res.statusCode = answers.shift() ?? 204;
      res.end(res.statusCode >= 500 ? 'receiver is down' : '');
      for (const check of waiting) check();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/stopline`,
    requests,
    answers,
    waitFor: (count, timeoutMs = 5000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (requests.length < count) return;
          waiting.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(new Error(`only ${requests.length} of ${count} requests arrived`));
        }, timeoutMs);
        waiting.add(check);
        check();
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A worker on the test app's database and clock, with the given mailer; once started it hears
 * commits from every instance through the app's live feed, as `serve` wires it. */
export function workerFor(
  t: TestApp,
  mailer: Mailer | null,
  settings: Partial<OutboxWorkerDeps['settings']> = {},
  /** Other parts than the app's (a provider the app was not configured with). */
  parts: Partial<Pick<OutboxWorkerDeps, 'personal'>> = {},
): OutboxWorker {
  return new OutboxWorker({
    db: t.container.db,
    clock: t.clock,
    logger: t.container.logger,
    mailer,
    http: createHttpPoster({
      timeoutMs: 5000,
      allow: parseAllowList(t.container.config.outboundAllow),
    }),
    findEndpoint: t.container.services.notifications.findEndpoint,
    personal: createPersonalRequests({
      notifications: t.container.services.notifications,
      twilio: twilioSettingsOf(t.container.config),
      clock: t.clock,
    }),
    encryptFor: (address, body) => t.container.services.mail.encryptFor(address, body),
    openSealed: (sealed) => t.container.services.notifications.openSealed(sealed),
    hooks: {
      find: t.container.services.incidents.findContainmentHookForCall,
      answered: t.container.services.incidents.recordHookAnswer,
    },
    deliverTrackerIssue: (id, body, deliveryId) =>
      t.container.services.trackers.deliverIssue(id, body, deliveryId),
    hearCommits: (wake) => t.container.workers.liveFeed.onOutboxCommitted(wake),
    settings: {
      maxAttempts: 5,
      baseDelayMs: 30_000,
      maxDelayMs: 3_600_000,
      leaseMs: 300_000,
      batchSize: 50,
      concurrency: 4,
      pollMs: 1000,
      messageIdDomain: 'stopline.test',
      ...settings,
    },
    ...parts,
  });
}

/** A worker that sends e-mail to the test's SMTP server, as stopline@example.org. */
export function smtpWorkerFor(t: TestApp, smtp: Pick<SmtpReceiver, 'port'>): OutboxWorker {
  return workerFor(
    t,
    createSmtpMailer({
      host: '127.0.0.1',
      port: smtp.port,
      security: 'none',
      from: 'stopline@example.org',
      timeoutMs: 2000,
    }),
  );
}

/** One delivery round of the test app's outbox with no SMTP server (e-mail waits). */
export async function deliverRound(
  t: TestApp,
): Promise<Awaited<ReturnType<OutboxWorker['deliverDue']>>> {
  const worker = workerFor(t, null);
  const round = await worker.deliverDue(t.clock.now());
  await worker.close();
  return round;
}

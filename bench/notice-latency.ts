// Benchmark: how long a notice takes from the commit that enqueues it to its arrival, through a
// real `stopline serve` (its own outbox worker, woken by the commit), a real SMTP server
// (smtp-server), a real webhook receiver and a Web Push service (test/helpers/push-service.ts:
// it checks the VAPID token and opens the aes128gcm body as a browser would), beside the
// reference: the same SMTP server, receiver and push service reached by a bare nodemailer send, a
// bare HTTP POST and a bare web-push send from this process.
// Each round opens a P0 incident through the API: the line stops, and the transaction that records
// it enqueues an e-mail to the admin, a push to the admin's browser and a signed webhook. The
// commit happens before the API answers, so commit → arrival lies between "since the answer" and
// "since the request".
// Local only: everything listens on 127.0.0.1 and every file made is removed.
// Run: npm run bench:latency [-- --rounds 40] (DATABASE_URL for a local PostgreSQL)
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SMTPServer } from 'smtp-server';
import webPush from 'web-push';
import { createSmtpMailer } from '../src/server/integrations/smtp-mailer.ts';
import { freePort, runCli, startServer } from '../test/helpers/cli-process.ts';
import { browserKeys, startPushService, type PushService } from '../test/helpers/push-service.ts';

/** A CLI command's output; its failure stops the bench. */
async function run(args: string[], env: Record<string, string>): Promise<string> {
  const { code, stdout, stderr } = await runCli(args, env);
  if (code !== 0) throw new Error(stdout + stderr);
  return stdout + stderr;
}

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '40' } } });
const ROUNDS = Number(args.rounds);

/** Arrival times by key, and a way to wait for one. */
function arrivals() {
  const seen = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  return {
    arrived(key: string) {
      const at = performance.now();
      seen.set(key, at);
      waiting.get(key)?.(at);
    },
    waitFor(key: string, timeoutMs = 30_000): Promise<number> {
      const at = seen.get(key);
      if (at !== undefined) return Promise.resolve(at);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${key} did not arrive`)), timeoutMs);
        waiting.set(key, (when) => {
          clearTimeout(timer);
          resolve(when);
        });
      });
    },
  };
}

async function startSmtp(onMail: (subject: string) => void) {
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 4096) head += chunk.toString('utf8');
      });
      stream.on('end', () => {
        callback();
        onMail(/^Subject: (.*)$/im.exec(head)?.[1]?.trim() ?? '');
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function startReceiver(onPost: (body: string) => void) {
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.statusCode = 204;
      res.end();
      onPost(Buffer.concat(chunks).toString('utf8'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** When the push whose title starts with `title` arrived (Date.now() time). */
async function pushArrival(service: PushService, title: string, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const hit = service.seen.find((p) => String(p.payload.title ?? '').startsWith(title));
    if (hit) return hit.arrivedAt;
    if (Date.now() > until) {
      throw new Error(`no push "${title}" arrived (${service.refused.join('; ')})`);
    }
    await new Promise((r) => setTimeout(r, 1));
  }
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  const round = (v: number) => Number(v.toFixed(1));
  return { p50: round(at(0.5)), p95: round(at(0.95)), max: round(sorted.at(-1)!) };
}

async function main() {
  const mail = arrivals();
  const hooks = arrivals();
  // Notices are told apart by the incident key in their subject, bare sends by their subject.
  const smtp = await startSmtp((subject) =>
    mail.arrived(/INC-\d+-\d+/.exec(subject)?.[0] ?? subject),
  );
  const receiver = await startReceiver((body) => {
    const key = /"key":"(INC-[^"]+)"/.exec(body)?.[1] ?? /"bare":(\d+)/.exec(body)?.[1] ?? '';
    hooks.arrived(key);
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'stopline-bench-latency-'));
  const schema = `bench_latency_${process.pid}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    STOPLINE_DATA_DIR: dataDir,
    STOPLINE_LOG_LEVEL: 'warn',
    STOPLINE_OUTBOUND_ALLOW: '127.0.0.0/8',
    STOPLINE_SMTP_HOST: '127.0.0.1',
    STOPLINE_SMTP_PORT: String(smtp.port),
    STOPLINE_SMTP_SECURITY: 'none',
    STOPLINE_MAIL_FROM: 'Stopline <stopline@example.org>',
  };
  if (process.env.DATABASE_URL) {
    const host = new URL(process.env.DATABASE_URL).hostname;
    if (!['localhost', '127.0.0.1', '[::1]', ''].includes(host)) {
      throw new Error(`refusing a database that is not on this machine: ${host}`);
    }
    env.DATABASE_URL = process.env.DATABASE_URL;
    env.STOPLINE_PG_SCHEMA = schema;
  }
  await run(['migrate'], env);
  const added = await run(
    ['user', 'add', '--email', 'admin@example.org', '--name', 'Admin', '--role', 'admin'],
    env,
  );
  const port = await freePort();
  const server = await startServer(
    { ...env, STOPLINE_BASE_URL: `http://127.0.0.1:${port}` },
    undefined,
    port,
  );
  const serverUrl = `http://127.0.0.1:${port}`;
  let push: PushService | undefined;
  let barePush: PushService | undefined;
  try {
    const token = /#token=([^\s]+)/.exec(added)?.[1];
    if (!token) throw new Error(`no set-password link in:\n${added}`);
    const password = 'bench passphrase that is long enough';
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(serverUrl + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    if (!(await post('/api/v1/set-password', { token, password })).ok) {
      throw new Error('setting the password failed');
    }
    const session = await post('/api/v1/session', { email: 'admin@example.org', password });
    const cookie = /stopline_session=[^;]+/.exec(session.headers.get('set-cookie') ?? '')?.[0];
    const csrf = ((await session.json()) as { csrfToken: string }).csrfToken;
    const staff = { cookie: cookie ?? '', 'x-csrf-token': csrf };
    const endpoint = await post(
      '/api/v1/webhook-endpoints',
      { kind: 'standard', name: 'bench', url: receiver.url, eventTypes: ['incident.line_stopped'] },
      staff,
    );
    if (endpoint.status !== 201) throw new Error(`endpoint: ${await endpoint.text()}`);
    // The admin's browser subscribes to push on a local push service that checks the VAPID key.
    const listed = await fetch(serverUrl + '/api/v1/me/push-subscriptions', { headers: staff });
    const { publicKey } = (await listed.json()) as { publicKey: string };
    push = await startPushService({ publicKey: () => publicKey, now: () => Date.now() });
    const device = await post(
      '/api/v1/me/push-subscriptions',
      { ...push.subscribe(browserKeys()), device: 'bench' },
      staff,
    );
    if (device.status !== 201) throw new Error(`push subscription: ${await device.text()}`);

    const sinceRequest = { email: [] as number[], webhook: [] as number[], push: [] as number[] };
    const sinceAnswer = { email: [] as number[], webhook: [] as number[], push: [] as number[] };
    for (let i = 0; i < ROUNDS + 5; i++) {
      const requestedWall = Date.now();
      const requested = performance.now();
      const opened = await post(
        '/api/v1/incidents',
        {
          title: `Bench incident ${i}`,
          severity: 'P0',
          severityRationale: 'bench',
          severityOverride: { reason: 'bench: the severity cannot wait' },
        },
        staff,
      );
      const answered = performance.now();
      const answeredWall = Date.now();
      if (opened.status !== 201) throw new Error(`incident: ${await opened.text()}`);
      const { key } = (await opened.json()) as { key: string };
      const [mailAt, hookAt, pushAt] = await Promise.all([
        mail.waitFor(key),
        hooks.waitFor(key),
        pushArrival(push, `Line stopped: ${key} `),
      ]);
      if (i < 5) continue; // warm-up
      sinceRequest.email.push(mailAt - requested);
      sinceRequest.webhook.push(hookAt - requested);
      sinceRequest.push.push(pushAt - requestedWall);
      sinceAnswer.email.push(mailAt - answered);
      sinceAnswer.webhook.push(hookAt - answered);
      sinceAnswer.push.push(pushAt - answeredWall);
    }

    // The reference: the same SMTP server and receiver, reached directly from this process.
    const mailer = createSmtpMailer({
      host: '127.0.0.1',
      port: smtp.port,
      security: 'none',
      from: 'bench@example.org',
    });
    const bare = { email: [] as number[], webhook: [] as number[], push: [] as number[] };
    // A bare web-push send: this process's own VAPID key to a push service that trusts it.
    const vapid = webPush.generateVAPIDKeys();
    barePush = await startPushService({ publicKey: () => vapid.publicKey, now: () => Date.now() });
    const bareSubscription = barePush.subscribe(browserKeys());
    for (let i = 0; i < ROUNDS + 5; i++) {
      const sent = performance.now();
      const subject = `bare ${i}`;
      await mailer.send({
        to: 'admin@example.org',
        subject,
        text: 'bare',
        messageId: `<bare-${i}@bench>`,
        idempotencyKey: `bare-${i}`,
      });
      const mailAt = await mail.waitFor(subject);
      const posted = performance.now();
      await fetch(receiver.url, { method: 'POST', body: JSON.stringify({ bare: i }) });
      const hookAt = await hooks.waitFor(String(i));
      const pushed = Date.now();
      // web-push prepares the request (VAPID token, aes128gcm body); a plain POST sends it, as
      // the server's sender does (web-push's own send speaks https only).
      const details = webPush.generateRequestDetails(
        bareSubscription,
        JSON.stringify({ title: `bare ${i}.` }),
        {
          vapidDetails: {
            subject: 'mailto:bench@example.org',
            publicKey: vapid.publicKey,
            privateKey: vapid.privateKey,
          },
          TTL: 60,
          contentEncoding: 'aes128gcm',
        },
      );
      await fetch(details.endpoint, {
        method: 'POST',
        headers: Object.fromEntries(
          Object.entries(details.headers).map(([name, value]) => [name, String(value)]),
        ),
        body: details.body as Buffer,
      });
      const pushAt = await pushArrival(barePush, `bare ${i}.`);
      if (i < 5) continue;
      bare.email.push(mailAt - sent);
      bare.webhook.push(hookAt - posted);
      bare.push.push(pushAt - pushed);
    }
    mailer.close();

    const ratio = (a: number[], b: number[]) =>
      Number((summary(a).p50 / Math.max(summary(b).p50, 0.1)).toFixed(1));
    console.log(
      JSON.stringify(
        {
          database: process.env.DATABASE_URL ? 'postgres' : 'sqlite',
          node: process.version,
          cpus: cpus().length,
          cpu: cpus()[0]?.model,
          rounds: ROUNDS,
          msCommitToArrivalUpperBound: {
            email: summary(sinceRequest.email),
            webhook: summary(sinceRequest.webhook),
            push: summary(sinceRequest.push),
          },
          msAnswerToArrival: {
            email: summary(sinceAnswer.email),
            webhook: summary(sinceAnswer.webhook),
            push: summary(sinceAnswer.push),
          },
          msBareSendToArrival: {
            email: summary(bare.email),
            webhook: summary(bare.webhook),
            push: summary(bare.push),
          },
          ratioP50StoplineToBare: {
            email: ratio(sinceRequest.email, bare.email),
            webhook: ratio(sinceRequest.webhook, bare.webhook),
            push: ratio(sinceRequest.push, bare.push),
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await server.stop();
    await smtp.stop();
    await receiver.stop();
    await push?.stop();
    await barePush?.stop();
    if (process.env.DATABASE_URL) {
      const pg = await import('pg');
      const client = new pg.default.Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();

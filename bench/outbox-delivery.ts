// Benchmark: outbox delivery rate (messages/s) to a local Standard Webhooks receiver, through the
// real worker (claim, sign, POST, record the attempt, settle) on SQLite or PostgreSQL, beside the
// reference: the same receiver's raw rate with a bare HTTP client (keep-alive POSTs of the same
// body, one at a time, as the worker sends them). Local only: the receiver listens on 127.0.0.1
// and every file made is removed.
// Run: node --import tsx bench/outbox-delivery.ts [--messages 3000] [--rounds 5] [--before REV]
// (DATABASE_URL for PostgreSQL). --before REV: the worker of an earlier commit delivers the same
// messages to the same receiver in the same interleaved rounds, on a database of its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as clockModule from '../src/server/clock.ts';
import * as configModule from '../src/server/config.ts';
import * as containerModule from '../src/server/container.ts';
import * as outboxModule from '../src/server/db/outbox.ts';
import * as actorModule from '../src/server/domain/actor.ts';
import * as loggerModule from '../src/server/logger.ts';
import { checkoutBefore } from './before-tree.ts';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '3000' },
    rounds: { type: 'string', default: '5' },
    before: { type: 'string' },
  },
});
const MESSAGES = Number(args.messages);
const ROUNDS = Number(args.rounds);
const { systemClock } = clockModule;

/** The modules a worker is built from: this checkout's, or an earlier commit's. */
interface Code {
  clock: typeof clockModule;
  config: typeof configModule;
  container: typeof containerModule;
  outbox: typeof outboxModule;
  actor: typeof actorModule;
  logger: typeof loggerModule;
}

const body = JSON.stringify({
  type: 'incident.line_stopped',
  timestamp: new Date().toISOString(),
  data: {
    incident: {
      id: '0195f0c0-0000-7000-8000-000000000000',
      key: 'INC-2026-0007',
      title: 'Customer data exposed',
      severity: 'P0',
      restricted: false,
      url: 'https://security.example.org/incidents/INC-2026-0007',
    },
    reason: 'critical (P0)',
    stoppedAt: new Date().toISOString(),
  },
});

async function startReceiver() {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received: () => received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The reference: POSTs one at a time on a keep-alive connection, nothing else. */
function bareClient(port: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/hooks',
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 204 ? resolve() : reject(new Error('status'))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return {
    /** Seconds to POST `count` times. */
    async run(count: number): Promise<number> {
      const start = performance.now();
      for (let i = 0; i < count; i++) await post();
      return (performance.now() - start) / 1000;
    },
    close: () => agent.destroy(),
  };
}

const schemas: string[] = [];

/** A container of `code` on a database of its own, with the receiver as a webhook endpoint. */
async function openWorker(code: Code, label: string, receiverUrl: string) {
  const dataDir = mkdtempSync(join(tmpdir(), `stopline-bench-delivery-${label}-`));
  const env: Record<string, string> = {
    STOPLINE_DATA_DIR: dataDir,
    STOPLINE_LOG_LEVEL: 'silent',
    // The receiver runs on this machine.
    STOPLINE_OUTBOUND_ALLOW: '127.0.0.0/8',
  };
  if (process.env.DATABASE_URL) {
    const host = new URL(process.env.DATABASE_URL).hostname;
    if (!['localhost', '127.0.0.1', '[::1]', ''].includes(host)) {
      throw new Error(`refusing a database that is not on this machine: ${host}`);
    }
    env.DATABASE_URL = process.env.DATABASE_URL;
    env.STOPLINE_PG_SCHEMA = `bench_delivery_${process.pid}_${label}`;
    schemas.push(env.STOPLINE_PG_SCHEMA);
  }
  const container = await code.container.createContainer(code.config.loadConfig(env), {
    logger: code.logger.createLogger('silent'),
    clock: code.clock.systemClock,
    mailer: null,
  });
  const endpoint = await container.services.notifications.createEndpoint(code.actor.systemActor, {
    kind: 'standard',
    name: 'bench',
    url: receiverUrl,
    eventTypes: ['incident.line_stopped'],
  });
  let enqueued = 0;
  return {
    container,
    /** Untimed: `count` messages for the endpoint, due now. */
    async enqueue(count: number) {
      const now = systemClock.now();
      await container.db.transaction().execute(async (tx) => {
        for (let i = 0; i < count; i++) {
          await code.outbox.enqueueMessage(
            tx,
            {
              channel: 'webhook',
              recipient: endpoint.id,
              subject: 'Line stopped',
              bodyText: body,
              idempotencyKey: `msg_bench_${enqueued++}`,
            },
            now,
          );
        }
      });
    },
    /** Seconds the worker's rounds take until nothing is due; how many it delivered. */
    async deliver(): Promise<{ seconds: number; delivered: number }> {
      const start = performance.now();
      let delivered = 0;
      for (;;) {
        const round = await container.workers.outbox.deliverDue(systemClock.now());
        delivered += round.delivered;
        if (round.delivered + round.failed + round.dead === 0) break;
      }
      return { seconds: (performance.now() - start) / 1000, delivered };
    },
    async attempts(): Promise<number> {
      const row = await container.db
        .selectFrom('outbox_attempts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async close() {
      await container.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function loadCode(load: <T>(path: string) => Promise<T>): Promise<Code> {
  return {
    clock: await load('src/server/clock.ts'),
    config: await load('src/server/config.ts'),
    container: await load('src/server/container.ts'),
    outbox: await load('src/server/db/outbox.ts'),
    actor: await load('src/server/domain/actor.ts'),
    logger: await load('src/server/logger.ts'),
  };
}

async function main() {
  const receiver = await startReceiver();
  const beforeReceiver = await startReceiver();
  const tree = args.before ? checkoutBefore(args.before) : null;
  const code: Code = {
    clock: clockModule,
    config: configModule,
    container: containerModule,
    outbox: outboxModule,
    actor: actorModule,
    logger: loggerModule,
  };
  const after = await openWorker(code, 'after', receiver.url);
  const before =
    tree && (await openWorker(await loadCode(tree.load), 'before', beforeReceiver.url));
  const bare = bareClient(receiver.port);
  try {
    await bare.run(100); // warm-up
    const totals = { bare: 0, before: 0, after: 0, delivered: 0, beforeDelivered: 0 };
    const chunk = Math.ceil(MESSAGES / ROUNDS);
    const arrivedBefore = receiver.received();
    for (let sent = 0; sent < MESSAGES; sent += chunk) {
      const count = Math.min(chunk, MESSAGES - sent);
      await after.enqueue(count);
      await before?.enqueue(count);
      totals.bare += await bare.run(count);
      if (before) {
        const done = await before.deliver();
        totals.before += done.seconds;
        totals.beforeDelivered += done.delivered;
      }
      const done = await after.deliver();
      totals.after += done.seconds;
      totals.delivered += done.delivered;
    }
    const arrived = receiver.received() - arrivedBefore - MESSAGES; // less the bare client's
    const bareRate = MESSAGES / totals.bare;
    const afterRate = totals.delivered / totals.after;
    const beforeRate = before ? totals.beforeDelivered / totals.before : null;
    console.log(
      JSON.stringify(
        {
          database: after.container.dialect,
          node: process.version,
          cpus: cpus().length,
          cpu: cpus()[0]?.model,
          messages: MESSAGES,
          rounds: ROUNDS,
          delivered: totals.delivered,
          arrivedAtReceiver: arrived,
          attemptsRecorded: await after.attempts(),
          workerMessagesPerSecond: Math.round(afterRate),
          bareHttpPostsPerSecond: Math.round(bareRate),
          ratioWorkerToBare: Number((afterRate / bareRate).toFixed(3)),
          msPerMessageWorker: Number((1000 / afterRate).toFixed(3)),
          msPerMessageBare: Number((1000 / bareRate).toFixed(3)),
          ...(before && beforeRate !== null
            ? {
                before: tree!.commit,
                beforeDelivered: totals.beforeDelivered,
                beforeArrivedAtReceiver: beforeReceiver.received(),
                beforeAttemptsRecorded: await before.attempts(),
                beforeMessagesPerSecond: Math.round(beforeRate),
                beforeRatioToBare: Number((beforeRate / bareRate).toFixed(3)),
              }
            : {}),
        },
        null,
        2,
      ),
    );
  } finally {
    bare.close();
    await after.close();
    await before?.close();
    tree?.remove();
    await receiver.stop();
    await beforeReceiver.stop();
    if (process.env.DATABASE_URL) {
      const pg = await import('pg');
      const client = new pg.default.Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      for (const schema of schemas) await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    }
  }
}

await main();

// Benchmark: outbox delivery rate (messages/s) to a local Standard Webhooks receiver, through the
// real worker (claim, sign, POST, record the attempt, settle) on SQLite or PostgreSQL, beside the
// reference: the same receiver's raw rate with a bare HTTP client (keep-alive POSTs of the same
// body, one at a time, as the worker sends them). Local only: the receiver listens on 127.0.0.1
// and every file made is removed.
// Run: node --import tsx bench/outbox-delivery.ts [--messages 3000] (DATABASE_URL for PostgreSQL)
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../src/server/clock.ts';
import { loadConfig } from '../src/server/config.ts';
import { createContainer } from '../src/server/container.ts';
import { enqueueMessage } from '../src/server/db/outbox.ts';
import { systemActor } from '../src/server/domain/actor.ts';
import { createLogger } from '../src/server/logger.ts';

const { values: args } = parseArgs({
  options: { messages: { type: 'string', default: '3000' } },
});
const MESSAGES = Number(args.messages);

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
async function bareRate(port: number, count: number): Promise<number> {
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
  for (let i = 0; i < 100; i++) await post(); // warm-up
  const start = performance.now();
  for (let i = 0; i < count; i++) await post();
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return count / seconds;
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'stopline-bench-delivery-'));
  const receiver = await startReceiver();
  const schema = `bench_delivery_${process.pid}`;
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
    env.STOPLINE_PG_SCHEMA = schema;
  }
  const container = await createContainer(loadConfig(env), {
    logger: createLogger('silent'),
    clock: systemClock,
    mailer: null,
  });
  try {
    const reference = await bareRate(receiver.port, MESSAGES);

    const endpoint = await container.services.notifications.createEndpoint(systemActor, {
      kind: 'standard',
      name: 'bench',
      url: receiver.url,
      eventTypes: ['incident.line_stopped'],
    });
    const now = systemClock.now();
    await container.db.transaction().execute(async (tx) => {
      for (let i = 0; i < MESSAGES; i++) {
        await enqueueMessage(
          tx,
          {
            channel: 'webhook',
            recipient: endpoint.id,
            subject: 'Line stopped',
            bodyText: body,
            idempotencyKey: `msg_bench_${i}`,
          },
          now,
        );
      }
    });
    const before = receiver.received();
    const start = performance.now();
    let delivered = 0;
    for (;;) {
      const round = await container.workers.outbox.deliverDue(systemClock.now());
      delivered += round.delivered;
      if (round.delivered + round.failed + round.dead === 0) break;
    }
    const seconds = (performance.now() - start) / 1000;
    const rate = delivered / seconds;
    const arrived = receiver.received() - before;
    const attempts = await container.db
      .selectFrom('outbox_attempts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();

    console.log(
      JSON.stringify(
        {
          database: container.dialect,
          node: process.version,
          cpus: cpus().length,
          cpu: cpus()[0]?.model,
          messages: MESSAGES,
          delivered,
          arrivedAtReceiver: arrived,
          attemptsRecorded: Number(attempts.n),
          workerMessagesPerSecond: Math.round(rate),
          bareHttpPostsPerSecond: Math.round(reference),
          ratioWorkerToBare: Number((rate / reference).toFixed(3)),
          msPerMessageWorker: Number((1000 / rate).toFixed(3)),
          msPerMessageBare: Number((1000 / reference).toFixed(3)),
        },
        null,
        2,
      ),
    );
  } finally {
    await container.close();
    await receiver.stop();
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

// Benchmark: live updates fan-out. N SSE clients (default 1,000) hold GET /api/v1/stream open on
// a real Stopline server; a staff member adds notes to an incident through the API, one change at
// a time, and we time from the commit until the last client has the notice. Reference: the same N
// clients on a bare Node http SSE server that writes one message to every open response.
// Local only: both servers listen on 127.0.0.1; the SQLite folder or PostgreSQL schema it makes
// is removed at the end.
// Run: npm run bench:stream [-- --clients 1000 --changes 30] (DATABASE_URL: PostgreSQL, local)
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createParser } from 'eventsource-parser';
import pg from 'pg';
import { onCommitted } from '../src/server/db/live-notices.ts';
import { systemActor } from '../src/server/domain/actor.ts';
import { loadConfig } from '../src/server/config.ts';
import { createContainer } from '../src/server/container.ts';
import { buildApp } from '../src/server/http/app.ts';
import { createLogger } from '../src/server/logger.ts';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    changes: { type: 'string', default: '30' },
  },
});
const CLIENTS = Number(args.clients);
const CHANGES = Number(args.changes);
const PASSWORD = 'correct horse battery staple 42';

/** Every client's arrival time per message id, and a way to wait for the last one. */
class Clients {
  readonly #arrivals = new Map<string, { count: number; first: number; last: number }>();
  readonly #waiting = new Map<string, () => void>();
  readonly #sockets: (() => void)[] = [];
  #newIds: ((id: string) => void)[] = [];

  async open(url: string, headers: Record<string, string>, count: number): Promise<void> {
    let ready = 0;
    await new Promise<void>((resolve, reject) => {
      for (let i = 0; i < count; i++) {
        const req = request(
          url,
          { agent: false, headers: { accept: 'text/event-stream', ...headers } },
          (res) => {
            if (res.statusCode !== 200) reject(new Error(`stream refused: ${res.statusCode}`));
            const parser = createParser({
              onEvent: (e) => {
                if (e.event === 'ready' && ++ready === count) resolve();
                if (e.event === 'change' && e.id) this.#arrive(e.id);
              },
            });
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => parser.feed(chunk));
          },
        );
        req.on('error', reject);
        req.end();
        this.#sockets.push(() => req.destroy());
      }
    });
  }

  #arrive(id: string): void {
    const now = performance.now();
    const seen = this.#arrivals.get(id);
    if (!seen) {
      this.#arrivals.set(id, { count: 1, first: now, last: now });
      const waiting = this.#newIds;
      this.#newIds = [];
      for (const resolve of waiting) resolve(id);
    } else {
      seen.count += 1;
      seen.last = now;
    }
    if (this.#arrivals.get(id)!.count === this.#sockets.length) this.#waiting.get(id)?.();
  }

  /** Resolves with first and last arrival once every client has a message with this id. */
  async allHave(id: string): Promise<{ first: number; last: number }> {
    const seen = this.#arrivals.get(id);
    if (!seen || seen.count < this.#sockets.length)
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`message ${id} missing after 30 s`)),
          30_000,
        );
        this.#waiting.set(id, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    const { first, last } = this.#arrivals.get(id)!;
    return { first, last };
  }

  /** The id of the next change message any client gets (to learn a change's id). */
  nextId(): Promise<string> {
    return new Promise((resolve) => this.#newIds.push(resolve));
  }

  close(): void {
    for (const destroy of this.#sockets) destroy();
  }
}

interface Sample {
  /** From the change request (or the reference's write) to the first and the last client. */
  first: number;
  last: number;
  /** From the request to the answer the acting user gets. */
  answer: number;
  /** From the commit to the last client (SQLite: the commit hook, called right after it). */
  commitToLast: number;
  /** From the moment this instance's feed has the notice (heard and read back) to the last client. */
  feedToLast: number;
}

/** Each `next()` resolves at the following `tick()`, with its time. */
function moments() {
  let waiting: ((at: number) => void)[] = [];
  return {
    tick() {
      const at = performance.now();
      const due = waiting;
      waiting = [];
      for (const resolve of due) resolve(at);
    },
    next: () => new Promise<number>((resolve) => waiting.push(resolve)),
  };
}

async function benchStopline(databaseUrl: string | undefined): Promise<Sample[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stopline-bench-stream-'));
  const schema = `stopline_bench_${process.pid}_stream`;
  const env: Record<string, string> = { STOPLINE_DATA_DIR: dataDir, STOPLINE_LOG_LEVEL: 'silent' };
  if (databaseUrl) Object.assign(env, { DATABASE_URL: databaseUrl, STOPLINE_PG_SCHEMA: schema });
  const container = await createContainer(loadConfig(env), { logger: createLogger('silent') });
  const app = await buildApp(container);
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const signIn = async (role: string) => {
      const email = `${role}-${process.pid}@example.org`;
      const { link } = await container.services.accounts.users.createUser(systemActor, {
        email,
        displayName: role,
        roles: [role],
      });
      const token = new URL(link.url).hash.replace(/^#token=/, '');
      await container.services.accounts.users.setPasswordWithLink(
        { kind: 'anonymous' },
        token,
        PASSWORD,
      );
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { email, password: PASSWORD },
      });
      const cookie = String(res.headers['set-cookie']).split(';')[0]!;
      return { cookie, 'x-csrf-token': res.json().csrfToken as string };
    };
    const lead = await signIn('security_lead');
    const watcher = await signIn('responder');
    const incident = await app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: lead,
      payload: { title: 'Fan-out bench' },
    });
    const key = incident.json().key as string;

    const clients = new Clients();
    await clients.open(`http://127.0.0.1:${port}/api/v1/stream`, watcher, CLIENTS);
    // SQLite only: on PostgreSQL the commit happens in the server and is heard by NOTIFY.
    const commits = moments();
    const stopCommits = databaseUrl ? () => {} : onCommitted(container.db, commits.tick);
    const feed = moments();
    const stopFeed = await container.workers.liveFeed.subscribe(feed.tick);
    const samples: Sample[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const nextId = clients.nextId();
      const committed = databaseUrl ? Promise.resolve(NaN) : commits.next();
      const fed = feed.next();
      const start = performance.now();
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/incidents/${key}/notes`,
        headers: lead,
        payload: { text: `note ${i}` },
      });
      const answered = performance.now();
      if (res.statusCode >= 300) throw new Error(`note refused: ${res.statusCode} ${res.body}`);
      // The note is the commit's first event (a note may also meet a deadline: a second notice).
      const { first, last } = await clients.allHave(await nextId);
      samples.push({
        first: first - start,
        last: last - start,
        answer: answered - start,
        commitToLast: last - (await committed),
        feedToLast: last - (await fed),
      });
    }
    stopCommits();
    stopFeed();
    clients.close();
    return samples;
  } finally {
    await app.close();
    await container.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (databaseUrl) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    }
  }
}

/** The reference: a bare Node http SSE server writing one message to every open response. */
async function benchBare(): Promise<Sample[]> {
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.write('event: ready\ndata: {}\n\n');
    open.add(res);
    req.on('close', () => open.delete(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const clients = new Clients();
  await clients.open(`http://127.0.0.1:${port}/`, {}, CLIENTS);
  const samples: Sample[] = [];
  for (let i = 1; i <= CHANGES; i++) {
    const start = performance.now();
    const data = JSON.stringify({
      subject: 'incident',
      key: 'INC-2026-0001',
      type: 'incident.note_added',
      at: new Date().toISOString(),
      incident: 'INC-2026-0001',
    });
    for (const res of open) res.write(`id: ${i}\nevent: change\ndata: ${data}\n\n`);
    const { first, last } = await clients.allHave(String(i));
    const fromWrite = last - start;
    samples.push({
      first: first - start,
      last: fromWrite,
      answer: 0,
      commitToLast: fromWrite,
      feedToLast: fromWrite,
    });
  }
  clients.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return samples;
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const ms = (v: number) => v.toFixed(1).padStart(8);

function isLocal(url: string): boolean {
  const host = new URL(url).hostname;
  return ['localhost', '127.0.0.1', '[::1]', ''].includes(host);
}

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl && !isLocal(databaseUrl))
    throw new Error('DATABASE_URL must be a local database');
  console.log(
    `live stream fan-out: ${CLIENTS} clients, ${CHANGES} changes, ${databaseUrl ? 'PostgreSQL' : 'SQLite'}; ` +
      `node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`,
  );
  const stopline = await benchStopline(databaseUrl);
  const bare = await benchBare();
  const row = (label: string, samples: Sample[], pick: (s: Sample) => number) => {
    const values = samples.map(pick);
    console.log(
      `${label.padEnd(36)}${ms(quantile(values, 0.5))}  ${ms(quantile(values, 0.95))}  ${ms(Math.max(...values))}`,
    );
  };
  console.log('\n(ms)                                  median       p95       max');
  row('stopline: request → answer', stopline, (s) => s.answer);
  row('stopline: request → first client', stopline, (s) => s.first);
  row('stopline: request → last client', stopline, (s) => s.last);
  if (!databaseUrl) row('stopline: commit → last client', stopline, (s) => s.commitToLast);
  row('stopline: feed has it → last client', stopline, (s) => s.feedToLast);
  row('bare SSE: write → first client', bare, (s) => s.first);
  row('bare SSE: write → last client', bare, (s) => s.last);
  const median = (samples: Sample[], pick: (s: Sample) => number) =>
    quantile(samples.map(pick), 0.5);
  const fanOut = median(stopline, (s) => (databaseUrl ? s.feedToLast : s.commitToLast));
  const ratio = fanOut / median(bare, (s) => s.last);
  console.log(
    `\nmedian ${databaseUrl ? 'feed' : 'commit'} → last client ÷ bare write → last client: ${ratio.toFixed(1)}×`,
  );
}

await main();

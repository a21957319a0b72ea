// Benchmark: report intake throughput (reports/s) and p99 latency through the HTML form and the
// JSON API, against a real `stopline serve` on SQLite, at 50 concurrent clients (autocannon),
// beside the reference: bare event appends (one event per transaction, the same durability) on
// the same machine. Afterwards every accepted report is counted in the database: accepted means
// committed. Local only: the server listens on 127.0.0.1 and every file it makes is removed.
// Run: npm run bench:intake [-- --duration 10 --connections 50]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import SQLite from 'better-sqlite3';
import { loadConfig } from '../src/server/config.ts';
import { startServer } from '../test/helpers/cli-process.ts';
import { createDatabase } from '../src/server/db/database.ts';
import { appendEvents } from '../src/server/db/event-store.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import { newId } from '../src/server/ids.ts';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
  },
});
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);

const report = {
  summary: 'Stored XSS in the profile page',
  description: 'The display name is rendered without escaping.\n'.repeat(20),
  stepsToReproduce: '1. Sign in\n2. Set the display name to <script>alert(1)</script>',
  impact: 'Session theft',
  affected: 'https://app.example.com/profile',
};
const formBody = new URLSearchParams({
  ...report,
  contactName: 'Ada',
  contactEmail: 'ada@example.org',
}).toString();
const jsonBody = JSON.stringify({ ...report, contact: { name: 'Ada', email: 'ada@example.org' } });

interface Figures {
  perSecond: number;
  p99: number;
  accepted: number;
  /** Requests that got no 2xx: answered otherwise, or no answer (autocannon's errors). */
  errors: number;
  non2xx: number;
  /** Of the unanswered, those that waited autocannon's 10 s timeout. */
  timeouts: number;
}

async function load(
  url: string,
  path: string,
  contentType: string,
  body: string,
): Promise<Figures> {
  const options = {
    url: url + path,
    method: 'POST' as const,
    headers: { 'content-type': contentType },
    body,
  };
  // A short unmeasured run first, so start-up compilation and JIT warm-up are not counted.
  await autocannon({ ...options, connections: CONNECTIONS, duration: 2 });
  const result = await autocannon({ ...options, connections: CONNECTIONS, duration: DURATION });
  return {
    perSecond: result['2xx'] / DURATION,
    p99: result.latency.p99,
    accepted: result['2xx'],
    // autocannon's errors include its timeouts: not added twice.
    errors: result.non2xx + result.errors,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
  };
}

/** The reference: one event per transaction, appended as fast as one process can. */
async function bareAppendRate(dir: string): Promise<number> {
  const config = loadConfig({ STOPLINE_DATA_DIR: dir, STOPLINE_LOG_LEVEL: 'silent' });
  const handle = await createDatabase({ ...config, sqlitePath: join(dir, 'reference.db') });
  await migrateToLatest(handle.db, handle.dialect);
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < 3000) {
    await handle.db.transaction().execute((tx) =>
      appendEvents(tx, {
        streamId: newId(),
        streamType: 'bench',
        expectedVersion: 0,
        at: Date.now(),
        events: [{ type: 'bench.appended', visibility: 'internal', actorId: null, data: { n } }],
      }),
    );
    n++;
  }
  const rate = n / ((performance.now() - started) / 1000);
  await handle.close();
  return rate;
}

const dir = mkdtempSync(join(tmpdir(), 'stopline-bench-intake-'));
try {
  const reference = await bareAppendRate(dir);
  const dataDir = join(dir, 'server');
  const server = await startServer({
    STOPLINE_DATA_DIR: dataDir,
    STOPLINE_LOG_LEVEL: 'warn',
    STOPLINE_INTAKE_RATE_LIMIT: '100000000',
  });
  const url = `http://127.0.0.1:${server.port}`;
  let form: Figures;
  let api: Figures;
  try {
    form = await load(url, '/report', 'application/x-www-form-urlencoded', formBody);
    api = await load(url, '/api/v1/reports', 'application/json', jsonBody);
  } finally {
    await server.stop();
  }
  const sqlite = new SQLite(join(dataDir, 'stopline.db'), { readonly: true });
  const stored = (sqlite.prepare('select count(*) as n from reports').get() as { n: number }).n;
  sqlite.close();

  console.log(
    `intake on SQLite, ${CONNECTIONS} concurrent clients, ${DURATION} s each, ${cpus().length} cores`,
  );
  console.log(
    `reference: bare event append, 1 event per transaction: ${reference.toFixed(0)} events/s`,
  );
  for (const [name, f] of [
    ['HTML form (urlencoded)', form],
    ['JSON API', api],
  ] as const) {
    console.log(
      `${name}: ${f.perSecond.toFixed(1)} reports/s, p99 ${f.p99} ms, ` +
        `${f.accepted} accepted, ${f.errors} errors (${f.non2xx} non-2xx, ` +
        `${f.errors - f.non2xx} unanswered, ${f.timeouts} of them timed out), ${((f.perSecond / reference) * 100).toFixed(1)}% of the reference`,
    );
  }
  const accepted = form.accepted + api.accepted;
  console.log(`durability: ${stored} reports in the database after shutdown, ${accepted} accepted`);
  if (stored < accepted) {
    console.error('an accepted report is missing from the database');
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

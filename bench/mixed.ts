// Load suite: mixed load on a real `stopline serve` for `--minutes` (default 10): reports through
// the public JSON API, incident changes (notes, and a summary edit every tenth change) by an API
// token, public status page reads, and live SSE streams held open the whole time, all at once, at
// fixed rates (a request is started on schedule; one that would exceed `--max-in-flight` of its
// kind is skipped and counted). Prints per kind the requests, failures and latency p50 / p95 /
// p99 / max; for the streams, from a note's request to its notice on each stream; and the server's
// resident memory (VmRSS) sampled every 5 s. Invariant: no failed request, every stream got every
// note's notice, and the memory of the last minute is no more than 1.5× that of the first.
// Local only. Run: npm run bench:mixed [-- --minutes 10 --database sqlite|postgres
// --reports 5 --changes 5 --status 20 --streams 50]
import { request } from 'node:http';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createParser } from 'eventsource-parser';
import { startServer } from '../test/helpers/cli-process.ts';
import {
  apiToken,
  createBenchDatabase,
  machine,
  quantile,
  reportBody,
  rssMiB,
  sleep,
  verdict,
  verify,
  type DatabaseKind,
} from './fault-support.ts';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    database: { type: 'string', default: 'sqlite' },
    /** Requests per second of each kind. */
    reports: { type: 'string', default: '5' },
    changes: { type: 'string', default: '5' },
    status: { type: 'string', default: '20' },
    /** Live streams held open. */
    streams: { type: 'string', default: '50' },
    incidents: { type: 'string', default: '20' },
    'max-in-flight': { type: 'string', default: '50' },
  },
});
const DURATION_MS = Number(args.minutes) * 60_000;
const KIND = args.database as DatabaseKind;
const RATES = {
  report: Number(args.reports),
  change: Number(args.changes),
  status: Number(args.status),
};
const STREAMS = Number(args.streams);
const INCIDENTS = Number(args.incidents);
const MAX_IN_FLIGHT = Number(args['max-in-flight']);

interface Kind {
  latencies: number[];
  failed: number;
  skipped: number;
  inFlight: number;
  firstFailure: string | null;
}
const kinds: Record<string, Kind> = {};
const kindOf = (name: string) =>
  (kinds[name] ??= { latencies: [], failed: 0, skipped: 0, inFlight: 0, firstFailure: null });

/** Starts `run` `rate` times a second until `until`, each timed under `name`. */
async function paced(
  name: string,
  rate: number,
  until: number,
  run: () => Promise<boolean | string>,
): Promise<void> {
  const k = kindOf(name);
  const every = 1000 / rate;
  const started = Date.now();
  const pending: Promise<void>[] = [];
  for (let n = 0; ; n++) {
    const at = started + n * every;
    if (at >= until) break;
    if (at > Date.now()) await sleep(at - Date.now());
    if (k.inFlight >= MAX_IN_FLIGHT) {
      k.skipped++;
      continue;
    }
    k.inFlight++;
    const t0 = performance.now();
    pending.push(
      run()
        .then(
          (ok) => {
            if (ok === true) k.latencies.push(performance.now() - t0);
            else {
              k.failed++;
              k.firstFailure ??= String(ok);
            }
          },
          (error: unknown) => {
            k.failed++;
            k.firstFailure ??= (error as Error).message;
          },
        )
        .finally(() => k.inFlight--),
    );
  }
  await Promise.all(pending);
}

/** An SSE stream on /api/v1/stream; calls `onNotice` with each change's key and type. */
function openStream(
  port: number,
  token: string,
  onNotice: (key: string, type: string) => void,
): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/v1/stream',
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`stream: ${res.statusCode}`));
          res.resume();
          return;
        }
        const parser = createParser({
          onEvent: (e) => {
            if (e.event !== 'change') return;
            const notice = JSON.parse(e.data) as { key: string; type: string };
            onNotice(notice.key, notice.type);
          },
        });
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => parser.feed(chunk));
        resolve(() => req.destroy());
      },
    );
    req.on('error', (error) => reject(error));
    req.end();
  });
}

console.log(
  `mixed: ${args.minutes} min on ${KIND}, reports ${RATES.report}/s, incident changes ` +
    `${RATES.change}/s, status reads ${RATES.status}/s, ${STREAMS} live streams; ${machine()}`,
);
const failures: string[] = [];
const database = await createBenchDatabase(KIND, 'mixed', {
  STOPLINE_STREAM_MAX_PER_CALLER: '1000',
});
const loadSamples: string[] = [];
try {
  const token = await apiToken(
    database.env,
    ['admin'],
    [
      'incidents.create',
      'incidents.update',
      'incidents.communicate',
      'incidents.read',
      'stream.read',
    ],
  );
  const server = await startServer(database.env, undefined, undefined, 60_000);
  const url = `http://127.0.0.1:${server.port}`;
  const auth = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  try {
    const incidents: string[] = [];
    for (let i = 0; i < INCIDENTS; i++) {
      const res = await fetch(`${url}/api/v1/incidents`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ title: `Mixed load incident ${i}` }),
      });
      const body = (await res.json()) as { key?: string; incident?: { key: string } };
      const key = body.key ?? body.incident?.key;
      if (res.status !== 201 || !key) throw new Error(`incident: ${res.status}`);
      incidents.push(key);
    }

    // Notes: their request start times by incident, in order; each stream matches its n-th
    // note notice of an incident with the n-th note made on it (one note in flight per incident).
    const noteStarts = new Map<string, number[]>(incidents.map((k) => [k, []]));
    const busy = new Set<string>();
    const streamLatencies: number[] = [];
    const seenPerStream: Map<string, number>[] = [];
    const closers: (() => void)[] = [];
    for (let s = 0; s < STREAMS; s++) {
      const seen = new Map<string, number>();
      seenPerStream.push(seen);
      closers.push(
        await openStream(server.port, token, (key, type) => {
          if (type !== 'incident.note_added') return;
          const n = seen.get(key) ?? 0;
          seen.set(key, n + 1);
          const start = noteStarts.get(key)?.[n];
          if (start !== undefined) streamLatencies.push(performance.now() - start);
        }),
      );
    }

    const rss: { at: number; mib: number }[] = [];
    const started = Date.now();
    const until = started + DURATION_MS;
    let samples = 0;
    const sampler = setInterval(() => {
      const mib = rssMiB(server.child.pid!);
      if (mib !== null) rss.push({ at: (Date.now() - started) / 1000, mib });
      if (samples++ % 12 === 0) loadSamples.push(loadavg()[0]!.toFixed(1));
    }, 5_000);
    let changes = 0;
    let reports = 0;
    await Promise.all([
      paced('report', RATES.report, until, async () => {
        const res = await fetch(`${url}/api/v1/reports`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: reportBody(reports++, 'mixed'),
        });
        await res.arrayBuffer();
        return res.status === 201 || `report ${res.status}`;
      }),
      paced('incident change', RATES.change, until, async () => {
        const n = changes++;
        const key =
          incidents.find((k, i) => !busy.has(k) && i >= n % INCIDENTS) ??
          incidents.find((k) => !busy.has(k));
        if (!key) return 'every incident busy';
        busy.add(key);
        try {
          if (n % 10 === 9) {
            const res = await fetch(`${url}/api/v1/incidents/${key}`, {
              method: 'PATCH',
              headers: auth,
              body: JSON.stringify({ summary: `Summary, change ${n}` }),
            });
            await res.arrayBuffer();
            return res.ok || `summary ${res.status}`;
          }
          noteStarts.get(key)!.push(performance.now());
          const res = await fetch(`${url}/api/v1/incidents/${key}/notes`, {
            method: 'POST',
            headers: auth,
            body: JSON.stringify({ text: `Note ${n}: checked the logs of the gateway.` }),
          });
          await res.arrayBuffer();
          if (!res.ok) noteStarts.get(key)!.pop();
          return res.ok || `note ${res.status}`;
        } finally {
          busy.delete(key);
        }
      }),
      paced('status page read', RATES.status, until, async () => {
        const res = await fetch(`${url}/status`);
        await res.arrayBuffer();
        return res.status === 200 || `status ${res.status}`;
      }),
    ]);
    clearInterval(sampler);
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      failures.push(
        `the server exited (${server.child.exitCode ?? server.child.signalCode}):\n${server.output().slice(-3000)}`,
      );
    }
    await sleep(3_000); // the last notes' notices
    for (const close of closers) close();

    const notes = [...noteStarts.values()].reduce((n, l) => n + l.length, 0);
    const short = seenPerStream.filter(
      (seen) => [...seen.values()].reduce((a, b) => a + b, 0) < notes,
    );
    const line = (name: string, k: Kind) =>
      `${name.padEnd(18)} ${String(k.latencies.length).padStart(6)} ok ${String(k.failed).padStart(4)} failed ` +
      `${String(k.skipped).padStart(4)} skipped  p50 ${quantile(k.latencies, 0.5).toFixed(1)} ` +
      `p95 ${quantile(k.latencies, 0.95).toFixed(1)} p99 ${quantile(k.latencies, 0.99).toFixed(1)} ` +
      `max ${quantile(k.latencies, 1).toFixed(1)} ms`;
    console.log('latency per kind (request to answer):');
    for (const [name, k] of Object.entries(kinds)) {
      console.log('  ' + line(name, k));
      if (k.failed) failures.push(`${name}: ${k.failed} failed, first: ${k.firstFailure}`);
    }
    console.log(
      '  ' +
        line('live stream notice', {
          latencies: streamLatencies,
          failed: 0,
          skipped: 0,
          inFlight: 0,
          firstFailure: null,
        }) +
        ` (a note's request to its notice, ${STREAMS} streams × ${notes} notes)`,
    );
    if (short.length) failures.push(`${short.length} of ${STREAMS} streams missed a note's notice`);

    const minuteOf = (from: number, to: number) =>
      rss.filter((r) => r.at >= from && r.at < to).map((r) => r.mib);
    const first = minuteOf(0, 60);
    const total = DURATION_MS / 1000;
    const last = minuteOf(total - 60, total + 10);
    console.log('server RSS (MiB), one sample a minute:');
    console.log(
      '  ' +
        rss
          .filter((_, i) => i % 12 === 11 || i === 0)
          .map((r) => `${r.at.toFixed(0)}s ${r.mib.toFixed(0)}`)
          .join(', '),
    );
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(v.length, 1);
    console.log(
      `  first minute mean ${mean(first).toFixed(1)}, last minute mean ${mean(last).toFixed(1)}, ` +
        `peak ${Math.max(...rss.map((r) => r.mib)).toFixed(1)}`,
    );
    console.log(`1-minute load average, once a minute: ${loadSamples.join(', ')}`);
    if (mean(last) > 1.5 * mean(first)) {
      failures.push(`RSS grew from ${mean(first).toFixed(1)} to ${mean(last).toFixed(1)} MiB`);
    }
  } finally {
    await server.stop();
  }
  const checked = await verify(database.env);
  console.log(`stopline verify: ${checked.ok ? 'OK' : checked.text}`);
  if (!checked.ok) failures.push(`stopline verify: ${checked.text}`);
} finally {
  await database.drop();
}
console.log(`after the run: ${machine()}`);
verdict('mixed load: no failed request, every stream got every notice, RSS steady', failures);

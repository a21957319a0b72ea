// Benchmark: alerts accepted per second on the PagerDuty Events API v2 endpoint at 50 concurrent
// clients (autocannon), against Stopline on SQLite in this process (real HTTP on 127.0.0.1),
// each a new alert (its own dedup key: payload stored and hashed, alert recorded, routed by the
// policy), and separately the deduplicated path (one dedup key: every event re-fires one alert).
// The reference, on the same machine in the same run: the bare durable insert of the same
// payloads (one SQLite transaction per payload, Stopline's pragmas). Every file it makes is
// removed. Run: npm run bench:alerts [-- --duration 10 --connections 50]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import SQLite from 'better-sqlite3';
import { systemActor } from '../src/server/domain/actor.ts';
import { loadConfig } from '../src/server/config.ts';
import { createContainer } from '../src/server/container.ts';
import { buildApp } from '../src/server/http/app.ts';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
  },
});
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);

const event = (key: string, dedup: string) =>
  JSON.stringify({
    routing_key: key,
    event_action: 'trigger',
    dedup_key: dedup,
    payload: {
      summary: 'DISK at 99% on machine prod-datapipe03.example.com',
      timestamp: '2015-07-17T08:42:58.315+0000',
      severity: 'critical',
      source: 'prod-datapipe03.example.com',
      component: 'mysql',
      group: 'prod-datapipe',
      class: 'disk',
      custom_details: { 'free space': '1%', ping_time: '1500ms', load_avg: 0.75 },
    },
    links: [{ href: 'https://example.com/', text: 'Link text' }],
  });

async function load(url: string, body: (n: number) => string) {
  let n = 0;
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: DURATION,
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: body(n++) }) }],
  });
  return { perSecond: result.requests.average, non2xx: result.non2xx, errors: result.errors };
}

/** One SQLite transaction per payload: the same bytes, the same durability, nothing else. */
function bareInsert(dir: string, body: (n: number) => string): number {
  const db = new SQLite(join(dir, 'bare.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table payloads (id integer primary key, body text not null)');
  const insert = db.prepare('insert into payloads (body) values (?)');
  const once = db.transaction((text: string) => insert.run(text));
  const end = Date.now() + DURATION * 1000;
  let count = 0;
  while (Date.now() < end) once(body(count++));
  db.close();
  return count / DURATION;
}

const dir = mkdtempSync(join(tmpdir(), 'stopline-bench-alerts-'));
try {
  const config = loadConfig({ STOPLINE_DATA_DIR: dir, STOPLINE_LOG_LEVEL: 'silent' });
  const container = await createContainer(config);
  const app = await buildApp(container);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const { key } = await container.services.alerts.createSource(systemActor, {
    name: 'bench',
    kind: 'pagerduty',
    ratePerMinute: 100_000,
  });
  const url = `${base}/api/v1/alert-intake/pagerduty/v2/enqueue`;
  const fresh = await load(url, (n) => event(key, `alert-${n}`));
  const dedup = await load(url, () => event(key, 'one-key'));
  await app.close();
  await container.close();
  const bare = bareInsert(dir, (n) => event(key, `alert-${n}`));
  const line = (what: string, r: { perSecond: number; non2xx: number; errors: number }) =>
    `${what}: ${r.perSecond.toFixed(0)}/s (${((r.perSecond / bare) * 100).toFixed(1)} % of the bare insert), non-2xx ${r.non2xx}, errors ${r.errors}`;
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, load ${loadavg()[0]!.toFixed(1)}`);
  console.log(`${CONNECTIONS} connections, ${DURATION} s each`);
  console.log(`bare durable insert of the same payloads: ${bare.toFixed(0)}/s`);
  console.log(line('new alerts (PagerDuty trigger, own dedup key)', fresh));
  console.log(line('deduplicated (one dedup key, re-fires)', dedup));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

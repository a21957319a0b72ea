// Benchmark: the public status page. Requests/s and p99 of `/status` and `/api/v2/summary.json`
// from a real `stopline serve` on SQLite at 100 connections (autocannon), beside nginx serving the
// same bytes from files on the same machine (the reference: the ratio is Stopline over nginx) and a
// bare node:http server sending the same bytes and headers (the ceiling of Node's own HTTP), the
// server's RSS before and after a minute of that load, and, when PostgreSQL answers on
// 127.0.0.1, the time from publishing an update on one instance to seeing it in summary.json on a
// second `stopline serve` on the same database. Local only; every file and schema it makes is
// removed. Needs nginx (bench only; Debian: apt-get install nginx-light).
// Run: npm run bench:status [-- --duration 30 --connections 100 --pg-url postgres://…]
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { loadConfig } from '../src/server/config.ts';
import { createContainer } from '../src/server/container.ts';
import { systemActor } from '../src/server/domain/actor.ts';
import { freePort, startServer } from '../test/helpers/cli-process.ts';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '30' },
    connections: { type: 'string', default: '100' },
    'pg-url': {
      type: 'string',
      default: process.env.STOPLINE_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
  },
});
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const PG_URL = args['pg-url'];

interface Figures {
  perSecond: number;
  p99: number;
  errors: number;
}

async function load(url: string, duration = DURATION): Promise<Figures> {
  await autocannon({ url, connections: CONNECTIONS, duration: 2 });
  const r = await autocannon({ url, connections: CONNECTIONS, duration });
  return { perSecond: r['2xx'] / duration, p99: r.latency.p99, errors: r.non2xx + r.errors };
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(/(\d+)/.exec(line)![1]) / 1024;
}

/** A page with something on it: a group of two, three more components, an incident, maintenance. */
async function seed(env: Record<string, string>) {
  const container = await createContainer(loadConfig({ ...env, STOPLINE_LOG_LEVEL: 'silent' }));
  const status = container.services.status;
  const add = (name: string, groupId: string | null = null, isGroup = false) =>
    status.addComponent(systemActor, {
      name,
      description: `${name}, as customers know it`,
      groupId,
      isGroup,
      onlyShowIfDegraded: false,
    });
  const region = await add('EU region', null, true);
  const api = await add('API', region.id);
  await add('Web app', region.id);
  for (const name of ['Billing', 'E-mail delivery', 'Mobile app']) await add(name);
  const now = container.clock.now();
  const incident = await status.openIncident(systemActor, {
    name: 'Slow API responses',
    impact: 'minor',
    status: 'investigating',
    body: 'Some requests take **several seconds**. We are looking into it.',
    displayAt: null,
    startedAt: null,
    components: [{ componentId: api.id, status: 'degraded_performance' }],
    internalIncident: null,
  });
  await status.publishUpdate(systemActor, incident.incident.id, {
    status: 'identified',
    body: 'A database index was missing; it is being rebuilt.',
    displayAt: null,
    components: [],
    reopen: false,
  });
  await status.scheduleMaintenance(systemActor, {
    name: 'Database upgrade',
    body: 'The API is read-only for up to an hour.',
    scheduledFor: now + 86_400_000,
    scheduledUntil: now + 90_000_000,
    componentIds: [api.id],
    noticeBeforeMs: null,
  });
  await container.close();
}

async function startNginx(root: string): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const conf = join(root, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${root}/nginx.pid;
error_log ${root}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${root}/tmp; proxy_temp_path ${root}/tmp; fastcgi_temp_path ${root}/tmp;
  uwsgi_temp_path ${root}/tmp; scgi_temp_path ${root}/tmp;
  types { text/html html; application/json json; }
  server {
    listen 127.0.0.1:${port};
    root ${root}/files;
    etag on;
  }
}
`,
  );
  mkdirSync(join(root, 'tmp'), { recursive: true });
  // nginx's worker runs as another user: it must be able to read the files (mkdtemp is 0700).
  for (const d of [join(root, '..'), root, join(root, 'files')]) chmodSync(d, 0o755);
  const child = spawn('nginx', ['-c', conf, '-p', root], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/status.html`)).ok) return { port, child };
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error('nginx did not come up');
}

/**
 * The ceiling of Node.js's own HTTP on this machine: a bare `node:http` server in its own process
 * answering each path with the bytes and headers Stopline sent for it, and nothing else.
 */
async function startBareNode(
  answers: Record<string, { headers: [string, string][]; body: string }>,
): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const program = `
    const answers = JSON.parse(process.env.ANSWERS);
    for (const a of Object.values(answers)) a.bytes = Buffer.from(a.body, 'base64');
    require('node:http').createServer((req, res) => {
      const a = answers[req.url];
      if (!a) { res.statusCode = 404; res.end(); return; }
      res.writeHead(200, a.headers.flat());
      res.end(a.bytes);
    }).listen(${port}, '127.0.0.1');`;
  const child = spawn(process.execPath, ['-e', program], {
    stdio: 'ignore',
    env: { ...process.env, ANSWERS: JSON.stringify(answers) },
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/status`)).ok) return { port, child };
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error('the bare Node.js server did not come up');
}

/** Publish on one instance, poll summary.json on a second one (PostgreSQL), ms until seen. */
async function publishToVisible(): Promise<number[] | string> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch {
    return `PostgreSQL at ${PG_URL} did not answer: skipped`;
  }
  const schema = `stopline_bench_${process.pid}_status`;
  const env = {
    STOPLINE_DATA_DIR: mkdtempSync(join(tmpdir(), 'stopline-bench-status-pg-')),
    DATABASE_URL: PG_URL,
    STOPLINE_PG_SCHEMA: schema,
    STOPLINE_LOG_LEVEL: 'warn',
  };
  try {
    await seed(env);
    const second = await startServer(env, undefined, undefined, 120_000);
    const writer = await createContainer(loadConfig({ ...env, STOPLINE_LOG_LEVEL: 'silent' }));
    const times: number[] = [];
    try {
      const [incident] = await writer.services.status.listPublicIncidents(1);
      for (let i = 0; i < 20; i++) {
        const body = `Update number ${i} of the bench.`;
        const started = performance.now();
        await writer.services.status.publishUpdate(systemActor, incident!.id, {
          status: 'monitoring',
          body,
          displayAt: null,
          components: [],
          reopen: false,
        });
        for (;;) {
          const text = await (
            await fetch(`http://127.0.0.1:${second.port}/api/v2/summary.json`)
          ).text();
          if (text.includes(body)) break;
          if (performance.now() - started > 10_000) throw new Error('not visible after 10 s');
        }
        times.push(performance.now() - started);
      }
    } finally {
      await writer.close();
      await second.stop();
      rmSync(env.STOPLINE_DATA_DIR, { recursive: true, force: true });
    }
    return times;
  } finally {
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'stopline-bench-status-'));
try {
  const env = { STOPLINE_DATA_DIR: join(dir, 'server'), STOPLINE_LOG_LEVEL: 'warn' };
  await seed(env);
  const server = await startServer(env, undefined, undefined, 120_000);
  const url = `http://127.0.0.1:${server.port}`;
  mkdirSync(join(dir, 'nginx', 'files'), { recursive: true });
  const answers: Record<string, { headers: [string, string][]; body: string }> = {};
  for (const [path, file] of [
    ['/status', 'status.html'],
    ['/api/v2/summary.json', 'summary.json'],
  ] as const) {
    const res = await fetch(url + path);
    const bytes = Buffer.from(await res.arrayBuffer());
    writeFileSync(join(dir, 'nginx', 'files', file), bytes);
    const headers = [...res.headers].filter(
      ([name]) =>
        !['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(name),
    );
    answers[path] = { headers, body: bytes.toString('base64') };
  }
  const nginx = await startNginx(join(dir, 'nginx'));
  const bare = await startBareNode(answers);
  const reference = `http://127.0.0.1:${nginx.port}`;
  const bareUrl = `http://127.0.0.1:${bare.port}`;
  let figures: [string, Figures, Figures, Figures][];
  let rss: [number, number];
  try {
    const before = rssMb(server.child.pid!);
    const page = await load(`${url}/status`);
    const summary = await load(`${url}/api/v2/summary.json`);
    rss = [before, rssMb(server.child.pid!)];
    figures = [
      ['/status', page, await load(`${reference}/status.html`), await load(`${bareUrl}/status`)],
      [
        '/api/v2/summary.json',
        summary,
        await load(`${reference}/summary.json`),
        await load(`${bareUrl}/api/v2/summary.json`),
      ],
    ];
  } finally {
    nginx.child.kill('SIGQUIT');
    bare.child.kill();
    await server.stop();
  }
  const visible = await publishToVisible();

  console.log(
    `status page on SQLite, ${CONNECTIONS} connections, ${DURATION} s each, ${cpus().length} cores; ` +
      'nginx: 1 worker, the same bytes from files; bare node: node:http sending the same bytes and headers',
  );
  for (const [path, s, n, b] of figures) {
    console.log(
      `${path}: stopline ${s.perSecond.toFixed(0)} req/s (p99 ${s.p99} ms, ${s.errors} errors), ` +
        `nginx ${n.perSecond.toFixed(0)} req/s (p99 ${n.p99} ms), ratio ${(s.perSecond / n.perSecond).toFixed(2)}; ` +
        `bare node ${b.perSecond.toFixed(0)} req/s (p99 ${b.p99} ms, ${(b.perSecond / n.perSecond).toFixed(2)} of nginx), ` +
        `stopline/bare node ${(s.perSecond / b.perSecond).toFixed(2)}`,
    );
  }
  console.log(
    `RSS of stopline serve: ${rss[0].toFixed(0)} MB before, ${rss[1].toFixed(0)} MB after ` +
      `${2 * DURATION} s of load`,
  );
  if (typeof visible === 'string') console.log(`publish to visible: ${visible}`);
  else {
    const sorted = [...visible].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    console.log(
      `publish to visible on a second instance (PostgreSQL, ${sorted.length} updates): ` +
        `median ${at(0.5).toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// What the fault and load suites (fault-kill.ts, fault-instances.ts, fault-outbox.ts, mixed.ts)
// share: a fresh database (a SQLite folder or a PostgreSQL schema on this machine), the CLI run as
// an operator runs it, an API token made with `stopline token create`, a Standard Webhooks
// receiver that checks every signature with the `standardwebhooks` package, percentiles, the
// machine and a process's resident memory. Local only: every URL is on 127.0.0.1.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { runCli } from '../test/helpers/cli-process.ts';

export type DatabaseKind = 'sqlite' | 'postgres';

/** PostgreSQL for the suites: STOPLINE_BENCH_DATABASE_URL or DATABASE_URL, or the local default. */
export const PG_URL =
  process.env.STOPLINE_BENCH_DATABASE_URL ??
  process.env.DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

export interface BenchDatabase {
  kind: DatabaseKind;
  /** The environment every process of the run shares (add PORT and the rest per process). */
  env: Record<string, string>;
  /** Where the run's files go (the SQLite database, the key file, attachments). */
  dir: string;
  /** Report keys stored now. */
  storedReportKeys(): Promise<Set<string>>;
  drop(): Promise<void>;
}

function refuseRemote(url: string): void {
  const host = new URL(url).hostname;
  if (!['localhost', '127.0.0.1', '[::1]', ''].includes(host)) {
    throw new Error(`refusing a database that is not on this machine: ${host}`);
  }
}

/** A fresh, migrated database of that kind; `label` names the schema or folder. */
export async function createBenchDatabase(
  kind: DatabaseKind,
  label: string,
  extraEnv: Record<string, string> = {},
): Promise<BenchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), `stopline-bench-${label}-`));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    STOPLINE_DATA_DIR: dir,
    STOPLINE_LOG_LEVEL: 'warn',
    STOPLINE_OUTBOUND_ALLOW: '127.0.0.0/8',
    STOPLINE_INTAKE_RATE_LIMIT: '100000000',
    ...extraEnv,
  };
  const schema = `stopline_bench_${process.pid}_${label.replace(/[^a-z0-9_]/g, '_')}`;
  if (kind === 'postgres') {
    refuseRemote(PG_URL);
    env.DATABASE_URL = PG_URL;
    env.STOPLINE_PG_SCHEMA = schema;
  }
  await cli(['migrate'], env);
  return {
    kind,
    env,
    dir,
    async storedReportKeys() {
      if (kind === 'postgres') {
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        try {
          const { rows } = await client.query<{ key: string }>(`select key from ${schema}.reports`);
          return new Set(rows.map((r) => r.key));
        } finally {
          await client.end();
        }
      }
      const { default: SQLite } = await import('better-sqlite3');
      const db = new SQLite(join(dir, 'stopline.db'), { readonly: true });
      try {
        const rows = db.prepare('select key from reports').all() as { key: string }[];
        return new Set(rows.map((r) => r.key));
      } finally {
        db.close();
      }
    },
    async drop() {
      if (kind === 'postgres') {
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A CLI command's output; its failure stops the suite. */
export async function cli(args: string[], env: Record<string, string>): Promise<string> {
  const { code, stdout, stderr } = await runCli(args, env);
  if (code !== 0) throw new Error(`stopline ${args.join(' ')} exited ${code}:\n${stdout}${stderr}`);
  return stdout;
}

/** `stopline verify`: exit code and output, not thrown (a failure is the suite's finding). */
export async function verify(env: Record<string, string>): Promise<{ ok: boolean; text: string }> {
  const { code, stdout, stderr } = await runCli(['verify'], env);
  return { ok: code === 0, text: (stdout + stderr).trim() };
}

/** An account with these roles and an API token with these permissions, as a provisioning
 * script makes them. */
export async function apiToken(
  env: Record<string, string>,
  roles: string[],
  permissions: string[],
  email = 'bench@example.org',
): Promise<string> {
  await cli(
    ['user', 'add', '--email', email, '--name', 'Bench', ...roles.flatMap((r) => ['--role', r])],
    env,
  );
  return (
    await cli(
      [
        'token',
        'create',
        '--user',
        email,
        '--name',
        'bench',
        ...permissions.flatMap((p) => ['--permission', p]),
      ],
      env,
    )
  ).trim();
}

/** The report the suites post (JSON API), numbered so each is its own. */
export function reportBody(n: number, tag: string): string {
  return JSON.stringify({
    summary: `Bench report ${tag} ${n}`,
    description: 'The display name is rendered without escaping.\n'.repeat(10),
    stepsToReproduce: '1. Sign in\n2. Set the display name to <script>alert(1)</script>',
    impact: 'Session theft',
    affected: 'https://app.example.com/profile',
  });
}

export interface Delivery {
  id: string;
  body: string;
  at: number;
}

export interface SignedReceiver {
  url: string;
  /** Deliveries whose signature verified, in arrival order (every attempt that reached it). */
  verified: Delivery[];
  /** Requests whose signature did not verify, with the reason. */
  rejected: string[];
  /** Requests answered 500 on purpose. */
  refusedOnPurpose: number;
  /** Webhook-ids answered 2xx in time (for `slow`, a later attempt's answer). */
  settled: Set<string>;
  /** How the next request is answered; changed by the suite while it runs. */
  behaviour: { mode: 'up' | 'fail' | 'slow'; slowMs: number; failFirst: number };
  /** Closes the listening socket (the receiver is down: connections are refused). */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A Standard Webhooks receiver on 127.0.0.1 checking each request with `standardwebhooks`
 * (signature, id and a timestamp within its tolerance). `fail` answers a message's first
 * `failFirst` attempts 500 (counted by webhook-id), `slow` answers its first attempt after
 * `slowMs` and later ones at once.
 */
export async function startSignedReceiver(secret: string): Promise<SignedReceiver> {
  const hook = new Webhook(secret);
  const attemptsById = new Map<string, number>();
  const sockets = new Set<Socket>();
  const receiver: SignedReceiver = {
    url: '',
    verified: [],
    rejected: [],
    refusedOnPurpose: 0,
    settled: new Set(),
    behaviour: { mode: 'up', slowMs: 0, failFirst: 0 },
    down: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    up: () =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      }),
    stop: async () => {
      server.closeAllConnections();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const id = String(req.headers['webhook-id'] ?? '');
      try {
        hook.verify(body, headersOf(req.headers));
      } catch (error) {
        receiver.rejected.push(`${id}: ${(error as Error).message}`);
        res.statusCode = 400;
        res.end();
        return;
      }
      const attempt = (attemptsById.get(id) ?? 0) + 1;
      attemptsById.set(id, attempt);
      const { mode, slowMs, failFirst } = receiver.behaviour;
      // Received (and so counted) whatever the answer: a slow answer that comes after the
      // sender gave up still means the message arrived.
      receiver.verified.push({ id, body, at: Date.now() });
      if (mode === 'fail' && attempt <= failFirst) {
        receiver.refusedOnPurpose++;
        res.statusCode = 500;
        res.end();
        return;
      }
      if (mode === 'slow' && attempt === 1) {
        setTimeout(() => {
          res.statusCode = 204;
          res.end();
        }, slowMs);
        return;
      }
      receiver.settled.add(id);
      res.statusCode = 204;
      res.end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/hooks`;
  return receiver;
}

function headersOf(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** A Standard Webhooks secret ("whsec_" and base64 of 32 random bytes). */
export function newWebhookSecret(): string {
  return `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`;
}

/** The q-quantile (0..1) of the values, nearest rank; NaN for none. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The machine, as the README's figures name it. */
export function machine(): string {
  const [one, five, fifteen] = loadavg().map((l) => l.toFixed(2));
  return (
    `nproc ${cpus().length}, CPU "${cpus()[0]?.model ?? '?'}", Node.js ${process.version}, ` +
    `load average ${one} ${five} ${fifteen}, ${new Date().toISOString()}`
  );
}

/** A process's resident memory in MiB (VmRSS), null once it is gone. */
export function rssMiB(pid: number): number | null {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

/** The verdict line each suite ends with; sets the exit code on failure. */
export function verdict(name: string, failures: string[]): void {
  if (failures.length === 0) {
    console.log(`PASS ${name}`);
    return;
  }
  for (const f of failures) console.log(`  - ${f}`);
  console.log(`FAIL ${name}: ${failures.length} violation(s)`);
  process.exitCode = 1;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The bundled policy with reports' acknowledgment clocks this many seconds long and no reminders,
 * written into `dir`: each report's clock then fires once, its breach, within the run (the next
 * escalation step comes 30 minutes later).
 */
export function shortClockPolicy(dir: string, seconds: number): string {
  let text = readFileSync(new URL('../policies/default.yaml', import.meta.url), 'utf8');
  for (const [from, to] of [
    ['  acknowledgeWithin: 24h', `  acknowledgeWithin: ${seconds}s`],
    ['  emergencyAcknowledgeWithin: 15m', `  emergencyAcknowledgeWithin: ${seconds}s`],
    ['  remindAt: [0.5, 0.8]', '  remindAt: []'],
  ] as const) {
    if (text.split(from).length !== 2) throw new Error(`"${from}" not once in the policy`);
    text = text.replace(from, to);
  }
  const path = join(dir, 'short-clocks.yaml');
  writeFileSync(path, text);
  return path;
}

/** A Standard Webhooks endpoint for these event types, made through the API with `secret`. */
export async function createEndpoint(
  serverUrl: string,
  token: string,
  receiverUrl: string,
  eventTypes: string[],
  secret: string,
): Promise<string> {
  const res = await fetch(`${serverUrl}/api/v1/webhook-endpoints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ kind: 'standard', name: 'bench', url: receiverUrl, eventTypes, secret }),
  });
  if (res.status !== 201) throw new Error(`webhook endpoint: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Posts report `n` through the public JSON API: its receipt's key, or null for another
 * answer; throws when no answer came (refused, cut off). */
export async function postReport(url: string, n: number, tag: string): Promise<string | null> {
  const res = await fetch(`${url}/api/v1/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: reportBody(n, tag),
  });
  const text = await res.text();
  return res.status === 201 ? (JSON.parse(text) as { key: string }).key : null;
}

/** Posts `count` reports through the JSON API, `concurrency` at a time, taking the servers in
 * turn; the receipts' keys, each with the time it was answered. */
export async function postReports(
  serverUrls: string[],
  count: number,
  concurrency: number,
  tag: string,
): Promise<{ keys: string[]; failed: number }> {
  const keys: string[] = [];
  let failed = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const url = serverUrls[i % serverUrls.length]!;
        try {
          const key = await postReport(url, i, tag);
          if (key) keys.push(key);
          else failed++;
        } catch {
          failed++;
        }
      }
    }),
  );
  return { keys, failed };
}

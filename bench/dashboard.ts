// Dashboard bench: the time from navigation start until the console's dashboard is usable (all its
// lists rendered: every open incident's card, "Needs you", the reports, deadlines and tasks, no
// "Loading…" left) with 500 open incidents, in Debian's Chromium, beside the reference: the bare
// HTML of the same rows from a bare node:http server. With --before REV the same dashboard is also
// measured as an earlier commit served it (its server and its console build), in the same rounds.
//
//   node --import tsx bench/dashboard.ts [--incidents 500] [--tasks-each 2] [--runs 9] [--before REV]
//   BENCH_TRACE=1 … also prints each request's start and end in the last run of each page.
//
// Each app runs on SQLite in its own temporary folder, seeded through its own services with the
// same incidents; only 127.0.0.1 is contacted.
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildConsoleIfChanged } from '../bin/build.mjs';
import { freePort } from '../test/helpers/cli-process.ts';
import { launchBrowser, newContext, requestsToOtherHosts } from '../test/helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../test/helpers/test-db.ts';
import { DASHBOARD_FIRST_CARDS } from '../src/shared/domain/dashboard.ts';
import { checkoutBefore, type BeforeTree } from './before-tree.ts';

const { values: args } = parseArgs({
  options: {
    incidents: { type: 'string', default: '500' },
    'tasks-each': { type: 'string', default: '2' },
    runs: { type: 'string', default: '9' },
    before: { type: 'string' },
  },
});
const INCIDENTS = Number(args.incidents);
const TASKS_EACH = Number(args['tasks-each']);
const RUNS = Number(args.runs);
const ROOT = resolve(import.meta.dirname, '..');
const PASSWORD = 'correct horse battery staple 42';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const ms = (value: number) => `${value.toFixed(0)} ms`;

/** The parts of a Stopline source tree the bench drives, loaded from this checkout or an older one. */
interface Code {
  label: string;
  /** Where its console is built (its server serves dist/web beside its src/). */
  root: string;
  load<T>(path: string): Promise<T>;
}

interface Actorish {
  kind: 'user';
  userId: string;
  roles: string[];
  permissions: Set<string>;
}
// The services the seed calls, as loosely as an older tree may type them.
type Call = (...args: unknown[]) => Promise<{ key: string }>;
interface Seedable {
  services: {
    incidents: Record<'openIncident' | 'recordReproduction' | 'setSeverity' | 'addTask', Call>;
    accounts: {
      users: {
        createUser: (
          actor: unknown,
          input: unknown,
        ) => Promise<{ user: { id: string }; link: { url: string } }>;
        setPasswordWithLink: (actor: unknown, token: string, password: string) => Promise<unknown>;
      };
    };
  };
  close(): Promise<void>;
}

interface RunningApp {
  code: Code;
  baseUrl: string;
  context: BrowserContext;
  rows: { key: string; title: string }[];
  close(): Promise<void>;
}

/** Builds `code`'s console into its own dist/web, as `npm start` would. */
async function buildConsoleOf(code: Code) {
  const { build } = await import('vite');
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await buildConsoleIfChanged(code.root, async () => {
      await build({
        configFile: join(ROOT, 'vite.config.ts'),
        root: join(code.root, 'src/web'),
        logLevel: 'warn',
        mode: 'production',
        build: { outDir: join(code.root, 'dist/web'), emptyOutDir: true },
      });
    });
  } finally {
    process.env.NODE_ENV = previous;
  }
}

/** Starts `code`'s app on a fresh SQLite database, seeds it and signs a browser context in. */
async function startApp(code: Code, browser: Browser): Promise<RunningApp> {
  const { createContainer } = await code.load<{
    createContainer: (c: unknown, o: unknown) => Promise<Seedable>;
  }>('src/server/container.ts');
  const { buildApp } = await code.load<{ buildApp: (c: unknown) => Promise<FastifyInstance> }>(
    'src/server/http/app.ts',
  );
  const { FakeClock } = await code.load<{ FakeClock: new (iso: string) => { now(): number } }>(
    'src/server/clock.ts',
  );
  const { createLogger } = await code.load<{
    createLogger: (level: string, sink: Writable) => unknown;
  }>('src/server/logger.ts');
  const { PERMISSIONS } = await code.load<{ PERMISSIONS: readonly string[] }>(
    'src/shared/domain/permissions.ts',
  );
  const { systemActor } = await code.load<{ systemActor: unknown }>('src/server/domain/actor.ts');

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const database: TestDatabase = await createTestDatabase({ STOPLINE_BASE_URL: baseUrl });
  const clock = new FakeClock(new Date().toISOString());
  const quiet = new Writable({ write: (_chunk, _enc, done) => done() });
  const container = await createContainer(
    { ...database.config, baseUrl, logLevel: 'silent' },
    { clock, logger: createLogger('silent', quiet) },
  );
  const app = await buildApp(container);
  await app.listen({ port, host: '127.0.0.1' });

  // The admin the dashboard is opened by; the incidents are theirs, so "Needs you" has work.
  const { users } = container.services.accounts;
  const email = `bench-${code.label}@example.org`;
  const made = await users.createUser(systemActor, {
    email,
    displayName: 'Bench Admin',
    roles: ['admin'],
  });
  await users.setPasswordWithLink(
    { kind: 'anonymous' },
    new URL(made.link.url).hash.replace(/^#token=/, ''),
    PASSWORD,
  );
  const actor: Actorish = {
    kind: 'user',
    userId: made.user.id,
    roles: ['admin'],
    permissions: new Set(PERMISSIONS),
  };
  const incidents = container.services.incidents;
  const rows: { key: string; title: string }[] = [];
  for (let i = 0; i < INCIDENTS; i++) {
    const title = `Bench incident ${i + 1}: token leak in service ${i % 37}`;
    const incident = await incidents.openIncident(actor, {
      title,
      summary: '',
      source: 'report',
      affectedSystems: [],
      detectedAt: null,
      reportedAt: null,
      restricted: i % 50 === 0,
      publiclyDisclosed: false,
      reportIds: [],
    });
    rows.push({ key: incident.key, title });
    if (i % 3 === 0) {
      await incidents.recordReproduction(actor, incident.key, undefined, {
        result: 'reproduced',
        steps: 'Follow the report on a staging copy.',
        evidence: 'The token in the log.',
      });
      await incidents.setSeverity(actor, incident.key, undefined, 'P2', 'bench');
    }
    for (let j = 0; j < TASKS_EACH; j++)
      await incidents.addTask(actor, incident.key, undefined, {
        type: 'follow_up',
        title: `Follow-up ${j + 1}`,
        description: '',
        assigneeId: j === 0 && i % 10 === 0 ? actor.userId : null,
        dueAt: clock.now() + ((i * TASKS_EACH + j) % 2880) * 60_000 + 60_000,
      });
  }

  const context = await newContext(browser, baseUrl);
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  await page.goto('/app/sign-in');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard', exact: true }).waitFor();
  await page.close();
  return {
    code,
    baseUrl,
    context,
    rows,
    async close() {
      await context.close();
      await app.close();
      await container.close();
      await database.drop();
    },
  };
}

/**
 * The same rows as plain HTML from a bare node:http server: what a browser needs to show them. At
 * /first, the dashboard's first screen of them: its first cards and "Showing 50 of 500".
 */
async function startBareServer(rows: { key: string; title: string }[]) {
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const page = (shown: { key: string; title: string }[]) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dashboard</title></head>` +
    `<body><main><h1>Dashboard</h1><h2 id="needs-you">Needs you</h2>` +
    `<h2 id="open-incidents">Open incidents</h2><ul data-testid="incidents-bare">` +
    shown
      .map(
        (r) =>
          `<li class="card"><a href="/app/incidents/${escape(r.key)}"><strong>${escape(r.key)}</strong> ${escape(r.title)}</a><div class="meta">Detection &amp; analysis</div></li>`,
      )
      .join('') +
    `</ul>` +
    (shown.length < rows.length
      ? `<p><span data-testid="incidents-shown">Showing ${shown.length} of ${rows.length} open incidents.</span> <button>Show more</button></p>`
      : '') +
    `</main></body></html>`;
  const all = page(rows);
  const first = page(rows.slice(0, DASHBOARD_FIRST_CARDS));
  const server: Server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(request.url === '/first' ? first : all);
  });
  const port = await freePort();
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/**
 * Loads `url` in a fresh page of `context` and answers the time since navigation start at which
 * the dashboard is usable: at least `count` incident cards, the "Needs you" heading, and nothing
 * still loading in the page (a MutationObserver installed before any script runs notes it).
 */
async function timeToUsable(context: BrowserContext, url: string, count: number, trace: boolean) {
  const page: Page = await context.newPage();
  // A string, not a function: tsx would wrap named functions in a helper the page lacks.
  await page.addInitScript(`{
    // Every card, or the first screen of them when the page says how many of the ${count} it shows.
    const wanted = () => {
      const said = /Showing (\\d+) of (\\d+)/.exec(
        document.querySelector('[data-testid="incidents-shown"]')?.textContent ?? '',
      );
      return said && Number(said[2]) === ${count} ? Number(said[1]) : ${count};
    };
    const usable = () =>
      document.querySelectorAll('[data-testid^="incidents-"] > li').length >= wanted() &&
      document.getElementById('needs-you') !== null &&
      document.querySelector('main .loading') === null;
    const observer = new MutationObserver(() => {
      if (window.__usableAt === undefined && usable()) {
        window.__usableAt = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document, { childList: true, subtree: true });
    // Main-thread tasks over 50 ms (parsing and running the script, rendering), for BENCH_TRACE.
    window.__longTasks = [];
    new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries())).observe({
      type: 'longtask',
      buffered: true,
    });
  }`);
  await page.goto(url, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(
    () => (globalThis as unknown as { __usableAt?: number }).__usableAt,
    undefined,
    { timeout: 60_000 },
  );
  const time = Number(await handle.jsonValue());
  if (trace)
    console.log(
      await page.evaluate(() => {
        const w = globalThis as unknown as {
          location: { origin: string };
          performance: {
            getEntriesByType(
              type: string,
            ): { name: string; startTime: number; responseEnd: number }[];
          };
        };
        const long = (
          globalThis as unknown as { __longTasks: { startTime: number; duration: number }[] }
        ).__longTasks;
        return [
          ...w.performance
            .getEntriesByType('resource')
            .map(
              (e) =>
                `  ${e.startTime.toFixed(0)}-${e.responseEnd.toFixed(0)} ${e.name.replace(w.location.origin, '')}`,
            ),
          `  main-thread tasks over 50 ms: ${long.map((e) => `${e.startTime.toFixed(0)}-${(e.startTime + e.duration).toFixed(0)}`).join(', ')}`,
        ].join('\n');
      }),
    );
  if (trace) console.log(`  usable at ${time.toFixed(0)}`);
  await page.close();
  return time;
}

async function main() {
  const started = new Date();
  const here: Code = {
    label: 'after',
    root: ROOT,
    load: <T>(path: string) => import(join(ROOT, path)) as Promise<T>,
  };
  const tree: BeforeTree | null = args.before ? checkoutBefore(args.before) : null;
  const codes: Code[] = [];
  if (tree) codes.push({ label: 'before', root: tree.root, load: tree.load });
  codes.push(here);
  for (const code of codes) await buildConsoleOf(code);

  const browser = await launchBrowser();
  const apps: RunningApp[] = [];
  let bare: Awaited<ReturnType<typeof startBareServer>> | null = null;
  try {
    const seedStarted = performance.now();
    for (const code of codes) apps.push(await startApp(code, browser));
    const seedS = (performance.now() - seedStarted) / 1000 / codes.length;
    bare = await startBareServer(apps.at(-1)!.rows);
    const bareContext = await newContext(browser, bare.baseUrl);

    // Interleaved: each round opens every page once, so a load change hits them alike. The first
    // round warms the HTTP caches and the servers and is not counted.
    const times = new Map<string, number[]>();
    for (let round = 0; round <= RUNS; round++) {
      const trace = Boolean(process.env.BENCH_TRACE) && round === RUNS;
      for (const app of apps) {
        if (trace) console.log(`${app.code.label}:`);
        const time = await timeToUsable(app.context, '/app/', INCIDENTS, trace);
        if (round > 0) times.set(app.code.label, [...(times.get(app.code.label) ?? []), time]);
      }
      const time = await timeToUsable(bareContext, '/', INCIDENTS, false);
      if (round > 0) times.set('bare', [...(times.get('bare') ?? []), time]);
      const firstTime = await timeToUsable(bareContext, '/first', INCIDENTS, false);
      if (round > 0) times.set('bare first', [...(times.get('bare first') ?? []), firstTime]);
    }
    for (const app of apps)
      if (requestsToOtherHosts(app.context).length > 0)
        throw new Error(
          `requests left the machine: ${requestsToOtherHosts(app.context).join(', ')}`,
        );
    await bareContext.close();

    const commit = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
    }).trim();
    const load = execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ')[0];
    console.log(`# Dashboard bench, ${started.toISOString()}\n`);
    console.log(
      `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ` +
        `Node ${process.version}, load ${load} at the end; after = ${commit} (with its working tree)` +
        (tree ? `, before = ${tree.commit}` : ''),
    );
    console.log(
      `Seeded ${INCIDENTS} open incidents (a third P2, one in 50 restricted), ${TASKS_EACH} tasks each, ` +
        `in ${seedS.toFixed(0)} s per app; navigation start → dashboard usable, ` +
        `median of ${RUNS} rounds after one warm-up\n`,
    );
    const bareMedian = median(times.get('bare')!);
    const firstMedian = median(times.get('bare first')!);
    console.log(
      '| page | median | min | max | ÷ bare HTML, all rows | ÷ bare HTML, first screen |\n' +
        '| --- | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const [label, values] of times) {
      const name =
        label === 'bare'
          ? `bare HTML of the same ${INCIDENTS} rows (node:http)`
          : label === 'bare first'
            ? `bare HTML of the first screen (${Math.min(DASHBOARD_FIRST_CARDS, INCIDENTS)} of the rows)`
            : `dashboard, ${label} (${label === 'before' ? tree!.commit : commit})`;
      console.log(
        `| ${name} | ${ms(median(values))} | ${ms(Math.min(...values))} | ${ms(Math.max(...values))} | ${(median(values) / bareMedian).toFixed(1)} | ${(median(values) / firstMedian).toFixed(1)} |`,
      );
    }
  } finally {
    for (const app of apps) await app.close();
    await bare?.close();
    await browser.close();
    tree?.remove();
  }
}

await main();

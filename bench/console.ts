// Console bench: (a) what the console's index.html makes a browser download before anything else
// (JavaScript and CSS, raw and gzip); (b) the dashboard's first render with 500 open incidents and
// 5,000 deadlines, in Debian's Chromium, from navigation start until all 500 incidents are in the
// page, beside two references: the same page when the API answers an empty incident list, and a
// bare static HTML page of 500 rows.
//
//   node --import tsx bench/console.ts [--incidents 500] [--tasks-each 8] [--runs 7]
//   BENCH_TRACE=1 … also prints each request's start and end in every run.
//
// The app runs on SQLite in a temporary folder, seeded through the services, exactly as the
// browser tests start it (test/helpers/browser.ts); only 127.0.0.1 is contacted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { PERMISSIONS } from '../src/shared/domain/permissions.ts';
import buildConsole from '../test/global-setup.ts';
import { createUser } from '../test/helpers/auth.ts';
import { reproduce } from '../test/helpers/reproduce.ts';
import {
  launchBrowser,
  newContext,
  requestsToOtherHosts,
  signInInBrowser,
  startBrowserApp,
} from '../test/helpers/browser.ts';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const INCIDENTS = option('incidents', 500);
const TASKS_EACH = option('tasks-each', 8);
const RUNS = option('runs', 7);
const DIST = 'dist/web';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

/** (a) The scripts, module preloads and style sheets index.html names. */
function initialAssets() {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="\/app\/([^"]+)"[^>]*>/g)]
    .map((m) => m[1]!)
    .filter((path) => /\.(js|css)$/.test(path));
  const rows = refs.map((path) => {
    const body = readFileSync(join(DIST, path));
    return { path, raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
  });
  const sum = (kind: string, field: 'raw' | 'gzip') =>
    rows.filter((r) => r.path.endsWith(kind)).reduce((n, r) => n + r[field], 0);
  return {
    rows,
    js: { raw: sum('.js', 'raw'), gzip: sum('.js', 'gzip') },
    css: { raw: sum('.css', 'raw'), gzip: sum('.css', 'gzip') },
  };
}

/**
 * Loads `url` in a fresh page and answers the time since navigation start at which `selector`
 * matches `count` elements (a MutationObserver installed before any script runs notes it).
 */
async function timeUntil(page: Page, url: string, selector: string, count: number) {
  // A string, not a function: tsx would wrap named functions in a helper the page lacks.
  await page.addInitScript(`{
    const selector = ${JSON.stringify(selector)};
    const observer = new MutationObserver(() => {
      if (window.__shownAt === undefined && document.querySelectorAll(selector).length >= ${count}) {
        window.__shownAt = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document, { childList: true, subtree: true });
  }`);
  await page.goto(url, { waitUntil: 'commit' });
  // Functions run in the page (typed through globalThis: this file is checked without the DOM);
  // no named inner functions, which tsx would wrap in a helper the page lacks.
  const handle = await page.waitForFunction(
    () => (globalThis as unknown as { __shownAt?: number }).__shownAt,
    undefined,
    { timeout: 60_000 },
  );
  if (process.env.BENCH_TRACE)
    // When each request started and ended, relative to navigation start.
    console.log(
      await page.evaluate(() => {
        const page = globalThis as unknown as {
          location: { origin: string };
          performance: {
            getEntriesByType(
              type: string,
            ): { name: string; startTime: number; responseEnd: number }[];
          };
        };
        return page.performance
          .getEntriesByType('resource')
          .map(
            (e) =>
              `${e.startTime.toFixed(0)}-${e.responseEnd.toFixed(0)} ${e.name.replace(page.location.origin, '')}`,
          )
          .join('\n');
      }),
    );
  return Number(await handle.jsonValue());
}

async function main() {
  await buildConsole();
  const assets = initialAssets();

  const t = await startBrowserApp({ env: { STOPLINE_LOG_LEVEL: 'silent' } });
  const browser = await launchBrowser();
  try {
    // Seed through the services: open incidents, a third of them P2, each with tasks due over
    // the next two days (a task with a due time is a deadline).
    const seedStarted = performance.now();
    const incidents = t.container.services.incidents;
    const lead = await createUser(t, { roles: ['admin'], displayName: 'Bench Admin' });
    const actor = {
      kind: 'user' as const,
      userId: lead.id,
      roles: ['admin'],
      permissions: new Set(PERMISSIONS),
    };
    for (let i = 0; i < INCIDENTS; i++) {
      const incident = await incidents.openIncident(actor, {
        title: `Bench incident ${i + 1}: token leak in service ${i % 37}`,
        summary: '',
        source: 'report',
        affectedSystems: [],
        detectedAt: null,
        reportedAt: null,
        restricted: false,
        publiclyDisclosed: false,
        reportIds: [],
      });
      if (i % 3 === 0) {
        // The policy orders the reproduction before a severity.
        await reproduce(incidents, actor, incident.key);
        await incidents.setSeverity(actor, incident.key, undefined, 'P2', 'bench');
      }
      for (let j = 0; j < TASKS_EACH; j++)
        await incidents.addTask(actor, incident.key, undefined, {
          type: 'follow_up',
          title: `Follow-up ${j + 1}`,
          description: '',
          assigneeId: null,
          dueAt: t.clock.now() + ((i * TASKS_EACH + j) % 2880) * 60_000 + 60_000,
        });
    }
    const deadlines = await t.container.db
      .selectFrom('deadlines')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    const seeded = { incidents: INCIDENTS, deadlines: Number(deadlines.n) };
    const seedMs = performance.now() - seedStarted;

    const context = await newContext(browser, t.baseUrl);
    context.setDefaultTimeout(60_000);
    const signIn = await context.newPage();
    await signInInBrowser(signIn, lead);
    await signIn.close();

    const cards = '[data-testid^="incidents-"] > li';
    async function series(what: string, run: (page: Page) => Promise<number>) {
      const times: number[] = [];
      for (let i = 0; i <= RUNS; i++) {
        const page = await context.newPage();
        const time = await run(page);
        await page.close();
        if (i > 0) times.push(time); // the first run warms the HTTP cache and the server
      }
      return { what, median: median(times), min: Math.min(...times), max: Math.max(...times) };
    }

    const full = await series(`dashboard, ${INCIDENTS} open incidents`, (page) =>
      timeUntil(page, '/app/', cards, INCIDENTS),
    );
    const empty = await series('dashboard, API answers no incidents', async (page) => {
      await page.route('**/api/v1/incidents?*', (route) =>
        route.fulfill({ json: { items: [], total: 0, limit: 100, offset: 0 } }),
      );
      await page.route('**/api/v1/deadlines?*', (route) => route.fulfill({ json: { items: [] } }));
      // The dashboard's one call (GET /api/v1/dashboard) with the same lists emptied.
      await page.route('**/api/v1/dashboard', async (route) => {
        const answer = (await (await route.fetch()).json()) as Record<string, unknown>;
        const none = { items: [] };
        route.fulfill({
          json: {
            ...answer,
            openIncidents: { items: [], total: 0, limit: 100, offset: 0 },
            nextSteps: none,
            myTasks: none,
            nextDeadlines: none,
            breachedDeadlines: none,
            dueSoonDeadlines: none,
          },
        });
      });
      return timeUntil(page, '/app/', '#open-incidents ~ .empty', 1);
    });
    const rows = Array.from(
      { length: INCIDENTS },
      (_, i) =>
        `<li><a href="#i${i}"><strong>INC-2026-${String(i + 1).padStart(4, '0')}</strong> Bench incident ${i + 1}</a><div>Detection &amp; analysis</div></li>`,
    ).join('');
    const bare = await series(`bare static HTML, ${INCIDENTS} rows`, async (page) => {
      await page.route('**/bench-static', (route) =>
        route.fulfill({
          contentType: 'text/html',
          body: `<!doctype html><html lang="en"><title>rows</title><ul data-testid="incidents-x">${rows}</ul></html>`,
        }),
      );
      return timeUntil(page, '/bench-static', cards, INCIDENTS);
    });
    if (requestsToOtherHosts(context).length > 0)
      throw new Error(`requests left the machine: ${requestsToOtherHosts(context).join(', ')}`);
    await context.close();

    console.log('# Console bench\n');
    console.log('## (a) What index.html loads first\n');
    console.log('| file | raw | gzip -9 |\n| --- | ---: | ---: |');
    for (const r of assets.rows) console.log(`| ${r.path} | ${kb(r.raw)} | ${kb(r.gzip)} |`);
    console.log(`| **JavaScript** | ${kb(assets.js.raw)} | ${kb(assets.js.gzip)} |`);
    console.log(`| **CSS** | ${kb(assets.css.raw)} | ${kb(assets.css.gzip)} |`);
    console.log(
      `\n## (b) First render, navigation start → all rows in the page (median of ${RUNS} runs after one warm-up)\n`,
    );
    console.log(
      `Seeded ${seeded.incidents} open incidents and ${seeded.deadlines} pending deadlines through the services in ${(seedMs / 1000).toFixed(0)} s.\n`,
    );
    console.log('| page | median | min | max |\n| --- | ---: | ---: | ---: |');
    for (const s of [full, empty, bare])
      console.log(`| ${s.what} | ${ms(s.median)} | ${ms(s.min)} | ${ms(s.max)} |`);
    console.log(
      `\nRatio: ${(full.median / empty.median).toFixed(2)}× the empty dashboard, ${(full.median / bare.median).toFixed(1)}× the bare HTML page.`,
    );
  } finally {
    await browser.close();
    await t.close();
  }
}

await main();

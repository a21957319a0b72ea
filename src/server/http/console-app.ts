// The staff console: the single-page app built from src/web into dist/web (`npm run build`, run
// by `npm start`). Hashed assets are cached for a year; every page of the console (the routes in
// shared/domain/console-paths.ts) answers the app's index.html (never cached) so deep links and
// reloads work; any other path under /app answers it with 404, and the app shows its not-found
// page. Without a build, /app says how to make one instead of failing obscurely.
// The console installs as an app (a PWA): its web app manifest, its icons and its service worker
// (Web Push notifications) are served from /app itself, so the worker's scope is the console.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CONSOLE_BASE, isConsolePath } from '../../shared/domain/console-paths.ts';
import { projectFile } from '../project-files.ts';

export const CONSOLE_DIR = projectFile('dist/web/');

// The app's own scripts and styles only; it talks to this origin alone (the API and the stream).
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; manifest-src 'self'; form-action 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'";

/** The media types of what the build writes to assets/. */
const ASSET_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** The service worker runs no page: it may reach only this origin (it opens the console). */
const WORKER_CSP = "default-src 'none'; connect-src 'self'";

/** Files of the build's root (src/web/public) served as they are, never cached for long: a new
 * version of the service worker must reach browsers at their next visit. */
const ROOT_FILES: Record<string, { file: string; type: string }> = {
  '/service-worker.js': { file: 'service-worker.js', type: 'text/javascript; charset=utf-8' },
  '/manifest.webmanifest': { file: 'manifest.webmanifest', type: 'application/manifest+json' },
  '/icons/stopline-192.png': { file: 'icons/stopline-192.png', type: 'image/png' },
  '/icons/stopline-512.png': { file: 'icons/stopline-512.png', type: 'image/png' },
};

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Stopline console not built</title></head>
<body><main><h1>The console is not built</h1><p>Run <code>npm run build</code> (or start Stopline with <code>npm start</code>, which builds it) and reload.</p></main></body></html>`;

export async function consoleApp(app: FastifyInstance, opts: { dir?: string } = {}) {
  const dir = opts.dir ?? CONSOLE_DIR;
  const indexPath = `${dir}/index.html`;
  // Read once: a rebuilt console is picked up on restart, like the server code.
  const index = existsSync(indexPath) ? readFileSync(indexPath, 'utf8') : null;
  // The dashboard's address also preloads its data (GET /api/v1/dashboard: the session and every
  // list it shows), so the answer is on its way while the scripts load (web/dashboard-boot.ts).
  const dashboardIndex = index?.replace(
    '</head>',
    '<link rel="preload" href="/api/v1/dashboard" as="fetch" crossorigin="use-credentials"></head>',
  );

  const sendIndex = (reply: FastifyReply, page = true, html = index) =>
    reply
      .header('content-security-policy', CSP)
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .status(index ? (page ? 200 : 404) : 503)
      .send(html ?? NOT_BUILT);

  // The hashed assets, held in memory and sent in one write: the first page's script leaves at
  // once, not a chunk between the dashboard's database reads (bench/dashboard.ts). File names
  // carry a content hash: a changed file is a new URL, so each is cached for a year, immutable.
  const assets = new Map<string, { bytes: Buffer; type: string }>();
  if (existsSync(`${dir}/assets`))
    for (const file of readdirSync(`${dir}/assets`, { withFileTypes: true }))
      if (file.isFile())
        assets.set(file.name, {
          bytes: readFileSync(`${dir}/assets/${file.name}`),
          type: ASSET_TYPES[extname(file.name)] ?? 'application/octet-stream',
        });
  app.get<{ Params: { file: string } }>(
    `${CONSOLE_BASE}/assets/:file`,
    { config: { public: true } },
    (request, reply) => {
      // Only a name the build wrote: nothing outside the folder, no listing.
      const asset = assets.get(request.params.file);
      if (!asset) return reply.status(404).send();
      return reply
        .header('cache-control', 'public, max-age=31536000, immutable')
        .type(asset.type)
        .send(asset.bytes);
    },
  );

  for (const [path, { file, type }] of Object.entries(ROOT_FILES)) {
    const full = `${dir}/${file}`;
    const bytes = existsSync(full) ? readFileSync(full) : null;
    app.get(`${CONSOLE_BASE}${path}`, { config: { public: true } }, (_request, reply) => {
      if (!bytes) return reply.status(404).send();
      if (path === '/service-worker.js') reply.header('content-security-policy', WORKER_CSP);
      return reply.header('cache-control', 'no-cache').type(type).send(bytes);
    });
  }

  const home = `${CONSOLE_BASE}/`;
  app.get('/', { config: { public: true } }, (_request, reply) => reply.redirect(home, 302));
  app.get(CONSOLE_BASE, { config: { public: true } }, (_request, reply) =>
    reply.redirect(home, 301),
  );
  app.get(home, { config: { public: true } }, (_request, reply) =>
    sendIndex(reply, true, dashboardIndex),
  );
  app.get(`${CONSOLE_BASE}/*`, { config: { public: true } }, (request, reply) => {
    // A missing hashed asset is a 404, not the app (a stale tab after an upgrade reloads cleanly).
    if (request.url.startsWith(`${CONSOLE_BASE}/assets/`)) return reply.status(404).send();
    const path = request.url.slice(CONSOLE_BASE.length).split(/[?#]/)[0]!;
    return sendIndex(reply, isConsolePath(path));
  });
}

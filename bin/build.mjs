#!/usr/bin/env node
// Builds what `npm start` runs, each part only when its sources changed since its last build:
// the staff console (src/web → dist/web, Vite) and the server (src/server → one JavaScript file,
// dist/server/stopline.mjs, esbuild; its npm packages stay imports from node_modules), so the
// server runs without compiling TypeScript in its own process (tsx) and a restart after a pull
// that changed neither starts at once. `npm start` (prestart) and the browser tests' set-up call
// it; bin/stopline runs the built server only while it is current (`serverBuildIsCurrent`), and
// src/ through tsx otherwise. "Changed" is by content, not by file times (a checkout or a copy
// changes times): a SHA-256 over the part's sources and the lock file is kept beside its build
// and compared.
import { createHash } from 'node:crypto';
import {
  existsSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const STAMP = '.sources-sha256';

/** Each part: its sources (files or folders), its output folder and the file a build leaves. */
const CONSOLE = {
  sources: ['src/web', 'src/shared', 'vite.config.ts', 'package-lock.json'],
  out: 'dist/web',
  built: 'index.html',
};
const SERVER = {
  sources: ['src/server', 'src/shared', 'package-lock.json', 'bin/build.mjs'],
  out: 'dist/server',
  built: 'stopline.mjs',
};
/** The built server, relative to the project's folder. */
export const SERVER_BUNDLE = join(SERVER.out, SERVER.built);

/** The files of one source entry (a file, or every file under a folder), relative to root. */
function filesOf(root, path) {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (statSync(full).isFile()) return [path];
  return readdirSync(full, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'));
}

/** SHA-256 over every source file's path and bytes, in a fixed order. */
function sourcesDigest(root, sources) {
  const hash = createHash('sha256');
  for (const file of [...new Set(sources.flatMap((path) => filesOf(root, path)))].sort())
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(root, file)))
      .update('\0');
  return hash.digest('hex');
}

/** True when the part's build is there and was made from the sources as they are now. */
function isCurrent(root, part, digest = sourcesDigest(root, part.sources)) {
  const stamp = join(root, part.out, STAMP);
  return (
    existsSync(join(root, part.out, part.built)) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8').trim() === digest
  );
}

/** Runs `build` when the part's build is missing or was made from other sources; true when it
 * built. The stamp is written last, so a failed build leaves none and the next start builds. */
async function buildIfChanged(root, part, build) {
  const digest = sourcesDigest(root, part.sources);
  if (isCurrent(root, part, digest)) return false;
  await build();
  writeFileSync(join(root, part.out, STAMP), digest + '\n');
  return true;
}

/** Builds dist/web with `build` when it is missing or was built from other sources. */
export const buildConsoleIfChanged = (root, build) => buildIfChanged(root, CONSOLE, build);

/** True when dist/server/stopline.mjs is there and was built from the current sources. */
export const serverBuildIsCurrent = (root) => isCurrent(root, SERVER);

/** Builds dist/server/stopline.mjs with `build` when it is missing or stale. */
export const buildServerIfChanged = (root, build = serverBuild) =>
  buildIfChanged(root, SERVER, () => build(root));

/** The production build of React, as `npm run build` makes it (run from the project's folder). */
export async function viteBuild() {
  const { build } = await import('vite');
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: 'vite.config.ts', logLevel: 'warn', mode: 'production' });
  } finally {
    process.env.NODE_ENV = previous;
  }
}

/** `entry` and the project's modules it imports as one ES module for Node.js 20 at `outfile`
 * (both relative to root), its npm packages left as imports, not minified (a stack trace names
 * readable code). Written whole then renamed into place, so a process starting meanwhile reads
 * the old file or the new one, never half of one. */
export async function bundleModule(root, entry, outfile) {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    outfile,
    logLevel: 'warning',
  });
  const out = join(root, outfile);
  await mkdir(dirname(out), { recursive: true });
  writeFileSync(`${out}.partial`, result.outputFiles[0].contents);
  renameSync(`${out}.partial`, out);
}

/** The server: src/server/main.ts (the CLI and everything it runs) into dist/server/stopline.mjs. */
export const serverBuild = (root) => bundleModule(root, 'src/server/main.ts', SERVER_BUNDLE);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(fileURLToPath(import.meta.url), '../..');
  process.chdir(root);
  const say = (built, what) => `${what} ${built ? 'built' : 'up to date'}`;
  const web = await buildConsoleIfChanged(root, viteBuild);
  const server = await buildServerIfChanged(root);
  process.stdout.write(
    `${say(web, 'console')} (dist/web), ${say(server, 'server')} (${SERVER_BUNDLE})\n`,
  );
}

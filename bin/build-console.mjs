#!/usr/bin/env node
// Builds the staff console (src/web → dist/web) only when its sources changed since the last
// build: `npm start` (prestart) and the browser tests' set-up call it, so a restart after a pull
// that did not touch the console starts at once. "Changed" is by content, not by file times (a
// checkout or a copy changes times): a SHA-256 over the console's sources, the shared code, the
// Vite config and the lock file is kept beside the build and compared.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCES = ['src/web', 'src/shared', 'vite.config.ts', 'package-lock.json'];
export const STAMP = '.sources-sha256';

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
export function consoleSourcesDigest(root) {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap((path) => filesOf(root, path)).sort())
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(root, file)))
      .update('\0');
  return hash.digest('hex');
}

/** Runs `build` when dist/web is missing or was built from other sources; true when it built. */
export async function buildConsoleIfChanged(root, build) {
  const out = join(root, 'dist/web');
  const digest = consoleSourcesDigest(root);
  const stamp = join(out, STAMP);
  if (
    existsSync(join(out, 'index.html')) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8').trim() === digest
  )
    return false;
  await build();
  writeFileSync(stamp, digest + '\n');
  return true;
}

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

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(fileURLToPath(import.meta.url), '../..');
  process.chdir(root);
  const built = await buildConsoleIfChanged(root, viteBuild);
  process.stdout.write(built ? 'console built (dist/web)\n' : 'console up to date (dist/web)\n');
}

// Before any test: build the staff console (src/web → dist/web) when it is missing or older than
// its sources, so the browser tests run the app as `npm start` serves it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

export default async function setup() {
  const built = 'dist/web/index.html';
  const sources = Math.max(
    newest('src/web'),
    newest('src/shared'),
    statSync('vite.config.ts').mtimeMs,
  );
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  // The production build of React, as `npm run build` makes it (the test runner sets NODE_ENV=test).
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: 'vite.config.ts', logLevel: 'warn', mode: 'production' });
  } finally {
    process.env.NODE_ENV = previous;
  }
}

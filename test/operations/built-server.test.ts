// `npm start` runs the server built into dist/server/stopline.mjs (bin/build.mjs), not src/
// through tsx. Tested on a copy of the project whose node_modules lacks tsx, so a command that
// runs at all ran from the build: --help, migrate, and serve answering /healthz. An edit to the
// sources makes the build stale: bin/stopline then reaches for tsx (src/) instead of running the
// old build, until the next build picks the edit up.
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServerIfChanged, serverBuildIsCurrent } from '../../bin/build.mjs';
import { runCli, startServer } from '../helpers/cli-process.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What the server needs of the project, with every installed package but tsx. */
function projectWithoutTsx(): string {
  const root = mkdtempSync(join(tmpdir(), 'stopline-built-server-'));
  for (const path of [
    'bin',
    'src/server',
    'src/shared',
    'policies',
    'package.json',
    'package-lock.json',
  ])
    cpSync(join(ROOT, path), join(root, path), { recursive: true });
  mkdirSync(join(root, 'node_modules'));
  for (const name of readdirSync(join(ROOT, 'node_modules')))
    if (name !== 'tsx')
      symlinkSync(join(ROOT, 'node_modules', name), join(root, 'node_modules', name));
  return root;
}

let database: TestDatabase;
let root: string;
beforeAll(async () => {
  database = await createTestDatabase({ STOPLINE_LOG_LEVEL: 'info' });
  root = projectWithoutTsx();
});
afterAll(async () => {
  await database.drop();
  rmSync(root, { recursive: true, force: true });
});

describe('the built server', () => {
  it('runs without tsx once built, and is not run again once the sources change', async () => {
    const bin = join(root, 'bin/stopline');
    const cli = (...args: string[]) => runCli(args, database.env, root, bin);

    // Not built: bin/stopline runs src/ through tsx, which this copy lacks.
    expect(serverBuildIsCurrent(root)).toBe(false);
    const unbuilt = await cli('--help');
    expect(unbuilt.code).not.toBe(0);
    expect(unbuilt.stderr).toContain("'tsx'");

    expect(await buildServerIfChanged(root)).toBe(true);
    expect(await buildServerIfChanged(root)).toBe(false);
    const help = await cli('--help');
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: stopline <command>');
    const migrate = await cli('migrate');
    expect(migrate.code, migrate.stderr).toBe(0);
    const server = await startServer(database.env, root, undefined, 90_000, bin);
    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
    expect(await server.stop()).toBe(0);

    // An edit: the build no longer matches, so the launcher goes back to the sources (tsx).
    const main = join(root, 'src/server/main.ts');
    const edited = readFileSync(main, 'utf8').replace(
      'Usage: stopline <command>',
      'Usage: stopline <command> (edited)',
    );
    writeFileSync(main, edited);
    expect(serverBuildIsCurrent(root)).toBe(false);
    const stale = await cli('--help');
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toContain("'tsx'");

    expect(await buildServerIfChanged(root)).toBe(true);
    const rebuilt = await cli('--help');
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toContain('Usage: stopline <command> (edited)');
  }, 300_000);
});

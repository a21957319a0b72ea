// The source as it was at an earlier commit, unpacked beside this checkout, so that a benchmark
// can run the old path and the new one in the same invocation, against the same reference, on a
// machine whose load moves from minute to minute (bench/README.md). Only src/ and package.json
// (and policies/) are unpacked; node_modules is this checkout's (the old code must not need other packages).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface BeforeTree {
  /** The commit, as `git rev-parse --short` names it. */
  commit: string;
  /** The folder it is unpacked in (a console built from it goes to its dist/web). */
  root: string;
  /** Imports a module of the old source by its path from the checkout's root (`src/…`). */
  load<T>(path: string): Promise<T>;
  remove(): void;
}

/** Unpacks `rev` (a commit, a branch, `HEAD~1`) into a temporary folder. */
export function checkoutBefore(rev: string): BeforeTree {
  const commit = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', `${rev}^{commit}`], {
    encoding: 'utf8',
  }).trim();
  const dir = mkdtempSync(join(tmpdir(), `stopline-before-${commit}-`));
  const archive = execFileSync(
    'git',
    ['-C', ROOT, 'archive', commit, 'src', 'policies', 'package.json'],
    {
      maxBuffer: 1 << 30,
    },
  );
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return {
    commit,
    root: dir,
    load: <T>(path: string) => import(join(dir, path)) as Promise<T>,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

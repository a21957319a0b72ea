// `npm start` rebuilds the console only when its sources changed (bin/build.mjs): by
// content, so a checkout that only changes file times does not rebuild, and an edit, a changed
// lock file or a missing build does.
import { cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConsoleIfChanged } from '../bin/build.mjs';

function project() {
  const root = mkdtempSync(join(tmpdir(), 'stopline-console-build-'));
  mkdirSync(join(root, 'src/web/pages'), { recursive: true });
  mkdirSync(join(root, 'src/shared'), { recursive: true });
  writeFileSync(join(root, 'src/web/index.html'), '<div id="root"></div>');
  writeFileSync(join(root, 'src/web/pages/dashboard.tsx'), 'export const a = 1;');
  writeFileSync(join(root, 'src/shared/roles.ts'), 'export const roles = [];');
  writeFileSync(join(root, 'vite.config.ts'), 'export default {};');
  writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion": 3}');
  return root;
}

describe('the console is built only when its sources changed', () => {
  it('builds when missing, not again for the same sources, again after an edit, a lock change or a lost build', async () => {
    const root = project();
    let builds = 0;
    // What vite build leaves: dist/web/index.html (the real build runs in the browser tier's set-up).
    const build = async () => {
      builds += 1;
      rmSync(join(root, 'dist/web'), { recursive: true, force: true });
      mkdirSync(join(root, 'dist/web'), { recursive: true });
      writeFileSync(join(root, 'dist/web/index.html'), `<html>build ${builds}</html>`);
    };
    expect(await buildConsoleIfChanged(root, build)).toBe(true);
    expect(await buildConsoleIfChanged(root, build)).toBe(false);

    // A checkout or copy that changes only file times: no rebuild.
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'src/web/pages/dashboard.tsx'), later, later);
    expect(await buildConsoleIfChanged(root, build)).toBe(false);

    writeFileSync(join(root, 'src/web/pages/dashboard.tsx'), 'export const a = 2;');
    expect(await buildConsoleIfChanged(root, build)).toBe(true);
    expect(await buildConsoleIfChanged(root, build)).toBe(false);

    writeFileSync(join(root, 'src/shared/roles.ts'), 'export const roles = ["viewer"];');
    expect(await buildConsoleIfChanged(root, build)).toBe(true);

    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion": 3, "packages": {}}');
    expect(await buildConsoleIfChanged(root, build)).toBe(true);

    // A new file in the console counts too.
    cpSync(join(root, 'src/web/pages/dashboard.tsx'), join(root, 'src/web/pages/reports.tsx'));
    expect(await buildConsoleIfChanged(root, build)).toBe(true);

    rmSync(join(root, 'dist/web/index.html'));
    expect(await buildConsoleIfChanged(root, build)).toBe(true);
    expect(builds).toBe(6);
    rmSync(root, { recursive: true, force: true });
  });

  it('a failed build leaves no stamp, so the next start builds again', async () => {
    const root = project();
    await expect(
      buildConsoleIfChanged(root, async () => {
        throw new Error('vite: syntax error');
      }),
    ).rejects.toThrow('syntax error');
    let built = false;
    expect(
      await buildConsoleIfChanged(root, async () => {
        built = true;
        mkdirSync(join(root, 'dist/web'), { recursive: true });
        writeFileSync(join(root, 'dist/web/index.html'), '<html></html>');
      }),
    ).toBe(true);
    expect(built).toBe(true);
    rmSync(root, { recursive: true, force: true });
  });
});

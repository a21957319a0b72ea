// Three test tiers, as Vitest projects (`npm test` runs all three; `npm run test:rules`,
// `test:int`, `test:browser` run one):
// - rules: pure domain rules in test/rules, no database, server or browser; runs in seconds.
// - int: the database and HTTP tests, on SQLite, or on PostgreSQL when
//   STOPLINE_TEST_DATABASE_URL is set (CI runs `npm test` once per database).
// - browser: Chromium against the real app; the only tier that builds the console (dist/web).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    // Test files run one after another in the same process (one worker: the machine has 2 cores
    // and Chromium or PostgreSQL takes the other), sharing its loaded modules: importing the
    // server again for each file cost 1.5 s of CPU per file. No file relies on a fresh module
    // state: none mocks a module, stubs a global or changes process.env.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // expect.poll waits for a page or a worker to show a result; 1 s (the default) is too short
    // for a loaded 2-core CI machine. A poll still passes the moment its assertion holds.
    expect: { poll: { timeout: 10_000 } },
    projects: [
      {
        extends: true,
        test: { name: 'rules', include: ['test/rules/**/*.test.ts', 'src/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['test/**/*.test.ts'],
          exclude: ['test/rules/**', 'test/browser/**'],
          globalSetup: ['test/global-setup-server.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});

import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through src/server/config.ts only.',
        },
      ],
    },
  },
  {
    files: ['src/server/config.ts', 'src/server/main.ts', 'test/**', 'bench/**', '*.config.*'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // The container's healthcheck: plain Node, no TypeScript loader, reads only HOST and PORT.
    files: ['bin/healthcheck.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
      },
    },
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // The console's service worker: plain JavaScript in the worker's global scope.
    files: ['src/web/public/service-worker.js'],
    languageOptions: { globals: { self: 'readonly', URL: 'readonly' } },
  },
  {
    // npm start's build of the console and the server (prestart): plain Node, no TypeScript loader.
    files: ['bin/build.mjs'],
    languageOptions: { globals: { process: 'readonly' } },
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Folders and files Stopline creates are private (0700/0600): only through private-files.ts.
    files: ['src/server/**/*.ts'],
    ignores: ['src/server/private-files.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        ...['fs', 'node:fs', 'fs/promises', 'node:fs/promises'].map((name) => ({
          name,
          importNames: [
            'mkdir',
            'mkdirSync',
            'mkdtemp',
            'mkdtempSync',
            'open',
            'openSync',
            'writeFile',
            'writeFileSync',
            'appendFile',
            'appendFileSync',
            'createWriteStream',
            'copyFile',
            'copyFileSync',
            'cp',
            'cpSync',
          ],
          message: 'Create folders and files through src/server/private-files.ts (0700/0600).',
        })),
      ],
    },
  },
  {
    // The rules tier is pure: no database, server, browser or other process (vitest.config.ts).
    files: ['test/rules/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/helpers/test-db*', '**/helpers/test-app*', '**/helpers/browser*'],
              message: 'A rules test is pure: put tests that need a database or server in test/.',
            },
            {
              group: ['**/src/server/db/*', '**/src/server/http/**', '**/container*'],
              allowTypeImports: true,
              message: 'A rules test is pure: put tests that need a database or server in test/.',
            },
            {
              group: ['playwright-core', 'better-sqlite3', 'pg', 'node:child_process'],
              message:
                'A rules test is pure: put tests that need a database, server or process in test/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/server/domain/**'],
    ignores: ['src/server/domain/**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message: 'Domain code takes a Clock; never read the time directly.',
        },
      ],
    },
  },
  {
    files: ['src/web/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      'react-hooks/exhaustive-deps': 'error',
      // The schemas in shared/api carry Zod: the console takes their types only (the server has
      // validated every answer), and plain constants from shared/domain, so Zod stays out of
      // the bundle.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/shared/api/*', 'zod'],
              allowTypeImports: true,
              message: 'Import types only here; constants belong in src/shared/domain.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly' },
    },
  },
);

// Shared by the file store tests (database, S3): a report with one attachment, the files kept in
// a data folder, and `stopline files migrate` run in this process with its output captured.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { main } from '../../src/server/main.ts';
import type { TestApp } from './test-app.ts';

/** A report with one attachment, through the public API; answers its key. */
export async function submitWithAttachment(t: TestApp, name: string, bytes: Buffer) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/reports',
    payload: {
      summary: `Evidence in ${name}`,
      description: 'The admin export leaks every customer record.',
      contact: { email: 'finder@example.org' },
      attachments: [{ name, contentBase64: bytes.toString('base64') }],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().key as string;
}

/** The attachments kept in the app's data folder (not uploads being staged). */
export function attachmentsOnDisk(t: TestApp): string[] {
  const folder = join(t.container.config.dataDir, 'attachments');
  try {
    return readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !join(e.parentPath, e.name).includes('.incoming'))
      .map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

/** `stopline files migrate --to TO` with `env`: its exit code and its last line. */
export async function migrateFiles(to: string, env: Record<string, string>) {
  const lines: string[] = [];
  const out = { info: (l: string) => lines.push(l), error: (l: string) => lines.push(l) };
  const code = await main(['files', 'migrate', '--to', to], env, out);
  return { code, last: lines.at(-1) ?? '' };
}

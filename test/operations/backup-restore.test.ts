// Backup and restore as an operator runs them: `stopline backup FILE` while reports with
// attachments keep arriving, `stopline restore FILE` into an empty folder, then `stopline verify`.
// Bad input (a folder that is not empty, a file cut short, a backup from a newer version, a file
// that exists) gets a clear message and changes nothing.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-process.ts';
import { formFields, multipart, readReceipt } from '../helpers/reports.ts';
import { createTestApp, countRows, type TestApp } from '../helpers/test-app.ts';
import { TEST_PG_URL, testDialect } from '../helpers/test-db.ts';

const work = mkdtempSync(join(tmpdir(), 'stopline-backups-'));
const quiet = { STOPLINE_LOG_LEVEL: 'silent' };

async function sendReportTo(t: TestApp, n: number) {
  const form = multipart(formFields({ summary: `Report number ${n}` }), [
    { name: `poc-${n}.txt`, type: 'text/plain', bytes: Buffer.from(`proof of concept ${n}`) },
  ]);
  readReceipt(await t.app.inject({ method: 'POST', url: '/report', ...form }));
}

describe.runIf(testDialect === 'sqlite')('backup and restore on SQLite', () => {
  let t: TestApp;
  const backup = join(work, 'stopline.tar.gz');
  beforeAll(async () => {
    t = await createTestApp({ env: { STOPLINE_INTAKE_RATE_LIMIT: '100000' } });
  });
  afterAll(async () => t.close());

  const sendReport = (n: number) => sendReportTo(t, n);

  it('a backup taken while reports keep arriving restores into an empty folder and verifies', async () => {
    for (let n = 0; n < 3; n++) await sendReport(n);
    const before = await countRows(t, 'reports');

    let writing = true;
    let sent = 3;
    const writer = (async () => {
      while (writing) await sendReport(sent++);
    })();
    const made = await runCli(['backup', backup], t.database.env);
    writing = false;
    await writer;
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(made.stdout).toContain(`backup written to ${backup}`);
    expect(made.stdout).toContain('and the key file (secret.key)');
    const after = await countRows(t, 'reports');
    expect(after).toBeGreaterThan(before);

    const target = join(work, 'restored');
    const env = { ...quiet, STOPLINE_DATA_DIR: target };
    const restored = await runCli(['restore', backup], env);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain('event log OK');
    expect(restored.stdout).toContain('audit trail OK');
    expect(restored.stdout).toContain('server key OK: the restored secret.key');
    expect(restored.stdout).toMatch(/restore verified: \d+ stream heads and the audit head/);
    const verify = await runCli(['verify'], env);
    expect(verify.code).toBe(0);

    // A consistent moment: every report the copy holds has its attachment, byte for byte.
    const db = new SQLite(join(target, 'stopline.db'), { readonly: true });
    try {
      const reports = db.prepare('select count(*) as n from reports').get() as { n: number };
      expect(reports.n).toBeGreaterThanOrEqual(before);
      expect(reports.n).toBeLessThanOrEqual(after);
      const files = db.prepare('select stored_path, sha256 from report_attachments').all() as {
        stored_path: string;
        sha256: string;
      }[];
      expect(files).toHaveLength(reports.n);
      for (const file of files) {
        const bytes = await readFile(join(target, file.stored_path));
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
      }
    } finally {
      db.close();
    }
    expect(await readFile(join(target, 'secret.key'))).toEqual(
      await readFile(join(t.database.config.dataDir, 'secret.key')),
    );
  }, 180_000);

  it('refuses a folder that is not empty, a file cut short, a newer version and an existing file, changing nothing', async () => {
    const full = join(work, 'restored');
    const present = readdirSync(full).sort();
    const notEmpty = await runCli(['restore', backup], { ...quiet, STOPLINE_DATA_DIR: full });
    expect(notEmpty.code).toBe(1);
    expect(notEmpty.stderr).toContain(`the data folder ${full} is not empty`);
    expect(notEmpty.stderr).toContain('Nothing was changed');
    expect(readdirSync(full).sort()).toEqual(present);

    const bytes = await readFile(backup);
    const cut = join(work, 'cut.tar.gz');
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const fresh = join(work, 'fresh');
    const truncated = await runCli(['restore', cut], { ...quiet, STOPLINE_DATA_DIR: fresh });
    expect(truncated.code).toBe(1);
    expect(truncated.stderr).toMatch(/is truncated or damaged|has no manifest/);
    expect(truncated.stderr).toContain('Nothing was restored');
    expect(existsSync(fresh)).toBe(false);

    const newer = join(work, 'newer.tar.gz');
    await rewriteManifest(backup, newer, (manifest) => ({
      ...manifest,
      migrations: [...(manifest.migrations as string[]), '2099-01-01-0001-from-the-future'],
    }));
    const future = await runCli(['restore', newer], { ...quiet, STOPLINE_DATA_DIR: fresh });
    expect(future.code).toBe(1);
    expect(future.stderr).toContain('was written by a newer Stopline');
    expect(future.stderr).toContain('2099-01-01-0001-from-the-future');
    expect(existsSync(fresh)).toBe(false);

    const wrongKey = await runCli(['restore', backup], {
      ...quiet,
      STOPLINE_DATA_DIR: join(work, 'wrong-key'),
      STOPLINE_SECRET_KEY: 'a-different-server-key-of-enough-length-0123456789',
    });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toContain('BROKEN: the server key is not the one');
    expect(wrongKey.stderr).toContain('the restore does NOT verify');

    const again = await runCli(['backup', backup], t.database.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${backup} exists; name a new file`);
  }, 180_000);
});

describe.runIf(testDialect === 'postgres')('backup and restore on PostgreSQL', () => {
  const backup = join(work, 'stopline-pg.tar.gz');
  let env: Record<string, string>;
  let schema: string;
  let reportsBefore: number;
  let reportsAfter: number;

  async function inSchema<T>(query: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
    try {
      return (await client.query(query)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const dropSchema = () => inSchema(`drop schema if exists ${schema} cascade`);

  afterAll(async () => {
    if (schema) await dropSchema();
  });

  it('a backup taken while reports keep arriving restores into an empty schema and folder, and verifies', async () => {
    const t = await createTestApp({ env: { STOPLINE_INTAKE_RATE_LIMIT: '100000' } });
    env = t.database.env;
    schema = env.STOPLINE_PG_SCHEMA!;
    try {
      const send = (n: number) => sendReportTo(t, n);
      for (let n = 0; n < 3; n++) await send(n);
      reportsBefore = await countRows(t, 'reports');
      let writing = true;
      let sent = 3;
      const writer = (async () => {
        while (writing) await send(sent++);
      })();
      const made = await runCli(['backup', backup], env);
      writing = false;
      await writer;
      expect(made.stderr).toBe('');
      expect(made.code).toBe(0);
      expect(made.stdout).toContain(`backup written to ${backup}: the database (schema ${schema}`);
      expect(made.stdout).toContain('and the key file (secret.key)');
      reportsAfter = await countRows(t, 'reports');
      expect(reportsAfter).toBeGreaterThan(reportsBefore);
    } finally {
      // The disaster: the schema and the data folder are gone.
      await t.close();
    }
    expect(
      await inSchema(`select 1 from information_schema.schemata where schema_name = '${schema}'`),
    ).toHaveLength(0);

    const target = join(work, 'pg-restored');
    const restoreEnv = { ...env, ...quiet, STOPLINE_DATA_DIR: target };
    const restored = await runCli(['restore', backup], restoreEnv);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain(`and the schema ${schema}`);
    expect(restored.stdout).toContain('event log OK');
    expect(restored.stdout).toContain('audit trail OK');
    expect(restored.stdout).toContain('server key OK: the restored secret.key');
    expect(restored.stdout).toMatch(/restore verified: \d+ stream heads and the audit head/);
    expect(existsSync(join(target, 'stopline.pgdump'))).toBe(false);
    expect((await runCli(['verify'], restoreEnv)).code).toBe(0);

    // One moment: every report the dump holds has its attachment, byte for byte (on PostgreSQL
    // the files are kept in the database, STOPLINE_FILE_STORE=database, so in the dump).
    const [counted] = await inSchema<{ n: string }>(`select count(*) as n from ${schema}.reports`);
    const n = counted!.n;
    expect(Number(n)).toBeGreaterThanOrEqual(reportsBefore);
    expect(Number(n)).toBeLessThanOrEqual(reportsAfter);
    const files = await inSchema<{ stored_path: string; sha256: string; content: Buffer | null }>(
      `select a.stored_path, a.sha256, f.content from ${schema}.report_attachments a
         left join ${schema}.files f on f.key = a.stored_path`,
    );
    expect(files).toHaveLength(Number(n));
    expect(existsSync(join(target, 'attachments'))).toBe(false);
    for (const file of files) {
      expect(file.content, file.stored_path).not.toBeNull();
      expect(createHash('sha256').update(file.content!).digest('hex')).toBe(file.sha256);
    }
  }, 180_000);

  it('refuses a schema that is not empty, another schema name and a wrong key, changing nothing', async () => {
    const fresh = join(work, 'pg-fresh');
    const intoFull = await runCli(['restore', backup], {
      ...env,
      ...quiet,
      STOPLINE_DATA_DIR: fresh,
    });
    expect(intoFull.code).toBe(1);
    expect(intoFull.stderr).toMatch(
      new RegExp(`the PostgreSQL schema ${schema} holds \\d+ table\\(s\\)`),
    );
    expect(intoFull.stderr).toContain('Nothing was changed');
    expect(existsSync(fresh)).toBe(false);

    const other = await runCli(['restore', backup], {
      ...env,
      ...quiet,
      STOPLINE_DATA_DIR: fresh,
      STOPLINE_PG_SCHEMA: `${schema}_other`,
    });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`set STOPLINE_PG_SCHEMA=${schema} to restore it`);
    expect(other.stderr).toContain('Nothing was restored');
    expect(existsSync(fresh)).toBe(false);
    expect(
      await inSchema(
        `select 1 from information_schema.schemata where schema_name = '${schema}_other'`,
      ),
    ).toHaveLength(0);

    // A key that is not the one the secrets were sealed with: restored, but it does not verify.
    await dropSchema();
    const wrongKey = await runCli(['restore', backup], {
      ...env,
      ...quiet,
      STOPLINE_DATA_DIR: fresh,
      STOPLINE_SECRET_KEY: 'a-different-server-key-of-enough-length-0123456789',
    });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toContain('BROKEN: the server key is not the one');
    expect(wrongKey.stderr).toContain('the restore does NOT verify');
  }, 180_000);
});

/** Copies a backup with its manifest changed (as a newer Stopline would have written it). */
async function rewriteManifest(
  from: string,
  to: string,
  change: (manifest: Record<string, unknown>) => Record<string, unknown>,
) {
  const extract = tar.extract();
  const pack = tar.pack();
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      let body = Buffer.concat(chunks);
      if (header.name === 'stopline-backup.json')
        body = Buffer.from(JSON.stringify(change(JSON.parse(body.toString('utf8')))));
      pack.entry({ name: header.name, size: body.length }, body, next);
    });
  });
  extract.on('finish', () => pack.finalize());
  const written = pipeline(pack, createGzip(), createWriteStream(to));
  await pipeline(createReadStream(from), createGunzip(), extract);
  await written;
}

// Backup and restore of Stopline's PostgreSQL schema with the PostgreSQL client tools: pg_dump
// reads inside a snapshot this process exported, in the same transaction that reads the chain
// heads and migrations, so the dump and the heads in the archive are of one moment while the
// servers keep writing; pg_restore loads a dump in one transaction, so a failed restore leaves
// nothing behind. The connection's password goes to the tools in PGPASSWORD, never on their
// command line (where other users of the machine could read it).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { childEnvironment, type Config } from '../config.ts';
import {
  BackupRefusedError,
  chainHeadsFrom,
  DATABASE_ENTRY,
  HEADS_SQL,
  type ChainHeads,
  type DatabaseSnapshot,
} from './backup-archive.ts';

type PgConfig = Pick<Config, 'databaseUrl' | 'pgSchema'>;

/** The URL without its password, and the password apart, for the client tools. */
function toolConnection(databaseUrl: string): { url: string; env: NodeJS.ProcessEnv } {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  return {
    url: url.toString(),
    env: childEnvironment(password ? { PGPASSWORD: password } : {}),
  };
}

/** Runs a PostgreSQL client tool; refuses with its own words when it fails or is missing. */
function runTool(tool: string, args: string[], databaseUrl: string): Promise<void> {
  const { url, env } = toolConnection(databaseUrl);
  return new Promise((resolve, reject) => {
    const child = spawn(tool, [...args, `--dbname=${url}`], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        new BackupRefusedError(
          error.code === 'ENOENT'
            ? `${tool} is not installed: install the PostgreSQL client tools (Debian: postgresql-client) of the server's version or newer`
            : `${tool} could not start (${error.message})`,
        ),
      ),
    );
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new BackupRefusedError(`${tool} failed (exit ${code}): ${stderr.trim().split('\n')[0]}`),
        );
    });
  });
}

async function connect(config: PgConfig): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: config.databaseUrl });
  await client.connect();
  return client;
}

/** pg_dump of the schema, inside a snapshot whose chain heads and migrations are read here. */
export async function snapshotPostgres(config: PgConfig, work: string): Promise<DatabaseSnapshot> {
  const path = join(work, DATABASE_ENTRY.postgres);
  const client = await connect(config);
  try {
    await client.query('begin isolation level repeatable read read only');
    const { rows } = await client.query<{ id: string }>('select pg_export_snapshot() as id');
    await client.query(`set local search_path to ${pg.escapeIdentifier(config.pgSchema)}`);
    const streams = await client.query<ChainHeads['streams'][number]>(HEADS_SQL.streams);
    const audit = await client.query<ChainHeads['audit']>(HEADS_SQL.audit);
    const migrations = await client.query<{ name: string }>(HEADS_SQL.migrations);
    // The snapshot lives while this transaction is open: pg_dump must start and finish inside it.
    await runTool(
      'pg_dump',
      [
        '--format=custom',
        `--schema=${config.pgSchema}`,
        `--snapshot=${rows[0]!.id}`,
        '--no-owner',
        '--no-privileges',
        `--file=${path}`,
      ],
      config.databaseUrl!,
    );
    await client.query('commit');
    return {
      path,
      heads: chainHeadsFrom(streams.rows, audit.rows[0]),
      migrations: migrations.rows.map((m) => m.name),
    };
  } finally {
    await client.end();
  }
}

/** The tables in the schema (0 when it does not exist): a restore goes only into an empty one. */
export async function tablesInSchema(config: PgConfig): Promise<number> {
  const client = await connect(config);
  try {
    const { rows } = await client.query<{ n: string }>(
      'select count(*) as n from information_schema.tables where table_schema = $1',
      [config.pgSchema],
    );
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** Loads a dump in one transaction (all or nothing) into the empty or missing schema. */
export async function restorePostgresDump(config: PgConfig, dump: string): Promise<void> {
  const client = await connect(config);
  try {
    // The dump creates the schema; an empty one left in place would make that fail. `restrict`:
    // never drops a schema that holds anything.
    await client.query(`drop schema if exists ${pg.escapeIdentifier(config.pgSchema)} restrict`);
  } finally {
    await client.end();
  }
  await runTool(
    'pg_restore',
    ['--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges', dump],
    config.databaseUrl!,
  );
}

// `stopline restore FILE`: unpacks a backup into an empty data folder, checks it whole before
// anything is put in place (manifest, sizes and hashes, not from a newer version), then brings the
// database up to this version and verifies every hash chain against the heads in the backup.
// A refusal leaves the data folder as it was.
import { existsSync } from 'node:fs';
import { readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import type { Config } from '../config.ts';
import { createDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import {
  BackupRefusedError,
  readChainHeads,
  unpackSqliteBackup,
  type ChainHeads,
} from '../db/sqlite-backup.ts';
import { ensurePrivateFolderSync, makePrivateTempFolder } from '../private-files.ts';
import type { Output } from './output.ts';
import { verifyCommand } from './verify-command.ts';

export const RESTORE_USAGE = 'Usage: stopline restore FILE   (into an empty STOPLINE_DATA_DIR)';

export async function restoreCommand(config: Config, args: string[], out: Output): Promise<number> {
  if (args.length !== 1 || args[0]!.startsWith('-')) {
    out.error(RESTORE_USAGE);
    return 2;
  }
  if (config.database === 'postgres') {
    out.error(
      'stopline restore: this Stopline runs on PostgreSQL; restore the database with pg_restore ' +
        '(see docs/operations.md#restore), set the same STOPLINE_SECRET_KEY, then run `stopline verify`.',
    );
    return 2;
  }
  const file = resolve(args[0]!);
  const dataDir = config.dataDir;
  if (existsSync(dataDir)) {
    const present = await readdir(dataDir);
    if (present.length > 0) {
      out.error(
        `stopline restore: the data folder ${dataDir} is not empty (${present.slice(0, 5).join(', ')}${present.length > 5 ? ', …' : ''}). ` +
          'A restore goes only into an empty folder, so nothing is overwritten: point STOPLINE_DATA_DIR at a new folder, or move this one aside. Nothing was changed.',
      );
      return 1;
    }
  }
  ensurePrivateFolderSync(dirname(dataDir));
  const staging = await makePrivateTempFolder(
    join(dirname(dataDir), `.${basename(dataDir)}-restoring-`),
  );
  let unpacked;
  try {
    unpacked = await unpackSqliteBackup(file, staging);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (error instanceof BackupRefusedError) {
      out.error(`stopline restore: ${error.message}. Nothing was restored.`);
      return 1;
    }
    throw error;
  }
  await rm(join(staging, 'stopline-backup.json'));
  await rm(join(staging, 'chain-heads.json'));
  if (existsSync(dataDir)) await rmdir(dataDir);
  await rename(staging, dataDir);
  const { manifest, heads } = unpacked;
  out.info(`restored the backup of ${manifest.createdAt} into ${dataDir}`);

  const handle = await createDatabase(config);
  try {
    const { applied } = await migrateToLatest(handle.db, handle.dialect, config.pgSchema);
    if (applied.length > 0)
      out.info(`brought the database up to this version: ${applied.length} migration(s) applied`);
  } finally {
    await handle.close();
  }
  const sqlite = new SQLite(config.sqlitePath, { readonly: true });
  let restoredHeads: ChainHeads;
  try {
    restoredHeads = readChainHeads(sqlite);
  } finally {
    sqlite.close();
  }
  const verified = await verifyCommand(config, out);
  const headsMatch = JSON.stringify(restoredHeads) === JSON.stringify(heads);
  if (!headsMatch)
    out.error(
      'BROKEN: the restored chain heads are not those recorded in the backup: do not trust this restore',
    );
  if (manifest.secretKey === 'environment')
    out.info(
      config.secretKey
        ? 'the stored secrets were sealed with STOPLINE_SECRET_KEY: this restore uses the one set now, which must be the same value'
        : 'the stored secrets were sealed with STOPLINE_SECRET_KEY, which is not set now: set the same value before `stopline serve`',
    );
  if (verified !== 0 || !headsMatch) {
    out.error('the restore does NOT verify: see above');
    return 1;
  }
  out.info(
    `restore verified: ${heads.streams.length} stream heads and the audit head (#${heads.audit.seq}) match the backup`,
  );
  return 0;
}

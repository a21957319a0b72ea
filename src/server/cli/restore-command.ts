// `stopline restore FILE`: unpacks a backup into an empty data folder (and, on PostgreSQL, loads
// its dump into an empty schema), checks it whole before anything is put in place (manifest, sizes
// and hashes, not from a newer version, the same database kind), then brings the database up to
// this version and verifies every hash chain against the heads in the backup and the server key
// against the backup's key check. A refusal leaves the data folder and the schema as they were.
import { existsSync } from 'node:fs';
import { readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Config } from '../config.ts';
import {
  BackupRefusedError,
  CHAIN_HEADS,
  DATABASE_ENTRY,
  MANIFEST,
  unpackBackup,
  type UnpackedBackup,
} from '../db/backup-archive.ts';
import { readChainHeads } from '../db/chain-anchor.ts';
import { createDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { restorePostgresDump, tablesInSchema } from '../db/postgres-backup.ts';
import { ensurePrivateFolderSync, makePrivateTempFolder } from '../private-files.ts';
import { findSecretKey, keyCheckValue } from '../secret-key.ts';
import type { Output } from './output.ts';
import { verifyCommand } from './verify-command.ts';

export const RESTORE_USAGE =
  'Usage: stopline restore FILE   (into an empty STOPLINE_DATA_DIR; on PostgreSQL also an empty STOPLINE_PG_SCHEMA)';

/** Why this installation cannot take the backup, before anything is changed; null when it can. */
async function refusalBeforeUnpacking(config: Config): Promise<string | null> {
  const dataDir = config.dataDir;
  if (existsSync(dataDir)) {
    const present = await readdir(dataDir);
    if (present.length > 0)
      return (
        `the data folder ${dataDir} is not empty (${present.slice(0, 5).join(', ')}${present.length > 5 ? ', …' : ''}). ` +
        'A restore goes only into an empty folder, so nothing is overwritten: point STOPLINE_DATA_DIR at a new folder, or move this one aside. Nothing was changed.'
      );
  }
  if (config.database === 'postgres') {
    const tables = await tablesInSchema(config);
    if (tables > 0)
      return (
        `the PostgreSQL schema ${config.pgSchema} holds ${tables} table(s). A restore goes only into an empty or missing schema, ` +
        'so nothing is overwritten: drop it, or restore into a new database. Nothing was changed.'
      );
  }
  return null;
}

/** Why the unpacked backup does not fit this installation; null when it does. */
function mismatch(config: Config, { manifest }: UnpackedBackup): string | null {
  if (manifest.database !== config.database)
    return `it is a backup of a ${manifest.database} installation and this Stopline runs on ${config.database}`;
  if (config.database === 'postgres' && manifest.pgSchema !== config.pgSchema)
    return `its dump holds the schema ${manifest.pgSchema}: set STOPLINE_PG_SCHEMA=${manifest.pgSchema} to restore it (a dump restores into the schema it was taken from)`;
  return null;
}

export async function restoreCommand(config: Config, args: string[], out: Output): Promise<number> {
  if (args.length !== 1 || args[0]!.startsWith('-')) {
    out.error(RESTORE_USAGE);
    return 2;
  }
  const file = resolve(args[0]!);
  const dataDir = config.dataDir;
  const refused = await refusalBeforeUnpacking(config);
  if (refused) {
    out.error(`stopline restore: ${refused}`);
    return 1;
  }
  ensurePrivateFolderSync(dirname(dataDir));
  const staging = await makePrivateTempFolder(
    join(dirname(dataDir), `.${basename(dataDir)}-restoring-`),
  );
  let unpacked: UnpackedBackup;
  try {
    unpacked = await unpackBackup(file, staging);
    const wrong = mismatch(config, unpacked);
    if (wrong) throw new BackupRefusedError(`${file}: ${wrong}`);
    if (config.database === 'postgres') {
      const dump = join(staging, DATABASE_ENTRY.postgres);
      await restorePostgresDump(config, dump);
      await rm(dump);
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (error instanceof BackupRefusedError) {
      out.error(`stopline restore: ${error.message}. Nothing was restored.`);
      return 1;
    }
    throw error;
  }
  await rm(join(staging, MANIFEST));
  await rm(join(staging, CHAIN_HEADS));
  if (existsSync(dataDir)) await rmdir(dataDir);
  await rename(staging, dataDir);
  const { manifest, heads } = unpacked;
  out.info(
    `restored the backup of ${manifest.createdAt} into ${dataDir}${config.database === 'postgres' ? ` and the schema ${config.pgSchema}` : ''}`,
  );

  const handle = await createDatabase(config);
  let restoredHeads;
  try {
    const { applied } = await migrateToLatest(handle.db, handle.dialect, config.pgSchema);
    if (applied.length > 0)
      out.info(`brought the database up to this version: ${applied.length} migration(s) applied`);
    restoredHeads = await readChainHeads(handle.db);
  } finally {
    await handle.close();
  }
  const verified = await verifyCommand(config, out);
  const headsMatch = JSON.stringify(restoredHeads) === JSON.stringify(heads);
  if (!headsMatch)
    out.error(
      'BROKEN: the restored chain heads are not those recorded in the backup: do not trust this restore',
    );
  const keyOk = checkKey(config, unpacked, out);
  if (verified !== 0 || !headsMatch || !keyOk) {
    out.error('the restore does NOT verify: see above');
    return 1;
  }
  out.info(
    `restore verified: ${heads.streams.length} stream heads and the audit head (#${heads.audit.seq}) match the backup`,
  );
  return 0;
}

/** The key now in place against the backup's key check: the stored secrets open only with it. */
function checkKey(config: Config, { manifest }: UnpackedBackup, out: Output): boolean {
  const key = findSecretKey(config);
  if (!key) {
    out.info(
      'the stored secrets were sealed with STOPLINE_SECRET_KEY, which is not set now: set the same value before `stopline serve`',
    );
    return true;
  }
  // A backup from before key checks were written has none; nothing to compare.
  if (manifest.keyCheck === undefined) return true;
  if (keyCheckValue(key) === manifest.keyCheck) {
    out.info(
      manifest.secretKey === 'environment'
        ? 'server key OK: STOPLINE_SECRET_KEY is the one the stored secrets were sealed with'
        : 'server key OK: the restored secret.key is the one the stored secrets were sealed with',
    );
    return true;
  }
  out.error(
    manifest.secretKey === 'environment'
      ? "BROKEN: STOPLINE_SECRET_KEY is not the key this backup's secrets were sealed with: set the value it had when the backup was taken"
      : "BROKEN: the server key is not the one this backup's secrets were sealed with (STOPLINE_SECRET_KEY is set and overrides the restored secret.key?)",
  );
  return false;
}

// `stopline backup FILE`: one archive with a consistent copy of the database (SQLite: the online
// backup API; PostgreSQL: pg_dump of Stopline's schema in an exported snapshot), the key file, the
// stored files, the chain heads of that moment and a check value of the server key
// (db/backup-archive.ts), while the server keeps running.
import { resolve } from 'node:path';
import type { Config } from '../config.ts';
import { BackupRefusedError, snapshotSqlite, writeBackup } from '../db/backup-archive.ts';
import { snapshotPostgres } from '../db/postgres-backup.ts';
import { findSecretKey, keyCheckValue } from '../secret-key.ts';
import { openMigratedDatabase } from './open-database.ts';
import type { Output } from './output.ts';

export const BACKUP_USAGE =
  'Usage: stopline backup FILE   (e.g. stopline backup /backups/stopline-$(date +%F).tar.gz)';

export async function backupCommand(config: Config, args: string[], out: Output): Promise<number> {
  if (args.length !== 1 || args[0]!.startsWith('-')) {
    out.error(BACKUP_USAGE);
    return 2;
  }
  // Refuses a database that is not there or not current, as `verify` does.
  await (await openMigratedDatabase(config)).close();
  const key = findSecretKey(config);
  if (!key) {
    out.error(
      'stopline backup: no server key (STOPLINE_SECRET_KEY, or secret.key in the data folder): the stored secrets could not be opened after a restore; start Stopline once with its key, or set STOPLINE_SECRET_KEY',
    );
    return 1;
  }
  const file = resolve(args[0]!);
  const postgres = config.database === 'postgres';
  try {
    const { manifest } = await writeBackup({
      database: config.database,
      ...(postgres ? { pgSchema: config.pgSchema } : {}),
      snapshot: (work) =>
        postgres ? snapshotPostgres(config, work) : snapshotSqlite(config.sqlitePath, work),
      dataDir: config.dataDir,
      file,
      keyFromEnvironment: Boolean(config.secretKey),
      keyCheck: keyCheckValue(key),
      now: Date.now(),
    });
    const stored = manifest.files.filter((f) => /^(attachments|mail)\//.test(f.path)).length;
    out.info(
      `backup written to ${file}: the database (${postgres ? `schema ${config.pgSchema}, ` : ''}${manifest.chainHeads.streams} streams, audit trail at #${manifest.chainHeads.auditSeq}), ` +
        `${stored} stored file(s), ` +
        (manifest.secretKey === 'file'
          ? 'and the key file (secret.key). Keep it as safe as the data: it opens the stored secrets.'
          : 'no key file: the secrets are sealed with STOPLINE_SECRET_KEY, which you keep apart.'),
    );
    return 0;
  } catch (error) {
    if (error instanceof BackupRefusedError) {
      out.error(`stopline backup: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

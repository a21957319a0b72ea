// `stopline backup FILE`: on SQLite, one archive with a consistent copy of the database (SQLite's
// online backup API, while the server keeps running), the key file, the stored files and the
// chain heads (db/sqlite-backup.ts). On PostgreSQL the database is backed up with pg_dump; this
// command says so and how (docs/operations.md#backup).
import { resolve } from 'node:path';
import type { Config } from '../config.ts';
import { BackupRefusedError, writeSqliteBackup } from '../db/sqlite-backup.ts';
import { openMigratedDatabase } from './open-database.ts';
import type { Output } from './output.ts';

export const BACKUP_USAGE =
  'Usage: stopline backup FILE   (e.g. stopline backup /backups/stopline-$(date +%F).tar.gz)';

export async function backupCommand(config: Config, args: string[], out: Output): Promise<number> {
  if (args.length !== 1 || args[0]!.startsWith('-')) {
    out.error(BACKUP_USAGE);
    return 2;
  }
  if (config.database === 'postgres') {
    out.error(
      [
        'stopline backup: this Stopline runs on PostgreSQL; back up the database with pg_dump:',
        `  pg_dump --format=custom --schema=${config.pgSchema} --file=stopline.dump "$DATABASE_URL"`,
        'and keep STOPLINE_SECRET_KEY (it seals stored secrets and is not in the database) and',
        `the data folder ${config.dataDir} (attachments, raw mail) with it.`,
        'After a restore, `stopline verify` checks the record. See docs/operations.md#backup.',
      ].join('\n'),
    );
    return 2;
  }
  // Refuses a database that is not there or not current, as `verify` does.
  await (await openMigratedDatabase(config)).close();
  const file = resolve(args[0]!);
  try {
    const { manifest } = await writeSqliteBackup({
      sqlitePath: config.sqlitePath,
      dataDir: config.dataDir,
      file,
      keyFromEnvironment: Boolean(config.secretKey),
      now: Date.now(),
    });
    const stored = manifest.files.filter((f) => /^(attachments|mail)\//.test(f.path)).length;
    out.info(
      `backup written to ${file}: the database (${manifest.chainHeads.streams} streams, audit trail at #${manifest.chainHeads.auditSeq}), ` +
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

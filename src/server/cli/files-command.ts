// `stopline files migrate --to database|s3`: moves the files kept in the data folder
// (attachments/, mail/) into the store STOPLINE_FILE_STORE names, so every instance serves them.
// Each file is copied, read back through the store and its original removed only when the copy's
// SHA-256 matches; run again, it moves what is left (idempotent).
import type { Config } from '../config.ts';
import { systemClock } from '../clock.ts';
import { createFileStore, moveDataFolderFiles, s3SettingsOf } from '../db/file-store.ts';
import { openMigratedDatabase } from './open-database.ts';
import type { Output } from './output.ts';

export const FILES_USAGE = 'Usage: stopline files migrate --to database|s3';

export async function filesCommand(config: Config, args: string[], out: Output): Promise<number> {
  const [sub, flag, to, ...extra] = args;
  if (sub !== 'migrate' || flag !== '--to' || (to !== 'database' && to !== 's3') || extra.length) {
    out.error(FILES_USAGE);
    return 2;
  }
  if (config.fileStore !== to) {
    out.error(
      `stopline files: STOPLINE_FILE_STORE is ${config.fileStore}, so the servers would not read ` +
        `files moved to ${to}: set STOPLINE_FILE_STORE=${to} (for the servers too) and run it again`,
    );
    return 2;
  }
  const handle = await openMigratedDatabase(config);
  try {
    const store = createFileStore(to, {
      db: handle.db,
      clock: systemClock,
      dataDir: config.dataDir,
      s3: s3SettingsOf(config),
    });
    const moves = await moveDataFolderFiles(store, config.dataDir);
    const failed = moves.filter((m) => m.outcome === 'failed');
    for (const m of failed) out.error(`${m.key}: not moved: ${m.problem}`);
    const moved = moves.filter((m) => m.outcome === 'moved').length;
    const already = moves.filter((m) => m.outcome === 'already').length;
    out.info(
      `moved ${moved} file(s) from ${config.dataDir} into ${to === 's3' ? `the S3 bucket ${config.s3Bucket}` : 'the database'}` +
        (already ? `; ${already} were there already` : '') +
        (failed.length ? `; ${failed.length} left in place (above)` : '') +
        '; each original was removed only after its copy was read back and its SHA-256 matched',
    );
    return failed.length ? 1 : 0;
  } finally {
    await handle.close();
  }
}

// `stopline anchor [FILE]`: every chain head now, signed with the server key (db/chain-anchor.ts),
// written to FILE (never over one that exists) or to stdout. Keep anchors where the database's
// administrators cannot change them; `stopline verify --anchor FILE` checks a database against one.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config.ts';
import { makeAnchor } from '../db/chain-anchor.ts';
import { writePrivateFileSync } from '../private-files.ts';
import { findSecretKey } from '../secret-key.ts';
import { openMigratedDatabase } from './open-database.ts';
import type { Output } from './output.ts';

export const ANCHOR_USAGE = 'Usage: stopline anchor [FILE]   (no FILE: the anchor on stdout)';

export async function anchorCommand(config: Config, args: string[], out: Output): Promise<number> {
  if (args.length > 1 || args[0]?.startsWith('-')) {
    out.error(ANCHOR_USAGE);
    return 2;
  }
  const file = args[0] === undefined ? null : resolve(args[0]);
  if (file && existsSync(file)) {
    out.error(`stopline anchor: ${file} exists; name a new file`);
    return 1;
  }
  const key = findSecretKey(config);
  if (!key) {
    out.error(
      'stopline anchor: no server key (STOPLINE_SECRET_KEY, or secret.key in the data folder) to sign with',
    );
    return 2;
  }
  const handle = await openMigratedDatabase(config);
  try {
    const anchor = await makeAnchor(handle.db, key, Date.now());
    const text = JSON.stringify(anchor, null, 2) + '\n';
    if (!file) {
      out.info(text.trimEnd());
      return 0;
    }
    writePrivateFileSync(file, text);
    out.info(
      `anchor written to ${file}: ${anchor.streams.length} stream heads and the audit trail at #${anchor.audit.seq}, signed with the server key`,
    );
    return 0;
  } finally {
    await handle.close();
  }
}

// The key that seals stored secrets: STOPLINE_SECRET_KEY when set (required to be the same on
// every instance sharing a database), else 32 random bytes kept in $STOPLINE_DATA_DIR/secret.key,
// created on first start, readable by this user only.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Config } from './config.ts';
import { ensurePrivateFolderSync, writePrivateFileSync } from './private-files.ts';

export const SECRET_KEY_FILE = 'secret.key';

export function loadSecretKey(config: Pick<Config, 'secretKey' | 'dataDir'>): string | Buffer {
  if (config.secretKey) return config.secretKey;
  const path = join(config.dataDir, SECRET_KEY_FILE);
  if (!existsSync(path)) {
    ensurePrivateFolderSync(config.dataDir);
    // 'wx': never overwrite a key another process has just written.
    try {
      writePrivateFileSync(path, randomBytes(32));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return readFileSync(path);
}

/**
 * The server key without creating one: STOPLINE_SECRET_KEY, or the key file when it exists; null
 * when there is neither (a command that only checks must not make a new key).
 */
export function findSecretKey(
  config: Pick<Config, 'secretKey' | 'dataDir'>,
): string | Buffer | null {
  if (config.secretKey) return config.secretKey;
  const path = join(config.dataDir, SECRET_KEY_FILE);
  return existsSync(path) ? readFileSync(path) : null;
}

/**
 * A check value of the server key: an HMAC under a key derived from it, so a backup can say which
 * key its secrets were sealed with and a restore can tell a wrong one, without holding the key.
 */
export function keyCheckValue(key: string | Buffer): string {
  const derived = Buffer.from(hkdfSync('sha256', key, 'stopline', 'stopline key check v1', 32));
  return createHmac('sha256', derived).update('stopline key check').digest('hex');
}

// Secrets Stopline must read back (TOTP seeds cannot be hashed: codes are computed from them) are
// stored sealed with AES-256-GCM under a key that never enters the database, so a copy of the
// database alone does not give away anyone's second factor.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../../errors.ts';

const PREFIX = 'v1.';
const CONTEXT = 'stopline stored secret v1';

export interface SecretBox {
  seal(plain: string): string;
  /** Opens a sealed value; a value stored before sealing existed is returned as it is. */
  open(stored: string): string;
}

/** `keyMaterial`: the configured key text, or the 32 random bytes of the key file. */
export function createSecretBox(keyMaterial: string | Buffer): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', keyMaterial, 'stopline', CONTEXT, 32));
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(CONTEXT));
      const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${PREFIX}${[iv, cipher.getAuthTag(), sealed].map((b) => b.toString('base64url')).join('.')}`;
    },
    open(stored) {
      if (!stored.startsWith(PREFIX)) return stored;
      const [iv, tag, sealed] = stored
        .slice(PREFIX.length)
        .split('.')
        .map((part) => Buffer.from(part, 'base64url'));
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv!);
        decipher.setAAD(Buffer.from(CONTEXT));
        decipher.setAuthTag(tag!);
        return Buffer.concat([decipher.update(sealed!), decipher.final()]).toString('utf8');
      } catch {
        throw new AppError(
          'INTERNAL',
          'A stored secret cannot be opened: STOPLINE_SECRET_KEY (or data/secret.key) is not the key it was sealed with',
        );
      }
    },
  };
}

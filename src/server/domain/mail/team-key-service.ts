// The team's OpenPGP key for security@: made on first need when e-mail intake is on (or imported
// with `stopline mail-key import`), its private half sealed with the server key before it is
// stored, its public half published (WKD, security.txt). Reporters encrypt to it; inbound mail is
// decrypted with it (and with older team keys, which stay to open what was sent to them).
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { insertTeamKey, listTeamKeys, type TeamKeyRecord } from './key-repository.ts';
import { keyNamesAddress, wkdHash } from './key-rules.ts';
import type { MailPgp } from './pgp-content.ts';

/** Seals what must be read back (the server key's secret box, as for TOTP secrets). */
export interface MailSealer {
  seal(plain: string): string;
  open(stored: string): string;
}

export interface TeamKeyDeps {
  db: Db;
  clock: Clock;
  pgp: MailPgp;
  sealer: MailSealer;
  /** The security address (STOPLINE_SECURITY_EMAIL); no address, no key. */
  address: string | null;
}

/** The key made when none was imported: one id, so instances starting together make one. */
const GENERATED_ID = 'generated';

export function createTeamKeyService({ db, clock, pgp, sealer, address }: TeamKeyDeps) {
  async function teamKeys(): Promise<TeamKeyRecord[]> {
    if (!address) return [];
    const keys = await listTeamKeys(db);
    if (keys.length > 0) return keys;
    const made = await pgp.generateKey(address);
    await insertTeamKey(db, {
      id: GENERATED_ID,
      fingerprint: made.fingerprint,
      publicKey: made.publicKey,
      privateKeySealed: sealer.seal(made.privateKey),
      origin: 'generated',
      createdAt: clock.now(),
    });
    // Another instance may have made its own at the same moment: the stored one wins.
    return listTeamKeys(db);
  }

  return {
    /** The team's public key (armored) and fingerprint, made on first need; null without intake. */
    async findPublishedKey(): Promise<{ fingerprint: string; publicKey: string } | null> {
      const [current] = await teamKeys();
      return current ? { fingerprint: current.fingerprint, publicKey: current.publicKey } : null;
    },

    /** The binary key for a WKD lookup of the security address's hash; null for any other. */
    async findWkdKey(hash: string): Promise<Buffer | null> {
      if (!address || hash.toLowerCase() !== wkdHash(address)) return null;
      const [current] = await teamKeys();
      return current ? pgp.binaryKey(current.publicKey) : null;
    },

    /** Every team private key (armored, opened), newest first: inbound mail is decrypted with them. */
    async openPrivateKeys(): Promise<string[]> {
      return (await teamKeys()).map((k) => sealer.open(k.privateKeySealed));
    },

    /**
     * Imports the team's key pair (armored private key, unlocked with the passphrase if locked): it
     * must name the security address and be able to encrypt. It becomes the published key.
     */
    async importTeamKey(
      armoredPrivateKey: string,
      passphrase?: string,
    ): Promise<{ fingerprint: string }> {
      if (!address)
        throw new AppError(
          'RULE_REFUSED',
          'STOPLINE_SECURITY_EMAIL is not set: there is no address to hold a key for',
        );
      let key: Awaited<ReturnType<MailPgp['importKey']>>;
      try {
        key = await pgp.importKey(armoredPrivateKey, passphrase);
      } catch (error) {
        throw new AppError('VALIDATION', (error as Error).message);
      }
      if (!keyNamesAddress(key.userIds, address))
        throw new AppError(
          'VALIDATION',
          `the key's user IDs (${key.userIds.join(', ') || 'none'}) do not name ${address}`,
        );
      await insertTeamKey(db, {
        id: `imported-${key.fingerprint}`,
        fingerprint: key.fingerprint,
        publicKey: key.publicKey,
        privateKeySealed: sealer.seal(key.privateKey),
        origin: 'imported',
        createdAt: clock.now(),
      });
      return { fingerprint: key.fingerprint };
    },
  };
}

export type TeamKeyService = ReturnType<typeof createTeamKeyService>;

// A reporter's OpenPGP public key given with the report form (its OpenPGP field): kept for the
// reporter's address when it is a usable public key that names the address and no key is kept
// for it yet, so what Stopline mails them (notices, replies) is encrypted to it. Built before the
// reports subject, which calls it in the transaction that files the report.
import type { Executor } from '../../db/schema.ts';
import { keepSenderKeyIfNone } from './key-repository.ts';
import { keyNamesAddress } from './key-rules.ts';
import type { MailPgp } from './pgp-content.ts';

export function createReporterKeys(deps: { pgp: Pick<MailPgp, 'keyFacts'> }) {
  return {
    /**
     * Keeps `armoredKey` for `address` when it is a public key able to encrypt whose user IDs
     * name the address and none is kept yet: 'kept'; 'unusable' when it is not such a key;
     * 'already' when a key is kept (the first stays: a form anyone can fill in cannot swap it).
     */
    async keepReporterKey(
      tx: Executor,
      address: string,
      armoredKey: string,
      at: number,
    ): Promise<'kept' | 'unusable' | 'already'> {
      const facts = await deps.pgp.keyFacts(armoredKey.trim());
      if (!facts || !keyNamesAddress(facts.userIds, address)) return 'unusable';
      const kept = await keepSenderKeyIfNone(tx, {
        address,
        fingerprint: facts.fingerprint,
        publicKey: armoredKey.trim(),
        at,
      });
      return kept ? 'kept' : 'already';
    },
  };
}

export type ReporterKeys = ReturnType<typeof createReporterKeys>;

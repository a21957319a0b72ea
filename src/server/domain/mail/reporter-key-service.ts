// A reporter's OpenPGP public key given with the report form (its OpenPGP field): kept for the
// reporter's address when it is a usable public key that names the address and no key is kept
// for it yet, so what Stopline mails them (notices, replies) is encrypted to it. Built before the
// reports subject, which calls it in the transaction that files the report.
import type { Executor } from '../../db/schema.ts';
import { findSenderKey, keepSenderKeyIfNone } from './key-repository.ts';
import { keyNamesAddress } from './key-rules.ts';
import type { MailPgp } from './pgp-content.ts';

/** Why a key offered in the portal is not kept, in words for the reporter. */
const KEY_PROBLEMS = {
  unreadable:
    'This is not an OpenPGP public key we can read: paste the whole armoured block, from -----BEGIN PGP PUBLIC KEY BLOCK----- to its END line',
  private:
    'This is a private key: it was not kept. Never share it; paste your public key instead (gpg --armor --export you@example.org)',
  'cannot-encrypt': 'This key cannot encrypt (it has no usable encryption subkey, or it expired)',
} as const;

export function createReporterKeys(deps: { pgp: Pick<MailPgp, 'keyFacts' | 'inspectKey'> }) {
  return {
    /**
     * Keeps the key a reporter gives in the portal for their report's address: a public key able
     * to encrypt, naming the address, when no other key is kept for it (a form anyone can fill in
     * with anyone's address cannot swap a kept key). A private key is refused and never kept.
     * Answers the fingerprint, or why it was not kept (words for the reporter).
     */
    async keepPortalKey(
      tx: Executor,
      address: string,
      armoredKey: string,
      at: number,
    ): Promise<{ fingerprint: string; already: boolean } | { problem: string }> {
      const facts = await deps.pgp.inspectKey(armoredKey.trim());
      if (typeof facts !== 'object') return { problem: KEY_PROBLEMS[facts] };
      if (!keyNamesAddress(facts.userIds, address))
        return { problem: `This key does not name your address ${address} in its user IDs` };
      const kept = await findSenderKey(tx, address);
      if (kept && kept.fingerprint !== facts.fingerprint)
        return {
          problem:
            'Another key is already kept for your address; write to us in the conversation to change it',
        };
      if (!kept)
        await keepSenderKeyIfNone(tx, {
          address,
          fingerprint: facts.fingerprint,
          publicKey: armoredKey.trim(),
          at,
        });
      return { fingerprint: facts.fingerprint, already: Boolean(kept) };
    },
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

// OpenPGP (openpgp.js) behind the mail subject's MailPgp port: the team's key pair made or read,
// messages decrypted and signatures verified against the keys given, and text encrypted to a
// reporter's key. Keys travel armored; nothing here stores anything.
import * as openpgp from 'openpgp';
import type { MailPgp, PgpKeyFacts, SignatureVerdict } from '../domain/mail/index.ts';

/** A key openpgp.js refuses or a message it cannot decrypt, in a few safe words. */
const describe = (error: unknown): string => {
  const message = error instanceof Error ? error.message : 'unknown error';
  return message.replace(/[^\x20-\x7e]+/g, ' ').slice(0, 160);
};

async function readPublicKeys(armored: readonly string[]): Promise<openpgp.Key[]> {
  const keys: openpgp.Key[] = [];
  for (const text of armored) {
    try {
      keys.push(...(await openpgp.readKeys({ armoredKeys: text })));
    } catch {
      // A stored or attached key openpgp.js no longer reads verifies nothing.
    }
  }
  return keys;
}

/** Each signature's verdict, the first valid one winning: valid, bad, or made by a key we lack. */
type VerificationResult = Awaited<ReturnType<typeof openpgp.verify>>['signatures'][number];

async function verdictOf(
  signatures: VerificationResult[],
  keys: openpgp.Key[],
): Promise<SignatureVerdict | null> {
  let verdict: SignatureVerdict | null = null;
  for (const signature of signatures) {
    const key = keys.find((k) => k.getKeyIDs().some((id) => id.equals(signature.keyID)));
    if (!key) {
      verdict ??= { result: 'unknown-key', fingerprint: null, keyId: signature.keyID.toHex() };
      continue;
    }
    try {
      await signature.verified;
      return { result: 'valid', fingerprint: key.getFingerprint(), keyId: signature.keyID.toHex() };
    } catch {
      verdict = {
        result: 'bad',
        fingerprint: key.getFingerprint(),
        keyId: signature.keyID.toHex(),
      };
    }
  }
  return verdict;
}

/** What an offered key is: a public key able to encrypt (its facts), or why it is not one. */
async function inspectKey(
  armored: string,
): Promise<PgpKeyFacts | 'unreadable' | 'private' | 'cannot-encrypt'> {
  let key: openpgp.Key;
  try {
    key = await openpgp.readKey({ armoredKey: armored });
  } catch {
    return 'unreadable';
  }
  if (key.isPrivate()) return 'private';
  try {
    await key.getEncryptionKey();
  } catch {
    return 'cannot-encrypt';
  }
  return { fingerprint: key.getFingerprint(), userIds: key.getUserIDs() };
}

async function readMessageOf(data: Buffer | string): Promise<openpgp.Message<Uint8Array | string>> {
  const text = typeof data === 'string' ? data : data.toString('latin1');
  return text.includes('-----BEGIN PGP MESSAGE-----')
    ? openpgp.readMessage({ armoredMessage: text })
    : openpgp.readMessage({ binaryMessage: new Uint8Array(data as Buffer) });
}

export function createOpenPgp(): MailPgp {
  return {
    async generateKey(address) {
      const pair = await openpgp.generateKey({
        userIDs: [{ name: 'Security team', email: address }],
        format: 'armored',
      });
      const key = await openpgp.readKey({ armoredKey: pair.publicKey });
      return {
        publicKey: pair.publicKey,
        privateKey: pair.privateKey,
        fingerprint: key.getFingerprint(),
      };
    },

    async importKey(armoredPrivateKey, passphrase) {
      let key: openpgp.PrivateKey;
      try {
        key = await openpgp.readPrivateKey({ armoredKey: armoredPrivateKey });
        if (!key.isDecrypted()) {
          if (!passphrase) throw new Error('the key is locked and no passphrase was given');
          key = await openpgp.decryptKey({ privateKey: key, passphrase });
        }
        await key.getEncryptionKey();
      } catch (error) {
        throw new Error(`not a usable OpenPGP private key: ${describe(error)}`);
      }
      return {
        publicKey: key.toPublic().armor(),
        privateKey: key.armor(),
        fingerprint: key.getFingerprint(),
        userIds: key.getUserIDs(),
      };
    },

    async keyFacts(armored): Promise<PgpKeyFacts | null> {
      const facts = await inspectKey(armored);
      return typeof facts === 'object' ? facts : null;
    },

    inspectKey,

    async armoredPublicKey(binary) {
      try {
        const key = await openpgp.readKey({ binaryKey: new Uint8Array(binary) });
        return key.isPrivate() ? null : key.armor();
      } catch {
        return null;
      }
    },

    async binaryKey(armored) {
      const key = await openpgp.readKey({ armoredKey: armored });
      return Buffer.from(key.toPublic().write());
    },

    async decrypt(data, privateKeys, verificationKeys) {
      const decryptionKeys = await Promise.all(
        privateKeys.map((armoredKey) => openpgp.readPrivateKey({ armoredKey })),
      );
      const keys = await readPublicKeys(verificationKeys);
      const message = await readMessageOf(data);
      const result = await openpgp.decrypt({
        message,
        decryptionKeys,
        ...(keys.length > 0 ? { verificationKeys: keys } : {}),
        format: 'binary',
      });
      return {
        data: Buffer.from(result.data),
        signature: await verdictOf(result.signatures, keys),
      };
    },

    async verifyDetached(data, signature, verificationKeys) {
      const keys = await readPublicKeys(verificationKeys);
      try {
        const result = await openpgp.verify({
          message: await openpgp.createMessage({ binary: new Uint8Array(data) }),
          signature: await openpgp.readSignature({ armoredSignature: signature }),
          verificationKeys: keys,
        });
        return (await verdictOf(result.signatures, keys)) ?? null;
      } catch {
        return { result: 'bad', fingerprint: null, keyId: null };
      }
    },

    async verifyCleartext(text, verificationKeys) {
      const keys = await readPublicKeys(verificationKeys);
      try {
        const message = await openpgp.readCleartextMessage({ cleartextMessage: text });
        const result = await openpgp.verify({ message, verificationKeys: keys });
        return { text: result.data, signature: await verdictOf(result.signatures, keys) };
      } catch {
        return null;
      }
    },

    async encrypt(data, publicKey) {
      const encryptionKeys = await openpgp.readKey({ armoredKey: publicKey });
      return openpgp.encrypt({
        message: await openpgp.createMessage({ binary: new Uint8Array(data) }),
        encryptionKeys,
      });
    },
  };
}

// What an OpenPGP message says once opened: PGP/MIME (RFC 3156) encrypted messages are decrypted
// with the team's keys and their plaintext read again as MIME; multipart/signed, inline-armoured
// bodies, cleartext signatures and encrypted attachments are handled too. Signatures are verified
// against the key kept for the sender and any key the message brings that names the sender, and
// the verdict (valid, unknown key, bad) is recorded with the fingerprint. The raw message always
// stays as received; a message that cannot be decrypted keeps its ciphertext and is flagged.
import type { ParsedMail } from 'mailparser';
import { keyNamesAddress } from './key-rules.ts';
import type { MailPgpVerdict, SignatureVerdict } from './message-events.ts';

export type { MailPgpVerdict, SignatureVerdict };

export interface PgpKeyFacts {
  fingerprint: string;
  userIds: string[];
}

/** OpenPGP, as the mail subject needs it (openpgp.js in integrations/openpgp.ts). */
export interface MailPgp {
  generateKey(
    address: string,
  ): Promise<{ publicKey: string; privateKey: string; fingerprint: string }>;
  /** Reads an armored private key (unlocked with the passphrase if locked); throws if unusable. */
  importKey(
    armoredPrivateKey: string,
    passphrase?: string,
  ): Promise<{ publicKey: string; privateKey: string; fingerprint: string; userIds: string[] }>;
  /** A public key that can encrypt: its fingerprint and user IDs; null when it is none. */
  keyFacts(armoredPublicKey: string): Promise<PgpKeyFacts | null>;
  /** What an offered key is: a public key able to encrypt (its facts), or why it is not one. */
  inspectKey(armored: string): Promise<PgpKeyFacts | 'unreadable' | 'private' | 'cannot-encrypt'>;
  binaryKey(armoredPublicKey: string): Promise<Buffer>;
  /** The armored public key of a binary one (Autocrypt's keydata); null when it is not one. */
  armoredPublicKey(binaryKey: Buffer): Promise<string | null>;
  /** Decrypts an armored or binary message; throws when none of the keys opens it. */
  decrypt(
    data: Buffer | string,
    privateKeys: string[],
    verificationKeys: string[],
  ): Promise<{ data: Buffer; signature: SignatureVerdict | null }>;
  verifyDetached(
    data: Buffer,
    signature: string,
    verificationKeys: string[],
  ): Promise<SignatureVerdict | null>;
  verifyCleartext(
    text: string,
    verificationKeys: string[],
  ): Promise<{ text: string; signature: SignatureVerdict | null } | null>;
  /** Encrypts to one public key; answers the armored message. */
  encrypt(data: Buffer, publicKey: string): Promise<string>;
}

export interface MailFile {
  filename: string | undefined;
  contentType: string;
  content: Buffer;
}

export interface OpenedMail {
  text: string | null;
  files: MailFile[];
  /** The subject inside an encrypted part (protected headers), when it has one. */
  innerSubject: string | null;
  /** null: no OpenPGP in the message. */
  verdict: MailPgpVerdict | null;
  /** A key the message brought that names its sender, to keep when none is kept yet. */
  newSenderKey: { fingerprint: string; publicKey: string } | null;
}

export interface OpenContext {
  pgp: MailPgp;
  privateKeys: () => Promise<string[]>;
  keptKey: { fingerprint: string; publicKey: string } | undefined;
  fromAddress: string | null;
  parse: (bytes: Buffer) => Promise<ParsedMail>;
}

const ARMORED_MESSAGE = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/;
const CLEARTEXT_SIGNED =
  /-----BEGIN PGP SIGNED MESSAGE-----[\s\S]*?-----BEGIN PGP SIGNATURE-----[\s\S]*?-----END PGP SIGNATURE-----/;
const PUBLIC_KEY_BLOCK = '-----BEGIN PGP PUBLIC KEY BLOCK-----';
const KEY_MAX_BYTES = 64 * 1024;

const fileOf = (a: ParsedMail['attachments'][number]): MailFile => ({
  filename: a.filename,
  contentType: a.contentType,
  content: a.content,
});

const contentTypeOf = (parsed: ParsedMail): { value: string; params: Record<string, string> } => {
  const value = parsed.headers.get('content-type');
  if (value && typeof value === 'object' && 'value' in value && typeof value.value === 'string')
    return {
      value: value.value.toLowerCase(),
      params: 'params' in value ? (value.params as Record<string, string>) : {},
    };
  return { value: 'text/plain', params: {} };
};

const describe = (error: unknown) =>
  (error instanceof Error ? error.message : 'unknown error')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .slice(0, 160);

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The signed part (its exact bytes, line ends made CRLF as RFC 3156 signs them) and the armored
 * signature of a multipart/signed message; null when the message is not one.
 */
export function signedParts(raw: Buffer): { signed: Buffer; signature: string } | null {
  const text = raw.toString('latin1');
  const split = /\r?\n\r?\n/.exec(text);
  if (!split) return null;
  const headers = text.slice(0, split.index).replace(/\r?\n[ \t]+/g, ' ');
  const type = /^content-type:[ \t]*(.*)$/im.exec(headers)?.[1] ?? '';
  if (!/^multipart\/signed\b/i.test(type) || !/application\/pgp-signature/i.test(type)) return null;
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(type);
  const b = boundary?.[1] ?? boundary?.[2];
  if (!b) return null;
  const body = text.slice(split.index + split[0].length);
  const delimiter = new RegExp(`(?:^|\\r?\\n)--${escapeRegExp(b)}(?:--)?[ \\t]*(?:\\r?\\n|$)`, 'g');
  const marks = [...body.matchAll(delimiter)];
  if (marks.length < 3) return null;
  const [first, second, third] = marks as [RegExpExecArray, RegExpExecArray, RegExpExecArray];
  const signed = body.slice(first.index + first[0].length, second.index).replace(/\r?\n/g, '\r\n');
  const signaturePart = body.slice(second.index + second[0].length, third.index);
  const signature = /-----BEGIN PGP SIGNATURE-----[\s\S]*?-----END PGP SIGNATURE-----/.exec(
    signaturePart,
  )?.[0];
  return signature ? { signed: Buffer.from(signed, 'latin1'), signature } : null;
}

const looksEncrypted = (file: MailFile) =>
  /\.(pgp|gpg|asc)$/i.test(file.filename ?? '') &&
  (file.content.subarray(0, 64).toString('latin1').includes('-----BEGIN PGP MESSAGE-----') ||
    (file.content.length > 0 && (file.content[0]! & 0x80) !== 0));

/** Opens a parsed message's OpenPGP, if any. Never throws for what the message holds. */
export async function openPgpContent(
  parsed: ParsedMail,
  raw: Buffer,
  ctx: OpenContext,
): Promise<OpenedMail> {
  let text = parsed.text ?? null;
  let files = parsed.attachments.map(fileOf);
  let innerSubject: string | null = null;
  let encrypted: MailPgpVerdict['encrypted'] = null;
  let decrypted: boolean | null = null;
  let problem: string | null = null;
  let signature: SignatureVerdict | null = null;

  // Keys the message brings that name its sender (as an attachment, or inside the encrypted part).
  const offered: { fingerprint: string; publicKey: string }[] = [];
  const collectKeys = async (candidates: MailFile[]) => {
    for (const file of candidates) {
      if (file.content.length > KEY_MAX_BYTES) continue;
      const armored = file.content.toString('utf8');
      if (file.contentType !== 'application/pgp-keys' && !armored.includes(PUBLIC_KEY_BLOCK))
        continue;
      const facts = await ctx.pgp.keyFacts(armored);
      if (facts && ctx.fromAddress && keyNamesAddress(facts.userIds, ctx.fromAddress))
        offered.push({ fingerprint: facts.fingerprint, publicKey: armored });
    }
  };
  const verificationKeys = () => [
    ...(ctx.keptKey ? [ctx.keptKey.publicKey] : []),
    ...offered.map((k) => k.publicKey),
  ];
  await collectKeys(files);

  const type = contentTypeOf(parsed);
  const decryptWith = async (data: Buffer | string) => {
    const keys = await ctx.privateKeys();
    if (keys.length === 0) throw new Error('there is no team key to decrypt with');
    return ctx.pgp.decrypt(data, keys, verificationKeys());
  };

  if (type.value === 'multipart/encrypted') {
    encrypted = 'pgp-mime';
    const ciphertext = files.find((f) => f.contentType !== 'application/pgp-encrypted');
    try {
      if (!ciphertext) throw new Error('the encrypted part is missing');
      let opened = await decryptWith(ciphertext.content);
      const inner = await ctx.parse(opened.data);
      const before = offered.length;
      await collectKeys(inner.attachments.map(fileOf));
      // A key that came inside the encrypted part can verify the signature made with it.
      if (opened.signature?.result === 'unknown-key' && offered.length > before)
        opened = await decryptWith(ciphertext.content);
      decrypted = true;
      signature = opened.signature;
      const innerSigned = signedParts(opened.data);
      if (innerSigned && !signature)
        signature = await ctx.pgp.verifyDetached(
          innerSigned.signed,
          innerSigned.signature,
          verificationKeys(),
        );
      text = inner.text ?? null;
      files = inner.attachments
        .filter((a) => a.contentType !== 'application/pgp-signature')
        .map(fileOf);
      innerSubject = inner.subject ?? null;
    } catch (error) {
      decrypted = false;
      problem = `the encrypted message could not be decrypted (${describe(error)})`;
    }
  } else if (type.value === 'multipart/signed') {
    const parts = signedParts(raw);
    signature = parts
      ? await ctx.pgp.verifyDetached(parts.signed, parts.signature, verificationKeys())
      : { result: 'bad', fingerprint: null, keyId: null };
    files = files.filter((f) => f.contentType !== 'application/pgp-signature');
  } else if (text) {
    const block = ARMORED_MESSAGE.exec(text);
    const cleartext = CLEARTEXT_SIGNED.exec(text);
    if (block) {
      encrypted = 'inline';
      try {
        const opened = await decryptWith(block[0]);
        decrypted = true;
        signature = opened.signature;
        text = text.replace(block[0], () => opened.data.toString('utf8'));
      } catch (error) {
        decrypted = false;
        problem = `the encrypted text could not be decrypted (${describe(error)})`;
      }
    } else if (cleartext) {
      const verified = await ctx.pgp.verifyCleartext(cleartext[0], verificationKeys());
      if (verified) {
        signature = verified.signature;
        text = text.replace(cleartext[0], () => verified.text);
      } else signature = { result: 'bad', fingerprint: null, keyId: null };
    }
  }

  // Encrypted attachments (report.txt.pgp) are replaced by their plaintext when they open.
  if (files.some(looksEncrypted)) {
    encrypted ??= 'attachment';
    const openedFiles: MailFile[] = [];
    for (const file of files) {
      if (!looksEncrypted(file)) {
        openedFiles.push(file);
        continue;
      }
      try {
        const opened = await decryptWith(file.content);
        decrypted ??= true;
        signature ??= opened.signature;
        openedFiles.push({
          filename: (file.filename ?? 'attachment').replace(/\.(pgp|gpg|asc)$/i, ''),
          contentType: 'application/octet-stream',
          content: opened.data,
        });
      } catch (error) {
        decrypted = false;
        problem ??= `${file.filename ?? 'an attachment'} could not be decrypted (${describe(error)})`;
        openedFiles.push(file);
      }
    }
    files = openedFiles;
  }

  const hasPgp = encrypted !== null || signature !== null;
  const keyFrom = (fingerprint: string | null) =>
    fingerprint === null ? null : fingerprint === ctx.keptKey?.fingerprint ? 'kept' : 'message';
  return {
    text,
    files,
    innerSubject,
    verdict: hasPgp
      ? {
          encrypted,
          decrypted,
          problem,
          signature: signature ? { ...signature, keyFrom: keyFrom(signature.fingerprint) } : null,
        }
      : null,
    newSenderKey: ctx.keptKey ? null : (offered[0] ?? null),
  };
}

// OpenPGP mail for tests: reporters' keys generated here (openpgp.js), and messages built as mail
// clients build them: PGP/MIME encrypted (RFC 3156, signed inside), multipart/signed, inline.
import * as openpgp from 'openpgp';
import MimeNode from 'nodemailer/lib/mime-node/index.js';

export interface TestKey {
  publicKey: openpgp.Key;
  privateKey: openpgp.PrivateKey;
  armoredPublic: string;
  fingerprint: string;
}

export async function generateTestKey(email: string): Promise<TestKey> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    userIDs: [{ name: 'Reporter', email }],
    format: 'object',
  });
  return {
    publicKey,
    privateKey,
    armoredPublic: publicKey.armor(),
    fingerprint: publicKey.getFingerprint(),
  };
}

export interface InnerPart {
  text: string;
  subject?: string;
  attachments?: { filename: string; contentType: string; content: string | Buffer }[];
}

/** The MIME entity that goes inside the encryption (what the reporter wrote). */
export async function innerEntity(part: InnerPart): Promise<Buffer> {
  const node = new MimeNode('multipart/mixed');
  if (part.subject) node.setHeader('Subject', part.subject);
  node.createChild('text/plain; charset=utf-8').setContent(part.text);
  for (const a of part.attachments ?? [])
    node
      .createChild(a.contentType, { filename: a.filename })
      .setHeader('Content-Disposition', `attachment; filename="${a.filename}"`)
      .setContent(a.content);
  return node.build();
}

const outer = (node: MimeNode, headers: Record<string, string>) => {
  node.setHeader(headers);
  return node;
};

/** multipart/encrypted: the inner entity encrypted to `to`, signed by `signer` when given. */
export async function pgpMimeMessage(
  headers: Record<string, string>,
  inner: Buffer,
  to: openpgp.Key,
  signer?: openpgp.PrivateKey,
): Promise<Buffer> {
  const ciphertext = await openpgp.encrypt({
    message: await openpgp.createMessage({ binary: new Uint8Array(inner) }),
    encryptionKeys: to,
    ...(signer ? { signingKeys: signer } : {}),
  });
  const root = outer(
    new MimeNode('multipart/encrypted; protocol="application/pgp-encrypted"'),
    headers,
  );
  root
    .createChild('application/pgp-encrypted')
    .setHeader('Content-Transfer-Encoding', '7bit')
    .setContent('Version: 1\r\n');
  root
    .createChild('application/octet-stream; name="encrypted.asc"')
    .setHeader({
      'Content-Disposition': 'inline; filename="encrypted.asc"',
      'Content-Transfer-Encoding': '7bit',
    })
    .setContent((ciphertext as string).replace(/\r?\n/g, '\r\n'));
  return root.build();
}

/** multipart/signed: a text part signed (detached) by `signer`, optionally changed afterwards. */
export async function pgpSignedMessage(
  headers: Record<string, string>,
  text: string,
  signer: openpgp.PrivateKey,
  tamper?: (signedPart: string) => string,
): Promise<Buffer> {
  const part = `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n${text.replace(/\r?\n/g, '\r\n')}\r\n`;
  const signature = await openpgp.sign({
    message: await openpgp.createMessage({ binary: new TextEncoder().encode(part) }),
    signingKeys: signer,
    detached: true,
  });
  const boundary = 'signed-boundary-1';
  const head = Object.entries({
    ...headers,
    'MIME-Version': '1.0',
    'Content-Type': `multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"; boundary="${boundary}"`,
  })
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n');
  const body = [
    `--${boundary}`,
    tamper ? tamper(part) : part,
    `--${boundary}`,
    'Content-Type: application/pgp-signature; name="signature.asc"',
    '',
    signature as string,
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return Buffer.from(`${head}\r\n\r\n${body}`);
}

/** An armored message encrypted to `to` (inline PGP in a plain-text body). */
export async function armoredFor(text: string, to: openpgp.Key): Promise<string> {
  return (await openpgp.encrypt({
    message: await openpgp.createMessage({ text }),
    encryptionKeys: to,
  })) as string;
}

/** Decrypts what Stopline sent (the armored part of its PGP/MIME mail) with the reporter's key. */
export async function decryptWith(armored: string, key: openpgp.PrivateKey): Promise<string> {
  const { data } = await openpgp.decrypt({
    message: await openpgp.readMessage({ armoredMessage: armored }),
    decryptionKeys: key,
  });
  return data as string;
}

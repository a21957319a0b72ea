// Pure decisions about OpenPGP keys on security@: the Web Key Directory name of an address (its
// local part, lower case, SHA-1, z-base-32), whether a key names an address, and whether a key a
// message brought may become its sender's key.
import { createHash } from 'node:crypto';

const ZBASE32 = 'ybndrfg8ejkmcpqxot1uwisza345h769';

/** z-base-32 (as WKD uses it): 5 bits a character, most significant first. */
export function zbase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ZBASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ZBASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** The WKD hash of an address's local part (draft-koch-openpgp-webkey-service, section 3.1). */
export function wkdHash(address: string): string {
  const local = address.slice(0, address.lastIndexOf('@')).toLowerCase();
  return zbase32(createHash('sha1').update(local, 'utf8').digest());
}

/** The domain of an address, lower case. */
export const domainOf = (address: string) =>
  address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/** Whether one of a key's user IDs (`Name <a@b>` or `a@b`) is this address (any case). */
export function keyNamesAddress(userIds: readonly string[], address: string): boolean {
  const wanted = address.toLowerCase();
  return userIds.some((id) => {
    const inner = /<([^<>]+)>/.exec(id)?.[1] ?? id;
    return inner.trim().toLowerCase() === wanted;
  });
}

/** An Autocrypt header (autocrypt.org, level 1): the address and the key it offers (base64). */
export interface AutocryptHeader {
  addr: string;
  keydata: string;
}

/**
 * Reads an `Autocrypt:` header value (`addr=…; [prefer-encrypt=mutual;] keydata=…`); null when
 * it is malformed or names a critical attribute it does not know (as the specification says).
 */
export function parseAutocrypt(value: string): AutocryptHeader | null {
  const attributes = new Map<string, string>();
  for (const part of value.split(';')) {
    const at = part.indexOf('=');
    if (at < 1) continue;
    const name = part.slice(0, at).trim().toLowerCase();
    if (attributes.has(name)) return null;
    attributes.set(name, part.slice(at + 1).trim());
  }
  const addr = attributes.get('addr');
  const keydata = attributes.get('keydata')?.replace(/\s+/g, '');
  if (!addr || !keydata || !/^[A-Za-z0-9+/]+={0,2}$/.test(keydata)) return null;
  const known = new Set(['addr', 'keydata', 'prefer-encrypt']);
  if ([...attributes.keys()].some((k) => !k.startsWith('_') && !known.has(k))) return null;
  return { addr: addr.trim(), keydata };
}

/**
 * What a key a message offers (Autocrypt) does to the one kept for its sender's address: never
 * anything from a sender shown forged; kept when none is; the same key changes nothing; another
 * key replaces the kept one only when the sender is proven by their domain (DMARC passes), so a
 * forged message can neither pin nor swap anyone's key.
 */
export function offeredKeyDecision(input: {
  keptFingerprint: string | null;
  offeredFingerprint: string;
  senderProven: boolean;
  senderForged: boolean;
}): 'keep' | 'replace' | 'none' {
  if (input.senderForged) return 'none';
  if (input.keptFingerprint === null) return 'keep';
  if (input.keptFingerprint === input.offeredFingerprint) return 'none';
  return input.senderProven ? 'replace' : 'none';
}

// Reporter access codes and portal session tokens: 256-bit random, stored only as SHA-256,
// compared in constant time. The portal's CSRF token is derived from the session token, so it
// needs no storage and dies with the session.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented secret with a stored SHA-256 hex digest. */
export function secretMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(presented), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function portalCsrfToken(sessionToken: string): string {
  return createHash('sha256')
    .update('stopline portal csrf\n')
    .update(sessionToken)
    .digest('base64url');
}

export function portalCsrfTokenMatches(sessionToken: string, presented: string): boolean {
  const expected = Buffer.from(portalCsrfToken(sessionToken));
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A hash of something that never matches: keeps the time of a miss like the time of a hit. */
export const NEVER_MATCHES = hashSecret('stopline: no such report');

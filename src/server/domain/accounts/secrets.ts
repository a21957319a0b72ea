// Random secrets (session ids, API tokens, one-time links, recovery codes) and their storage
// form: only the SHA-256 of a 256-bit secret is ever written to the database.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 bits, URL-safe, with a short prefix naming what it is (helps secret scanners). */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The CSRF token of a session: derived from its id, so nothing more is stored and it is never
 * guessable without the HttpOnly cookie. */
export function csrfTokenFor(sessionId: string): string {
  return createHash('sha256').update('stopline csrf\n').update(sessionId).digest('base64url');
}

/** Recovery codes people type: 16 characters (80 bits) in groups of four, e.g. "k3f9-q2mx-a7bc-d4ef". */
export function newRecoveryCode(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789'; // 32 symbols: no bias from the modulo
  const bytes = randomBytes(16);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]!);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/** Recovery codes are compared after dropping case, spaces and dashes. */
export function normaliseRecoveryCode(code: string): string {
  const plain = code.toLowerCase().replace(/[\s-]/g, '');
  return [0, 4, 8, 12].map((i) => plain.slice(i, i + 4)).join('-');
}

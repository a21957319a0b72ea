// What makes a password acceptable. Pure: the caller hashes only what these rules accept.
import { COMMON_PASSWORDS } from './common-passwords.ts';

export const PASSWORD_MIN_LENGTH = 12;
/** argon2 is slow on purpose; refuse megabyte "passwords" before hashing them. */
export const PASSWORD_MAX_LENGTH = 256;

/** Why a password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, email: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH)
    return `must be at least ${PASSWORD_MIN_LENGTH} characters long`;
  if (password.length > PASSWORD_MAX_LENGTH)
    return `must be at most ${PASSWORD_MAX_LENGTH} characters long`;
  const lower = password.toLowerCase();
  const address = email.toLowerCase();
  const localPart = address.split('@')[0] ?? '';
  if (lower === address || (localPart.length >= 4 && lower.includes(localPart)))
    return 'must not be or contain your email address';
  const stripped = lower.replace(/[\d\W_]+$/, '');
  if (COMMON_PASSWORDS.has(lower) || COMMON_PASSWORDS.has(stripped))
    return 'is one of the most common passwords; choose another';
  if (new Set(lower).size < 4) return 'must use more than a few different characters';
  return null;
}

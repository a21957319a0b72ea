// argon2id password hashes (the library's defaults: argon2id, 19 MiB, 2 passes, as OWASP
// recommends). Unknown accounts are checked against a dummy hash so timing does not tell.
import { hash, verify } from '@node-rs/argon2';

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

let dummyHash: Promise<string> | undefined;

/** False for a null hash too, after the same amount of work. */
export async function verifyPassword(
  passwordHash: string | null,
  password: string,
): Promise<boolean> {
  if (passwordHash === null) {
    dummyHash ??= hash('stopline: no such account');
    await verify(await dummyHash, password);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

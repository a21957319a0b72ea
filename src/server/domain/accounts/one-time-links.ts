// One-time links (first-run setup, set a password): a 256-bit secret in the URL fragment, so it
// never reaches a server log or a Referer header; only its hash is stored.
import { HOUR } from '../../clock.ts';
import type { Executor, OneTimeLinkPurpose } from '../../db/schema.ts';
import { insertLink, retireLinks } from './credential-repository.ts';
import { newSecret, sha256 } from './secrets.ts';

export interface LinkSettings {
  baseUrl: string;
  linkValidHours: number;
}

const PAGES: Record<OneTimeLinkPurpose, string> = {
  setup: '/setup',
  set_password: '/set-password',
};

export async function issueLink(
  tx: Executor,
  settings: LinkSettings,
  purpose: OneTimeLinkPurpose,
  userId: string | null,
  at: number,
): Promise<{ url: string; expiresAt: number }> {
  await retireLinks(tx, purpose, userId, at);
  const secret = newSecret('stl_link');
  const expiresAt = at + settings.linkValidHours * HOUR;
  await insertLink(tx, {
    token_hash: sha256(secret),
    purpose,
    user_id: userId,
    created_at: at,
    expires_at: expiresAt,
    used_at: null,
  });
  return { url: `${settings.baseUrl}${PAGES[purpose]}#token=${secret}`, expiresAt };
}

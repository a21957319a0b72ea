// How each tracker authenticates the webhook it sends, with the secret Stopline made for the
// connection (each compared in constant time):
// - GitHub: X-Hub-Signature-256 is "sha256=" and the hex HMAC-SHA256 of the body's exact bytes.
// - GitLab: X-Gitlab-Token is the webhook's secret token itself, sent as it is (GitLab signs
//   nothing; the token is checked before the body is read).
// - Jira Cloud (an admin webhook with a secret): X-Hub-Signature is "sha256=" and the hex
//   HMAC-SHA256 of the body, WebSub's method=signature form.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { TrackerKind } from '../../../shared/domain/trackers.ts';

/** The headers a tracker's webhook authenticates with, as the route read them. */
export interface WebhookCredentials {
  /** X-Hub-Signature-256 (GitHub) or X-Hub-Signature (Jira). */
  signature: string | undefined;
  /** X-Gitlab-Token. */
  token: string | undefined;
}

function hmacMatches(secret: string, body: Buffer, header: string | undefined) {
  const sent = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '')?.[1];
  if (!sent) return false;
  const mac = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(mac, Buffer.from(sent, 'hex'));
}

/** Equal texts, in a time that says nothing of where they differ nor of their lengths. */
function sameText(a: string, b: string) {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

export function webhookAuthentic(
  kind: TrackerKind,
  secret: string,
  body: Buffer,
  sent: WebhookCredentials,
): boolean {
  switch (kind) {
    case 'github':
    case 'jira':
      return hmacMatches(secret, body, sent.signature);
    case 'gitlab':
      return sent.token !== undefined && sameText(sent.token, secret);
    case 'webhook':
      return false;
  }
}

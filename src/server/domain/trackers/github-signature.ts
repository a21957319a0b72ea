// GitHub signs each webhook delivery with the repository webhook's secret: X-Hub-Signature-256 is
// "sha256=" and the hex HMAC-SHA256 of the body's exact bytes. Compared in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function githubSignatureMatches(secret: string, body: Buffer, header: string | undefined) {
  const sent = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '')?.[1];
  if (!sent) return false;
  const mac = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(mac, Buffer.from(sent, 'hex'));
}

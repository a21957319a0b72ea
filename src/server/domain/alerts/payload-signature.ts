// Keys and signatures of alert payloads: a source's key is looked up by its SHA-256, and a source
// with a signing secret must send the HMAC-SHA256 of the payload's exact bytes in its signature
// header, as hex, optionally prefixed "sha256=" (GitHub's form). When the header named
// `<header>-timestamp` is sent too (Grafana's timestamp header), the signed text is
// "<timestamp>:<body>".
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const sha256Hex = (value: string | Buffer) =>
  createHash('sha256').update(value).digest('hex');

export function signatureMatches(
  secret: string,
  raw: Buffer,
  sent: string | undefined,
  timestamp: string | undefined,
): boolean {
  if (!sent) return false;
  const hmac = createHmac('sha256', secret);
  if (timestamp) hmac.update(`${timestamp}:`);
  const expected = hmac.update(raw).digest();
  const hex = sent.trim().replace(/^sha256=/i, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}

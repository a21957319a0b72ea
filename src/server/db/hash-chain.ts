// The tamper-evident chain shared by the event log and the audit trail:
// hash = sha256(prev_hash || "\n" || canonical(record)), canonical per RFC 8785 (JCS).
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const GENESIS_HASH = '0'.repeat(64);

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be represented as JSON');
  return text;
}

export function chainHash(prevHash: string, record: Record<string, unknown>): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalJson(record))
    .digest('hex');
}

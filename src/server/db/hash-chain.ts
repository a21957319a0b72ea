// The tamper-evident chain shared by the event log and the audit trail:
// hash = sha256(prev_hash || "\n" || canonical(record)), canonical per RFC 8785 (JCS).
import { hash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const GENESIS_HASH = '0'.repeat(64);

/** RFC 8785 (JCS) text, by the canonicalize package. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be represented as JSON');
  return text;
}

export function chainHash(prevHash: string, record: Record<string, unknown>): string {
  return chainHashOfText(prevHash, canonicalJson(record));
}

/** chainHash of a record whose canonical text is already written (`canonicalText`). */
export function chainHashOfText(prevHash: string, canonicalText: string): string {
  return hash('sha256', `${prevHash}\n${canonicalText}`, 'hex');
}

// The tamper-evident chain shared by the event log and the audit trail:
// hash = sha256(prev_hash || "\n" || canonical(record)), canonical per RFC 8785 (JCS).
import { hash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * RFC 8785 (JCS): keys sorted by UTF-16 code units, strings and numbers as ECMAScript writes
 * them; NaN, infinities and lone surrogates refused. The same text as the canonicalize package
 * (test/canonical-json.test.ts compares them), without its character-by-character scan of
 * every string: an append canonicalizes each event's data and then its record, data included
 * (bench/README.md, "Event append").
 */
export function canonicalJson(value: unknown): string {
  const text = canonical(value, new Set());
  if (text === undefined) throw new TypeError('value cannot be represented as JSON');
  return text;
}

/** A string with a lone surrogate has no UTF-8 form, so no stable hash. */
const isWellFormed = (text: string) =>
  (text as string & { isWellFormed(): boolean }).isWellFormed();

function canonical(value: unknown, open: Set<object>): string | undefined {
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new Error(Number.isNaN(value) ? 'NaN is not allowed' : 'Infinity is not allowed');
  if (typeof value === 'string' && !isWellFormed(value))
    throw new Error('Lone surrogate is not allowed');
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (open.has(value)) throw new Error('Circular reference detected');
  open.add(value);
  let text: string | undefined;
  const json = (value as { toJSON?: unknown }).toJSON;
  if (typeof json === 'function') {
    text = canonical(json.call(value), open);
  } else if (Array.isArray(value)) {
    const items = value.map((item: unknown) =>
      canonical(item === undefined || typeof item === 'symbol' ? null : item, open),
    );
    text = `[${items.join(',')}]`;
  } else {
    const record = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const item = record[key];
      if (item === undefined || typeof item === 'symbol') continue;
      parts.push(`${canonical(key, open)}:${canonical(item, open)}`);
    }
    text = `{${parts.join(',')}}`;
  }
  open.delete(value);
  return text;
}

export function chainHash(prevHash: string, record: Record<string, unknown>): string {
  return hash('sha256', `${prevHash}\n${canonicalJson(record)}`, 'hex');
}

// The canonical JSON every hash of the event log, the audit trail and the ledger covers: RFC 8785
// text, the same as the canonicalize package wrote before (hashes already stored must verify).
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/server/db/hash-chain.ts';

/** A small deterministic generator (mulberry32), so a failing value can be found again. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHARS = ['a', 'Z', '"', '\\', '/', '\n', '\u0000', '\u001f', '\u007f', 'é', '€', '\u2028'];
const CHARS_ASTRAL = [...CHARS, '😀', '\u{10ffff}'];
const NUMBERS = [0, -0, 1, -1, 0.1 + 0.2, 1e21, 1e-7, 5e-324, 2 ** 53, 333333333.3333333, 4.5];

function anyValue(next: () => number, depth: number): unknown {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const text = () =>
    Array.from({ length: Math.floor(next() * 6) }, () => pick(CHARS_ASTRAL)).join('');
  switch (Math.floor(next() * (depth > 3 ? 4 : 7))) {
    case 0:
      return pick([null, true, false]);
    case 1:
      return pick(NUMBERS) * pick([1, -1, 1e10, 1e-10]);
    case 2:
    case 3:
      return text();
    case 4:
      return Array.from({ length: Math.floor(next() * 4) }, () =>
        pick([anyValue(next, depth + 1), undefined]),
      );
    case 5:
      return new Date(Math.floor(next() * 4e12));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(next() * 5) }, () => [
          text(),
          pick([anyValue(next, depth + 1), undefined]),
        ]),
      );
  }
}

describe('canonical JSON (RFC 8785)', () => {
  it('writes the RFC 8785 example as the RFC does', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        ' "literals": [null, true, false]}',
    ) as unknown;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('is the text the canonicalize package writes, for a thousand generated values', () => {
    const next = random(19);
    for (let i = 0; i < 1000; i++) {
      const value = anyValue(next, 0);
      expect(canonicalJson(value), JSON.stringify(value)).toBe(canonicalize(value));
    }
  });

  it('sorts keys by UTF-16 code units and leaves out what JSON leaves out', () => {
    const value = { '€': 1, '😀': 2, é: 3, b: [undefined, 'x'], a: undefined, c: { z: 0, y: 1 } };
    expect(canonicalJson(value)).toBe(canonicalize(value));
    expect(canonicalJson(value)).toBe('{"b":[null,"x"],"c":{"y":1,"z":0},"é":3,"€":1,"😀":2}');
  });

  it('refuses what has no canonical form, as canonicalize does', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    for (const value of [NaN, { n: Infinity }, ['\ud800'], { '\udc00': 1 }, circular, undefined]) {
      expect(() => canonicalJson(value)).toThrow();
      if (value !== undefined) expect(() => canonicalize(value)).toThrow();
    }
  });
});

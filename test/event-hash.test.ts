// An event's hash is frozen: every stored chain was computed with it, and `stopline verify`
// recomputes it. The append writes the hashed record's RFC 8785 text out by hand
// (eventRecordText, db/event-store.ts); it must be the text the canonicalize package gives for
// every record, and refuse what that refuses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventHash, eventRecordText } from '../src/server/db/event-store.ts';
import { canonicalJson, chainHash } from '../src/server/db/hash-chain.ts';
import type { Visibility } from '../src/server/db/schema.ts';

const row = {
  id: '0193a5c0-0000-7000-8000-000000000001',
  stream_id: '0193a5c0-0000-7000-8000-0000000000aa',
  seq: 3,
  type: 'incident.note_added',
  at: 1764633600000,
  actor_id: null as string | null,
  visibility: 'internal' as Visibility,
  data_json: '{"note":"Zugriff gesperrt \\"sofort\\" ✓ 🚨\\n<script>","n":-0.5}',
};

/** The record as the hash covered it before the text was written by hand. */
const generic = (r: typeof row) =>
  canonicalJson({
    id: r.id,
    stream_id: r.stream_id,
    seq: Number(r.seq),
    type: r.type,
    at: Number(r.at),
    actor_id: r.actor_id,
    visibility: r.visibility,
    data_json: r.data_json,
  });

/** Any UTF-16 code unit, lone surrogates and control characters included. */
const anyText = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
});
const anyNumber = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double(),
  fc.constantFrom(-0, NaN, Infinity, -Infinity, 1e21, 5e-324),
);

describe('the hash of an event', () => {
  it('is the one stored chains were computed with (known answers)', () => {
    expect(eventHash('0'.repeat(64), row)).toBe(
      '5e14d03148be14de0c813d903a862e97c5016d1e0d412a1cb3ff96495b3673cb',
    );
    expect(
      eventHash('ab'.repeat(32), { ...row, actor_id: 'user-1', visibility: 'public', seq: 12 }),
    ).toBe('ff4c36a0d3f2b2f244c5baa6f1626648a0788869a11696d1517b18e1fa5ebcaa');
  });

  it('covers a text equal to the canonicalize package’s for any record', () => {
    fc.assert(
      fc.property(
        fc.record({
          id: anyText,
          stream_id: anyText,
          seq: anyNumber,
          type: anyText,
          at: anyNumber,
          actor_id: fc.option(anyText),
          visibility: fc.constantFrom<Visibility>('internal', 'reporter', 'public'),
          data_json: anyText,
        }),
        fc.stringMatching(/^[0-9a-f]{64}$/),
        (record, prev) => {
          let expected: string;
          try {
            expected = generic(record);
          } catch {
            expect(() => eventRecordText(record)).toThrow();
            return;
          }
          expect(eventRecordText(record)).toBe(expected);
          expect(eventHash(prev, record)).toBe(chainHash(prev, JSON.parse(expected)));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses a lone surrogate anywhere, as RFC 8785 does', () => {
    for (const field of ['id', 'stream_id', 'type', 'actor_id', 'data_json'] as const)
      expect(() => eventRecordText({ ...row, [field]: `a\uD800b` })).toThrow(/surrogate/i);
    expect(eventRecordText({ ...row, data_json: '🚨' })).toBe(generic({ ...row, data_json: '🚨' }));
  });

  it('takes PostgreSQL’s bigint columns as text the same as numbers', () => {
    const asText = { ...row, seq: '3', at: '1764633600000' } as unknown as typeof row;
    expect(eventHash('0'.repeat(64), asText)).toBe(eventHash('0'.repeat(64), row));
  });
});

// A global sequence over every event and audit entry (issue 19, item 4): the ledger numbers each
// one 1, 2, 3… in commit order, in a hash chain of its own whose end is kept in ledger_head, so
// `stopline verify` sees a stream deleted whole or an audit trail cut short as a gap. What is
// already recorded is numbered here: the events in their insertion order, then the audit trail.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

const GENESIS = '0'.repeat(64);

/** Frozen copy of db/global-ledger.ts's ledgerHash (migrations import nothing from the app). */
function ledgerHash(prev: string, seq: number, kind: string, refId: string, entryHash: string) {
  return createHash('sha256')
    .update(`${prev}\n${seq}\n${kind}\n${refId}\n${entryHash}`)
    .digest('hex');
}

interface Numbered {
  seq: number;
  kind: string;
  ref_id: string;
  stream_id: string | null;
  entry_hash: string;
  prev_hash: string;
  hash: string;
}

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('ledger')
    .addColumn('seq', t.bigint, (c) => c.primaryKey())
    .addColumn('kind', t.text, (c) => c.notNull())
    .addColumn('ref_id', t.id, (c) => c.notNull().unique())
    .addColumn('stream_id', t.id)
    .addColumn('entry_hash', t.text, (c) => c.notNull())
    .addColumn('prev_hash', t.text, (c) => c.notNull())
    .addColumn('hash', t.text, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('ledger_head')
    .addColumn('id', t.int, (c) => c.primaryKey())
    .addColumn('seq', t.bigint, (c) => c.notNull())
    .addColumn('head_hash', t.text, (c) => c.notNull())
    .execute();

  const d = db as Kysely<Record<string, Record<string, string | number | null>>>;
  let seq = 0;
  let prev = GENESIS;
  const write = async (rows: Omit<Numbered, 'seq' | 'prev_hash' | 'hash'>[]) => {
    const numbered = rows.map((row) => {
      seq++;
      const hash = ledgerHash(prev, seq, row.kind, row.ref_id, row.entry_hash);
      const out = { ...row, seq, prev_hash: prev, hash };
      prev = hash;
      return out;
    });
    if (numbered.length) await d.insertInto('ledger').values(numbered).execute();
  };
  const PAGE = 500;
  for (let after = -1; ;) {
    const rows = await d
      .selectFrom('events')
      .select(['id', 'stream_id', 'hash', 'position'])
      .where('position', '>', after)
      .orderBy('position')
      .limit(PAGE)
      .execute();
    await write(
      rows.map((r) => ({
        kind: 'event',
        ref_id: String(r.id),
        stream_id: String(r.stream_id),
        entry_hash: String(r.hash),
      })),
    );
    if (rows.length < PAGE) break;
    after = Number(rows[rows.length - 1]!.position);
  }
  for (let after = 0; ;) {
    const rows = await d
      .selectFrom('audit_log')
      .select(['id', 'hash', 'seq'])
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    await write(
      rows.map((r) => ({
        kind: 'audit',
        ref_id: String(r.id),
        stream_id: null,
        entry_hash: String(r.hash),
      })),
    );
    if (rows.length < PAGE) break;
    after = Number(rows[rows.length - 1]!.seq);
  }
  await d.insertInto('ledger_head').values({ id: 1, seq, head_hash: prev }).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['ledger_head', 'ledger']);
}

// The global sequence (issue 19, item 4): every event and every audit entry gets the next number
// of one sequence, in a hash chain of its own (the ledger) whose end is kept in the single
// ledger_head row. Per-stream chains cannot see a stream deleted whole, nor an audit trail cut
// short with its head moved back; the ledger can: the numbers it gave are gone (a gap), or name
// an entry that is not there any more. Numbers are taken by updating ledger_head first thing in
// an append, which holds its row lock until commit: writers take turns, so the numbers follow
// commit order and a rolled-back transaction leaves no hole (unlike a database sequence).
import { hash } from 'node:crypto';
import { sql } from 'kysely';
import { GENESIS_HASH } from './hash-chain.ts';
import { preparedQuery, standInRow, type RunPrepared } from './prepared-query.ts';
import type { Db, Executor, LedgerTable } from './schema.ts';

/** sha256 over the previous hash and the numbered entry; frozen in migration 0150. */
export function ledgerHash(
  prev: string,
  seq: number,
  kind: string,
  refId: string,
  entryHash: string,
): string {
  return hash('sha256', `${prev}\n${seq}\n${kind}\n${refId}\n${entryHash}`, 'hex');
}

export interface LedgerEntry {
  kind: LedgerTable['kind'];
  refId: string;
  streamId: string | null;
  entryHash: string;
}

export interface LedgerSlots {
  /**
   * Numbers the entries (as many as were reserved, in order) and moves the head; `run`: on a
   * connection in hand (`onOneConnection`, db/prepared-query.ts) rather than the reserving `tx`.
   */
  record(entries: LedgerEntry[], run?: RunPrepared): Promise<void>;
}

/** The head as a reservation left it: `seq` already moved past the reserved numbers. */
export interface ReservedHead {
  seq: number;
  head_hash: string;
}

export interface NumberedEntries {
  rows: LedgerTable[];
  /** The head's hash once these rows are in. */
  headHash: string;
}

/** The ledger rows of the `count` numbers reserved up to `head.seq`, chained from its hash. */
export function numberEntries(
  head: ReservedHead,
  count: number,
  entries: LedgerEntry[],
): NumberedEntries {
  if (entries.length !== count) throw new Error('ledger: entries differ from the reservation');
  const first = Number(head.seq) - count + 1;
  let prev = head.head_hash;
  const rows = entries.map((entry, i) => {
    const seq = first + i;
    const hash = ledgerHash(prev, seq, entry.kind, entry.refId, entry.entryHash);
    const row = {
      seq,
      kind: entry.kind,
      ref_id: entry.refId,
      stream_id: entry.streamId,
      entry_hash: entry.entryHash,
      prev_hash: prev,
      hash,
    };
    prev = hash;
    return row;
  });
  return { rows, headHash: prev };
}

const moveHead = preparedQuery<{ count: number }, ReservedHead>((db, p) =>
  db
    .updateTable('ledger_head')
    .set({ seq: sql<number>`seq + ${p.count}` })
    .where('id', '=', 1)
    .returning(['seq', 'head_hash']),
);

/**
 * One statement a row: the rows come here on SQLite, where that is faster than one statement of
 * many rows, or one audit entry at a time (PostgreSQL's appends number their events themselves).
 */
export const LEDGER_COLUMNS = [
  'seq',
  'kind',
  'ref_id',
  'stream_id',
  'entry_hash',
  'prev_hash',
  'hash',
] as const satisfies readonly (keyof LedgerTable)[];

const insertEntry = preparedQuery<LedgerTable, unknown>((db, p) =>
  db.insertInto('ledger').values(standInRow(p, LEDGER_COLUMNS)),
);

const moveHeadHash = preparedQuery<{ headHash: string }, unknown>((db, p) =>
  db.updateTable('ledger_head').set({ head_hash: p.headHash }).where('id', '=', 1),
);

/** Reserves `count` numbers; call it before any other lock the append takes. */
export async function reserveLedger(tx: Executor, count: number): Promise<LedgerSlots> {
  const head = (await moveHead.execute(tx, { count })).rows[0];
  if (!head) throw new Error('ledger: the head row is missing');
  return {
    async record(entries, run = (query, values) => query.execute(tx, values)) {
      const { rows, headHash } = numberEntries(head, count, entries);
      for (const row of rows) await run(insertEntry, row);
      await run(moveHeadHash, { headHash });
    },
  };
}

export interface LedgerBreak {
  seq: number;
  reason: string;
}

export interface LedgerVerifyResult {
  numbered: number;
  broken: LedgerBreak | null;
}

const describe = (row: Pick<LedgerTable, 'kind' | 'ref_id' | 'stream_id'>) =>
  row.kind === 'event'
    ? `event ${row.ref_id} of stream ${row.stream_id ?? '?'}`
    : `audit entry ${row.ref_id}`;

/**
 * Walks the global sequence: numbers 1…N without a gap, each linked to the one before, N and the
 * last hash as ledger_head says, every numbered event and audit entry still there with the hash
 * it had, and nothing recorded that was never numbered.
 */
export async function verifyLedger(db: Db): Promise<LedgerVerifyResult> {
  const PAGE = 1000;
  const head = await db
    .selectFrom('ledger_head')
    .select(['seq', 'head_hash'])
    .where('id', '=', 1)
    .executeTakeFirst();
  let prev = GENESIS_HASH;
  let expected = 1;
  let counted = { event: 0, audit: 0 };
  const at = (seq: number, reason: string): LedgerVerifyResult => ({
    numbered: expected - 1,
    broken: { seq, reason },
  });
  for (;;) {
    const rows = await db
      .selectFrom('ledger')
      .selectAll()
      .where('seq', '>=', expected)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    const eventIds = rows.filter((r) => r.kind === 'event').map((r) => r.ref_id);
    const auditIds = rows.filter((r) => r.kind === 'audit').map((r) => r.ref_id);
    const hashes = new Map<string, string>();
    if (eventIds.length)
      for (const e of await db
        .selectFrom('events')
        .select(['id', 'hash'])
        .where('id', 'in', eventIds)
        .execute())
        hashes.set(e.id, e.hash);
    if (auditIds.length)
      for (const a of await db
        .selectFrom('audit_log')
        .select(['id', 'hash'])
        .where('id', 'in', auditIds)
        .execute())
        hashes.set(a.id, a.hash);
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expected)
        return at(expected, `number #${expected} is missing (numbers removed from the ledger)`);
      if (
        row.prev_hash !== prev ||
        ledgerHash(prev, seq, row.kind, row.ref_id, row.entry_hash) !== row.hash
      )
        return at(seq, 'the ledger entry does not match its hash chain (edited)');
      const stored = hashes.get(row.ref_id);
      if (stored === undefined)
        return at(
          seq,
          `${describe(row)} is missing: ${row.kind === 'event' ? 'a stream deleted whole or events removed' : 'the audit trail cut short or entries removed'}`,
        );
      if (stored !== row.entry_hash)
        return at(seq, `${describe(row)} is not the one numbered (its hash differs)`);
      counted = { ...counted, [row.kind]: counted[row.kind] + 1 };
      prev = row.hash;
      expected++;
    }
    if (rows.length < PAGE) break;
  }
  const last = expected - 1;
  const headSeq = head ? Number(head.seq) : 0;
  if (last !== headSeq || prev !== (head?.head_hash ?? GENESIS_HASH))
    return at(
      last + 1,
      `the ledger head says ${headSeq} numbers but the sequence ends at #${last} (its tail removed?)`,
    );
  const events = await db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  const audit = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  const unnumbered = Number(events.n) - counted.event + (Number(audit.n) - counted.audit);
  if (unnumbered !== 0)
    return at(
      last + 1,
      `${unnumbered} event(s) or audit entries are not in the global sequence (inserted behind its back)`,
    );
  return { numbered: last, broken: null };
}

// Walks every event stream and recomputes its hash chain; reports the first event that does not
// match (edited, removed or reordered rows all show up here).
import { auditEntryHash } from './audit-log.ts';
import { eventHash } from './event-store.ts';
import { GENESIS_HASH } from './hash-chain.ts';
import type { Db } from './schema.ts';

export interface ChainBreak {
  streamId: string;
  eventId: string | null;
  seq: number;
  reason: string;
}

export interface VerifyResult {
  streams: number;
  events: number;
  breaks: ChainBreak[];
}

export async function verifyEventLog(db: Db): Promise<VerifyResult> {
  const streams = await db
    .selectFrom('streams')
    .select(['id', 'version', 'head_hash'])
    .orderBy('id')
    .execute();
  const result: VerifyResult = { streams: streams.length, events: 0, breaks: [] };
  for (const stream of streams) {
    const broken = await verifyStream(
      db,
      stream.id,
      Number(stream.version),
      stream.head_hash,
      result,
    );
    if (broken) result.breaks.push(broken);
  }
  return result;
}

async function verifyStream(
  db: Db,
  streamId: string,
  version: number,
  headHash: string,
  counter: { events: number },
): Promise<ChainBreak | null> {
  const PAGE = 1000;
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (;;) {
    const rows = await db
      .selectFrom('events')
      .selectAll()
      .where('stream_id', '=', streamId)
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      counter.events++;
      const seq = Number(row.seq);
      if (seq !== expectedSeq) {
        return { streamId, eventId: row.id, seq, reason: `event #${expectedSeq} is missing` };
      }
      if (row.prev_hash !== prevHash) {
        return {
          streamId,
          eventId: row.id,
          seq,
          reason: 'previous-hash link does not match the event before it',
        };
      }
      if (eventHash(prevHash, row) !== row.hash) {
        return {
          streamId,
          eventId: row.id,
          seq,
          reason: 'content does not match its hash (edited)',
        };
      }
      prevHash = row.hash;
      expectedSeq++;
    }
    if (rows.length < PAGE) break;
  }
  const last = expectedSeq - 1;
  if (last !== version || prevHash !== headHash) {
    return {
      streamId,
      eventId: null,
      seq: last + 1,
      reason: `stream head says ${version} events but the chain ends at ${last} (events removed?)`,
    };
  }
  return null;
}

export interface AuditBreak {
  seq: number;
  entryId: string | null;
  reason: string;
}

export interface AuditVerifyResult {
  entries: number;
  broken: AuditBreak | null;
}

/** Recomputes the audit trail's single chain; returns the first entry that does not match. */
export async function verifyAuditLog(db: Db): Promise<AuditVerifyResult> {
  const PAGE = 1000;
  const head = await db
    .selectFrom('audit_head')
    .select(['seq', 'head_hash'])
    .where('id', '=', 1)
    .executeTakeFirst();
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let entries = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      entries++;
      const seq = Number(row.seq);
      const at = (reason: string): AuditVerifyResult => ({
        entries,
        broken: { seq, entryId: row.id, reason },
      });
      if (seq !== expectedSeq) return at(`entry #${expectedSeq} is missing`);
      if (row.prev_hash !== prevHash)
        return at('previous-hash link does not match the entry before it');
      if (auditEntryHash(prevHash, row) !== row.hash)
        return at('content does not match its hash (edited)');
      prevHash = row.hash;
      expectedSeq++;
    }
    if (rows.length < PAGE) break;
  }
  const last = expectedSeq - 1;
  const headSeq = head ? Number(head.seq) : 0;
  if (last !== headSeq || prevHash !== (head?.head_hash ?? GENESIS_HASH)) {
    return {
      entries,
      broken: {
        seq: last + 1,
        entryId: null,
        reason: `audit head says ${headSeq} entries but the chain ends at ${last} (entries removed?)`,
      },
    };
  }
  return { entries, broken: null };
}

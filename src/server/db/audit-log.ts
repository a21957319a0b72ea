// The append-only audit trail: one hash chain over every entry, appended inside the caller's
// transaction. The single audit_head row is updated first, which locks it until commit, so
// concurrent writers (several instances on PostgreSQL) take turns instead of forking the chain.
import { sql } from 'kysely';
import { newId } from '../ids.ts';
import { reserveLedger } from './global-ledger.ts';
import { canonicalJson, chainHash } from './hash-chain.ts';
import type { AuditLogTable, Executor } from './schema.ts';

export type AuditRow = AuditLogTable;

export interface NewAuditEntry {
  at: number;
  actorKind: string;
  actorId: string | null;
  ip: string | null;
  userAgent: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  detail: Record<string, unknown>;
}

/** What the hash covers: every column except the hashes themselves. */
export function auditEntryHash(
  prevHash: string,
  row: Omit<AuditRow, 'prev_hash' | 'hash'>,
): string {
  return chainHash(prevHash, {
    seq: Number(row.seq),
    id: row.id,
    at: Number(row.at),
    actor_kind: row.actor_kind,
    actor_id: row.actor_id,
    ip: row.ip,
    user_agent: row.user_agent,
    action: row.action,
    target_type: row.target_type,
    target_id: row.target_id,
    detail_json: row.detail_json,
  });
}

export async function appendAuditEntry(tx: Executor, entry: NewAuditEntry): Promise<AuditRow> {
  // The global sequence's head first (db/global-ledger.ts), then the audit trail's.
  const ledger = await reserveLedger(tx, 1);
  const head = await tx
    .updateTable('audit_head')
    .set({ seq: sql<number>`seq + 1` })
    .where('id', '=', 1)
    .returning(['seq', 'head_hash'])
    .executeTakeFirstOrThrow();
  const fields = {
    seq: Number(head.seq),
    id: newId(),
    at: entry.at,
    actor_kind: entry.actorKind,
    actor_id: entry.actorId,
    ip: entry.ip,
    user_agent: entry.userAgent,
    action: entry.action,
    target_type: entry.targetType,
    target_id: entry.targetId,
    detail_json: canonicalJson(entry.detail),
  };
  const row: AuditRow = {
    ...fields,
    prev_hash: head.head_hash,
    hash: auditEntryHash(head.head_hash, fields),
  };
  await tx.insertInto('audit_log').values(row).execute();
  await tx.updateTable('audit_head').set({ head_hash: row.hash }).where('id', '=', 1).execute();
  await ledger.record([{ kind: 'audit', refId: row.id, streamId: null, entryHash: row.hash }]);
  return row;
}

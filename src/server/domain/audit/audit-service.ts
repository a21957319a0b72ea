// Recording to and reading from the audit trail. recordAudit runs inside the caller's
// transaction, so whatever is audited commits or rolls back with the change it describes.
import { appendAuditEntry } from '../../db/audit-log.ts';
import { verifyAuditLog, type AuditVerifyResult } from '../../db/verify-chain.ts';
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import type { Actor } from '../actor.ts';
import { requirePermission } from '../actor.ts';
import { auditCsv, presentAuditRow, type AuditEntry } from './audit-format.ts';
import { listAuditRows, type AuditFilter } from './audit-repository.ts';

/** Someone not signed in (a failed sign-in, a setup link being used). */
export interface AnonymousCaller {
  kind: 'anonymous';
  ip?: string;
  userAgent?: string;
}

export interface AuditRecord {
  actor: Actor | AnonymousCaller;
  action: string;
  target?: { type: string; id: string };
  at: number;
  detail?: Record<string, unknown>;
}

export async function recordAudit(tx: Executor, entry: AuditRecord): Promise<void> {
  const { actor } = entry;
  await appendAuditEntry(tx, {
    at: entry.at,
    actorKind: actor.kind,
    actorId: actor.kind === 'anonymous' ? null : actor.userId,
    ip: actor.ip ?? null,
    userAgent: actor.userAgent?.slice(0, 500) ?? null,
    action: entry.action,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    detail: entry.detail ?? {},
  });
}

/** For subjects that show a reporter's personal data: every such read is on the record. */
export async function recordPersonalDataRead(
  tx: Executor,
  entry: { actor: Actor; at: number; subject: { type: string; id: string }; fields: string[] },
): Promise<void> {
  await recordAudit(tx, {
    actor: entry.actor,
    action: 'personal_data.read',
    target: entry.subject,
    at: entry.at,
    detail: { fields: entry.fields },
  });
}

export type AuditQuery = Omit<AuditFilter, 'limit'> & { limit?: number };

export const EXPORT_LIMIT = 50_000;

export function createAuditService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  return {
    async listEntries(actor: Actor, query: AuditQuery): Promise<AuditEntry[]> {
      requirePermission(actor, 'audit.read', 'Reading the audit trail');
      const rows = await listAuditRows(db, { ...query, limit: Math.min(query.limit ?? 100, 1000) });
      return rows.map(presentAuditRow);
    },

    /** Recomputes the whole chain, as `stopline verify` does: intact, or the first break. */
    async verifyChain(actor: Actor): Promise<AuditVerifyResult & { checkedAt: number }> {
      requirePermission(actor, 'audit.read', 'Reading the audit trail');
      const checkedAt = clock.now();
      return { ...(await verifyAuditLog(db)), checkedAt };
    },

    /** The matching entries, oldest first, as CSV or JSON text; the export is itself audited. */
    async exportEntries(actor: Actor, query: AuditQuery, format: 'csv' | 'json'): Promise<string> {
      const at = clock.now();
      requirePermission(actor, 'audit.export', 'Exporting the audit trail');
      return db.transaction().execute(async (tx) => {
        const rows = await listAuditRows(tx, { ...query, limit: EXPORT_LIMIT });
        const entries = rows.map(presentAuditRow).reverse();
        await recordAudit(tx, {
          actor,
          action: 'audit.exported',
          at,
          detail: { format, entries: entries.length, filter: { ...query } },
        });
        return format === 'csv' ? auditCsv(entries) : JSON.stringify(entries, null, 2);
      });
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;

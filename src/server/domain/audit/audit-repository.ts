// Reads of the audit trail (writes go through db/audit-log.ts, which keeps the chain).
import type { Executor } from '../../db/schema.ts';
import type { AuditRow } from '../../db/audit-log.ts';

export interface AuditFilter {
  action?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  from?: number;
  to?: number;
  /** Entries with a sequence number below this (paging backwards from the newest). */
  beforeSeq?: number;
  limit: number;
}

export async function listAuditRows(tx: Executor, filter: AuditFilter): Promise<AuditRow[]> {
  let query = tx.selectFrom('audit_log').selectAll();
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
  if (filter.targetType) query = query.where('target_type', '=', filter.targetType);
  if (filter.targetId) query = query.where('target_id', '=', filter.targetId);
  if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('at', '<', filter.to);
  if (filter.beforeSeq !== undefined) query = query.where('seq', '<', filter.beforeSeq);
  return query.orderBy('seq', 'desc').limit(filter.limit).execute();
}

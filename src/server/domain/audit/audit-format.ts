// Shapes audit rows for people and for export. CSV cells that a spreadsheet would run as a
// formula (=, +, -, @) are prefixed with a quote: audit data includes attacker-chosen text.
import type { AuditRow } from '../../db/audit-log.ts';
import { csvTable } from '../csv.ts';

export interface AuditEntry {
  seq: number;
  id: string;
  at: string;
  actor: { kind: string; id: string | null; ip: string | null; userAgent: string | null };
  action: string;
  target: { type: string; id: string | null } | null;
  detail: Record<string, unknown>;
  hash: string;
}

export function presentAuditRow(row: AuditRow): AuditEntry {
  return {
    seq: Number(row.seq),
    id: row.id,
    at: new Date(Number(row.at)).toISOString(),
    actor: { kind: row.actor_kind, id: row.actor_id, ip: row.ip, userAgent: row.user_agent },
    action: row.action,
    target: row.target_type ? { type: row.target_type, id: row.target_id } : null,
    detail: JSON.parse(row.detail_json) as Record<string, unknown>,
    hash: row.hash,
  };
}

const CSV_COLUMNS = [
  'seq',
  'id',
  'at',
  'actor_kind',
  'actor_id',
  'ip',
  'user_agent',
  'action',
  'target_type',
  'target_id',
  'detail',
  'hash',
] as const;

export function auditCsv(entries: AuditEntry[]): string {
  return csvTable(
    CSV_COLUMNS,
    entries.map((e) => [
      e.seq,
      e.id,
      e.at,
      e.actor.kind,
      e.actor.id,
      e.actor.ip,
      e.actor.userAgent,
      e.action,
      e.target?.type,
      e.target?.id,
      JSON.stringify(e.detail),
      e.hash,
    ]),
  );
}

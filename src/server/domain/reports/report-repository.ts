// Kysely queries for the report tables. Explicit column lists; rows are mapped to plain records.
import { sql, type Selectable } from 'kysely';
import type { ReportStatus } from '../../../shared/api/reports.ts';
import { newId } from '../../ids.ts';
import type { Report } from './report-state.ts';
import type {
  Executor,
  PublicRemovalTasksTable,
  ReportAttachmentsTable,
  ReportIdentityVerificationsTable,
  ReportMessagesTable,
  ReportsTable,
} from '../../db/schema.ts';

const time = (value: number | null) => (value === null ? null : Number(value));

/** The row as the rules and presenters see it (bigints parsed, flags as booleans). */
export function toReport(row: Selectable<ReportsTable>): Report {
  return {
    id: row.id,
    key: row.key,
    status: row.status as ReportStatus,
    summary: row.summary,
    description: row.description,
    stepsToReproduce: row.steps_to_reproduce,
    impact: row.impact,
    firstNoticed: row.first_noticed,
    affected: row.affected,
    preferredLanguage: row.preferred_language,
    publicUrl: row.public_url,
    creditConsent: Boolean(row.credit_consent),
    creditName: row.credit_name,
    contactName: row.contact_name,
    contactEmail: row.contact_email,
    contactPhone: row.contact_phone,
    contactPgpKey: row.contact_pgp_key,
    accessCodeHash: row.access_code_hash,
    verified: Boolean(row.verified),
    receivedAt: Number(row.received_at),
    acknowledgeDueAt: Number(row.acknowledge_due_at),
    emergency: Boolean(row.emergency),
    emergencySetBy: row.emergency_set_by,
    emergencySetAt: time(row.emergency_set_at),
    acknowledgedAt: time(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    assessedAt: time(row.assessed_at),
    fixedAt: time(row.fixed_at),
    disclosedAt: time(row.disclosed_at),
    closedAt: time(row.closed_at),
    closeReason: row.close_reason,
    duplicateOf: row.duplicate_of,
    incidentId: row.incident_id,
    version: Number(row.version),
    updatedAt: Number(row.updated_at),
  };
}

const flag = (value: boolean) => (value ? 1 : 0);

/** The row a report is stored as (written only by the projection, report-projection.ts). */
export function reportRow(r: Report): NewReportRow {
  return {
    id: r.id,
    key: r.key,
    status: r.status,
    summary: r.summary,
    description: r.description,
    steps_to_reproduce: r.stepsToReproduce,
    impact: r.impact,
    first_noticed: r.firstNoticed,
    affected: r.affected,
    preferred_language: r.preferredLanguage,
    public_url: r.publicUrl,
    credit_consent: flag(r.creditConsent),
    credit_name: r.creditName,
    contact_name: r.contactName,
    contact_email: r.contactEmail,
    contact_phone: r.contactPhone,
    contact_pgp_key: r.contactPgpKey,
    access_code_hash: r.accessCodeHash,
    verified: flag(r.verified),
    received_at: r.receivedAt,
    acknowledge_due_at: r.acknowledgeDueAt,
    emergency: flag(r.emergency),
    emergency_set_by: r.emergencySetBy,
    emergency_set_at: r.emergencySetAt,
    acknowledged_at: r.acknowledgedAt,
    acknowledged_by: r.acknowledgedBy,
    assessed_at: r.assessedAt,
    fixed_at: r.fixedAt,
    disclosed_at: r.disclosedAt,
    closed_at: r.closedAt,
    close_reason: r.closeReason,
    duplicate_of: r.duplicateOf,
    incident_id: r.incidentId,
    version: r.version,
    updated_at: r.updatedAt,
  };
}

export type NewReportRow = Omit<ReportsTable, 'credit_consent' | 'verified' | 'emergency'> & {
  credit_consent: 0 | 1;
  verified: 0 | 1;
  emergency: 0 | 1;
};

export async function findReportByKey(tx: Executor, key: string): Promise<Report | undefined> {
  const row = await tx.selectFrom('reports').selectAll().where('key', '=', key).executeTakeFirst();
  return row && toReport(row);
}

export async function findReportById(tx: Executor, id: string): Promise<Report | undefined> {
  const row = await tx.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toReport(row);
}

/** Each report's key and the incident it is linked to (or null), by id. */
export async function findReportLinks(
  tx: Executor,
  ids: readonly string[],
): Promise<Map<string, { key: string; incidentId: string | null }>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .selectFrom('reports')
    .select(['id', 'key', 'incident_id'])
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((r) => [r.id, { key: r.key, incidentId: r.incident_id }]));
}

/** The keys of several reports at once, by id (the live stream names reports by key). */
export async function findReportKeys(
  tx: Executor,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const links = await findReportLinks(tx, ids);
  return new Map([...links].map(([id, link]) => [id, link.key]));
}

/** When the earliest of these reports was received; null for none. */
export async function findFirstReceivedAt(
  tx: Executor,
  ids: readonly string[],
): Promise<number | null> {
  if (ids.length === 0) return null;
  const row = await tx
    .selectFrom('reports')
    .select((eb) => eb.fn.min('received_at').as('first'))
    .where('id', 'in', ids)
    .executeTakeFirst();
  return row?.first === null || row?.first === undefined ? null : Number(row.first);
}

/** How each reporter chose to be credited (on the form or by the API), in the order of `ids`. */
export async function findReportCreditChoices(
  tx: Executor,
  ids: readonly string[],
): Promise<ReportCreditChoice[]> {
  if (ids.length === 0) return [];
  const rows = await tx
    .selectFrom('reports')
    .select(['id', 'credit_consent', 'credit_name'])
    .where('id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row
      ? [{ reportId: id, consent: Boolean(row.credit_consent), name: row.credit_name }]
      : [];
  });
}

/** A reporter's choice of credit: whether to be credited, and by what name (none: anonymous). */
export interface ReportCreditChoice {
  reportId: string;
  consent: boolean;
  name: string | null;
}

/** Of these reports, those whose reporter's identity has been verified (policy step 6). */
export async function findVerifiedReportIds(
  tx: Executor,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx
    .selectFrom('reports')
    .select('id')
    .where('id', 'in', [...ids])
    .where('verified', '=', 1)
    .execute();
  return new Set(rows.map((r) => r.id));
}

export interface ReportFilter {
  statuses?: ReportStatus[];
  /** Reports linked to these incidents are left out (incidents the caller may not see). */
  hiddenIncidentIds?: readonly string[];
  text?: string;
  receivedFrom?: number;
  receivedTo?: number;
  limit: number;
  offset: number;
}

const likePattern = (text: string) =>
  '%' + text.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%';

export async function listReports(tx: Executor, filter: ReportFilter): Promise<Report[]> {
  let query = tx.selectFrom('reports').selectAll();
  if (filter.statuses?.length) query = query.where('status', 'in', filter.statuses);
  const hidden = filter.hiddenIncidentIds;
  if (hidden?.length) {
    // "not in" alone would also drop every unlinked report (NULL is never "not in" anything).
    query = query.where((eb) =>
      eb.or([eb('incident_id', 'is', null), eb('incident_id', 'not in', [...hidden])]),
    );
  }
  if (filter.receivedFrom !== undefined)
    query = query.where('received_at', '>=', filter.receivedFrom);
  if (filter.receivedTo !== undefined) query = query.where('received_at', '<=', filter.receivedTo);
  if (filter.text) {
    const pattern = likePattern(filter.text);
    // lower() + LIKE with an explicit escape behaves the same on SQLite and PostgreSQL.
    query = query.where((eb) =>
      eb.or([
        eb(sql`lower(key)`, 'like', sql`${pattern} escape '\\'`),
        eb(sql`lower(summary)`, 'like', sql`${pattern} escape '\\'`),
        eb(sql`lower(description)`, 'like', sql`${pattern} escape '\\'`),
      ]),
    );
  }
  const rows = await query
    .orderBy('received_at', 'desc')
    .orderBy('key', 'desc')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  return rows.map(toReport);
}

/** Ids of the reports linked to any of these incidents. */
export async function listReportIdsLinkedTo(
  tx: Executor,
  incidentIds: readonly string[],
): Promise<string[]> {
  if (incidentIds.length === 0) return [];
  const rows = await tx
    .selectFrom('reports')
    .select('id')
    .where('incident_id', 'in', [...incidentIds])
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Reports closed or handled by an incident that still hold personal data a retention rule
 * removes: a contact detail, or an attachment whose bytes are kept.
 */
export async function listReportIdsHoldingPersonalData(tx: Executor): Promise<string[]> {
  const rows = await tx
    .selectFrom('reports')
    .select('id')
    .where((eb) => eb.or([eb('closed_at', 'is not', null), eb('incident_id', 'is not', null)]))
    .where((eb) =>
      eb.or([
        eb('contact_name', 'is not', null),
        eb('contact_email', 'is not', null),
        eb('contact_phone', 'is not', null),
        eb('contact_pgp_key', 'is not', null),
        eb.exists(
          eb
            .selectFrom('report_attachments')
            .select('report_attachments.id')
            .whereRef('report_attachments.report_id', '=', 'reports.id')
            .where('report_attachments.redacted_at', 'is', null),
        ),
      ]),
    )
    .orderBy('received_at')
    .execute();
  return rows.map((r) => r.id);
}

export async function listCreditedReporters(tx: Executor): Promise<string[]> {
  const rows = await tx
    .selectFrom('reports')
    .select(['credit_name', 'fixed_at'])
    .where('credit_consent', '=', 1)
    .where('credit_name', 'is not', null)
    .where('fixed_at', 'is not', null)
    .orderBy('fixed_at', 'asc')
    .execute();
  return rows.map((r) => r.credit_name!).filter((name) => name.trim().length > 0);
}

export type AttachmentRecord = Selectable<ReportAttachmentsTable>;

export async function insertAttachment(tx: Executor, row: AttachmentRecord): Promise<void> {
  await tx.insertInto('report_attachments').values(row).execute();
}

export async function listAttachments(tx: Executor, reportId: string): Promise<AttachmentRecord[]> {
  const rows = await tx
    .selectFrom('report_attachments')
    .selectAll()
    .where('report_id', '=', reportId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    ...r,
    size: Number(r.size),
    created_at: Number(r.created_at),
    redacted_at: r.redacted_at === null ? null : Number(r.redacted_at),
  }));
}

/** A redaction of the report (its tombstone, projected): what went, by which rule, why, when. */
export interface RedactionRecord {
  field: 'contact' | 'attachment';
  attachmentId: string | null;
  rule: 'retention' | 'request';
  reason: string;
  at: number;
}

/** The report's redactions (contact details, attachments' bytes), oldest first. */
export async function listRedactions(tx: Executor, reportId: string): Promise<RedactionRecord[]> {
  const rows = await tx
    .selectFrom('redactions')
    .select(['target_type', 'target_id', 'rule', 'reason', 'at'])
    .where('stream_id', '=', reportId)
    .where('target_type', 'in', ['report', 'attachment'])
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    field: r.target_type === 'attachment' ? 'attachment' : 'contact',
    attachmentId: r.target_type === 'attachment' ? r.target_id : null,
    rule: r.rule === 'request' ? 'request' : 'retention',
    reason: r.reason,
    at: Number(r.at),
  }));
}

export type MessageRecord = Selectable<ReportMessagesTable>;

export async function insertMessage(tx: Executor, row: MessageRecord): Promise<void> {
  await tx.insertInto('report_messages').values(row).execute();
}

export async function listMessages(tx: Executor, reportId: string): Promise<MessageRecord[]> {
  const rows = await tx
    .selectFrom('report_messages')
    .selectAll()
    .where('report_id', '=', reportId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, created_at: Number(r.created_at) }));
}

export async function insertVerification(
  tx: Executor,
  row: Selectable<ReportIdentityVerificationsTable>,
): Promise<void> {
  await tx.insertInto('report_identity_verifications').values(row).execute();
}

export async function listVerifications(tx: Executor, reportId: string) {
  const rows = await tx
    .selectFrom('report_identity_verifications')
    .select(['id', 'method', 'note', 'verified_by', 'verified_at'])
    .where('report_id', '=', reportId)
    .orderBy('verified_at')
    .execute();
  return rows.map((r) => ({ ...r, verified_at: Number(r.verified_at) }));
}

export type RemovalTaskRecord = Selectable<PublicRemovalTasksTable>;

export async function insertRemovalTask(tx: Executor, row: RemovalTaskRecord): Promise<void> {
  await tx.insertInto('public_removal_tasks').values(row).execute();
}

export async function listRemovalTasks(
  tx: Executor,
  reportId: string,
): Promise<RemovalTaskRecord[]> {
  const rows = await tx
    .selectFrom('public_removal_tasks')
    .selectAll()
    .where('report_id', '=', reportId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    ...r,
    created_at: Number(r.created_at),
    updated_at: Number(r.updated_at),
  }));
}

export async function updateRemovalTask(
  tx: Executor,
  reportId: string,
  id: string,
  patch: Pick<RemovalTaskRecord, 'status' | 'evidence' | 'updated_at'>,
): Promise<void> {
  await tx
    .updateTable('public_removal_tasks')
    .set(patch)
    .where('id', '=', id)
    .where('report_id', '=', reportId)
    .execute();
}

export async function insertPortalSession(
  tx: Executor,
  row: { token_hash: string; report_id: string; created_at: number; expires_at: number },
): Promise<void> {
  await tx.insertInto('portal_sessions').values(row).execute();
}

export async function findPortalSession(tx: Executor, tokenHash: string, now: number) {
  return tx
    .selectFrom('portal_sessions')
    .select(['report_id', 'expires_at'])
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

export async function deletePortalSession(tx: Executor, tokenHash: string): Promise<void> {
  await tx.deleteFrom('portal_sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deletePortalSessionsOf(tx: Executor, reportId: string): Promise<void> {
  await tx.deleteFrom('portal_sessions').where('report_id', '=', reportId).execute();
}

export async function deleteExpiredPortalSessions(tx: Executor, now: number): Promise<void> {
  await tx.deleteFrom('portal_sessions').where('expires_at', '<=', now).execute();
}

export async function logAccess(
  tx: Executor,
  entry: {
    reportId: string | null;
    reportKey: string | null;
    action: string;
    actorId: string | null;
    ip: string | null;
    at: number;
  },
): Promise<void> {
  await tx
    .insertInto('report_access_log')
    .values({
      id: newId(),
      report_id: entry.reportId,
      report_key: entry.reportKey,
      action: entry.action,
      actor_id: entry.actorId,
      ip: entry.ip,
      at: entry.at,
    })
    .execute();
}

export async function listAccessLog(tx: Executor, reportKey: string) {
  const rows = await tx
    .selectFrom('report_access_log')
    .select(['action', 'actor_id', 'ip', 'at'])
    .where('report_key', '=', reportKey)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, at: Number(r.at) }));
}

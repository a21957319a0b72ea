// Retention and erasure of a report's personal data (issue 19, item 5). Personal data never
// enters the hash-chained log (report-events.ts: ReportPersonalData): it is on the report's row
// (contact details) and in the file store (attachments' bytes). Redacting it changes no hashed
// event: the row's columns are cleared and the file removed, and a tombstone event
// (`report.redacted`: which field, why, when, the HMAC of what went) is appended, so the chain
// and the global sequence still verify. Housekeeping redacts what the policy's retention says;
// an admin erases one field on request (GDPR), with a reason, on the audit trail.
import { removeRedactedFiles } from '../../db/redactions.ts';
import type { FileStore } from '../../db/file-store.ts';
import type { Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError, notFound } from '../../errors.ts';
import { requirePermission, systemActor, type Actor } from '../actor.ts';
import { getVisibleReport } from './access-service.ts';
import type { ReportsDeps } from './report-context.ts';
import type { RedactedReportField, RedactionRule } from './report-events.ts';
import { appendToReport } from './report-projection.ts';
import { isClosed } from './report-rules.ts';
import type { Report } from './report-state.ts';
import {
  findReportById,
  listAttachments,
  listReportIdsHoldingPersonalData,
} from './report-repository.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What to redact of a report: its contact details, or one attachment's bytes. */
export type ReportErasure = { field: 'contact' } | { field: 'attachment'; attachmentId: string };

export interface RetentionSwept {
  contacts: number;
  attachments: number;
  files: number;
}

export function createReportRedaction(deps: ReportsDeps & { files: Pick<FileStore, 'remove'> }) {
  const { db, clock } = deps;

  /** One redaction, in the caller's transaction; false when there is nothing (left) to remove. */
  async function redact(
    tx: Executor,
    report: Report,
    what: ReportErasure,
    why: { rule: RedactionRule; reason: string; actorId: string | null },
    now: number,
  ): Promise<Report | null> {
    const event = (field: RedactedReportField, attachmentId: string | null) => ({
      field,
      attachmentId,
      rule: why.rule,
      reason: why.reason,
    });
    if (what.field === 'contact') {
      const removed = {
        name: report.contactName,
        email: report.contactEmail,
        phone: report.contactPhone,
        pgpKey: report.contactPgpKey,
      };
      if (Object.values(removed).every((v) => v === null)) return null;
      if (report.contactEmail) await deps.notices.forgetMessagesTo(tx, report.contactEmail);
      return appendToReport(
        tx,
        report.id,
        report,
        [
          {
            type: 'report.redacted',
            data: { ...event('contact', null), removedHash: deps.redactionHash(removed) },
            personal: { fileKey: null },
          },
        ],
        why.actorId,
        now,
      );
    }
    const attachment = (await listAttachments(tx, report.id)).find(
      (a) => a.id === what.attachmentId,
    );
    if (!attachment) throw notFound('Attachment');
    if (attachment.redacted_at !== null) return null;
    return appendToReport(
      tx,
      report.id,
      report,
      [
        {
          type: 'report.redacted',
          data: {
            ...event('attachment', attachment.id),
            removedHash: deps.redactionHash({ sha256: attachment.sha256, size: attachment.size }),
          },
          personal: { fileKey: attachment.stored_path },
        },
      ],
      why.actorId,
      now,
    );
  }

  /**
   * Erasure on request (GDPR): one field of one report, with the reason, by an admin (data.erase).
   * Recorded as a tombstone on the report and on the audit trail; the file goes once committed.
   */
  async function eraseReportField(
    actor: Actor,
    key: string,
    what: ReportErasure,
    reason: string,
  ): Promise<{
    key: string;
    field: ReportErasure['field'];
    attachmentId: string | null;
    at: number;
  }> {
    requirePermission(actor, 'data.erase', 'Erasing personal data');
    const now = clock.now();
    await inTransaction(db, async (tx) => {
      const report = await getVisibleReport(tx, deps.incidents, actor, key);
      const after = await redact(
        tx,
        report,
        what,
        { rule: 'request', reason, actorId: actor.userId },
        now,
      );
      if (!after)
        throw new AppError('CONFLICT', 'This was redacted already, or holds nothing to remove', {
          field: what.field,
        });
      await deps.recordAudit?.(tx, {
        actor,
        action: 'report.redacted',
        target: { type: 'report', id: report.key },
        at: now,
        detail: {
          field: what.field,
          ...(what.field === 'attachment' ? { attachmentId: what.attachmentId } : {}),
          reason,
        },
      });
    });
    await removeRedactedFiles(db, deps.files, clock.now());
    return {
      key: key.toUpperCase(),
      field: what.field,
      attachmentId: what.field === 'attachment' ? what.attachmentId : null,
      at: now,
    };
  }

  /**
   * Since when a report's personal data counts towards retention: a report an incident handles,
   * from that incident's close (never while it is open); any other, from the report's close
   * (duplicate, not a vulnerability, spam); an open report never.
   */
  async function dueSince(tx: Executor, report: Report): Promise<number | null> {
    if (report.incidentId !== null) {
      const incident = await deps.incidents.findSight(tx, systemActor, report.incidentId);
      if (incident) return incident.closedAt;
    }
    return isClosed(report.status) ? report.closedAt : null;
  }

  /**
   * The retention rule (housekeeping): each closed report's contact details and attachments
   * past the policy's days are redacted, one report per transaction, on the audit trail.
   */
  async function sweepRetention(): Promise<RetentionSwept> {
    const now = clock.now();
    const { reporterContactDays, attachmentDays } = deps.policy().retention;
    const swept: RetentionSwept = { contacts: 0, attachments: 0, files: 0 };
    for (const reportId of await listReportIdsHoldingPersonalData(db)) {
      await inTransaction(db, async (tx) => {
        let report = await findReportById(tx, reportId);
        if (!report) return;
        const since = await dueSince(tx, report);
        if (since === null) return;
        const why = (days: number) => ({
          rule: 'retention' as const,
          reason: `retention: ${days} days after close`,
          actorId: null,
        });
        const redactions: string[] = [];
        if (now - since >= reporterContactDays * DAY_MS) {
          const after = await redact(
            tx,
            report,
            { field: 'contact' },
            why(reporterContactDays),
            now,
          );
          if (after) {
            swept.contacts++;
            redactions.push('contact');
            report = after;
          }
        }
        if (now - since >= attachmentDays * DAY_MS) {
          for (const a of await listAttachments(tx, reportId)) {
            const what = { field: 'attachment' as const, attachmentId: a.id };
            const after = await redact(tx, report, what, why(attachmentDays), now);
            if (after) {
              swept.attachments++;
              redactions.push(`attachment ${a.id}`);
              report = after;
            }
          }
        }
        if (redactions.length > 0)
          await deps.recordAudit?.(tx, {
            actor: systemActor,
            action: 'report.redacted',
            target: { type: 'report', id: report.key },
            at: now,
            detail: { fields: redactions, rule: 'retention' },
          });
      });
    }
    swept.files = await removeRedactedFiles(db, deps.files, clock.now());
    return swept;
  }

  /** Since when a report's data counts towards retention (mail's too); null while open. */
  async function retentionStartOf(reportId: string): Promise<number | null> {
    const report = await findReportById(db, reportId);
    return report ? dueSince(db, report) : null;
  }

  return { eraseReportField, sweepRetention, retentionStartOf };
}

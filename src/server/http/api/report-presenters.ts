// The shapes staff clients receive: explicit fields, RFC 3339 times, never raw rows and never
// the access code hash. Reporter text is passed through as JSON strings, byte for byte.
import type {
  AttachmentRecord,
  MessageRecord,
  MessageType,
  RemovalTaskRecord,
  Report,
} from '../../domain/reports/index.ts';
import { renderMarkdown } from '../public/markdown.ts';
import { presentTime as iso } from './time-presenter.ts';

export function presentReportSummary(r: Report) {
  return {
    key: r.key,
    status: r.status,
    summary: r.summary,
    receivedAt: iso(r.receivedAt),
    acknowledgeDueAt: iso(r.acknowledgeDueAt),
    acknowledgedAt: iso(r.acknowledgedAt),
    verified: r.verified,
    incidentId: r.incidentId,
    emergency: r.emergency,
  };
}

export function presentReport(r: Report) {
  return {
    ...presentReportSummary(r),
    description: r.description,
    stepsToReproduce: r.stepsToReproduce,
    impact: r.impact,
    firstNoticed: r.firstNoticed,
    affected: r.affected,
    preferredLanguage: r.preferredLanguage,
    publicUrl: r.publicUrl,
    credit: { consent: r.creditConsent, name: r.creditName },
    acknowledgedBy: r.acknowledgedBy,
    assessedAt: iso(r.assessedAt),
    fixedAt: iso(r.fixedAt),
    disclosedAt: iso(r.disclosedAt),
    closedAt: iso(r.closedAt),
    closeReason: r.closeReason,
    duplicateOf: r.duplicateOf,
    version: r.version,
  };
}

export function presentAttachment(reportKey: string, a: AttachmentRecord) {
  return {
    id: a.id,
    name: a.original_name,
    claimedType: a.claimed_type,
    detectedType: a.detected_type,
    size: a.size,
    sha256: a.sha256,
    uploadedBy: a.uploaded_by,
    createdAt: iso(a.created_at),
    downloadUrl: `/api/v1/reports/${reportKey}/attachments/${a.id}`,
    redactedAt: a.redacted_at === null ? null : iso(a.redacted_at),
  };
}

/** A message to the reporter is Markdown, rendered safely; the others are shown as text (null). */
export function messageHtml(kind: string, body: string): string | null {
  return kind === 'to_reporter' ? renderMarkdown(body).toString() : null;
}

export function presentMessage(m: MessageRecord) {
  return {
    id: m.id,
    kind: m.kind,
    // Written only from the validated message types (null for notes and the reporter's replies).
    messageType: m.message_type as MessageType | null,
    body: m.body,
    html: messageHtml(m.kind, m.body),
    authorId: m.author_id,
    createdAt: iso(m.created_at),
  };
}

export function presentRemovalTask(t: RemovalTaskRecord) {
  return {
    id: t.id,
    url: t.url,
    status: t.status,
    evidence: t.evidence,
    recordedBy: t.recorded_by,
    createdAt: iso(t.created_at),
    updatedAt: iso(t.updated_at),
  };
}

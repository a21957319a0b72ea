// The HTTP contract for security reports: what a reporter submits (form and JSON API share it)
// and what staff send and receive. Text is kept exactly as given: no trimming, no rewriting;
// "required" means "not only white space".
import { z } from 'zod';
import {
  REPORT_STATUSES,
  CLOSE_RESOLUTIONS,
  MESSAGE_TYPES,
  VERIFICATION_METHODS,
  REMOVAL_STATUSES,
  MILESTONES,
} from '../domain/reports.ts';
import { Time } from './times.ts';

const notBlank = (value: string) => value.trim().length > 0;

const requiredText = (max: number) =>
  z
    .string({ error: 'is required' })
    .max(max, `must be at most ${max} characters`)
    .refine(notBlank, 'is required');

const optionalText = (max: number) =>
  z.string().max(max, `must be at most ${max} characters`).optional();

/** A web address (http or https only: never javascript:, data: and the like), length-limited. */
export const WebUrl = z
  .string()
  .max(2000, 'must be at most 2000 characters')
  .refine((value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'must be a web address starting with http:// or https://');

export const REPORT_TEXT_LIMITS = {
  summary: 300,
  description: 200_000,
  stepsToReproduce: 100_000,
  impact: 20_000,
  firstNoticed: 200,
  affected: 2_000,
  name: 200,
  phone: 50,
  pgpKey: 50_000,
  creditName: 200,
  message: 100_000,
  fileName: 255,
} as const;

export const ReportContact = z.strictObject({
  name: optionalText(REPORT_TEXT_LIMITS.name),
  email: z.email({ error: 'must be an e-mail address' }).max(320).optional(),
  phone: optionalText(REPORT_TEXT_LIMITS.phone),
  pgpKey: optionalText(REPORT_TEXT_LIMITS.pgpKey),
});
export type ReportContact = z.infer<typeof ReportContact>;

/** The fields of a report, as the form and the JSON API take them (attachments apart). */
export const ReportFields = z.strictObject({
  summary: requiredText(REPORT_TEXT_LIMITS.summary),
  description: requiredText(REPORT_TEXT_LIMITS.description),
  stepsToReproduce: optionalText(REPORT_TEXT_LIMITS.stepsToReproduce),
  impact: optionalText(REPORT_TEXT_LIMITS.impact),
  firstNoticed: optionalText(REPORT_TEXT_LIMITS.firstNoticed),
  affected: optionalText(REPORT_TEXT_LIMITS.affected),
  contact: ReportContact.default({}),
  preferredLanguage: z
    .string()
    .regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, 'must be a language tag such as "en" or "pt-BR"')
    .optional(),
  publicUrl: WebUrl.optional(),
  creditConsent: z.boolean().default(false),
  creditName: optionalText(REPORT_TEXT_LIMITS.creditName),
  /**
   * A critical or emergency issue (actively exploited, already public, customer data leaving):
   * the policy's emergency acknowledgment clock applies (15 minutes in the bundled policy).
   */
  emergency: z.boolean().default(false),
});
export type ReportFields = z.infer<typeof ReportFields>;

/** An attachment in the JSON API: the file name and the bytes in standard base64. */
export const Base64Attachment = z.strictObject({
  name: z.string().min(1, 'is required').max(REPORT_TEXT_LIMITS.fileName),
  contentType: z.string().max(200).optional(),
  contentBase64: z
    .string()
    .regex(/^[A-Za-z0-9+/\s]*={0,2}\s*$/, 'must be base64 (standard alphabet)'),
});

export const ReportSubmissionJson = ReportFields.extend({
  attachments: z.array(Base64Attachment).default([]),
});
export type ReportSubmissionJson = z.infer<typeof ReportSubmissionJson>;

export const ReportReceiptJson = z.object({
  key: z.string(),
  /** Shown once: the reporter's only way into the portal. Stored only as a hash. */
  accessCode: z.string(),
  portalUrl: z.string(),
  receivedAt: Time,
  acknowledgeBy: Time,
});

export {
  REPORT_STATUSES,
  CLOSE_RESOLUTIONS,
  MESSAGE_TYPES,
  VERIFICATION_METHODS,
  REMOVAL_STATUSES,
  MILESTONES,
};
export const ReportStatus = z.enum(REPORT_STATUSES);
export type ReportStatus = z.infer<typeof ReportStatus>;

const reason = requiredText(5_000);

export const CloseReportInput = z.discriminatedUnion('resolution', [
  z.strictObject({
    resolution: z.literal('duplicate'),
    duplicateOf: z.string().regex(/^RPT-\d{4,}$/, 'must be a report key such as RPT-0001'),
    reason,
  }),
  z.strictObject({ resolution: z.literal('not_vulnerability'), reason }),
  z.strictObject({ resolution: z.literal('spam'), reason }),
]);
export type CloseReportInput = z.infer<typeof CloseReportInput>;

export const StaffMessageInput = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('internal_note'),
    body: requiredText(REPORT_TEXT_LIMITS.message),
  }),
  z.strictObject({
    kind: z.literal('to_reporter'),
    messageType: z.enum(MESSAGE_TYPES).default('general'),
    body: requiredText(REPORT_TEXT_LIMITS.message),
  }),
]);
export type StaffMessageInput = z.infer<typeof StaffMessageInput>;

export const IdentityVerificationInput = z.strictObject({
  method: z.enum(VERIFICATION_METHODS),
  note: optionalText(5_000),
});
export type IdentityVerificationInput = z.infer<typeof IdentityVerificationInput>;

export const PublicUrlInput = z.strictObject({ url: WebUrl });

export const RemovalTaskUpdateInput = z.strictObject({
  status: z.enum(REMOVAL_STATUSES),
  evidence: optionalText(20_000),
});
export type RemovalTaskUpdateInput = z.infer<typeof RemovalTaskUpdateInput>;

export const IncidentLinkInput = z.strictObject({ incidentId: z.string().min(1).max(100) });
export const MilestoneInput = z.strictObject({ milestone: z.enum(MILESTONES) });

export const ReportListQuery = z.strictObject({
  status: z
    .union([ReportStatus, z.array(ReportStatus)])
    .optional()
    .transform((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v])),
  q: z.string().max(200).optional(),
  receivedFrom: z.iso.datetime({ offset: true }).optional(),
  receivedTo: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ReportListQuery = z.infer<typeof ReportListQuery>;

// ---- What staff receive (the shapes of http/api/report-presenters.ts). Reporter text is passed
// through as sent: a client must show it as text, never as markup.

/** A row of the triage queue. `incidentId` is the handling incident's id (GET /incidents/:ref). */
export const ReportSummary = z.object({
  key: z.string(),
  status: ReportStatus,
  summary: z.string(),
  receivedAt: Time,
  acknowledgeDueAt: Time,
  acknowledgedAt: Time.nullable(),
  verified: z.boolean(),
  incidentId: z.string().nullable(),
  /** A critical or emergency report: the policy's emergency acknowledgment time applies. */
  emergency: z.boolean(),
});
export type ReportSummary = z.infer<typeof ReportSummary>;

export const ReportQueue = z.object({ reports: z.array(ReportSummary) });
export type ReportQueue = z.infer<typeof ReportQueue>;

export const ReportAttachment = z.object({
  id: z.string(),
  name: z.string(),
  claimedType: z.string().nullable(),
  /** Detected from the bytes, never from the name. */
  detectedType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  uploadedBy: z.string(),
  createdAt: Time,
  /** Always a download (application/octet-stream, Content-Disposition: attachment). */
  downloadUrl: z.string(),
  /** When its bytes were redacted (retention or erasure); the download is gone then (404). */
  redactedAt: Time.nullable(),
});
export type ReportAttachment = z.infer<typeof ReportAttachment>;

/** An erasure on request (GDPR): one field of a report, with the reason (admins: data.erase). */
const erasureReason = z.string().trim().min(1, 'is required: say why').max(2000);
export const ReportErasureInput = z.discriminatedUnion('field', [
  z.strictObject({ field: z.literal('contact'), reason: erasureReason }),
  z.strictObject({
    field: z.literal('attachment'),
    attachmentId: z.string().min(1).max(64),
    reason: erasureReason,
  }),
]);
export type ReportErasureInput = z.infer<typeof ReportErasureInput>;

export const ReportErasure = z.object({
  key: z.string(),
  field: z.enum(['contact', 'attachment']),
  attachmentId: z.string().nullable(),
  at: Time,
});
export type ReportErasure = z.infer<typeof ReportErasure>;

/**
 * A tombstone of the report: what was redacted (the reporter's contact details, or one
 * attachment's bytes), by the retention rule or on request (an admin's erasure), why and when.
 */
export const ReportRedaction = z.object({
  field: z.enum(['contact', 'attachment']),
  attachmentId: z.string().nullable(),
  rule: z.enum(['retention', 'request']),
  reason: z.string(),
  at: Time,
});
export type ReportRedaction = z.infer<typeof ReportRedaction>;

export const RemovalTask = z.object({
  id: z.string(),
  url: z.string(),
  status: z.enum(REMOVAL_STATUSES),
  evidence: z.string().nullable(),
  recordedBy: z.string(),
  createdAt: Time,
  updatedAt: Time,
});
export type RemovalTask = z.infer<typeof RemovalTask>;

export const IdentityVerification = z.object({
  id: z.string(),
  method: z.string(),
  note: z.string().nullable(),
  verifiedBy: z.string().nullable(),
  verifiedAt: Time,
});
export type IdentityVerification = z.infer<typeof IdentityVerification>;

/** GET /reports/:key: the report without contact details (those are GET /reports/:key/contact). */
export const ReportDetail = ReportSummary.extend({
  description: z.string(),
  stepsToReproduce: z.string().nullable(),
  impact: z.string().nullable(),
  firstNoticed: z.string().nullable(),
  affected: z.string().nullable(),
  preferredLanguage: z.string().nullable(),
  publicUrl: z.string().nullable(),
  credit: z.object({ consent: z.boolean(), name: z.string().nullable() }),
  acknowledgedBy: z.string().nullable(),
  assessedAt: Time.nullable(),
  fixedAt: Time.nullable(),
  disclosedAt: Time.nullable(),
  closedAt: Time.nullable(),
  closeReason: z.string().nullable(),
  duplicateOf: z.string().nullable(),
  version: z.number().int(),
  attachments: z.array(ReportAttachment),
  removalTasks: z.array(RemovalTask),
  identityVerifications: z.array(IdentityVerification),
  /** What was redacted, oldest first: the contact details and attachments' bytes are gone. */
  redactions: z.array(ReportRedaction),
});
export type ReportDetail = z.infer<typeof ReportDetail>;

export const MESSAGE_KINDS = ['internal_note', 'to_reporter', 'from_reporter'] as const;

export const ReportMessage = z.object({
  id: z.string(),
  /** `internal_note` is never shown to the reporter. */
  kind: z.enum(MESSAGE_KINDS),
  messageType: z.enum(MESSAGE_TYPES).nullable(),
  body: z.string(),
  /**
   * A message to the reporter is Markdown (as the portal and the e-mail show it): here rendered,
   * with raw HTML off and links made safe. Null for internal notes and the reporter's own
   * messages, which are shown as text.
   */
  html: z.string().nullable(),
  authorId: z.string().nullable(),
  createdAt: Time,
});
export type ReportMessage = z.infer<typeof ReportMessage>;

export const ReportConversation = z.object({ messages: z.array(ReportMessage) });
export type ReportConversation = z.infer<typeof ReportConversation>;

/** GET /reports/:key/contact: every read is in the access log and on the audit trail. */
export const ReportContactDetails = z.object({
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  pgpKey: z.string().nullable(),
});
export type ReportContactDetails = z.infer<typeof ReportContactDetails>;

export const ReportAccessLog = z.object({
  entries: z.array(
    z.object({
      action: z.string(),
      actorId: z.string().nullable(),
      ip: z.string().nullable(),
      at: Time,
    }),
  ),
});
export type ReportAccessLog = z.infer<typeof ReportAccessLog>;

/** One e-mail that made, joined or was kept on a report, as received (never its text). */
export const ReportMailMessage = z.object({
  id: z.string(),
  via: z.enum(['smtp', 'imap']),
  receivedAt: Time,
  /** SHA-256 (hex) of the raw bytes as received; the raw message has the same. */
  sha256: z.string(),
  /** When the message as received was redacted (retention): its raw download answers 404. */
  redactedAt: Time.nullable(),
  size: z.number().int(),
  /** What it became: report, reply, ignored (a machine on the thread), duplicate, unreadable. */
  status: z.string(),
  /** SPF, DKIM and DMARC as checked on arrival (mailauth's words); null until read. */
  authentication: z
    .object({
      spf: z.string(),
      dkim: z.array(z.object({ domain: z.string(), result: z.string() })),
      dmarc: z.string(),
      fromDomain: z.string().nullable(),
    })
    .nullable(),
  /** The sender is shown forged (DMARC fails, or SPF fails with no passing DKIM signature). */
  forged: z.boolean(),
  /** Its OpenPGP verdict; null when it had none. */
  openpgp: z
    .object({
      encrypted: z.enum(['pgp-mime', 'inline', 'attachment']).nullable(),
      decrypted: z.boolean().nullable(),
      problem: z.string().nullable(),
      signature: z
        .object({
          result: z.enum(['valid', 'unknown-key', 'bad']),
          fingerprint: z.string().nullable(),
          keyId: z.string().nullable(),
          keyFrom: z.enum(['kept', 'message']).nullable(),
        })
        .nullable(),
    })
    .nullable(),
  /** Why it could not be read, when it could not. */
  problem: z.string().nullable(),
  /** The raw bytes with every header: text/plain, a download (reports.read_contact, logged). */
  rawUrl: z.string(),
});
export type ReportMailMessage = z.infer<typeof ReportMailMessage>;

export const ReportMailList = z.object({ messages: z.array(ReportMailMessage) });
export type ReportMailList = z.infer<typeof ReportMailList>;

/** Triage raises or lowers the emergency; the reason is on the record. */
export const EmergencyInput = z.strictObject({
  emergency: z.boolean(),
  reason: z.string().trim().min(1, 'is required').max(5000),
});
export type EmergencyInput = z.infer<typeof EmergencyInput>;

export const EmergencyResult = z.object({
  emergency: z.boolean(),
  /** The acknowledgment deadline planned again from receipt. */
  acknowledgeDueAt: Time,
});

export const AcknowledgeResult = z.object({
  acknowledgedAt: Time,
  /** Whether the policy's acknowledgment deadline was met. */
  onTime: z.boolean(),
});
export type AcknowledgeResult = z.infer<typeof AcknowledgeResult>;

export const RecordedPublicUrl = z.object({ removalTaskId: z.string() });

/** A new access code, answered once (Cache-Control: no-store). */
export const IssuedAccessCode = z.object({ accessCode: z.string() });

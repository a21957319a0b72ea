// Receiving a report from a stranger: per-address limits, attachment limits, then one transaction
// that allocates the key, stores the report with a fresh access code (hash only), appends the
// first events and opens a "remove from public view" task when the report was posted publicly.
// No e-mail goes out on submit: anyone can type anyone's address into the form, so the first
// e-mail to a reporter waits until a person on the team acts on the report (notifyReporter).
import type { ReportFields } from '../../../shared/api/reports.ts';
import { HOUR } from '../../clock.ts';
import { allocateKey } from '../../db/key-sequence.ts';
import {
  hitRateLimit,
  peekRateLimit,
  pruneRateLimits,
  rateLimitKeyForAddress,
} from '../../db/rate-limit.ts';
import type { Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { ReportsDeps } from './report-context.ts';
import type { AttachmentSummary, StoredAttachment } from './report-events.ts';
import { appendToReport } from './report-projection.ts';
import { findReportById } from './report-repository.ts';
import { recordChange } from './report-context.ts';
import type { StagedFile } from './attachment-store.ts';
import { acknowledgeDueAt, receive, reporterReply } from './report-rules.ts';
import { hashSecret, newSecret } from './portal-secrets.ts';

/**
 * A file a reporter sent: its bytes (the JSON API), or the file the public forms already streamed
 * to the staging folder (the attachment store's `stage`).
 */
export type IncomingFile = { name: string; claimedType?: string } & (
  { bytes: Buffer } | { staged: StagedFile }
);

const sizeOf = (file: IncomingFile) => ('staged' in file ? file.staged.size : file.bytes.length);

export interface Receipt {
  key: string;
  /** Shown to the reporter once; only its hash is stored. */
  accessCode: string;
  receivedAt: number;
  acknowledgeDueAt: number;
}

const intakeBucket = (ip: string) => `intake:${rateLimitKeyForAddress(ip)}`;

const tooMany = (now: number) =>
  new AppError(
    'RATE_LIMITED',
    'Too many reports from your network in the last hour; please try again later',
    { retryAfterSeconds: Math.ceil((HOUR - (now % HOUR)) / 1000) },
  );

/**
 * Counts a report or reply against the sender's hourly limit, inside the transaction that stores
 * it: one commit per report, and a refusal rolls the count back with everything else.
 */
export async function countIntake(tx: Executor, deps: ReportsDeps, ip: string, now: number) {
  const count = await hitRateLimit(tx, { bucket: intakeBucket(ip), windowMs: HOUR, now });
  if (count === 1) await pruneRateLimits(tx, now - 2 * HOUR);
  if (count > deps.settings.intakeRateLimit) throw tooMany(now);
}

/** A read-only look before files are written, so a refused sender costs no disk writes. */
export async function checkIntakeRate(deps: ReportsDeps, ip: string): Promise<void> {
  const now = deps.clock.now();
  const count = await peekRateLimit(deps.db, { bucket: intakeBucket(ip), windowMs: HOUR, now });
  if (count >= deps.settings.intakeRateLimit) throw tooMany(now);
}

export function checkAttachmentLimits(deps: ReportsDeps, files: IncomingFile[]): void {
  const { attachmentMaxBytes, attachmentMaxCount } = deps.settings;
  if (files.length > attachmentMaxCount) {
    throw new AppError(
      'PAYLOAD_TOO_LARGE',
      `At most ${attachmentMaxCount} attachments are accepted at once`,
      { limit: attachmentMaxCount },
    );
  }
  const big = files.find((f) => sizeOf(f) > attachmentMaxBytes);
  if (big) {
    throw new AppError(
      'PAYLOAD_TOO_LARGE',
      `An attachment is larger than ${attachmentMaxBytes} bytes, the most accepted`,
      { limit: attachmentMaxBytes },
    );
  }
}

/** Threading headers of the receipt: the report's reply address, the message it answers. */
export interface ReceiptThreading {
  /** Its own Message-ID (naming the report, so answers to it thread). */
  messageId?: string;
  replyTo?: string;
  inReplyTo?: string;
  references?: string[];
}

export interface StoredFiles {
  /** The files as the log names them. */
  attachments: AttachmentSummary[];
  /** Where each is kept: row-only data for the projection. */
  files: StoredAttachment[];
  /** Removes the files again when the transaction that records them fails. */
  discard(): Promise<void>;
}

/** Inspects and writes files before the transaction; their events record them inside it. */
export async function storeFiles(
  deps: ReportsDeps,
  reportId: string,
  incoming: IncomingFile[],
): Promise<StoredFiles> {
  const attachments: AttachmentSummary[] = [];
  const files: StoredAttachment[] = [];
  const discard = async () => {
    await Promise.all(files.map((f) => deps.attachments.remove(f.storedPath)));
  };
  try {
    for (const file of incoming) {
      const id = newId();
      const inspected = 'staged' in file ? file.staged : await deps.attachments.inspect(file.bytes);
      const storedPath =
        'staged' in file
          ? await deps.attachments.keep(reportId, id, file.staged)
          : await deps.attachments.save(reportId, id, file.bytes);
      files.push({ id, storedPath, claimedType: file.claimedType ?? null });
      attachments.push({
        id,
        name: file.name,
        size: inspected.size,
        sha256: inspected.sha256,
        detectedType: inspected.detectedType,
      });
    }
  } catch (error) {
    await discard();
    throw error;
  }
  return { attachments, files, discard };
}

export function createIntake(deps: ReportsDeps) {
  /**
   * Files a new report: its files first, then one transaction for the key, the report, its
   * events, a removal task and the acknowledgment clock (from `receivedAt`), and whatever the
   * caller records with it (`alongside`, in the same transaction).
   */
  async function fileReport(
    fields: ReportFields,
    files: IncomingFile[],
    options: {
      receivedAt: number;
      /** The client address counted against the hourly limit (none for e-mail). */
      countFrom: string | null;
      alongside?: (
        tx: Executor,
        filed: { reportId: string; key: string; accessCode: string },
      ) => Promise<void>;
    },
  ): Promise<Receipt & { reportId: string }> {
    const policy = deps.policy();
    const { receivedAt } = options;
    const reportId = newId();
    const stored = await storeFiles(deps, reportId, files);
    const accessCode = newSecret();
    const dueAt = acknowledgeDueAt(receivedAt, policy, fields.emergency);
    try {
      const key = await inTransaction(deps.db, async (tx) => {
        if (options.countFrom !== null) await countIntake(tx, deps, options.countFrom, receivedAt);
        const key = await allocateKey(tx, 'RPT');
        // Policy step 1: a report already posted publicly is taken out of public view first.
        const removalTaskId = fields.publicUrl ? newId() : null;
        const events = receive({
          key,
          fields,
          attachments: stored.attachments,
          files: stored.files,
          acknowledgeDueAt: dueAt,
          accessCodeHash: hashSecret(accessCode),
          removalTaskId,
        });
        await appendToReport(tx, reportId, null, events, null, receivedAt);
        // The key the reporter gave is kept for their address: what we mail them is encrypted.
        if (fields.contact.email && fields.contact.pgpKey)
          await deps.mail.keepReporterKey(
            tx,
            fields.contact.email,
            fields.contact.pgpKey,
            receivedAt,
          );
        await deps.clocks?.reportReceived(tx, reportId, receivedAt, dueAt);
        await tellTriage(
          tx,
          { id: reportId, key, summary: fields.summary },
          fields.emergency,
          dueAt,
        );
        await options.alongside?.(tx, { reportId, key, accessCode });
        return key;
      });
      return { reportId, key, accessCode, receivedAt, acknowledgeDueAt: dueAt };
    } catch (error) {
      await stored.discard();
      throw error;
    }
  }

  /** The triage rota the policy names hears of the new report (an emergency one at once). */
  async function tellTriage(
    tx: Executor,
    report: { id: string; key: string; summary: string },
    emergency: boolean,
    dueAt: number,
  ): Promise<void> {
    await deps.notices.tellStaff(tx, {
      to: { roles: deps.policy().notices.newReport },
      kind: 'report_received',
      urgent: emergency,
      about: { type: 'report', key: report.key, title: report.summary, restricted: false },
      headline: emergency ? 'Emergency security report' : 'New security report',
      lines: [
        `A security report${emergency ? ' marked as an emergency' : ''} has arrived. Acknowledge it by ${new Date(dueAt).toISOString()}.`,
      ],
      idempotencyKey: `report-received:${report.id}`,
      at: deps.clock.now(),
    });
  }

  async function submitReport(
    fields: ReportFields,
    files: IncomingFile[],
    origin: { ip: string },
  ): Promise<Receipt> {
    checkAttachmentLimits(deps, files);
    await checkIntakeRate(deps, origin.ip);
    const filed = await fileReport(fields, files, {
      receivedAt: deps.clock.now(),
      countFrom: origin.ip,
    });
    return {
      key: filed.key,
      accessCode: filed.accessCode,
      receivedAt: filed.receivedAt,
      acknowledgeDueAt: filed.acknowledgeDueAt,
    };
  }

  /**
   * A report that came by e-mail (the mail subject): received when the message arrived, so the
   * acknowledgment clock runs from then; the automatic receipt goes to the sender when the mail
   * subject says it may (`receiptTo`). The hourly limit per client address does not apply: mail
   * arrives through the same few relays. The receipt carries the portal access code, as the
   * form's answer does (the outbox holds it sealed with the server key until it is sent).
   */
  async function submitMailedReport(input: {
    fields: ReportFields;
    files: IncomingFile[];
    receivedAt: number;
    /** The automatic receipt: to whom, and its threading headers (from the new report's id). */
    receipt: { to: string; threading: (reportId: string) => ReceiptThreading } | null;
    alongside: (tx: Executor, filed: { reportId: string; key: string }) => Promise<void>;
  }): Promise<{ reportId: string; key: string; acknowledgeDueAt: number }> {
    const filed = await fileReport(input.fields, input.files, {
      receivedAt: input.receivedAt,
      countFrom: null,
      alongside: async (tx, made) => {
        if (input.receipt) {
          await deps.notices.sendReportReceipt(tx, {
            address: input.receipt.to,
            threading: input.receipt.threading(made.reportId),
            reportKey: made.key,
            accessCode: made.accessCode,
            reportSubject: input.fields.summary,
            receivedAt: input.receivedAt,
            acknowledgeDueAt: acknowledgeDueAt(
              input.receivedAt,
              deps.policy(),
              input.fields.emergency,
            ),
            idempotencyKey: `report-receipt:${made.reportId}`,
            at: deps.clock.now(),
          });
        }
        await input.alongside(tx, { reportId: made.reportId, key: made.key });
      },
    });
    return { reportId: filed.reportId, key: filed.key, acknowledgeDueAt: filed.acknowledgeDueAt };
  }

  /**
   * A reporter's reply that came by e-mail and the mail subject matched to this report: a message
   * from the reporter on the conversation, as a portal reply is, recorded in one transaction with
   * what the caller records (`alongside`).
   */
  async function addMailedReply(input: {
    reportId: string;
    body: string;
    files: IncomingFile[];
    receivedAt: number;
    alongside: (tx: Executor, key: string) => Promise<void>;
  }): Promise<{ key: string }> {
    const messageId = newId();
    const stored = await storeFiles(deps, input.reportId, input.files);
    try {
      return await inTransaction(deps.db, async (tx) => {
        const report = await findReportById(tx, input.reportId);
        if (!report) throw new AppError('NOT_FOUND', 'Report not found');
        const events = reporterReply(messageId, input.body, stored.attachments, stored.files);
        await recordChange(tx, deps, report, events, null, deps.clock.now());
        await input.alongside(tx, report.key);
        return { key: report.key };
      });
    } catch (error) {
      await stored.discard();
      throw error;
    }
  }

  /** Streams a file from a public form to the staging folder (see IncomingFile). */
  function stageUpload(source: AsyncIterable<Buffer>): Promise<StagedFile> {
    return deps.attachments.stage(source);
  }

  /**
   * Removes the staged files of a form that was not recorded (files already moved into place by
   * a recorded report or reply are not touched).
   */
  async function discardUploads(files: IncomingFile[]): Promise<void> {
    await Promise.all(
      files.map((f) =>
        'staged' in f ? deps.attachments.remove(f.staged.stagedPath) : Promise.resolve(),
      ),
    );
  }

  /**
   * Refuses a sender over the hourly limit before their request body is read (a read-only look;
   * the count itself is taken in the transaction that records the report or reply).
   */
  function checkIntakeAllowed(origin: { ip: string }): Promise<void> {
    return checkIntakeRate(deps, origin.ip);
  }

  return {
    submitReport,
    submitMailedReport,
    addMailedReply,
    stageUpload,
    discardUploads,
    checkIntakeAllowed,
  };
}

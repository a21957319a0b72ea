// What the report use cases share: their dependencies, and the one way a report changes
// (recordChange: the rules' events, with what the clocks add, appended and projected by
// appendToReport in the use case's transaction, at the loaded version).
import type { Transaction } from 'kysely';
import type { Clock } from '../../clock.ts';
import type { Database, Db, Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { notFound } from '../../errors.ts';
import type { Actor } from '../actor.ts';
import { requirePermission } from '../actor.ts';
import type { Policy } from '../policy/index.ts';
import type { Permission } from '../../../shared/domain/permissions.ts';
import type { AttachmentStore } from './attachment-store.ts';
import { getVisibleReport, type ReportIncidents } from './access-service.ts';
import { findReportByKey } from './report-repository.ts';
import type { ReportClockEvent, ReportEvent } from './report-events.ts';
import type { Report } from './report-state.ts';
import { appendToReport } from './report-projection.ts';
import type { AuditRecord } from '../audit/index.ts';
import type { IncidentView } from '../incidents/index.ts';
import type {
  ReporterMessageNotice,
  ReporterNotice,
  ReportReceiptNotice,
  StaffNotice,
} from '../notifications/index.ts';

/** An entry for the general audit trail: the audit subject's own record shape. */
export type AuditEntry = AuditRecord;

export interface ReportsSettings {
  baseUrl: string;
  attachmentMaxBytes: number;
  attachmentMaxCount: number;
  /** Reports and replies per client IP per hour. */
  intakeRateLimit: number;
}

export interface ReportsDeps {
  db: Db;
  clock: Clock;
  /** The policy in force (a getter, so a policy change applies without a restart). */
  policy: () => Policy;
  attachments: AttachmentStore;
  settings: ReportsSettings;
  /** Who may see the incident a report is linked to (need-to-know, see access-service.ts). */
  incidents: ReportIncidents;
  /** The general audit trail (accounts subject), written in the same transaction when wired. */
  recordAudit?: (tx: Executor, entry: AuditEntry) => Promise<void>;
  /** Opens an incident for a report (incidents subject), in the caller's transaction. */
  openIncident?: (tx: Executor, actor: Actor, report: IncidentSource) => Promise<OpenedIncident>;
  /** The clocks (acknowledgment deadline), in the same transaction as the report's change. */
  clocks?: ReportClockHook;
  /** Reporters are told of news through the notifications subject. */
  notices: ReporterNotices;
  /** How mail to a reporter whose report came by e-mail threads (mail subject). */
  mail: ReportMail;
  /**
   * What a redaction's tombstone records of the data it removed: an HMAC-SHA256 under the server
   * key of its canonical JSON (a plain hash of an address could be confirmed by guessing it).
   */
  redactionHash: (removed: unknown) => string;
}

/** What the reports subject needs of the mail subject. */
export interface ReportMail {
  /**
   * The headers of an e-mail to the reporter (its Message-ID, the report's reply address, the
   * reporter's mail it answers); null without e-mail intake or when the encryption policy keeps
   * the text to the portal. A report made with the form gets its reply address then.
   */
  threadingFor(
    tx: Executor,
    report: { id: string; contactEmail: string },
    idempotencyKey: string,
    at: number,
  ): Promise<{
    messageId?: string;
    replyTo?: string;
    inReplyTo?: string;
    references?: string[];
  } | null>;
  /**
   * Keeps the OpenPGP key a reporter gave with the form for their address (when usable, naming
   * it, and none is kept), so mail to them is encrypted; in the transaction that files the report.
   */
  keepReporterKey(
    tx: Executor,
    address: string,
    armoredKey: string,
    at: number,
  ): Promise<'kept' | 'unusable' | 'already'>;
  /**
   * Keeps the OpenPGP public key a reporter gives in the portal for their address (when it is
   * one, able to encrypt, naming the address, and no other is kept); never a private key.
   */
  keepPortalKey(
    tx: Executor,
    address: string,
    armoredKey: string,
    at: number,
  ): Promise<{ fingerprint: string; already: boolean } | { problem: string }>;
}

/** What the reports subject needs of the notifications subject. */
export interface ReporterNotices {
  /** Enqueues an e-mail to the reporter's address, in the caller's transaction. */
  tellReporter(tx: Executor, notice: ReporterNotice): Promise<void>;
  /** Enqueues a staff message by e-mail, its text threaded on the reporter's mail. */
  mailReporterMessage(tx: Executor, notice: ReporterMessageNotice): Promise<void>;
  /** Enqueues the automatic receipt for a report that came by e-mail. */
  sendReportReceipt(tx: Executor, notice: ReportReceiptNotice): Promise<void>;
  /** Staff who must act on a report (the triage rota) hear of it on their channels. */
  tellStaff(tx: Executor, notice: StaffNotice): Promise<void>;
  /** The reporter's address was redacted: e-mail to it is emptied, and what was not sent never is. */
  forgetMessagesTo(tx: Executor, address: string): Promise<number>;
}

/** What the reports subject needs of the clocks, in the transaction of each change. */
export interface ReportClockHook {
  reportReceived(tx: Executor, reportId: string, receivedAt: number, dueAt: number): Promise<void>;
  /** The report's deadlines after these events; returns the clock events to record with them. */
  reportEvents(
    tx: Executor,
    reportId: string,
    events: readonly ReportEvent[],
    at: number,
  ): Promise<ReportClockEvent[]>;
}

/** What the incidents subject is given to open an incident from a report. */
/** The incident a report opened, as its opener sees it (the API answers it as POST /incidents does). */
export interface OpenedIncident {
  incidentId: string;
  incident: IncidentView;
}

export interface IncidentSource {
  reportId: string;
  key: string;
  summary: string;
  receivedAt: number;
  /** The reporter or staff recorded that the issue was posted in public. */
  postedPublicly: boolean;
}

export type Tx = Transaction<Database>;

export { refuseUnless } from './report-rules.ts';

export async function getReportByKey(tx: Executor, key: string): Promise<Report> {
  const report = await findReportByKey(tx, key.toUpperCase());
  if (!report) throw notFound(`Report ${key}`);
  return report;
}

/**
 * Records a change to a report: the rules' events, then what the clocks make of them (a deadline
 * met), appended and projected at the loaded version. Answers the report after them.
 */
export async function recordChange(
  tx: Executor,
  deps: Pick<ReportsDeps, 'clocks'>,
  report: Report,
  events: readonly ReportEvent[],
  actorId: string | null,
  at: number,
): Promise<Report> {
  if (events.length === 0) return report;
  const clockEvents = (await deps.clocks?.reportEvents(tx, report.id, events, at)) ?? [];
  const all = [...events, ...clockEvents];
  return appendToReport(tx, report.id, report, all, actorId, at);
}

/**
 * One staff use case: permission checked, the report loaded by key if the actor may see it (a
 * report linked to an incident hidden from them is NOT_FOUND), all in one transaction.
 */
export function staffUseCase(deps: ReportsDeps) {
  return <T>(
    actor: Actor,
    permission: Permission,
    key: string,
    work: (tx: Tx, report: Report, now: number) => Promise<T>,
  ): Promise<T> => {
    requirePermission(actor, permission);
    return inTransaction(deps.db, async (tx) => {
      const report = await getVisibleReport(tx, deps.incidents, actor, key);
      return work(tx, report, deps.clock.now());
    });
  };
}

/**
 * Tells a reporter who gave an e-mail address that something changed on their report: never the
 * content (that stays behind the portal sign-in), only that there is news and where to read it.
 */
export async function notifyReporter(
  tx: Executor,
  deps: { notices: Pick<ReporterNotices, 'tellReporter'> },
  report: Report,
  what: { subject: string; line: string; idempotencyKey: string },
  at: number,
): Promise<void> {
  if (!report.contactEmail) return;
  await deps.notices.tellReporter(tx, {
    address: report.contactEmail,
    reportKey: report.key,
    ...what,
    at,
  });
}

// Threading of the mail Stopline sends a reporter (built before the reports subject, which sends
// staff replies through it): each e-mail's Message-ID names its report under a code from the
// server key, replies go to the report's reply address, and it answers the reporter's own mail.
// An answer to any Message-ID Stopline sent is then known as being about its report.
import { createHash } from 'node:crypto';
import { sha256Hex } from './raw-message-store.ts';
import type { Executor } from '../../db/schema.ts';
import { findSenderKey } from './key-repository.ts';
import { keepReplyToken, listInboundMailOfReport } from './message-repository.ts';
import { replyAddress } from './message-rules.ts';
import {
  parseSentMessageId,
  reporterThreading,
  sentMessageId,
  type MailEncryption,
} from './thread-rules.ts';

export interface MailThreadDeps {
  /** The security address (STOPLINE_SECURITY_EMAIL); null: no e-mail intake. */
  address: string | null;
  /** STOPLINE_MAIL_ENCRYPTION: with always or refuse-plaintext, no text in plaintext. */
  encryption: MailEncryption;
  /** The host part of the Message-IDs (the base URL's host). */
  domain: string;
  /** Each report's reply token and Message-ID code: unguessable without the server key. */
  replyTokens: { tokenFor(reportId: string): string; codeFor(reportId: string): string };
}

export function createMailThreads(deps: MailThreadDeps) {
  const replyAddressOf = (reportId: string) =>
    deps.address ? replyAddress(deps.address, deps.replyTokens.tokenFor(reportId)) : null;

  /** The Message-ID (no brackets) of the e-mail with this idempotency key about a report. */
  const messageIdOf = (reportId: string, idempotencyKey: string) =>
    sentMessageId(
      {
        unique: createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 24),
        reportId,
        code: deps.replyTokens.codeFor(reportId),
      },
      deps.domain,
    );

  return {
    replyAddressOf,
    messageIdOf,
    /**
     * The headers of an e-mail to the reporter about a report (its own Message-ID, the reply
     * address, the reporter's messages it answers); null without e-mail intake, or when the
     * policy wants it encrypted and no key is kept for the reporter, so the reporter gets the
     * portal's notice instead. A report made with the form or the API gets its reply address
     * here, the first time the reporter is written to (its token's SHA-256 kept, as for mail).
     */
    async threadingFor(
      tx: Executor,
      report: { id: string; contactEmail: string },
      idempotencyKey: string,
      at: number,
    ): Promise<ReturnType<typeof reporterThreading> | null> {
      if (!deps.address) return null;
      const mail = (await listInboundMailOfReport(tx, report.id)).filter(
        (m) => m.status === 'report' || m.status === 'reply',
      );
      // Never a reporter's text in plaintext when the policy says so: without a key kept for
      // them, they hear there is news and read it in the portal.
      const reporter = mail.find((m) => m.status === 'report')?.fromAddress ?? report.contactEmail;
      if (deps.encryption !== 'if-possible' && !(await findSenderKey(tx, reporter))) return null;
      if (mail.length === 0) {
        const token = deps.replyTokens.tokenFor(report.id);
        await keepReplyToken(tx, {
          tokenHash: sha256Hex(Buffer.from(token)),
          reportId: report.id,
          at,
        });
      }
      return reporterThreading({
        messageId: messageIdOf(report.id, idempotencyKey),
        replyTo: replyAddressOf(report.id),
        reporterMessageIds: mail.map((m) => m.messageId).filter((m): m is string => m !== null),
      });
    },
    /** The report the first Message-ID Stopline sent among these is about (code checked). */
    reportOfSentIds(messageIds: string[]): string | null {
      for (const id of messageIds) {
        const parsed = parseSentMessageId(id, deps.domain);
        if (parsed && parsed.code === deps.replyTokens.codeFor(parsed.reportId))
          return parsed.reportId;
      }
      return null;
    },
  };
}

export type MailThreads = ReturnType<typeof createMailThreads>;

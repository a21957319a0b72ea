// The mail subject's use cases: an inbound message is stored raw (bytes on disk, SHA-256, receive
// time, envelope) in its own transaction before anything reads it; then it is read (mailparser),
// authenticated (SPF, DKIM, DMARC), recognised as a duplicate by its Message-ID, or filed as a
// new report through the reports subject, in the transaction that records what it became.
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { ReportFields } from '../../../shared/api/reports.ts';
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import {
  hitRateLimit,
  peekRateLimit,
  pruneRateLimits,
  rateLimitKeyForAddress,
} from '../../db/rate-limit.ts';
import { HOUR } from '../../clock.ts';
import { AppError, notFound } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../actor.ts';
import type { PlaintextRefusalNotice } from '../notifications/index.ts';
import type { MailAuthentication, MailEvent, MailVia } from './message-events.ts';
import { appendToMessage } from './message-projection.ts';
import { findSenderKey } from './key-repository.ts';
import { keyNamesAddress, offeredKeyDecision, parseAutocrypt } from './key-rules.ts';
import {
  findFirstWithMessageId,
  findReportOfReplyToken,
  findThreadOf,
  findInboundMail,
  listInboundMailOfReport,
} from './message-repository.ts';
import * as rules from './message-rules.ts';
import type { InboundMessage } from './message-state.ts';
import type { MailThreads } from './thread-service.ts';
import type { MailEncryption } from './thread-rules.ts';
import { openPgpContent, type MailFile, type MailPgp, type OpenedMail } from './pgp-content.ts';
import { sha256Hex, type RawMessageStore } from './raw-message-store.ts';

/** How a message came: the SMTP envelope and connection (IMAP has none of these). */
export interface MailEnvelope {
  via: MailVia;
  remoteAddress: string | null;
  helo: string | null;
  /** The envelope sender; '' for the null sender of bounces; null when unknown (IMAP). */
  mailFrom: string | null;
  rcptTo: string[];
}

/** What the mail subject needs to judge a sender (mailauth, with DNS, in integrations/). */
export interface MailAuthenticator {
  authenticate(
    raw: Buffer,
    envelope: { ip: string | null; helo: string | null; sender: string | null },
  ): Promise<MailAuthentication>;
}

/** What the mail subject needs of the reports subject. */
export interface MailReports {
  submitMailedReport(input: {
    fields: ReportFields;
    files: { name: string; claimedType?: string; bytes: Buffer }[];
    receivedAt: number;
    receipt: {
      to: string;
      threading: (reportId: string) => {
        messageId?: string;
        replyTo?: string;
        inReplyTo?: string;
        references?: string[];
      };
    } | null;
    alongside: (tx: Executor, filed: { reportId: string; key: string }) => Promise<void>;
  }): Promise<{ reportId: string; key: string; acknowledgeDueAt: number }>;
  /** The report's id and key as the actor may see it (reports.read; NOT_FOUND when hidden). */
  findReportRef(actor: Actor, key: string): Promise<{ id: string; key: string }>;
  /** Records a read of a message as received, as a read of contact details (read_contact). */
  recordRawMailRead(actor: Actor, key: string): Promise<{ id: string; key: string }>;
  addMailedReply(input: {
    reportId: string;
    body: string;
    files: { name: string; claimedType?: string; bytes: Buffer }[];
    receivedAt: number;
    alongside: (tx: Executor, key: string) => Promise<void>;
  }): Promise<{ key: string }>;
}

export interface MailDeps {
  db: Db;
  clock: Clock;
  raw: RawMessageStore;
  authenticator: MailAuthenticator;
  reports: MailReports;
  limits: {
    attachmentMaxBytes: number;
    attachmentMaxCount: number;
    /** Messages one sender may send to the SMTP listener an hour (0: no limit). */
    senderPerHour: number;
  };
  /** The security address (STOPLINE_SECURITY_EMAIL); its +token forms are reply addresses. */
  address: string | null;
  /** Each report's reply token: unguessable without the server key, the same every time. */
  replyTokens: { tokenFor(reportId: string): string };
  /** The Message-IDs and threading of what Stopline sends reporters (thread-service.ts). */
  threads: Pick<MailThreads, 'replyAddressOf' | 'messageIdOf' | 'reportOfSentIds'>;
  pgp: MailPgp;
  /** The team's keys (team-key-service.ts): the private ones decrypt what reporters encrypted. */
  teamKeys: {
    openPrivateKeys(): Promise<string[]>;
    findPublishedKey(): Promise<{ fingerprint: string } | null>;
  };
  /** STOPLINE_MAIL_ENCRYPTION: refuse-plaintext refuses what comes unencrypted. */
  encryption: MailEncryption;
  /** The answer to a refused message (notifications: the one way to reach people). */
  notices: { refusePlaintext(tx: Executor, notice: PlaintextRefusalNotice): Promise<void> };
}

export type { MailEncryption };

/** What became of a message, for the SMTP answer and the log (never its content). */
export interface MailOutcome {
  id: string;
  status: InboundMessage['status'];
  reportKey: string | null;
}

const UNKNOWN_AUTH: MailAuthentication = {
  spf: 'temperror',
  dkim: [],
  dmarc: 'temperror',
  fromDomain: null,
};

const header = (mail: ParsedMail, name: string): string | undefined => {
  const value = mail.headers.get(name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'value' in value && typeof value.value === 'string')
    return value.value;
  return String(value as unknown);
};

const firstFrom = (from: AddressObject | undefined) => from?.value[0];

/** Who a message counts against: the envelope sender, or for the null sender its client. */
type SenderOf = Pick<MailEnvelope, 'mailFrom' | 'remoteAddress'>;
const senderBucket = ({ mailFrom, remoteAddress }: SenderOf) =>
  mailFrom
    ? `mail-from:${mailFrom.toLowerCase()}`
    : `mail-from:<>@${rateLimitKeyForAddress(remoteAddress ?? 'unknown')}`;

/** The addresses a message was delivered to by its headers (Delivered-To, X-Original-To, To, Cc). */
const headerRecipients = (mail: ParsedMail): string[] => {
  const delivered = ['delivered-to', 'x-original-to'].flatMap((name) => {
    const value = mail.headers.get(name);
    const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
    return values.map((v) => (typeof v === 'string' ? v : '')).filter((v) => v !== '');
  });
  const listed = [mail.to, mail.cc]
    .flatMap((a) => (a === undefined ? [] : Array.isArray(a) ? a : [a]))
    .flatMap((a) => a.value.map((v) => v.address ?? ''));
  return [...delivered, ...listed].map((a) => a.trim()).filter((a) => a.includes('@'));
};

const filesOf = (files: MailFile[]) =>
  files.map((a) => ({
    name: (a.filename ?? 'attachment').slice(0, 255),
    claimedType: a.contentType,
    bytes: a.content,
    size: a.content.length,
  }));

export function createMailService(deps: MailDeps) {
  const { db, clock } = deps;

  /** Stores the bytes and records their receipt; nothing has read them yet. */
  async function store(raw: Buffer, envelope: MailEnvelope): Promise<InboundMessage> {
    const id = newId();
    const receivedAt = clock.now();
    const rawPath = await deps.raw.save(id, raw);
    return inTransaction(db, async (tx) => {
      if (envelope.via === 'smtp') await countSender(tx, envelope, receivedAt);
      return appendToMessage(
        tx,
        id,
        null,
        [
          {
            type: 'mail.received',
            data: { via: envelope.via, sha256: sha256Hex(raw), size: raw.length },
            personal: {
              rawPath,
              remoteAddress: envelope.remoteAddress,
              helo: envelope.helo,
              envelopeFrom: envelope.mailFrom,
              envelopeTo: envelope.rcptTo,
            },
          },
        ],
        receivedAt,
      );
    });
  }

  /** Counts a message against its sender's hourly limit (in the transaction that stores it). */
  async function countSender(tx: Executor, envelope: SenderOf, now: number): Promise<void> {
    if (deps.limits.senderPerHour <= 0) return;
    const count = await hitRateLimit(tx, { bucket: senderBucket(envelope), windowMs: HOUR, now });
    if (count === 1) await pruneRateLimits(tx, now - 2 * HOUR);
  }

  /**
   * Whether a sender may send another message now (a read-only look at MAIL FROM, so a sender
   * over the limit is refused before any bytes): null when it may, else how long until it may.
   */
  async function checkSender(envelope: SenderOf): Promise<{ retryAfterSeconds: number } | null> {
    const limit = deps.limits.senderPerHour;
    if (limit <= 0) return null;
    const now = clock.now();
    const count = await peekRateLimit(db, { bucket: senderBucket(envelope), windowMs: HOUR, now });
    return count < limit ? null : { retryAfterSeconds: Math.ceil((HOUR - (now % HOUR)) / 1000) };
  }

  async function authenticate(raw: Buffer, envelope: MailEnvelope): Promise<MailAuthentication> {
    try {
      return await deps.authenticator.authenticate(raw, {
        ip: envelope.remoteAddress,
        helo: envelope.helo,
        sender: envelope.mailFrom,
      });
    } catch {
      return UNKNOWN_AUTH;
    }
  }

  /** The message's state as far as it got, so a failure is recorded at the right version. */
  type Progress = { state: InboundMessage; reportKey: string | null };

  async function read(progress: Progress, raw: Buffer, envelope: MailEnvelope) {
    const message = progress.state;
    let parsed: ParsedMail | null = null;
    let problem: string | null = null;
    try {
      parsed = await simpleParser(raw, { skipImageLinks: true });
    } catch (error) {
      problem = rules.describeParseFailure(error);
    }
    const authentication = await authenticate(raw, envelope);
    if (!parsed) {
      const events: MailEvent[] = [
        {
          type: 'mail.read',
          data: { messageId: null, authentication, automatic: null },
          personal: { fromAddress: null, subject: null },
        },
        { type: 'mail.unreadable', data: { problem: problem ?? 'unreadable' } },
      ];
      const after = await inTransaction(db, (tx) =>
        appendToMessage(tx, message.id, message, events, clock.now()),
      );
      progress.state = after;
      return { parsed: null, after, from: undefined };
    }
    const from = firstFrom(parsed.from);
    const automatic = rules.automaticReason({
      autoSubmitted: header(parsed, 'auto-submitted'),
      precedence: header(parsed, 'precedence'),
      autoReplyHeader: ['x-autoreply', 'x-autorespond', 'x-auto-response-suppress'].some((h) =>
        parsed.headers.has(h),
      ),
      listId: parsed.headers.has('list-id'),
      contentType: header(parsed, 'content-type'),
      envelopeFrom: envelope.mailFrom,
    });
    const messageId = rules.normaliseMessageId(parsed.messageId);
    const after = await inTransaction(db, (tx) =>
      appendToMessage(
        tx,
        message.id,
        message,
        [
          {
            type: 'mail.read',
            data: { messageId, authentication, automatic },
            personal: {
              fromAddress: from?.address ? rules.storable(from.address) : null,
              subject: parsed.subject ? rules.storable(parsed.subject) : null,
            },
          },
        ],
        clock.now(),
      ),
    );
    progress.state = after;
    return { parsed, after, from };
  }

  async function file(progress: Progress, raw: Buffer, envelope: MailEnvelope): Promise<void> {
    const { parsed, after, from } = await read(progress, raw, envelope);
    if (!parsed) {
      // Unreadable: still a report, so a person sees it; the message stays as received.
      await fileReport(progress, rules.unreadableReport(after), [], null);
      return;
    }
    if (after.messageId) {
      const earlier = await findFirstWithMessageId(db, after.messageId, after.id);
      if (earlier) {
        const events = rules.duplicateOf(earlier);
        progress.state = await inTransaction(db, (tx) =>
          appendToMessage(tx, after.id, after, events, clock.now()),
        );
        return;
      }
    }
    const opened = await open(progress, parsed, raw, from?.address ?? null);
    await keepAutocryptKey(progress, parsed, from?.address ?? null);
    if (deps.encryption === 'refuse-plaintext' && !rules.cameEncrypted(opened.verdict)) {
      await refuse(progress, parsed.subject ?? null, from?.address ?? null);
      return;
    }
    // A mailbox read by IMAP has no envelope: its recipients are those the headers name.
    const recipients = envelope.via === 'imap' ? headerRecipients(parsed) : envelope.rcptTo;
    const token = deps.address ? rules.replyTokenOf(deps.address, recipients) : null;
    const tokenReport = token
      ? await findReportOfReplyToken(db, sha256Hex(Buffer.from(token)))
      : undefined;
    if (tokenReport) {
      await joinOrIgnore(progress, tokenReport, opened, 'token');
      return;
    }
    const referenced = rules.referencedMessageIds(parsed.inReplyTo, parsed.references);
    const thread =
      (await findThreadOf(db, referenced)) ?? (await sentThreadOf(referenced)) ?? undefined;
    const fromAddress = from?.address ?? null;
    // A machine answering on a thread (a bounce of our mail, an auto-reply) is kept on it and
    // never answered, whoever it comes from; a person joins only from the report's address.
    if (thread && (after.automatic || rules.joinsThread(thread.fromAddress, fromAddress))) {
      await joinOrIgnore(progress, thread.reportId, opened, 'in-reply-to');
      return;
    }
    const { kept, leftOut } = rules.pickAttachments(filesOf(opened.files), {
      maxBytes: deps.limits.attachmentMaxBytes,
      maxCount: deps.limits.attachmentMaxCount,
    });
    const fields = rules.reportFromMail(
      {
        subject: opened.innerSubject ?? parsed.subject ?? null,
        text: opened.text,
        fromName: from?.name || null,
        fromAddress: from?.address ?? null,
      },
      [
        ...rules.authenticationNotes(after.authentication),
        ...rules.openPgpNotes(opened.verdict),
        ...leftOut,
      ],
    );
    const receiptTo =
      after.authentication && rules.mayReceipt(after.authentication, after.automatic)
        ? (fields.contact.email ?? null)
        : null;
    const receipt = receiptTo
      ? {
          to: receiptTo,
          threading: (reportId: string) => ({
            messageId: `<${deps.threads.messageIdOf(reportId, `report-receipt:${reportId}`)}>`,
            ...rules.receiptThreading(deps.threads.replyAddressOf(reportId), after.messageId),
          }),
        }
      : null;
    const files = kept.map(({ name, claimedType, bytes }) => ({ name, claimedType, bytes }));
    await fileReport(progress, fields, files, receipt);
  }

  /**
   * Opens the message's OpenPGP (decrypts, verifies) and records the verdict, with a key it
   * brought for its sender when none is kept yet; a message without OpenPGP records nothing.
   */
  async function open(
    progress: Progress,
    parsed: ParsedMail,
    raw: Buffer,
    fromAddress: string | null,
  ): Promise<OpenedMail> {
    const opened = await openPgpContent(parsed, raw, {
      pgp: deps.pgp,
      privateKeys: () => deps.teamKeys.openPrivateKeys(),
      keptKey: fromAddress ? await findSenderKey(db, fromAddress) : undefined,
      fromAddress,
      parse: (bytes) => simpleParser(bytes, { skipImageLinks: true }),
    });
    if (opened.verdict) {
      const current = progress.state;
      const senderKey =
        opened.newSenderKey && fromAddress
          ? { address: fromAddress.toLowerCase(), ...opened.newSenderKey }
          : null;
      progress.state = await inTransaction(db, (tx) =>
        appendToMessage(
          tx,
          current.id,
          current,
          [{ type: 'mail.openpgp', data: opened.verdict!, personal: { senderKey } }],
          clock.now(),
        ),
      );
    }
    return opened;
  }

  /**
   * The key a message's Autocrypt header offers for its sender (its addr the From address, a
   * public key naming it): kept when none is, replacing the kept one only when DMARC proves the
   * sender; recorded (mail.sender_key). A bad header is passed over: the message goes on.
   */
  async function keepAutocryptKey(
    progress: Progress,
    parsed: ParsedMail,
    fromAddress: string | null,
  ): Promise<void> {
    const value = header(parsed, 'autocrypt');
    const offered = value ? parseAutocrypt(value) : null;
    if (!offered || !fromAddress || offered.addr.toLowerCase() !== fromAddress.toLowerCase())
      return;
    const armored = await deps.pgp.armoredPublicKey(Buffer.from(offered.keydata, 'base64'));
    const facts = armored ? await deps.pgp.keyFacts(armored) : null;
    if (!armored || !facts || !keyNamesAddress(facts.userIds, fromAddress)) return;
    const kept = await findSenderKey(db, fromAddress);
    const current = progress.state;
    const decision = offeredKeyDecision({
      keptFingerprint: kept?.fingerprint ?? null,
      offeredFingerprint: facts.fingerprint,
      senderProven: current.authentication?.dmarc === 'pass',
      senderForged: !current.authentication || !rules.mayReceipt(current.authentication, null),
    });
    if (decision === 'none') return;
    progress.state = await inTransaction(db, (tx) =>
      appendToMessage(
        tx,
        current.id,
        current,
        [
          {
            type: 'mail.sender_key',
            data: {
              source: 'autocrypt',
              fingerprint: facts.fingerprint,
              decision,
              replacedFingerprint: decision === 'replace' ? (kept?.fingerprint ?? null) : null,
            },
            personal: { address: fromAddress.toLowerCase(), publicKey: armored },
          },
        ],
        clock.now(),
      ),
    );
  }

  /**
   * Refuses a message that came unencrypted (refuse-plaintext): kept as received, made into no
   * report or reply, and its sender told why and how to send it encrypted, unless a machine sent
   * it or its sender is shown forged (the answer would go to someone who wrote nothing).
   */
  async function refuse(progress: Progress, subject: string | null, fromAddress: string | null) {
    const current = progress.state;
    const answerTo =
      fromAddress &&
      deps.address &&
      current.authentication &&
      rules.mayReceipt(current.authentication, current.automatic)
        ? fromAddress
        : null;
    const fingerprint = answerTo
      ? ((await deps.teamKeys.findPublishedKey())?.fingerprint ?? null)
      : null;
    progress.state = await inTransaction(db, async (tx) => {
      if (answerTo && deps.address)
        await deps.notices.refusePlaintext(tx, {
          address: answerTo,
          subject: rules.storable(subject ?? '(no subject)'),
          securityAddress: deps.address,
          fingerprint,
          threading: rules.receiptThreading(null, current.messageId),
          idempotencyKey: `mail-refused:${current.id}`,
          at: clock.now(),
        });
      return appendToMessage(
        tx,
        current.id,
        current,
        [
          {
            type: 'mail.refused',
            data: {
              reason: 'came unencrypted (STOPLINE_MAIL_ENCRYPTION=refuse-plaintext)',
              answered: answerTo !== null,
            },
          },
        ],
        clock.now(),
      );
    });
  }

  /**
   * The report a Message-ID Stopline sent is about (the receipt, a staff reply), with the address
   * its reporter wrote from: the first message that made or joined it.
   */
  async function sentThreadOf(referenced: string[]) {
    const reportId = deps.threads.reportOfSentIds(referenced);
    if (!reportId) return undefined;
    const first = (await listInboundMailOfReport(db, reportId)).find((m) => m.status === 'report');
    return { reportId, fromAddress: first?.fromAddress ?? null };
  }

  /**
   * The message as a reporter's reply on the report, and marked joined, in one transaction; a
   * machine answering on the thread is kept, never a message, never answered.
   */
  async function joinOrIgnore(
    progress: Progress,
    reportId: string,
    opened: OpenedMail,
    by: 'token' | 'in-reply-to',
  ) {
    const after = progress.state;
    if (after.automatic) {
      const events: MailEvent[] = [
        { type: 'mail.ignored', data: { reportId, reason: after.automatic } },
      ];
      progress.state = await inTransaction(db, (tx) =>
        appendToMessage(tx, after.id, after, events, clock.now()),
      );
      return;
    }
    const { kept, leftOut } = rules.pickAttachments(filesOf(opened.files), {
      maxBytes: deps.limits.attachmentMaxBytes,
      maxCount: deps.limits.attachmentMaxCount,
    });
    await deps.reports.addMailedReply({
      reportId,
      body: rules.replyBody(opened.text, [
        ...rules.authenticationNotes(after.authentication),
        ...rules.openPgpNotes(opened.verdict),
        ...leftOut,
      ]),
      files: kept.map(({ name, claimedType, bytes }) => ({ name, claimedType, bytes })),
      receivedAt: after.receivedAt,
      alongside: async (tx, key) => {
        progress.state = await appendToMessage(
          tx,
          after.id,
          after,
          [{ type: 'mail.joined', data: { reportId, reportKey: key, by } }],
          clock.now(),
        );
        progress.reportKey = key;
      },
    });
  }

  /** A new report from the message, and the message marked filed, in one transaction. */
  async function fileReport(
    progress: Progress,
    fields: ReportFields,
    files: { name: string; claimedType?: string; bytes: Buffer }[],
    receipt: Parameters<MailReports['submitMailedReport']>[0]['receipt'],
  ): Promise<void> {
    const after = progress.state;
    await deps.reports.submitMailedReport({
      fields,
      files,
      receivedAt: after.receivedAt,
      receipt,
      alongside: async (tx, made) => {
        progress.state = await appendToMessage(
          tx,
          after.id,
          after,
          [
            {
              type: 'mail.filed',
              data: {
                reportId: made.reportId,
                reportKey: made.key,
                receiptSent: receipt !== null,
              },
              personal: {
                replyTokenHash: sha256Hex(Buffer.from(deps.replyTokens.tokenFor(made.reportId))),
              },
            },
          ],
          clock.now(),
        );
        progress.reportKey = made.key;
      },
    });
  }

  /**
   * Receives one message: stored raw first (a failure here is the only one the sender hears of,
   * as a temporary SMTP error, so their server tries again), then read and filed. A message that
   * cannot be read stays stored and is marked unreadable.
   */
  async function receiveMessage(raw: Buffer, envelope: MailEnvelope): Promise<MailOutcome> {
    const progress: Progress = { state: await store(raw, envelope), reportKey: null };
    try {
      await file(progress, raw, envelope);
    } catch (error) {
      const current = progress.state;
      const problem = `could not be read or filed (${(error as Error).name || 'Error'})`;
      progress.state = await inTransaction(db, (tx) =>
        appendToMessage(
          tx,
          current.id,
          current,
          [{ type: 'mail.unreadable', data: { problem } }],
          clock.now(),
        ),
      );
      // A bug in reading or filing still leaves a report for a person to look at, when the
      // database takes one; if not, the message stays stored and marked unreadable.
      if (current.status === 'received') {
        await fileReport(progress, rules.unreadableReport(progress.state), [], null).catch(
          () => undefined,
        );
      }
    }
    const { id, status } = progress.state;
    return { id, status, reportKey: progress.reportKey };
  }

  /** The e-mails of a report as received, for staff (reports.read; hidden reports NOT_FOUND). */
  async function listReportMail(actor: Actor, key: string) {
    const report = await deps.reports.findReportRef(actor, key);
    const messages = await listInboundMailOfReport(db, report.id);
    return {
      reportKey: report.key,
      messages: messages.map((m) => ({
        ...m,
        forged: m.authentication
          ? !rules.mayReceipt(m.authentication as MailAuthentication, null)
          : false,
      })),
    };
  }

  /**
   * One e-mail of a report as received, its raw bytes with every header (they name the
   * reporter: reports.read_contact, each read in the report's access log and the audit trail).
   */
  async function getReportMailRaw(actor: Actor, key: string, mailId: string) {
    const report = await deps.reports.findReportRef(actor, key);
    const found = /^[0-9a-f-]{36}$/.test(mailId) ? await findInboundMail(db, mailId) : undefined;
    if (!found || found.reportId !== report.id) throw notFound('E-mail');
    if (found.redactedAt !== null)
      throw new AppError('NOT_FOUND', 'This e-mail was redacted: the message as received is gone');
    await deps.reports.recordRawMailRead(actor, report.key);
    return { message: found, bytes: await deps.raw.read(found.rawPath) };
  }

  return {
    receiveMessage,
    checkSender,
    listReportMail,
    getReportMailRaw,
    /** The inbound messages that made or joined a report (staff side; the caller checks sight). */
    listMessagesOfReport: (reportId: string) => listInboundMailOfReport(db, reportId),
    /** Encrypts mail to an address whose public key is kept (a reporter sent it); null if none. */
    encryptFor: async (address: string, body: Buffer): Promise<string | null> => {
      const key = await findSenderKey(db, address);
      return key ? deps.pgp.encrypt(body, key.publicKey) : null;
    },
    /** The raw bytes of a message as received. */
    readRaw: async (id: string) => {
      const found = await findInboundMail(db, id);
      return found && found.redactedAt === null ? deps.raw.read(found.rawPath) : null;
    },
  };
}

export type MailService = ReturnType<typeof createMailService>;

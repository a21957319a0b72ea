// Reads of inbound messages (inbound_mail); plain camelCase records out.
import type { Executor, InboundMailTable } from '../../db/schema.ts';
import type { MailPgpVerdict } from './message-events.ts';

export interface InboundMailRecord {
  id: string;
  via: string;
  receivedAt: number;
  sha256: string;
  size: number;
  rawPath: string;
  messageId: string | null;
  fromAddress: string | null;
  subject: string | null;
  authentication: unknown;
  status: string;
  reportId: string | null;
  duplicateOf: string | null;
  problem: string | null;
  /** Its OpenPGP verdict (mail.openpgp); null when it had none. */
  pgp: MailPgpVerdict | null;
  /** When the message as received was redacted (retention); its raw bytes are gone then. */
  redactedAt: number | null;
}

const COLUMNS = [
  'id',
  'via',
  'received_at',
  'sha256',
  'size',
  'raw_path',
  'message_id',
  'from_address',
  'subject',
  'auth_json',
  'status',
  'report_id',
  'duplicate_of',
  'problem',
  'pgp_json',
  'redacted_at',
] as const;

type Row = Pick<InboundMailTable, (typeof COLUMNS)[number]>;

const toRecord = (r: Row): InboundMailRecord => ({
  id: r.id,
  via: r.via,
  receivedAt: Number(r.received_at),
  sha256: r.sha256,
  size: Number(r.size),
  rawPath: r.raw_path,
  messageId: r.message_id,
  fromAddress: r.from_address,
  subject: r.subject,
  authentication: r.auth_json ? (JSON.parse(r.auth_json) as unknown) : null,
  status: r.status,
  reportId: r.report_id,
  duplicateOf: r.duplicate_of,
  problem: r.problem,
  pgp: r.pgp_json ? (JSON.parse(r.pgp_json) as MailPgpVerdict) : null,
  redactedAt: r.redacted_at === null ? null : Number(r.redacted_at),
});

/** The first message with this Message-ID that was filed (not this one). */
export async function findFirstWithMessageId(
  tx: Executor,
  messageId: string,
  exceptId: string,
): Promise<{ id: string; reportId: string | null } | undefined> {
  const row = await tx
    .selectFrom('inbound_mail')
    .select(['id', 'report_id'])
    .where('message_id', '=', messageId)
    .where('id', '!=', exceptId)
    .where('status', 'in', ['report', 'unreadable'])
    .orderBy('received_at')
    .orderBy('id')
    .executeTakeFirst();
  return row ? { id: row.id, reportId: row.report_id } : undefined;
}

export async function findInboundMail(
  tx: Executor,
  id: string,
): Promise<InboundMailRecord | undefined> {
  const row = await tx
    .selectFrom('inbound_mail')
    .select(COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** The messages that made or joined a report, oldest first. */
export async function listInboundMailOfReport(
  tx: Executor,
  reportId: string,
): Promise<InboundMailRecord[]> {
  const rows = await tx
    .selectFrom('inbound_mail')
    .select(COLUMNS)
    .where('report_id', '=', reportId)
    .orderBy('received_at')
    .orderBy('id')
    .execute();
  return rows.map(toRecord);
}

/** The report, and its first message's sender, of the earliest message with one of these ids. */
export async function findThreadOf(
  tx: Executor,
  messageIds: string[],
): Promise<{ reportId: string; fromAddress: string | null } | undefined> {
  if (messageIds.length === 0) return undefined;
  const row = await tx
    .selectFrom('inbound_mail')
    .select(['report_id', 'from_address'])
    .where('message_id', 'in', messageIds)
    .where('status', '=', 'report')
    .where('report_id', 'is not', null)
    .orderBy('received_at')
    .orderBy('id')
    .executeTakeFirst();
  return row?.report_id ? { reportId: row.report_id, fromAddress: row.from_address } : undefined;
}

/** The report a reply token belongs to, by the token's SHA-256. */
export async function findReportOfReplyToken(
  tx: Executor,
  tokenHash: string,
): Promise<string | undefined> {
  const row = await tx
    .selectFrom('mail_reply_tokens')
    .select('report_id')
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row?.report_id;
}

/**
 * Keeps the SHA-256 of a report's reply token (a report made with the form or the API gets its
 * reply address when first written to by e-mail); the same token again changes nothing.
 */
export async function keepReplyToken(
  tx: Executor,
  token: { tokenHash: string; reportId: string; at: number },
): Promise<void> {
  await tx
    .insertInto('mail_reply_tokens')
    .values({ token_hash: token.tokenHash, report_id: token.reportId, created_at: token.at })
    .onConflict((oc) => oc.column('token_hash').doNothing())
    .execute();
}

/** A message whose raw bytes and sender's details are still kept (retention's candidates). */
export interface MailPersonalRecord {
  id: string;
  receivedAt: number;
  reportId: string | null;
  sha256: string;
  rawPath: string;
  fromAddress: string | null;
  subject: string | null;
  envelopeFrom: string | null;
  envelopeTo: string | null;
  remoteAddress: string | null;
  helo: string | null;
}

/** The messages not redacted yet, oldest first. */
export async function listMailHoldingPersonalData(tx: Executor): Promise<MailPersonalRecord[]> {
  const rows = await tx
    .selectFrom('inbound_mail')
    .select([
      'id',
      'received_at',
      'report_id',
      'sha256',
      'raw_path',
      'from_address',
      'subject',
      'envelope_from',
      'envelope_to',
      'remote_address',
      'helo',
    ])
    .where('redacted_at', 'is', null)
    .orderBy('received_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    receivedAt: Number(r.received_at),
    reportId: r.report_id,
    sha256: r.sha256,
    rawPath: r.raw_path,
    fromAddress: r.from_address,
    subject: r.subject,
    envelopeFrom: r.envelope_from,
    envelopeTo: r.envelope_to,
    remoteAddress: r.remote_address,
    helo: r.helo,
  }));
}

// Pure decisions about an inbound message: its Message-ID as compared, whether a machine sent it
// (auto-replies, bounces, lists: never answered, so two robots cannot loop), whether it may get an
// automatic receipt (not when SPF or DMARC say the sender is forged: the receipt would go to
// someone who wrote nothing), and the report a new message becomes.
import {
  REPORT_TEXT_LIMITS,
  ReportContact,
  type ReportFields,
} from '../../../shared/api/reports.ts';
import type { MailAuthentication, MailEvent, MailPgpVerdict } from './message-events.ts';
import type { InboundMessage } from './message-state.ts';

/** The Message-ID header as compared: without angle brackets and white space; null when absent. */
export function normaliseMessageId(header: string | undefined | null): string | null {
  if (!header) return null;
  const inner = /<([^<>]+)>/.exec(header)?.[1] ?? header;
  const id = inner.replace(/\s+/g, '').slice(0, 998);
  return id.length > 0 ? id : null;
}

/** The headers a machine-sent message is known by, lower-case names as mailparser gives them. */
export interface AutomaticSigns {
  autoSubmitted?: string | undefined;
  precedence?: string | undefined;
  /** X-Autoreply, X-Autorespond, X-Auto-Response-Suppress present. */
  autoReplyHeader: boolean;
  listId: boolean;
  contentType?: string | undefined;
  /** The envelope sender; '' for the null sender `<>` of bounces. */
  envelopeFrom: string | null;
}

/**
 * Why this message was sent by a machine (RFC 3834 Auto-Submitted, Precedence, a delivery
 * report, the null sender), or null when a person sent it.
 */
export function automaticReason(signs: AutomaticSigns): string | null {
  const submitted = signs.autoSubmitted?.trim().toLowerCase();
  if (submitted && submitted !== 'no') return `Auto-Submitted: ${submitted.split(/[;\s]/)[0]}`;
  const precedence = signs.precedence?.trim().toLowerCase();
  if (precedence && ['bulk', 'junk', 'list', 'auto_reply'].includes(precedence))
    return `Precedence: ${precedence}`;
  if (signs.autoReplyHeader) return 'auto-reply header';
  if (signs.contentType?.toLowerCase().startsWith('multipart/report')) return 'delivery report';
  if (signs.envelopeFrom === '') return 'null sender (a bounce)';
  if (signs.listId) return 'mailing list';
  return null;
}

/**
 * An automatic receipt goes only to a person (never to a machine, so nothing loops) whose address
 * is not shown forged: DMARC failing, or SPF failing without a passing DKIM signature, means the
 * From address may belong to someone who never wrote, and the receipt would be backscatter.
 */
export function mayReceipt(auth: MailAuthentication, automatic: string | null): boolean {
  if (automatic) return false;
  if (auth.dmarc === 'fail') return false;
  const dkimPass = auth.dkim.some((d) => d.result === 'pass');
  if (auth.spf === 'fail' && !dkimPass) return false;
  return true;
}

export interface MailForReport {
  subject: string | null;
  /** The text body (mailparser makes one from an HTML-only message; no HTML is kept). */
  text: string | null;
  fromName: string | null;
  fromAddress: string | null;
}

/**
 * Text as a database can hold it: NUL (which PostgreSQL refuses in text) becomes U+FFFD. Only
 * the report's copy changes; the message itself is kept as received.
 */
export const storable = (text: string) => text.replaceAll('\u0000', '\ufffd');

const cut = (text: string, max: number, note: string) =>
  text.length <= max ? text : text.slice(0, max - note.length) + note;

/** The report a new message becomes: the subject is the summary, the text the description. */
export function reportFromMail(mail: MailForReport, leftOut: string[]): ReportFields {
  const subject = storable(mail.subject ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  const summary = cut(subject || '(no subject)', REPORT_TEXT_LIMITS.summary, '…');
  const notes = leftOut.length > 0 ? `\n\n[Stopline: ${leftOut.join('; ')}]` : '';
  const body = mail.text?.trim() ? storable(mail.text) : '(the message has no text)';
  const description = cut(
    body + notes,
    REPORT_TEXT_LIMITS.description,
    '\n\n[Stopline: the text is cut here; the message is kept as received]',
  );
  const contact = ReportContact.safeParse({
    ...(mail.fromName ? { name: storable(mail.fromName).slice(0, REPORT_TEXT_LIMITS.name) } : {}),
    ...(mail.fromAddress ? { email: mail.fromAddress } : {}),
  });
  return {
    summary,
    description,
    contact: contact.success ? contact.data : {},
    creditConsent: false,
    emergency: false,
  };
}

/** A reply's text as a message on the conversation (the portal's limit), with what was left out. */
export function replyBody(text: string | null, leftOut: string[]): string {
  const notes = leftOut.length > 0 ? `\n\n[Stopline: ${leftOut.join('; ')}]` : '';
  const body = text?.trim() ? storable(text) : '(the message has no text)';
  return cut(
    body + notes,
    REPORT_TEXT_LIMITS.message,
    '\n\n[Stopline: the text is cut here; the message is kept as received]',
  );
}

/** Which attachments a report keeps (the policy's count and size limits); the rest are named. */
export function pickAttachments<T extends { name: string; size: number }>(
  files: T[],
  limits: { maxCount: number; maxBytes: number },
): { kept: T[]; leftOut: string[] } {
  const kept: T[] = [];
  const leftOut: string[] = [];
  for (const file of files) {
    if (file.size > limits.maxBytes)
      leftOut.push(`${file.name} (${file.size} bytes) is over the size limit`);
    else if (kept.length >= limits.maxCount) leftOut.push(`${file.name} is over the count limit`);
    else kept.push(file);
  }
  if (leftOut.length > 0) leftOut.push('the message is kept as received, attachments included');
  return { kept, leftOut };
}

/** What a message that arrived before with the same Message-ID makes of this one. */
export function duplicateOf(earlier: { id: string; reportId: string | null }): MailEvent[] {
  return [
    { type: 'mail.duplicate', data: { duplicateOf: earlier.id, reportId: earlier.reportId } },
  ];
}

/** The parser's refusal in a few safe words: its error code and its own message, cut short. */
export function describeParseFailure(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
  };
  const code = typeof e.code === 'string' && /^[A-Z_]{2,30}$/.test(e.code) ? `${e.code}: ` : '';
  const message = typeof e.message === 'string' ? e.message.replace(/[^\x20-\x7e]+/g, ' ') : '';
  return `the MIME structure could not be read (${code}${message.slice(0, 120) || 'unknown error'})`;
}

/**
 * A message the parser refused still becomes a report, so a person looks at it: what is known
 * (its hash, size, why it could not be read) and where the message is kept.
 */
export function unreadableReport(message: InboundMessage): ReportFields {
  return {
    summary: '(an e-mail Stopline could not read)',
    description: [
      `Stopline could not read this e-mail: ${message.problem ?? 'unknown problem'}.`,
      `The message is kept as received: inbound mail ${message.id}, ${message.size} bytes,`,
      `SHA-256 ${message.sha256}.`,
    ].join('\n'),
    contact: {},
    creditConsent: false,
    emergency: false,
  };
}

/** The Message-IDs a message answers (In-Reply-To, then References, newest first), at most 50. */
export function referencedMessageIds(
  inReplyTo: string | undefined,
  references: string[] | string | undefined,
): string[] {
  const refs = typeof references === 'string' ? references.split(/\s+/) : (references ?? []);
  const all = [inReplyTo, ...[...refs].reverse()]
    .map((r) => normaliseMessageId(r))
    .filter((r): r is string => r !== null);
  return [...new Set(all)].slice(0, 50);
}

/**
 * Whether a message answering one on a report's thread joins that report: only from the address
 * that report's message came from (any case). A Message-ID is no secret (it travels in every
 * copy and quote), so anyone else's message is a new report, never a reply on someone else's.
 */
export function joinsThread(threadFrom: string | null, from: string | null): boolean {
  return threadFrom !== null && from !== null && threadFrom.toLowerCase() === from.toLowerCase();
}

const splitAddress = (address: string) => {
  const at = address.lastIndexOf('@');
  return { local: address.slice(0, at).toLowerCase(), domain: address.slice(at + 1).toLowerCase() };
};

/** A report's reply address: the security address with the report's token after a +. */
export function replyAddress(securityAddress: string, token: string): string {
  const { local, domain } = splitAddress(securityAddress);
  return `${local}+${token}@${domain}`;
}

/** The reply token a message was sent to (security+<token>@…), if any; tokens are hex. */
export function replyTokenOf(securityAddress: string, recipients: string[]): string | null {
  const { local, domain } = splitAddress(securityAddress);
  for (const recipient of recipients) {
    const r = splitAddress(recipient);
    if (r.domain !== domain || !r.local.startsWith(`${local}+`)) continue;
    const token = r.local.slice(local.length + 1);
    if (/^[0-9a-f]{16,64}$/.test(token)) return token;
  }
  return null;
}

/** The receipt's threading: replies to the report's address, answering the reporter's message. */
export function receiptThreading(
  replyTo: string | null,
  messageId: string | null,
): { replyTo?: string; inReplyTo?: string; references?: string[] } {
  return {
    ...(replyTo ? { replyTo } : {}),
    ...(messageId ? { inReplyTo: `<${messageId}>`, references: [`<${messageId}>`] } : {}),
  };
}

/**
 * What staff should know of a sender shown forged (DMARC fails, or SPF fails with no passing
 * DKIM signature), as a note on the report or reply: the From address may not be the sender's,
 * and no receipt went to it.
 */
export function authenticationNotes(auth: MailAuthentication | null): string[] {
  if (!auth || mayReceipt(auth, null)) return [];
  const dkim = auth.dkim.map((d) => `${d.domain} ${d.result}`).join(', ') || 'none';
  return [
    `SENDER NOT PROVEN, the From address may be forged (DMARC ${auth.dmarc}, SPF ${auth.spf}, DKIM ${dkim}); no automatic answer went to it`,
  ];
}

/**
 * What staff should know of a message's OpenPGP, as notes on the report: that it could not be
 * decrypted (the ciphertext stays in the stored message), how it was encrypted, and what its
 * signature showed.
 */
export function openPgpNotes(verdict: MailPgpVerdict | null): string[] {
  if (!verdict) return [];
  const notes: string[] = [];
  if (verdict.decrypted === false)
    notes.push(
      `ENCRYPTED AND NOT DECRYPTED: ${verdict.problem ?? 'unknown problem'}; the message is kept as received`,
    );
  else if (verdict.encrypted) notes.push(`received encrypted with OpenPGP (${verdict.encrypted})`);
  const s = verdict.signature;
  if (s?.result === 'valid')
    notes.push(
      `OpenPGP signature valid, key ${s.fingerprint} (${s.keyFrom === 'kept' ? 'the key kept for this sender' : 'a key the message brought'})`,
    );
  else if (s?.result === 'bad')
    notes.push(`OpenPGP signature BAD${s.fingerprint ? `, key ${s.fingerprint}` : ''}`);
  else if (s?.result === 'unknown-key')
    notes.push(`OpenPGP signature by an unknown key (key ID ${s.keyId ?? 'unknown'})`);
  return notes;
}

/**
 * Whether a message came encrypted, as refuse-plaintext asks: its body PGP/MIME or an inline
 * armored message (decrypted or not); an encrypted attachment beside a plaintext body is not.
 */
export function cameEncrypted(verdict: MailPgpVerdict | null): boolean {
  return verdict?.encrypted === 'pgp-mime' || verdict?.encrypted === 'inline';
}

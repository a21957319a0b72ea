// E-mail over SMTP with nodemailer. The worker sees only the Mailer interface; tests point it at
// an SMTP server running inside the test. The password is handed to nodemailer and nowhere else,
// and a failure is described without the server's words (see describeSmtpFailure). Mail to someone
// whose OpenPGP key is known goes as PGP/MIME (RFC 3156): the subject and text inside the encrypted
// part (protected headers), only the report's tag outside.
import nodemailer from 'nodemailer';
import MimeNode from 'nodemailer/lib/mime-node/index.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  /** Stable per outbox message, so a repeated delivery can be recognised by the receiver. */
  messageId: string;
  /** The outbox idempotency key, sent as a header too. */
  idempotencyKey: string;
  /** Reply-To, In-Reply-To and References, for mail in a conversation with a reporter. */
  threading?: { replyTo?: string; inReplyTo?: string; references?: string[] };
  /**
   * Encrypts the message's MIME body to the recipient's OpenPGP key, answering the armored
   * ciphertext, or null when no key is known for them: the message then goes as plain text.
   */
  encrypt?: (body: Buffer) => Promise<string | null>;
  /** An https URL that unsubscribes with one POST (RFC 8058): List-Unsubscribe and
   * List-Unsubscribe-Post: List-Unsubscribe=One-Click. */
  listUnsubscribe?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export interface SmtpSettings {
  host: string;
  port: number;
  /** tls: TLS from the first byte (port 465); starttls: upgrade required; none: plain text. */
  security: 'tls' | 'starttls' | 'none';
  user?: string | undefined;
  password?: string | undefined;
  from: string;
  /** Milliseconds to wait for the connection, the greeting, and each reply. */
  timeoutMs?: number;
}

export const IDEMPOTENCY_HEADER = 'X-Stopline-Idempotency-Key';

/** A failed SMTP attempt, described without what the server wrote back. */
export class SmtpFailed extends Error {
  override name = 'SmtpFailed';
}

/** What each nodemailer error code means, in words that are safe to store and log. */
const SMTP_FAILURES: Record<string, string> = {
  EAUTH: 'the server refused the user name or password',
  ENOAUTH: 'no user name or password to sign in with',
  EENVELOPE: 'the server refused the sender or the recipient',
  EMESSAGE: 'the server refused the message',
  ETLS: 'TLS with the server failed',
  EREQUIRETLS: 'the server does not offer the TLS that STOPLINE_SMTP_SECURITY requires',
  ECONNECTION: 'the connection to the server failed',
  ESOCKET: 'the connection to the server failed',
  EDNS: 'the server name did not resolve',
  ETIMEDOUT: 'the server did not answer in time',
  EPROTOCOL: 'the server did not speak SMTP as expected',
};

const SAFE_CODE = /^[A-Z][A-Z0-9_]{1,40}$/;
/** The reply's status code and, if given, its enhanced status code (RFC 3463): digits only. */
const REPLY_CODES = /^([2-5]\d\d)(?:[ -]([245]\.\d{1,3}\.\d{1,3})\b)?/;

/**
 * Turns a nodemailer error into one line that never repeats the server's reply text (a server
 * can echo what it was sent, credentials included, or say anything at all) nor the error's
 * message: the kind of failure, the reply's numeric codes, or the socket's error code.
 */
export function describeSmtpFailure(error: unknown): SmtpFailed {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    originalCode?: unknown;
    response?: unknown;
    responseCode?: unknown;
    name?: unknown;
  };
  const code = typeof e.code === 'string' && SAFE_CODE.test(e.code) ? e.code : null;
  const details: string[] = [];
  const reply = typeof e.response === 'string' ? REPLY_CODES.exec(e.response) : null;
  if (reply) details.push(`reply ${reply[1]}${reply[2] ? ` ${reply[2]}` : ''}`);
  else if (typeof e.responseCode === 'number') details.push(`reply ${e.responseCode}`);
  if (
    typeof e.originalCode === 'string' &&
    SAFE_CODE.test(e.originalCode) &&
    e.originalCode !== code
  )
    details.push(e.originalCode);
  const detail = details.length ? ` (${details.join(', ')})` : '';
  if (code && SMTP_FAILURES[code])
    return new SmtpFailed(`SMTP ${code}: ${SMTP_FAILURES[code]}${detail}`);
  const kind = code ?? (typeof e.name === 'string' && SAFE_CODE.test(e.name) ? e.name : 'error');
  return new SmtpFailed(`SMTP delivery failed (${kind})${detail}`);
}

export function createSmtpMailer(settings: SmtpSettings): Mailer {
  const timeout = settings.timeoutMs ?? 30_000;
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    logger: false,
  });
  return {
    async send(message) {
      try {
        const encrypted = message.encrypt ? await encryptedMessage(message, settings.from) : null;
        if (encrypted) {
          await transport.sendMail({
            envelope: encrypted.getEnvelope(),
            raw: await encrypted.build(),
          });
          return;
        }
        await transport.sendMail({
          from: settings.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          ...(message.html ? { html: message.html } : {}),
          messageId: message.messageId,
          ...(message.threading?.replyTo ? { replyTo: message.threading.replyTo } : {}),
          ...(message.threading?.inReplyTo ? { inReplyTo: message.threading.inReplyTo } : {}),
          ...(message.threading?.references ? { references: message.threading.references } : {}),
          headers: {
            'Auto-Submitted': 'auto-generated',
            [IDEMPOTENCY_HEADER]: message.idempotencyKey,
            ...listHeaders(message),
          },
        });
      } catch (error) {
        throw describeSmtpFailure(error);
      }
    },
    close() {
      transport.close();
    },
  };
}

/** RFC 8058 one-click unsubscribe, on the outer headers where the mail provider reads them. */
function listHeaders(message: MailMessage): Record<string, string> {
  if (!message.listUnsubscribe) return {};
  return {
    'List-Unsubscribe': `<${message.listUnsubscribe}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

/** The PGP/MIME message (multipart/encrypted) for `message`, or null when it cannot be encrypted. */
async function encryptedMessage(message: MailMessage, from: string): Promise<MimeNode | null> {
  // The inner part carries the real subject (protected headers, as Thunderbird reads them).
  const inner = new MimeNode('text/plain; charset=utf-8; protected-headers="v1"');
  inner.setHeader('Subject', message.subject);
  inner.setContent(message.text);
  const ciphertext = await message.encrypt!(await inner.build());
  if (ciphertext === null) return null;
  const tag = /^\[[A-Z]+-[0-9-]+\]/.exec(message.subject)?.[0];
  const root = new MimeNode('multipart/encrypted; protocol="application/pgp-encrypted"');
  root.setHeader({
    From: from,
    To: message.to,
    Subject: tag ? `${tag} Encrypted message` : 'Encrypted message',
    'Message-ID': message.messageId,
    'Auto-Submitted': 'auto-generated',
    [IDEMPOTENCY_HEADER]: message.idempotencyKey,
    ...(message.threading?.replyTo ? { 'Reply-To': message.threading.replyTo } : {}),
    ...(message.threading?.inReplyTo ? { 'In-Reply-To': message.threading.inReplyTo } : {}),
    ...(message.threading?.references
      ? { References: message.threading.references.join(' ') }
      : {}),
    ...listHeaders(message),
  });
  root
    .createChild('application/pgp-encrypted')
    .setHeader({
      'Content-Description': 'PGP/MIME version identification',
      'Content-Transfer-Encoding': '7bit',
    })
    .setContent('Version: 1\r\n');
  root
    .createChild('application/octet-stream; name="encrypted.asc"')
    .setHeader({
      'Content-Description': 'OpenPGP encrypted message',
      'Content-Disposition': 'inline; filename="encrypted.asc"',
      'Content-Transfer-Encoding': '7bit',
    })
    .setContent(ciphertext.replace(/\r?\n/g, '\r\n'));
  return root;
}

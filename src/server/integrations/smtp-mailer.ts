// E-mail over SMTP with nodemailer. The worker sees only the Mailer interface; tests point it at
// an SMTP server running inside the test. The password is handed to nodemailer and nowhere else.
import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  /** Stable per outbox message, so a repeated delivery can be recognised by the receiver. */
  messageId: string;
  /** The outbox idempotency key, sent as a header too. */
  idempotencyKey: string;
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
      await transport.sendMail({
        from: settings.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        messageId: message.messageId,
        headers: {
          'Auto-Submitted': 'auto-generated',
          [IDEMPOTENCY_HEADER]: message.idempotencyKey,
        },
      });
    },
    close() {
      transport.close();
    },
  };
}

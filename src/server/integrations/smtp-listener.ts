// The inbound SMTP listener (smtp-server): accepts mail for the security address (and its
// +token forms) and hands each message's raw bytes to the mail subject. It answers 250 only once
// the bytes are stored; an oversize message is refused during the dialogue with 552 (announced
// with SIZE, checked again on the bytes), an unknown recipient with 550, and a failure to store
// with 451 so the sending server tries again later. With a certificate configured it offers
// STARTTLS (senders choose; an MX cannot require it of the whole internet).
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { MailEnvelope, MailOutcome } from '../domain/mail/index.ts';
import type { Logger } from '../logger.ts';

export interface SmtpListenerSettings {
  host: string;
  /** 0: any free port (tests). */
  port: number;
  maxBytes: number;
  /** The security address, e.g. security@example.org: it and security+anything@example.org. */
  address: string;
  /** The name in the greeting. */
  serverName: string;
  /** PEM files for STARTTLS; null: STARTTLS is not offered. */
  tls: { certFile: string; keyFile: string } | null;
}

export interface SmtpListenerDeps {
  settings: SmtpListenerSettings;
  logger: Logger;
  receive(raw: Buffer, envelope: MailEnvelope): Promise<MailOutcome>;
  /** Whether this sender is over its hourly limit: null when it may send, else when it may. */
  checkSender(
    sender: Pick<MailEnvelope, 'mailFrom' | 'remoteAddress'>,
  ): Promise<{ retryAfterSeconds: number } | null>;
}

const smtpError = (code: number, text: string) =>
  Object.assign(new Error(text), { responseCode: code });

/** Whether a recipient is the security address or one of its +token forms (any case). */
export function acceptsRecipient(securityAddress: string, recipient: string): boolean {
  const at = securityAddress.lastIndexOf('@');
  const local = securityAddress.slice(0, at).toLowerCase();
  const domain = securityAddress.slice(at + 1).toLowerCase();
  const rAt = recipient.lastIndexOf('@');
  if (rAt < 1) return false;
  const rLocal = recipient.slice(0, rAt).toLowerCase();
  const rDomain = recipient.slice(rAt + 1).toLowerCase();
  if (rDomain !== domain) return false;
  return rLocal === local || (rLocal.startsWith(`${local}+`) && rLocal.length > local.length + 1);
}

export class SmtpListener {
  readonly #deps: SmtpListenerDeps;
  #server: SMTPServer | null = null;
  #port: number | null = null;

  constructor(deps: SmtpListenerDeps) {
    this.#deps = deps;
  }

  /** The port it listens on, once listening. */
  get port(): number | null {
    return this.#port;
  }

  async listen(): Promise<number> {
    if (this.#port !== null) return this.#port;
    const { settings, logger } = this.#deps;
    // Read at start, so a missing or unreadable file stops `serve` with its name.
    const tls = settings.tls
      ? { cert: await readFile(settings.tls.certFile), key: await readFile(settings.tls.keyFile) }
      : null;
    const server = new SMTPServer({
      name: settings.serverName,
      banner: 'Stopline security intake',
      size: settings.maxBytes,
      authOptional: true,
      // An MX takes mail from anyone; STARTTLS needs a configured certificate.
      disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      ...(tls ? { secure: false, key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' } : {}),
      logger: false,
      maxClients: 50,
      // A sender over its hourly limit hears so at MAIL FROM, before it sends any bytes, with a
      // temporary failure its server retries later (the limit counts stored messages).
      onMailFrom: (address, session, callback) => {
        const mailFrom = address.address;
        this.#deps.checkSender({ mailFrom, remoteAddress: session.remoteAddress ?? null }).then(
          (over) => {
            if (!over) return callback();
            const minutes = Math.max(1, Math.ceil(over.retryAfterSeconds / 60));
            callback(
              smtpError(
                451,
                `4.7.1 Too many messages from ${mailFrom ? 'this sender' : 'this client'} in this hour; try again in ${minutes} minutes`,
              ),
            );
          },
          () => callback(smtpError(451, '4.3.0 Could not check the sender; try again later')),
        );
      },
      onRcptTo: (address, _session, callback) => {
        if (acceptsRecipient(settings.address, address.address)) callback();
        else callback(smtpError(550, '5.1.1 No such recipient here'));
      },
      onData: (stream, session, callback) => this.#onData(stream, session, callback),
    });
    server.on('error', (error) => logger.warn({ err: error }, 'inbound SMTP: connection error'));
    this.#server = server;
    this.#port = await new Promise<number>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(settings.port, settings.host, () => {
        server.server.off('error', reject);
        resolve((server.server.address() as AddressInfo).port);
      });
    });
    logger.info({ port: this.#port, host: settings.host }, 'inbound SMTP listening');
    return this.#port;
  }

  #onData(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (error?: Error | null, message?: string) => void,
  ): void {
    const { settings, logger } = this.#deps;
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped: the answer is 552 anyway.
      if (size <= settings.maxBytes) chunks.push(chunk);
    });
    stream.on('error', (error) => callback(error));
    stream.on('end', () => {
      if (stream.sizeExceeded || size > settings.maxBytes) {
        callback(smtpError(552, `5.3.4 Message too big: at most ${settings.maxBytes} bytes`));
        return;
      }
      const mailFrom = session.envelope.mailFrom;
      const envelope: MailEnvelope = {
        via: 'smtp',
        remoteAddress: session.remoteAddress ?? null,
        helo: session.hostNameAppearsAs ?? null,
        mailFrom: mailFrom === false ? '' : mailFrom.address,
        rcptTo: session.envelope.rcptTo.map((r) => r.address),
      };
      this.#deps.receive(Buffer.concat(chunks), envelope).then(
        (outcome) => {
          logger.info({ mailId: outcome.id, status: outcome.status }, 'inbound mail received');
          callback(null, `2.0.0 Received as ${outcome.id}`);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'inbound mail could not be stored');
          callback(smtpError(451, '4.3.0 Could not store the message; try again later'));
        },
      );
    });
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = null;
    this.#port = null;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

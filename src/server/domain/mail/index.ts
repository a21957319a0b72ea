// The mail subject's public surface: security reports by e-mail. Inbound messages are stored raw,
// authenticated, and filed as reports through the reports subject (docs/email-intake.md).
import { createMailService, type MailDeps } from './message-service.ts';
import { createRawMessageStore } from './raw-message-store.ts';

export type MailPorts = Omit<MailDeps, 'raw'> & {
  /** STOPLINE_DATA_DIR: raw messages are kept in its mail folder. */
  dataDir: string;
};

/** The mail subject, built by the composition root (container.ts) from its ports. */
export function createMailModule({ dataDir, ...ports }: MailPorts) {
  return createMailService({ ...ports, raw: createRawMessageStore(dataDir) });
}

export type MailModule = ReturnType<typeof createMailModule>;

export type {
  MailAuthenticator,
  MailEnvelope,
  MailOutcome,
  MailReports,
} from './message-service.ts';
export type { MailAuthentication, MailVia } from './message-events.ts';
export type { InboundMailRecord } from './message-repository.ts';

// The mail subject's public surface: security reports by e-mail. Inbound messages are stored raw,
// authenticated, opened (OpenPGP) and filed as reports through the reports subject
// (docs/email.md); the team's OpenPGP key is kept and published here.
import type { FileStore } from '../../db/file-store.ts';
import { createMailboxService } from './mailbox-service.ts';
import { createMailService, type MailDeps } from './message-service.ts';
import { createRawMessageStore } from './raw-message-store.ts';
import { createMailRedaction, type MailRedactionDeps } from './redaction-service.ts';
import { createTeamKeyService, type MailSealer } from './team-key-service.ts';

export type MailPorts = Omit<MailDeps, 'raw' | 'teamKeys'> & {
  /** Where raw messages are kept (STOPLINE_FILE_STORE). */
  files: FileStore;
  /** Seals the team's private key at rest (the server key's secret box). */
  sealer: MailSealer;
  /** Retention of messages as received (policy retention.mailDays), by housekeeping. */
  retention: Pick<MailRedactionDeps, 'mailDays' | 'reports' | 'redactionHash' | 'recordAudit'>;
};

/** The mail subject, built by the composition root (container.ts) from its ports. */
export function createMailModule({ files, sealer, retention, ...ports }: MailPorts) {
  const teamKeys = createTeamKeyService({
    db: ports.db,
    clock: ports.clock,
    pgp: ports.pgp,
    sealer,
    address: ports.address,
  });
  return {
    ...createMailService({ ...ports, raw: createRawMessageStore(files), teamKeys }),
    ...createMailboxService({ db: ports.db, clock: ports.clock }),
    ...createMailRedaction({ db: ports.db, clock: ports.clock, files, ...retention }),
    findPublishedKey: teamKeys.findPublishedKey,
    findWkdKey: teamKeys.findWkdKey,
    importTeamKey: teamKeys.importTeamKey,
  };
}

export type MailModule = ReturnType<typeof createMailModule>;

export type {
  MailAuthenticator,
  MailEncryption,
  MailEnvelope,
  MailOutcome,
  MailReports,
} from './message-service.ts';
export type { MailAuthentication, MailVia } from './message-events.ts';
export type { InboundMailRecord } from './message-repository.ts';
export type { MailboxCursor } from './mailbox-repository.ts';
export type { MailboxService } from './mailbox-service.ts';
export type { MailRetentionReports } from './redaction-service.ts';
export type { MailPgp, MailPgpVerdict, PgpKeyFacts, SignatureVerdict } from './pgp-content.ts';
export type { MailSealer } from './team-key-service.ts';
export { wkdHash } from './key-rules.ts';
export { createMailThreads, type MailThreads } from './thread-service.ts';
export { createReporterKeys, type ReporterKeys } from './reporter-key-service.ts';

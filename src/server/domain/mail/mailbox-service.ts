// The mailbox leases and cursors of IMAP polling (mailbox-repository.ts), with the subject's clock:
// the poller (integrations/imap-poller.ts) takes the lease before it reads, records each UID once
// the message is stored, and lets go when it stops.
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/schema.ts';
import * as repo from './mailbox-repository.ts';

export function createMailboxService({ db, clock }: { db: Db; clock: Clock }) {
  return {
    /** Takes or renews the lease on a mailbox; whether this instance holds it now. */
    claimMailbox: (mailbox: string, holder: string, leaseMs: number) =>
      repo.claimMailbox(db, mailbox, holder, clock.now(), leaseMs),
    releaseMailbox: (mailbox: string, holder: string) =>
      repo.releaseMailbox(db, mailbox, holder, clock.now()),
    findMailboxCursor: (mailbox: string) => repo.findMailboxCursor(db, mailbox),
    /** A message is stored: its UID is recorded (and the lease renewed) while still held. */
    advanceMailboxCursor: (
      mailbox: string,
      update: { holder: string; uidValidity: number; lastUid: number; leaseMs: number },
    ) => repo.advanceMailboxCursor(db, mailbox, { ...update, now: clock.now() }),
  };
}

export type MailboxService = ReturnType<typeof createMailboxService>;

// Mailboxes read by IMAP (mail_imap_mailboxes): where reading got to (UIDVALIDITY and the last UID
// stored) and the lease that lets one instance at a time read a mailbox. A lease is taken and kept
// by compare-and-set, as the clocks claim deadlines, so of several instances exactly one holds it.
import type { Executor } from '../../db/schema.ts';

export interface MailboxCursor {
  uidValidity: number | null;
  lastUid: number;
}

/**
 * Takes or renews the lease: succeeds while no one holds the mailbox, its lease ran out, or the
 * holder is this instance. Answers whether this instance now holds it.
 */
export async function claimMailbox(
  tx: Executor,
  mailbox: string,
  holder: string,
  now: number,
  leaseMs: number,
): Promise<boolean> {
  await tx
    .insertInto('mail_imap_mailboxes')
    .values({ mailbox, uid_validity: null, holder: null, held_until: null, updated_at: now })
    .onConflict((oc) => oc.column('mailbox').doNothing())
    .execute();
  const result = await tx
    .updateTable('mail_imap_mailboxes')
    .set({ holder, held_until: now + leaseMs, updated_at: now })
    .where('mailbox', '=', mailbox)
    .where((eb) =>
      eb.or([
        eb('holder', 'is', null),
        eb('holder', '=', holder),
        eb('held_until', 'is', null),
        eb('held_until', '<', now),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Lets go of the lease (only the holder can). */
export async function releaseMailbox(tx: Executor, mailbox: string, holder: string, now: number) {
  await tx
    .updateTable('mail_imap_mailboxes')
    .set({ holder: null, held_until: null, updated_at: now })
    .where('mailbox', '=', mailbox)
    .where('holder', '=', holder)
    .execute();
}

export async function findMailboxCursor(
  tx: Executor,
  mailbox: string,
): Promise<MailboxCursor | undefined> {
  const row = await tx
    .selectFrom('mail_imap_mailboxes')
    .select(['uid_validity', 'last_uid'])
    .where('mailbox', '=', mailbox)
    .executeTakeFirst();
  return row
    ? {
        uidValidity: row.uid_validity === null ? null : Number(row.uid_validity),
        lastUid: Number(row.last_uid),
      }
    : undefined;
}

/**
 * Records that the message with this UID is stored, renewing the lease: only while this instance
 * still holds a lease that has not run out. Answers whether it did (false: stop reading).
 */
export async function advanceMailboxCursor(
  tx: Executor,
  mailbox: string,
  update: { holder: string; uidValidity: number; lastUid: number; now: number; leaseMs: number },
): Promise<boolean> {
  const result = await tx
    .updateTable('mail_imap_mailboxes')
    .set({
      uid_validity: update.uidValidity,
      last_uid: update.lastUid,
      held_until: update.now + update.leaseMs,
      updated_at: update.now,
    })
    .where('mailbox', '=', mailbox)
    .where('holder', '=', update.holder)
    .where('held_until', '>=', update.now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

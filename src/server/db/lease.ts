// A lease on a singleton duty (housekeeping), taken and renewed by compare-and-set as the IMAP
// mailbox's is: of several instances exactly one holds it; the holder renews it on its heartbeat;
// once it has run out (the holder died or hangs), the next instance to ask takes it over, and the
// old holder's next renewal fails, so it stops running the duty.
import type { Executor } from './schema.ts';

/** Takes or renews the lease; answers whether `holder` holds it now, until now + ttlMs. */
export async function claimLease(
  tx: Executor,
  name: string,
  holder: string,
  now: number,
  ttlMs: number,
): Promise<boolean> {
  await tx
    .insertInto('leases')
    .values({ name, holder: null, held_until: null, updated_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const result = await tx
    .updateTable('leases')
    .set({ holder, held_until: now + ttlMs, updated_at: now })
    .where('name', '=', name)
    .where((eb) =>
      eb.or([
        eb('holder', 'is', null),
        eb.and([eb('holder', '=', holder), eb('held_until', '>=', now)]),
        eb('held_until', 'is', null),
        eb('held_until', '<', now),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Lets go of the lease (only its holder can), so another instance takes it at once. */
export async function releaseLease(tx: Executor, name: string, holder: string, now: number) {
  await tx
    .updateTable('leases')
    .set({ holder: null, held_until: null, updated_at: now })
    .where('name', '=', name)
    .where('holder', '=', holder)
    .execute();
}

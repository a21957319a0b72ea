// Holding back password guessing without letting anyone lock a person out. Failed sign-ins count
// per account and address (one attacker guessing at one person) and per address (spraying), in
// the database so the holds apply on every instance. Each attempt is counted before its password
// is checked, by compare-and-set, so guesses sent in parallel cannot all get in before the first
// failure is written; an attempt that turns out right gives its count back.
import type { Db, Executor } from '../../db/schema.ts';
import { clearCounter, findCounters, replaceCounter } from './credential-repository.ts';
import {
  afterFailure,
  lockedFor,
  withoutAttempt,
  type FailureCounter,
  type FailureLimit,
} from './sign-in-rules.ts';

export type ThrottleScope = 'account_and_address' | 'address';

export interface ThrottleSlot {
  key: string;
  scope: ThrottleScope;
  limit: FailureLimit;
}

export function throttleSlots(
  limits: { accountAndAddress: FailureLimit; address: FailureLimit },
  email: string,
  address: string,
): ThrottleSlot[] {
  return [
    {
      key: `account:${address}|${email}`,
      scope: 'account_and_address',
      limit: limits.accountAndAddress,
    },
    { key: `ip:${address}`, scope: 'address', limit: limits.address },
  ];
}

/** The attempt was counted in advance (`counted`: what was written per key), or is held back. */
export type Reservation =
  { held: false; counted: Map<string, FailureCounter> } | { held: true; retryAfterMs: number };

/** Compare-and-set lost to a concurrent attempt: read again. */
class Contended extends Error {}
const ROUNDS = 20;

async function compareAndSet<T>(db: Db, work: (tx: Executor) => Promise<T>): Promise<T | null> {
  for (let round = 0; round < ROUNDS; round++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (!(error instanceof Contended)) throw error;
    }
  }
  return null;
}

/** Counts the attempt as a failure before it is checked, unless one of its counters holds it. */
export async function reserveAttempt(
  db: Db,
  slots: ThrottleSlot[],
  at: number,
): Promise<Reservation> {
  const reservation = await compareAndSet(db, async (tx): Promise<Reservation> => {
    const current = await findCounters(
      tx,
      slots.map((s) => s.key),
    );
    const wait = Math.max(...slots.map((s) => lockedFor(current.get(s.key), at)));
    if (wait > 0) return { held: true, retryAfterMs: wait };
    const counted = new Map<string, FailureCounter>();
    for (const slot of slots) {
      const next = afterFailure(current.get(slot.key), at, slot.limit);
      if (!(await replaceCounter(tx, slot.key, current.get(slot.key), next))) throw new Contended();
      counted.set(slot.key, next);
    }
    return { held: false, counted };
  });
  // Under a flood that keeps winning every round, the attempt waits a moment like a held one.
  return reservation ?? { held: true, retryAfterMs: 1000 };
}

/** `change` answers the new counter, null for none, or undefined to leave it as it is. */
async function updateEach(
  tx: Executor,
  slots: ThrottleSlot[],
  change: (
    slot: ThrottleSlot,
    counter: FailureCounter | undefined,
  ) => FailureCounter | null | undefined,
): Promise<Map<string, FailureCounter>> {
  const written = new Map<string, FailureCounter>();
  for (const slot of slots) {
    for (let round = 0; ; round++) {
      const current = (await findCounters(tx, [slot.key])).get(slot.key);
      const next = change(slot, current);
      if (next === undefined) break;
      if (await replaceCounter(tx, slot.key, current, next)) {
        if (next) written.set(slot.key, next);
        break;
      }
      if (round === ROUNDS) throw new Error(`sign-in counter ${slot.scope} keeps changing`);
    }
  }
  return written;
}

/** Counts a failure of an attempt that was held back and checked anyway (a right second factor). */
export function countFailure(
  tx: Executor,
  slots: ThrottleSlot[],
  at: number,
): Promise<Map<string, FailureCounter>> {
  return updateEach(tx, slots, (slot, counter) => afterFailure(counter, at, slot.limit));
}

/** Gives back what a reserved attempt counted, in the given slots, when it was not a failure. */
export async function giveBack(
  tx: Executor,
  slots: ThrottleSlot[],
  reservation: Reservation,
): Promise<void> {
  if (reservation.held) return;
  await updateEach(tx, slots, (slot, counter) => {
    const reserved = reservation.counted.get(slot.key);
    if (!counter || !reserved) return undefined;
    const next = withoutAttempt(counter, reserved);
    return next.failures === 0 && next.lockedUntil === null ? null : next;
  });
}

/** A right sign-in: its account and address start again; the address gets its count back. */
export async function forgiveAttempt(
  tx: Executor,
  slots: ThrottleSlot[],
  reservation: Reservation,
): Promise<void> {
  for (const slot of slots.filter((s) => s.scope === 'account_and_address'))
    await clearCounter(tx, slot.key);
  await giveBack(
    tx,
    slots.filter((s) => s.scope === 'address'),
    reservation,
  );
}

// How far the background work is behind (issue 19, item 2), for /readyz: the oldest work that is
// due and not yet done. The scheduler's: deadlines whose next step (reminder, escalation, breach)
// has come and not fired, and pages whose next level is due. The outbox's: messages whose attempt
// is due and not made (a claim that lapsed counts again), beside the oldest message not delivered
// at all (waiting for a retry or quiet hours included), which is told but judges nothing: a
// receiver that is down keeps messages waiting without this instance being at fault.
import type { Executor } from './schema.ts';

export interface WorkLag {
  scheduler: {
    /** Seconds since the oldest due deadline step or page level should have fired; 0 if none. */
    lagSeconds: number;
    /** How many deadlines and pages are due and not fired. */
    due: number;
  };
  outbox: {
    /** Seconds since the oldest due message should have been attempted; 0 if none. */
    lagSeconds: number;
    due: number;
    /** Seconds since the oldest message not yet delivered (nor dead) was enqueued; 0 if none. */
    oldestUndeliveredSeconds: number;
  };
}

interface Oldest {
  at: number | string | bigint | null;
  n: number | string | bigint;
}

const seconds = (now: number, at: Oldest['at']) =>
  at === null ? 0 : Math.max(0, Math.floor((now - Number(at)) / 1000));

export async function measureWorkLag(db: Executor, now: number): Promise<WorkLag> {
  const deadlines = (await db
    .selectFrom('deadlines')
    .select((eb) => [eb.fn.min('next_fire_at').as('at'), eb.fn.countAll().as('n')])
    .where('status', '=', 'pending')
    .where('next_fire_at', '<=', now)
    .executeTakeFirstOrThrow()) as Oldest;
  const pages = (await db
    .selectFrom('pages')
    .select((eb) => [eb.fn.min('next_escalation_at').as('at'), eb.fn.countAll().as('n')])
    .where('next_escalation_at', '<=', now)
    .executeTakeFirstOrThrow()) as Oldest;
  const outboxDue = (await db
    .selectFrom('outbox')
    .select((eb) => [eb.fn.min('next_attempt_at').as('at'), eb.fn.countAll().as('n')])
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
        eb.and([eb('status', '=', 'sending'), eb('claimed_until', '<', now)]),
      ]),
    )
    .executeTakeFirstOrThrow()) as Oldest;
  const undelivered = (await db
    .selectFrom('outbox')
    .select((eb) => [eb.fn.min('created_at').as('at'), eb.fn.countAll().as('n')])
    .where('status', 'in', ['pending', 'sending'])
    .executeTakeFirstOrThrow()) as Oldest;
  return {
    scheduler: {
      lagSeconds: Math.max(seconds(now, deadlines.at), seconds(now, pages.at)),
      due: Number(deadlines.n) + Number(pages.n),
    },
    outbox: {
      lagSeconds: seconds(now, outboxDue.at),
      due: Number(outboxDue.n),
      oldestUndeliveredSeconds: seconds(now, undelivered.at),
    },
  };
}

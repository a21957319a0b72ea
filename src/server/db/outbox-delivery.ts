// The delivery side of the outbox: claim due messages with a compare-and-set lease (so several
// workers never send one message at once), record each attempt, and settle the message as
// delivered, due again later, or dead. Admin reads and the dead-letter retry live here too.
import { newId } from '../ids.ts';
import { sql, type Selectable } from 'kysely';
import { announceEnqueued } from './outbox-notices.ts';
import type { Db, Executor, OutboxStatus, OutboxTable } from './schema.ts';

/** Threading headers of an e-mail: where replies go, and what it answers. */
export interface MailThreading {
  /** The Message-ID to send it with (a reporter's mail, so answers thread); default: from the key. */
  messageId?: string;
  replyTo?: string;
  inReplyTo?: string;
  references?: string[];
}

/** Where an e-mail's text takes its sealed secret (never a secret itself). */
export const SEALED_SECRET_MARK = '[sealed until sent]';

export interface ClaimedMessage {
  id: string;
  channel: string;
  recipient: string;
  subject: string;
  bodyText: string;
  bodyHtml: string | null;
  idempotencyKey: string;
  /** Slack member ids to @mention (Slack messages only). */
  mentions: string[];
  /** E-mail only: threading headers. */
  threading: MailThreading | null;
  /** E-mail only: the one-click unsubscribe URL. */
  listUnsubscribe: string | null;
  /** E-mail only: the secret the text carries, sealed (opened by the worker as it sends). */
  sealedSecret: string | null;
  createdAt: number;
  /** Attempts made before this one. */
  attempts: number;
  /** The lease this worker holds; settling checks it is still ours. */
  claimedUntil: number;
}

/** Messages due at `now`: pending ones whose next attempt has come, and 'sending' ones whose
 * claim lease ran out (a worker that crashed mid-send). */
export async function listDueIds(db: Executor, now: number, limit: number, channels?: string[]) {
  let query = db.selectFrom('outbox');
  if (channels) query = query.where('channel', 'in', channels);
  return query
    .select(['id', 'attempts', 'status'])
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
        eb.and([eb('status', '=', 'sending'), eb('claimed_until', '<', now)]),
      ]),
    )
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** When the next message falls due: the earliest retry or held-back notice (quiet hours), or
 * claim lease running out; null when nothing waits. */
export async function findNextDueAt(db: Executor, channels?: string[]): Promise<number | null> {
  let pending = db
    .selectFrom('outbox')
    .select((eb) => eb.fn.min('next_attempt_at').as('at'))
    .where('status', '=', 'pending');
  let sending = db
    .selectFrom('outbox')
    .select((eb) => eb.fn.min('claimed_until').as('at'))
    .where('status', '=', 'sending');
  if (channels) {
    pending = pending.where('channel', 'in', channels);
    sending = sending.where('channel', 'in', channels);
  }
  const times = [await pending.executeTakeFirst(), await sending.executeTakeFirst()]
    .map((row) => (row?.at === null || row?.at === undefined ? null : Number(row.at)))
    .filter((at): at is number => at !== null);
  return times.length ? Math.min(...times) : null;
}

/** Compare-and-set: only one worker wins a message; the loser's update matches no row. */
export async function claimMessage(
  db: Executor,
  candidate: { id: string; attempts: number; status: OutboxStatus },
  now: number,
  leaseMs: number,
): Promise<ClaimedMessage | null> {
  return (await claimMessages(db, [candidate], now, leaseMs))[0] ?? null;
}

/**
 * Claims the candidates still due in one statement (one round trip however many): each is its
 * own compare-and-set on its id and the attempts its lister saw, so a message another worker took
 * meanwhile is simply not returned. Answers the claimed ones in the candidates' order.
 */
export async function claimMessages(
  db: Executor,
  candidates: { id: string; attempts: number; status: OutboxStatus }[],
  now: number,
  leaseMs: number,
): Promise<ClaimedMessage[]> {
  if (candidates.length === 0) return [];
  const claimedUntil = now + leaseMs;
  // Taking over a lapsed claim counts the lost attempt, so a message that keeps killing its
  // worker still ends as a dead letter instead of being retried for ever.
  const rows = await db
    .updateTable('outbox')
    .set((eb) => ({
      status: 'sending',
      claimed_until: claimedUntil,
      attempts: eb
        .case()
        .when('status', '=', 'sending')
        .then(eb('attempts', '+', 1))
        .else(eb.ref('attempts'))
        .end(),
    }))
    .where((eb) =>
      eb.and([
        eb(
          eb.refTuple('id', 'attempts'),
          'in',
          candidates.map((c) => eb.tuple(c.id, c.attempts)),
        ),
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('status', '=', 'sending'), eb('claimed_until', '<', now)]),
        ]),
      ]),
    )
    .returningAll()
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const claimed: ClaimedMessage[] = [];
  const lapsed: { id: string; attempts: number }[] = [];
  for (const candidate of candidates) {
    const row = byId.get(candidate.id);
    if (!row) continue;
    const attempts = Number(row.attempts);
    if (attempts !== candidate.attempts) lapsed.push({ id: row.id, attempts });
    claimed.push({
      id: row.id,
      channel: row.channel,
      recipient: row.recipient,
      subject: row.subject,
      bodyText: row.body_text,
      bodyHtml: row.body_html,
      idempotencyKey: row.idempotency_key,
      mentions: row.mentions_json ? (JSON.parse(row.mentions_json) as string[]) : [],
      threading: row.threading_json ? (JSON.parse(row.threading_json) as MailThreading) : null,
      listUnsubscribe: row.list_unsubscribe,
      sealedSecret: row.sealed_secret,
      createdAt: Number(row.created_at),
      attempts,
      claimedUntil,
    });
  }
  if (lapsed.length) {
    await db
      .insertInto('outbox_attempts')
      .values(
        lapsed.map(({ id, attempts }) => ({
          id: newId(),
          message_id: id,
          attempt: attempts,
          started_at: now,
          finished_at: now,
          outcome: 'failed',
          error: 'the worker sending it stopped before recording the attempt (claim lapsed)',
        })),
      )
      .execute();
  }
  return claimed;
}

export type Settlement =
  { outcome: 'delivered' } | { outcome: 'failed'; error: string; retryAt: number | null };

/** One attempt's outcome, to be recorded. */
export interface SettledAttempt {
  message: ClaimedMessage;
  startedAt: number;
  finishedAt: number;
  settlement: Settlement;
}

/** A parameter typed for PostgreSQL, which cannot infer it inside a CASE. */
const asBigint = (value: number | null) => sql<number | null>`cast(${value} as bigint)`;

/**
 * Records the attempts and settles their messages, several in one transaction (one commit): each
 * is still its own compare-and-set, so a message whose claim this worker lost is left alone and
 * answered false; the others are recorded. Nothing is recorded unless the whole commits. Four
 * statements however many: begin, the settling update, the attempts' insert, commit.
 */
export async function settleMessages(db: Db, attempts: SettledAttempt[]): Promise<boolean[]> {
  if (attempts.length === 0) return [];
  const rows = attempts.map((attempt) => {
    const { message, finishedAt, settlement } = attempt;
    const status: OutboxStatus =
      settlement.outcome === 'delivered'
        ? 'delivered'
        : settlement.retryAt === null
          ? 'dead'
          : 'pending';
    return {
      attempt,
      id: message.id,
      status,
      error: settlement.outcome === 'failed' ? settlement.error.slice(0, 2000) : null,
      deliveredAt: status === 'delivered' ? finishedAt : null,
      nextAttemptAt:
        settlement.outcome === 'failed' && settlement.retryAt !== null
          ? settlement.retryAt
          : finishedAt,
    };
  });
  const delivered = rows.filter((row) => row.status === 'delivered').map((row) => row.id);
  return db.transaction().execute(async (tx) => {
    // Every message in one statement, each settled by its own compare-and-set on its claim;
    // each column takes its value per message (CASE on the id).
    const settledIds = await tx
      .updateTable('outbox')
      .set((eb) => {
        // Every listed id has its branch; ELSE (the column as it is) is never taken.
        const per = <C extends 'status' | 'last_error' | 'delivered_at' | 'next_attempt_at'>(
          column: C,
          value: (row: (typeof rows)[number]) => unknown,
        ) => {
          let chosen = eb
            .case('id')
            .when(rows[0]!.id)
            .then(value(rows[0]!) as never);
          for (const row of rows.slice(1)) chosen = chosen.when(row.id).then(value(row) as never);
          return chosen.else(eb.ref(column)).end();
        };
        return {
          status: per('status', (row) => row.status),
          attempts: eb('attempts', '+', 1),
          claimed_until: null,
          last_error: per('last_error', (row) => row.error),
          delivered_at: per('delivered_at', (row) => asBigint(row.deliveredAt)),
          // A secret the text carried is not kept once it has reached its recipient.
          sealed_secret: delivered.length
            ? eb.case().when('id', 'in', delivered).then(null).else(eb.ref('sealed_secret')).end()
            : eb.ref('sealed_secret'),
          next_attempt_at: per('next_attempt_at', (row) => asBigint(row.nextAttemptAt)),
        };
      })
      .where('status', '=', 'sending')
      .where((eb) =>
        eb(
          eb.refTuple('id', 'attempts', 'claimed_until'),
          'in',
          attempts.map(({ message }) =>
            eb.tuple(message.id, message.attempts, message.claimedUntil),
          ),
        ),
      )
      .returning('id')
      .execute();
    const settled = new Set(settledIds.map((row) => row.id));
    const recorded = rows.filter((row) => settled.has(row.id));
    if (recorded.length) {
      await tx
        .insertInto('outbox_attempts')
        .values(
          recorded.map(({ attempt: { message, startedAt, finishedAt, settlement }, error }) => ({
            id: newId(),
            message_id: message.id,
            attempt: message.attempts + 1,
            started_at: startedAt,
            finished_at: finishedAt,
            outcome: settlement.outcome,
            error,
          })),
        )
        .execute();
    }
    return attempts.map(({ message }) => settled.has(message.id));
  });
}

export interface OutboxEntry {
  id: string;
  channel: string;
  recipient: string;
  subject: string;
  idempotencyKey: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

function toEntry(row: Selectable<OutboxTable>): OutboxEntry {
  return {
    id: row.id,
    channel: row.channel,
    recipient: row.recipient,
    subject: row.subject,
    idempotencyKey: row.idempotency_key,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
  };
}

/** Newest first; `before` is the last id of the previous page. */
export async function listOutbox(
  db: Executor,
  filter: { status?: OutboxStatus | undefined; limit: number; before?: string | undefined },
): Promise<OutboxEntry[]> {
  let query = db.selectFrom('outbox').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.before) query = query.where('id', '<', filter.before);
  return (await query.execute()).map(toEntry);
}

export async function findOutboxEntry(db: Executor, id: string): Promise<OutboxEntry | null> {
  const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toEntry(row) : null;
}

export interface OutboxAttempt {
  attempt: number;
  startedAt: number;
  finishedAt: number;
  outcome: 'delivered' | 'failed';
  error: string | null;
}

export async function listAttempts(db: Executor, messageId: string): Promise<OutboxAttempt[]> {
  const rows = await db
    .selectFrom('outbox_attempts')
    .selectAll()
    .where('message_id', '=', messageId)
    .orderBy('started_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    attempt: Number(row.attempt),
    startedAt: Number(row.started_at),
    finishedAt: Number(row.finished_at),
    outcome: row.outcome,
    error: row.error,
  }));
}

/** A dead letter goes back to pending, due now, with a fresh round of attempts; the history of
 * earlier attempts stays (numbered again from 1 in the new round). */
export async function retryDeadMessage(db: Executor, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'pending', next_attempt_at: now, attempts: 0, last_error: null })
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  await announceEnqueued(db);
  return true;
}

/** Where each of these messages stands, by idempotency key (a key never enqueued is absent). */
export async function findDeliveriesByKeys(
  db: Executor,
  keys: readonly string[],
): Promise<Map<string, Pick<OutboxEntry, 'status' | 'attempts' | 'lastError' | 'deliveredAt'>>> {
  const found = new Map<
    string,
    Pick<OutboxEntry, 'status' | 'attempts' | 'lastError' | 'deliveredAt'>
  >();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db
      .selectFrom('outbox')
      .select(['idempotency_key', 'status', 'attempts', 'last_error', 'delivered_at'])
      .where('idempotency_key', 'in', keys.slice(i, i + 500))
      .execute();
    for (const r of rows) {
      found.set(r.idempotency_key, {
        status: r.status,
        attempts: Number(r.attempts),
        lastError: r.last_error,
        deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
      });
    }
  }
  return found;
}

/**
 * The retention rule for personal data in the outbox: messages with these keys that were
 * delivered or given up (dead) keep their status and attempts, but no longer the address, the
 * text written for that person, or the receiving server's words. Answers how many were emptied.
 */
export async function forgetFinishedMessages(
  db: Executor,
  keys: readonly string[],
): Promise<number> {
  let emptied = 0;
  for (let i = 0; i < keys.length; i += 500) {
    const result = await db
      .updateTable('outbox')
      .set({
        recipient: '(removed by the retention rule)',
        body_text: '',
        body_html: null,
        sealed_secret: null,
        last_error: null,
      })
      .where('idempotency_key', 'in', keys.slice(i, i + 500))
      .where('status', 'in', ['delivered', 'dead'])
      .executeTakeFirst();
    emptied += Number(result.numUpdatedRows);
  }
  return emptied;
}

/**
 * Erasure and retention of an address (a reporter's, a breach contact's): every e-mail to it is
 * emptied (recipient, bodies, sealed secret, the errors that may quote it), and one not sent yet
 * is given up (dead, "not sent: the address was erased") so it never goes. A message being sent
 * at this moment is left to finish. Answers how many messages were emptied.
 */
export async function forgetMessagesTo(db: Executor, address: string): Promise<number> {
  const rows = await db
    .selectFrom('outbox')
    .select('id')
    .where('channel', '=', 'email')
    .where((eb) => eb(eb.fn('lower', ['recipient']), '=', address.trim().toLowerCase()))
    .where('status', 'in', ['pending', 'delivered', 'dead'])
    .execute();
  return forgetMessageIds(
    db,
    rows.map((r) => r.id),
  );
}

/** The same for the messages with these idempotency keys (one person's notices). */
export async function forgetMessagesWithKeys(
  db: Executor,
  keys: readonly string[],
): Promise<number> {
  let emptied = 0;
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db
      .selectFrom('outbox')
      .select('id')
      .where('idempotency_key', 'in', keys.slice(i, i + 500))
      .where('status', 'in', ['pending', 'delivered', 'dead'])
      .execute();
    emptied += await forgetMessageIds(
      db,
      rows.map((r) => r.id),
    );
  }
  return emptied;
}

async function forgetMessageIds(db: Executor, ids: readonly string[]): Promise<number> {
  for (let i = 0; i < ids.length; i += 500) {
    const some = ids.slice(i, i + 500);
    await db
      .updateTable('outbox')
      .set({ status: 'dead', last_error: 'not sent: the address was erased' })
      .where('id', 'in', some)
      .where('status', '=', 'pending')
      .execute();
    await db
      .updateTable('outbox')
      .set({
        recipient: '(removed: the address was erased)',
        body_text: '',
        body_html: null,
        sealed_secret: null,
      })
      .where('id', 'in', some)
      .execute();
    await db
      .updateTable('outbox_attempts')
      .set({ error: null })
      .where('message_id', 'in', some)
      .execute();
  }
  return ids.length;
}

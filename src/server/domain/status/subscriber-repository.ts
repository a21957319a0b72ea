// The status page's subscribers (status_subscribers): not a stream, since an address leaves no
// trace once it unsubscribes; reads and writes of this one table, camelCase records out.
import type { Selectable } from 'kysely';
import type { Executor, StatusSubscribersTable } from '../../db/schema.ts';

export interface StatusSubscriber {
  id: string;
  email: string;
  /** null: every component. */
  componentIds: string[] | null;
  confirmedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

type Row = Selectable<StatusSubscribersTable>;

function toSubscriber(r: Row): StatusSubscriber {
  return {
    id: r.id,
    email: r.email,
    componentIds: r.component_ids_json ? (JSON.parse(r.component_ids_json) as string[]) : null,
    confirmedAt: r.confirmed_at === null ? null : Number(r.confirmed_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

const idsJson = (ids: readonly string[] | null) => (ids === null ? null : JSON.stringify(ids));

export async function findSubscriberByAddress(
  ex: Executor,
  emailKey: string,
): Promise<StatusSubscriber | null> {
  const row = await ex
    .selectFrom('status_subscribers')
    .selectAll()
    .where('email_key', '=', emailKey)
    .executeTakeFirst();
  return row ? toSubscriber(row) : null;
}

export async function findSubscriberByToken(
  ex: Executor,
  tokenHash: string,
): Promise<StatusSubscriber | null> {
  const row = await ex
    .selectFrom('status_subscribers')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row ? toSubscriber(row) : null;
}

/** A pending subscriber whose confirmation link (by hash) still works at `now`. */
export async function findPendingByConfirmToken(
  ex: Executor,
  confirmHash: string,
  now: number,
): Promise<StatusSubscriber | null> {
  const row = await ex
    .selectFrom('status_subscribers')
    .selectAll()
    .where('confirm_token_hash', '=', confirmHash)
    .where('confirmed_at', 'is', null)
    .where('confirm_expires_at', '>', now)
    .executeTakeFirst();
  return row ? toSubscriber(row) : null;
}

export async function findSubscriber(ex: Executor, id: string): Promise<StatusSubscriber | null> {
  const row = await ex
    .selectFrom('status_subscribers')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toSubscriber(row) : null;
}

export async function listSubscribers(
  ex: Executor,
  opts: { confirmedOnly: boolean },
): Promise<StatusSubscriber[]> {
  let q = ex.selectFrom('status_subscribers').selectAll();
  if (opts.confirmedOnly) q = q.where('confirmed_at', 'is not', null);
  return (await q.orderBy('created_at', 'desc').orderBy('id').execute()).map(toSubscriber);
}

export async function insertPendingSubscriber(
  ex: Executor,
  s: {
    id: string;
    email: string;
    emailKey: string;
    componentIds: string[] | null;
    tokenHash: string;
    confirmHash: string;
    confirmExpiresAt: number;
    now: number;
  },
): Promise<void> {
  await ex
    .insertInto('status_subscribers')
    .values({
      id: s.id,
      email: s.email,
      email_key: s.emailKey,
      component_ids_json: idsJson(s.componentIds),
      token_hash: s.tokenHash,
      confirm_token_hash: s.confirmHash,
      confirm_expires_at: s.confirmExpiresAt,
      confirmed_at: null,
      created_at: s.now,
      updated_at: s.now,
    })
    .execute();
}

/** A pending subscriber asked again: a new confirmation link (the old one stops working). */
export async function renewConfirmation(
  ex: Executor,
  id: string,
  change: { componentIds: string[] | null; confirmHash: string; expiresAt: number; now: number },
): Promise<void> {
  await ex
    .updateTable('status_subscribers')
    .set({
      component_ids_json: idsJson(change.componentIds),
      confirm_token_hash: change.confirmHash,
      confirm_expires_at: change.expiresAt,
      updated_at: change.now,
    })
    .where('id', '=', id)
    .where('confirmed_at', 'is', null)
    .execute();
}

/** Confirms once: answers false when the link was used meanwhile. */
export async function markConfirmed(ex: Executor, id: string, now: number): Promise<boolean> {
  const result = await ex
    .updateTable('status_subscribers')
    .set({ confirmed_at: now, confirm_token_hash: null, confirm_expires_at: null, updated_at: now })
    .where('id', '=', id)
    .where('confirmed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setFollowedComponents(
  ex: Executor,
  id: string,
  componentIds: string[] | null,
  now: number,
): Promise<void> {
  await ex
    .updateTable('status_subscribers')
    .set({ component_ids_json: idsJson(componentIds), updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function deleteSubscriber(ex: Executor, id: string): Promise<boolean> {
  const result = await ex.deleteFrom('status_subscribers').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

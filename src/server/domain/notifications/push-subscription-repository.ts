// Kysely queries for Web Push: the server's VAPID key pair (one row) and each person's browser
// subscriptions, their auth secret sealed.
import type { Executor, PushSubscriptionsTable } from '../../db/schema.ts';

const VAPID_ROW = 'vapid';

/** The VAPID key pair as stored: the private key still sealed. */
export interface StoredVapidKeys {
  publicKey: string;
  sealedPrivateKey: string;
}

/** Keeps `keys` unless a pair is stored already (another instance made one first); answers the
 * pair in force. */
export async function keepVapidKeys(
  tx: Executor,
  keys: StoredVapidKeys,
  at: number,
): Promise<StoredVapidKeys> {
  await tx
    .insertInto('push_vapid_keys')
    .values({
      id: VAPID_ROW,
      public_key: keys.publicKey,
      sealed_private_key: keys.sealedPrivateKey,
      created_at: at,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return (await findVapidKeys(tx))!;
}

export async function findVapidKeys(tx: Executor): Promise<StoredVapidKeys | null> {
  const row = await tx
    .selectFrom('push_vapid_keys')
    .select(['public_key', 'sealed_private_key'])
    .where('id', '=', VAPID_ROW)
    .executeTakeFirst();
  return row ? { publicKey: row.public_key, sealedPrivateKey: row.sealed_private_key } : null;
}

/** A browser's subscription as stored: its auth secret still sealed. */
export interface StoredPushSubscription {
  id: string;
  userId: string;
  endpoint: string;
  p256dh: string;
  sealedAuth: string;
  device: string;
  createdAt: number;
}

const COLUMNS = [
  'id',
  'user_id',
  'endpoint',
  'p256dh',
  'sealed_auth',
  'device',
  'created_at',
] as const;

function toSubscription(row: PushSubscriptionsTable): StoredPushSubscription {
  return {
    id: row.id,
    userId: row.user_id,
    endpoint: row.endpoint,
    p256dh: row.p256dh,
    sealedAuth: row.sealed_auth,
    device: row.device,
    createdAt: Number(row.created_at),
  };
}

export async function listPushSubscriptions(
  tx: Executor,
  userId: string,
): Promise<StoredPushSubscription[]> {
  const rows = await tx
    .selectFrom('push_subscriptions')
    .select(COLUMNS)
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toSubscription);
}

/** One subscription, by its id or by its push service endpoint (a browser's, unique). */
export async function findPushSubscription(
  tx: Executor,
  by: { id: string } | { endpoint: string },
): Promise<StoredPushSubscription | null> {
  const row = await tx
    .selectFrom('push_subscriptions')
    .select(COLUMNS)
    .where((eb) => ('id' in by ? eb('id', '=', by.id) : eb('endpoint', '=', by.endpoint)))
    .executeTakeFirst();
  return row ? toSubscription(row) : null;
}

export async function insertPushSubscription(
  tx: Executor,
  s: StoredPushSubscription,
): Promise<void> {
  await tx
    .insertInto('push_subscriptions')
    .values({
      id: s.id,
      user_id: s.userId,
      endpoint: s.endpoint,
      p256dh: s.p256dh,
      sealed_auth: s.sealedAuth,
      device: s.device,
      created_at: s.createdAt,
    })
    .execute();
}

/** New keys for a subscription its person registers again (the browser renewed them). */
export async function updatePushKeys(
  tx: Executor,
  id: string,
  keys: { p256dh: string; sealedAuth: string; device: string },
): Promise<void> {
  await tx
    .updateTable('push_subscriptions')
    .set({ p256dh: keys.p256dh, sealed_auth: keys.sealedAuth, device: keys.device })
    .where('id', '=', id)
    .execute();
}

/** Removes one subscription (of `userId` when given); answers whether one was removed. */
export async function deletePushSubscription(
  tx: Executor,
  id: string,
  userId?: string,
): Promise<boolean> {
  let query = tx.deleteFrom('push_subscriptions').where('id', '=', id);
  if (userId !== undefined) query = query.where('user_id', '=', userId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

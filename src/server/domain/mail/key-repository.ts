// The OpenPGP keys of security@: the team's key pairs (the newest is the one published and
// encrypted to; older ones still decrypt what was sent to them) and reporters' public keys.
import type { Executor } from '../../db/schema.ts';

export interface TeamKeyRecord {
  id: string;
  fingerprint: string;
  publicKey: string;
  privateKeySealed: string;
  origin: string;
  createdAt: number;
}

/** The team's keys, newest first. */
export async function listTeamKeys(tx: Executor): Promise<TeamKeyRecord[]> {
  const rows = await tx
    .selectFrom('mail_team_keys')
    .select(['id', 'fingerprint', 'public_key', 'private_key_sealed', 'origin', 'created_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    fingerprint: r.fingerprint,
    publicKey: r.public_key,
    privateKeySealed: r.private_key_sealed,
    origin: r.origin,
    createdAt: Number(r.created_at),
  }));
}

export async function insertTeamKey(tx: Executor, key: TeamKeyRecord): Promise<void> {
  await tx
    .insertInto('mail_team_keys')
    .values({
      id: key.id,
      fingerprint: key.fingerprint,
      public_key: key.publicKey,
      private_key_sealed: key.privateKeySealed,
      origin: key.origin,
      created_at: key.createdAt,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** The public key kept for a sender's address (any case), if any. */
export async function findSenderKey(
  tx: Executor,
  address: string,
): Promise<{ fingerprint: string; publicKey: string } | undefined> {
  const row = await tx
    .selectFrom('mail_sender_keys')
    .select(['fingerprint', 'public_key'])
    .where('address', '=', address.toLowerCase())
    .executeTakeFirst();
  return row ? { fingerprint: row.fingerprint, publicKey: row.public_key } : undefined;
}

/** Keeps a public key for an address (lower case) when none is kept; answers whether it was. */
export async function keepSenderKeyIfNone(
  tx: Executor,
  key: { address: string; fingerprint: string; publicKey: string; at: number },
): Promise<boolean> {
  const result = await tx
    .insertInto('mail_sender_keys')
    .values({
      address: key.address.toLowerCase(),
      fingerprint: key.fingerprint,
      public_key: key.publicKey,
      created_at: key.at,
    })
    .onConflict((oc) => oc.column('address').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

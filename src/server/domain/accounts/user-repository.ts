// Kysely queries for the users table.
import type { Executor, UsersTable, UserStatus } from '../../db/schema.ts';

export interface Contact {
  kind: string;
  value: string;
}

export interface UserRecord {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
  status: UserStatus;
  passwordHash: string | null;
  awayUntil: number | null;
  contacts: Contact[];
  mfaSecret: string | null;
  mfaPendingSecret: string | null;
  mfaLastCounter: number | null;
  createdAt: number;
  updatedAt: number;
}

function toRecord(row: UsersTable): UserRecord {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    roles: JSON.parse(row.roles_json) as string[],
    status: row.status,
    passwordHash: row.password_hash,
    awayUntil: row.away_until === null ? null : Number(row.away_until),
    contacts: JSON.parse(row.contacts_json) as Contact[],
    mfaSecret: row.mfa_secret,
    mfaPendingSecret: row.mfa_pending_secret,
    mfaLastCounter: row.mfa_last_counter === null ? null : Number(row.mfa_last_counter),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export async function insertUser(tx: Executor, user: UserRecord): Promise<void> {
  await tx
    .insertInto('users')
    .values({
      id: user.id,
      email: user.email,
      display_name: user.displayName,
      roles_json: JSON.stringify(user.roles),
      status: user.status,
      password_hash: user.passwordHash,
      away_until: user.awayUntil,
      contacts_json: JSON.stringify(user.contacts),
      mfa_secret: user.mfaSecret,
      mfa_pending_secret: user.mfaPendingSecret,
      mfa_last_counter: user.mfaLastCounter,
      created_at: user.createdAt,
      updated_at: user.updatedAt,
    })
    .execute();
}

export type UserChanges = Partial<
  Pick<
    UserRecord,
    | 'displayName'
    | 'roles'
    | 'status'
    | 'passwordHash'
    | 'awayUntil'
    | 'contacts'
    | 'mfaSecret'
    | 'mfaPendingSecret'
    | 'mfaLastCounter'
  >
>;

export async function updateUser(
  tx: Executor,
  id: string,
  changes: UserChanges,
  at: number,
): Promise<void> {
  await tx
    .updateTable('users')
    .set({
      ...(changes.displayName !== undefined ? { display_name: changes.displayName } : {}),
      ...(changes.roles !== undefined ? { roles_json: JSON.stringify(changes.roles) } : {}),
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      ...(changes.passwordHash !== undefined ? { password_hash: changes.passwordHash } : {}),
      ...(changes.awayUntil !== undefined ? { away_until: changes.awayUntil } : {}),
      ...(changes.contacts !== undefined
        ? { contacts_json: JSON.stringify(changes.contacts) }
        : {}),
      ...(changes.mfaSecret !== undefined ? { mfa_secret: changes.mfaSecret } : {}),
      ...(changes.mfaPendingSecret !== undefined
        ? { mfa_pending_secret: changes.mfaPendingSecret }
        : {}),
      ...(changes.mfaLastCounter !== undefined ? { mfa_last_counter: changes.mfaLastCounter } : {}),
      updated_at: at,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Records a TOTP time step as used, if it is newer than the last one used: a compare-and-set,
 * so of several sign-ins racing with the same code exactly one gets true.
 */
export async function claimTotpStep(
  tx: Executor,
  id: string,
  counter: number,
  at: number,
): Promise<boolean> {
  const result = await tx
    .updateTable('users')
    .set({ mfa_last_counter: counter, updated_at: at })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([eb('mfa_last_counter', 'is', null), eb('mfa_last_counter', '<', counter)]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findUserById(tx: Executor, id: string): Promise<UserRecord | undefined> {
  const row = await tx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toRecord(row);
}

export async function findUserByEmail(
  tx: Executor,
  email: string,
): Promise<UserRecord | undefined> {
  const row = await tx
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
  return row && toRecord(row);
}

export async function listUserRecords(
  tx: Executor,
  filter: { status?: UserStatus } = {},
): Promise<UserRecord[]> {
  let query = tx.selectFrom('users').selectAll();
  if (filter.status) query = query.where('status', '=', filter.status);
  const rows = await query.orderBy('email').execute();
  return rows.map(toRecord);
}

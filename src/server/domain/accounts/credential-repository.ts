// Kysely queries for what proves who someone is: sessions, API tokens, one-time links, recovery
// codes and the failed-sign-in counters. Secrets are stored only as SHA-256 hashes.
import type {
  ApiTokensTable,
  CalendarFeedsTable,
  Executor,
  OneTimeLinkPurpose,
  OneTimeLinksTable,
  SessionsTable,
} from '../../db/schema.ts';
import type { FailureCounter } from './sign-in-rules.ts';

const num = (v: number | null): number | null => (v === null ? null : Number(v));

// sessions ----------------------------------------------------------------------------------

export async function insertSession(tx: Executor, row: SessionsTable): Promise<void> {
  await tx.insertInto('sessions').values(row).execute();
}

export async function findSession(
  tx: Executor,
  idHash: string,
): Promise<SessionsTable | undefined> {
  const row = await tx
    .selectFrom('sessions')
    .selectAll()
    .where('id_hash', '=', idHash)
    .executeTakeFirst();
  return (
    row && {
      ...row,
      created_at: Number(row.created_at),
      last_seen_at: Number(row.last_seen_at),
      expires_at: Number(row.expires_at),
      ended_at: num(row.ended_at),
    }
  );
}

export async function touchSession(tx: Executor, idHash: string, at: number): Promise<void> {
  await tx
    .updateTable('sessions')
    .set({ last_seen_at: at })
    .where('id_hash', '=', idHash)
    .execute();
}

export async function endSession(tx: Executor, idHash: string, at: number): Promise<void> {
  await tx
    .updateTable('sessions')
    .set({ ended_at: at })
    .where('id_hash', '=', idHash)
    .where('ended_at', 'is', null)
    .execute();
}

/** Ends every open session of a user (but `keepIdHash`); returns how many there were. */
export async function endUserSessions(
  tx: Executor,
  userId: string,
  at: number,
  keepIdHash?: string,
): Promise<number> {
  let query = tx
    .updateTable('sessions')
    .set({ ended_at: at })
    .where('user_id', '=', userId)
    .where('ended_at', 'is', null);
  if (keepIdHash) query = query.where('id_hash', '!=', keepIdHash);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// API tokens --------------------------------------------------------------------------------

function tokenRow(row: ApiTokensTable): ApiTokensTable {
  return {
    ...row,
    created_at: Number(row.created_at),
    expires_at: num(row.expires_at),
    revoked_at: num(row.revoked_at),
    last_used_at: num(row.last_used_at),
  };
}

export async function insertToken(tx: Executor, row: ApiTokensTable): Promise<void> {
  await tx.insertInto('api_tokens').values(row).execute();
}

export async function findTokenByHash(
  tx: Executor,
  tokenHash: string,
): Promise<ApiTokensTable | undefined> {
  const row = await tx
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row && tokenRow(row);
}

export async function findTokenById(tx: Executor, id: string): Promise<ApiTokensTable | undefined> {
  const row = await tx.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  return row && tokenRow(row);
}

export async function listUserTokens(tx: Executor, userId: string): Promise<ApiTokensTable[]> {
  const rows = await tx
    .selectFrom('api_tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(tokenRow);
}

export async function markTokenUsed(tx: Executor, id: string, at: number): Promise<void> {
  await tx.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}

export async function revokeToken(tx: Executor, id: string, at: number): Promise<void> {
  await tx
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function revokeUserTokens(tx: Executor, userId: string, at: number): Promise<number> {
  const result = await tx
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// calendar feeds ----------------------------------------------------------------------------

function feedRow(row: CalendarFeedsTable): CalendarFeedsTable {
  return {
    ...row,
    created_at: Number(row.created_at),
    revoked_at: num(row.revoked_at),
    last_used_at: num(row.last_used_at),
  };
}

export async function insertCalendarFeed(tx: Executor, row: CalendarFeedsTable): Promise<void> {
  await tx.insertInto('calendar_feeds').values(row).execute();
}

/** A live (not revoked) feed by the hash of its secret. */
export async function findLiveCalendarFeedByHash(
  tx: Executor,
  tokenHash: string,
): Promise<CalendarFeedsTable | undefined> {
  const row = await tx
    .selectFrom('calendar_feeds')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row && feedRow(row);
}

/** The user's live feed, if any. */
export async function findLiveCalendarFeed(
  tx: Executor,
  userId: string,
): Promise<CalendarFeedsTable | undefined> {
  const row = await tx
    .selectFrom('calendar_feeds')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row && feedRow(row);
}

/** Revokes every live feed of a user; answers how many there were. */
export async function revokeCalendarFeeds(tx: Executor, userId: string, at: number) {
  const result = await tx
    .updateTable('calendar_feeds')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function markCalendarFeedUsed(tx: Executor, id: string, at: number): Promise<void> {
  await tx.updateTable('calendar_feeds').set({ last_used_at: at }).where('id', '=', id).execute();
}

// one-time links ----------------------------------------------------------------------------

export async function insertLink(tx: Executor, row: OneTimeLinksTable): Promise<void> {
  await tx.insertInto('one_time_links').values(row).execute();
}

/** Marks the link used and returns it, if it was unused and unexpired: a link works once. */
export async function claimLink(
  tx: Executor,
  tokenHash: string,
  purpose: OneTimeLinkPurpose,
  at: number,
): Promise<OneTimeLinksTable | undefined> {
  const result = await tx
    .updateTable('one_time_links')
    .set({ used_at: at })
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .returningAll()
    .executeTakeFirst();
  return result;
}

/** A link that would still work (not used, not expired), without using it. */
export async function findLiveLink(
  tx: Executor,
  tokenHash: string,
  purpose: OneTimeLinkPurpose,
  at: number,
): Promise<OneTimeLinksTable | undefined> {
  return tx
    .selectFrom('one_time_links')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
}

/** Retires unused links of a purpose (and user): only the newest link works. */
export async function retireLinks(
  tx: Executor,
  purpose: OneTimeLinkPurpose,
  userId: string | null,
  at: number,
): Promise<void> {
  let query = tx
    .updateTable('one_time_links')
    .set({ used_at: at })
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null);
  query =
    userId === null ? query.where('user_id', 'is', null) : query.where('user_id', '=', userId);
  await query.execute();
}

// recovery codes ----------------------------------------------------------------------------

export async function replaceRecoveryCodes(
  tx: Executor,
  userId: string,
  codeHashes: string[],
): Promise<void> {
  await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  if (codeHashes.length === 0) return;
  await tx
    .insertInto('recovery_codes')
    .values(codeHashes.map((code_hash) => ({ code_hash, user_id: userId, used_at: null })))
    .execute();
}

/** Uses a recovery code once; false when it is unknown or already used. */
export async function useRecoveryCode(
  tx: Executor,
  userId: string,
  codeHash: string,
  at: number,
): Promise<boolean> {
  const result = await tx
    .updateTable('recovery_codes')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Whether an unused recovery code with this hash exists (nothing is spent). */
export async function hasRecoveryCode(
  tx: Executor,
  userId: string,
  codeHash: string,
): Promise<boolean> {
  const row = await tx
    .selectFrom('recovery_codes')
    .select('code_hash')
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

// failed sign-in counters -------------------------------------------------------------------

export async function findCounters(
  tx: Executor,
  keys: string[],
): Promise<Map<string, FailureCounter>> {
  const rows = await tx
    .selectFrom('sign_in_counters')
    .selectAll()
    .where('key', 'in', keys)
    .execute();
  return new Map(
    rows.map((r) => [
      r.key,
      {
        windowStart: Number(r.window_start),
        failures: Number(r.failures),
        lockedUntil: num(r.locked_until),
      },
    ]),
  );
}

/**
 * Moves a counter from `from` (undefined: no row yet) to `to` (null: no row, nothing counted),
 * only if nobody changed it since it was read (compare-and-set); false: read it again.
 */
export async function replaceCounter(
  tx: Executor,
  key: string,
  from: FailureCounter | undefined,
  to: FailureCounter | null,
): Promise<boolean> {
  if (!from) {
    if (!to) return true;
    const inserted = await tx
      .insertInto('sign_in_counters')
      .values({
        key,
        window_start: to.windowStart,
        failures: to.failures,
        locked_until: to.lockedUntil,
      })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
  }
  const changed = to
    ? await tx
        .updateTable('sign_in_counters')
        .set({ window_start: to.windowStart, failures: to.failures, locked_until: to.lockedUntil })
        .where('key', '=', key)
        .where('window_start', '=', from.windowStart)
        .where('failures', '=', from.failures)
        .executeTakeFirst()
        .then((r) => r.numUpdatedRows)
    : await tx
        .deleteFrom('sign_in_counters')
        .where('key', '=', key)
        .where('window_start', '=', from.windowStart)
        .where('failures', '=', from.failures)
        .executeTakeFirst()
        .then((r) => r.numDeletedRows);
  return Number(changed) === 1;
}

export async function clearCounter(tx: Executor, key: string): Promise<void> {
  await tx.deleteFrom('sign_in_counters').where('key', '=', key).execute();
}

// housekeeping ------------------------------------------------------------------------------

export interface SweepCounts {
  sessions: number;
  oidcLogins: number;
  links: number;
  counters: number;
}

/**
 * Deletes what can no longer prove anything: sessions ended or expired before `keepUntil`,
 * finished or expired one-time links likewise, sign-in flows past their expiry, and failure
 * counters whose window and lock are long over. Sign-ins stay in the audit trail.
 */
export async function sweepExpired(
  tx: Executor,
  now: number,
  keepUntil: number,
): Promise<SweepCounts> {
  const count = (r: { numDeletedRows: bigint }[]) =>
    r.reduce((n, x) => n + Number(x.numDeletedRows), 0);
  const sessions = count(
    await tx
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<', keepUntil), eb('ended_at', '<', keepUntil)]))
      .execute(),
  );
  const oidcLogins = count(
    await tx.deleteFrom('oidc_logins').where('expires_at', '<', now).execute(),
  );
  const links = count(
    await tx
      .deleteFrom('one_time_links')
      .where((eb) => eb.or([eb('expires_at', '<', keepUntil), eb('used_at', '<', keepUntil)]))
      .execute(),
  );
  const counters = count(
    await tx
      .deleteFrom('sign_in_counters')
      .where('window_start', '<', now - 24 * 60 * 60 * 1000)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .execute(),
  );
  return { sessions, oidcLogins, links, counters };
}

// Signing in and out, and turning a session cookie or a bearer token back into an Actor on
// every request. Failed sign-ins are counted per account and per IP address in the database,
// so the limit holds across several instances.
import type { SecretBox } from './secret-box.ts';
import type { Config } from '../../config.ts';
import { HOUR, MINUTE, type Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { rateLimitKeyForAddress } from '../../db/rate-limit.ts';
import { AppError } from '../../errors.ts';
import type { Permission } from '../../../shared/domain/permissions.ts';
import type { SessionView, SignInBody } from '../../../shared/api/accounts.ts';
import type { Actor } from '../actor.ts';
import { recordAudit, type AnonymousCaller } from '../audit/index.ts';
import { presentUser } from './account-views.ts';
import {
  clearCounter,
  endSession,
  endUserSessions,
  findCounters,
  findSession,
  findTokenByHash,
  insertSession,
  markTokenUsed,
  saveCounter,
  touchSession,
  useRecoveryCode,
} from './credentials-repository.ts';
import { verifyPassword } from './passwords.ts';
import {
  actorForToken,
  actorForUser,
  mfaEnrolmentRequired,
  type RequestOrigin,
} from './account-actors.ts';
import { csrfTokenFor, newSecret, normaliseRecoveryCode, sha256 } from './secrets.ts';
import {
  afterFailure,
  lockedFor,
  sessionIsLive,
  signInLimits,
  tokenIsLive,
} from './sign-in-rules.ts';
import { useTotpCode } from './mfa-service.ts';
import { findUserByEmail, findUserById, type UserRecord } from './users-repository.ts';

export interface SessionDeps {
  db: Db;
  clock: Clock;
  /** Opens the sealed TOTP secret. */
  secretBox: SecretBox;
  config: Pick<
    Config,
    'sessionIdleMinutes' | 'sessionMaxHours' | 'requireAdminMfa' | 'signInMaxFailures'
  >;
}

export interface SignedIn {
  sessionId: string;
  expiresAt: number;
  session: SessionView;
}

/** Refreshing last_seen_at on every request would write on every read; once a minute is enough. */
const TOUCH_EVERY_MS = MINUTE;

const wrongCredentials = () =>
  new AppError('UNAUTHENTICATED', 'The email or password is not right');

export function sessionView(
  user: UserRecord,
  actor: Actor,
  csrfToken: string | null,
  config: Pick<Config, 'requireAdminMfa'>,
): SessionView {
  return {
    user: presentUser(user),
    permissions: [...actor.permissions].sort(),
    csrfToken,
    authenticatedBy: actor.kind === 'token' ? 'token' : 'session',
    mfaEnrolmentRequired: mfaEnrolmentRequired(user, config),
  };
}

/** Starts a session for a user who has proved who they are; audited as signed in. */
export async function openSession(
  tx: Executor,
  config: Pick<Config, 'sessionMaxHours' | 'requireAdminMfa'>,
  user: UserRecord,
  origin: RequestOrigin,
  at: number,
  how: Record<string, unknown>,
): Promise<SignedIn> {
  const sessionId = newSecret('stl_session');
  const expiresAt = at + config.sessionMaxHours * HOUR;
  await insertSession(tx, {
    id_hash: sha256(sessionId),
    user_id: user.id,
    created_at: at,
    last_seen_at: at,
    expires_at: expiresAt,
    ended_at: null,
    ip: origin.ip ?? null,
    user_agent: origin.userAgent?.slice(0, 500) ?? null,
  });
  const actor = actorForUser(user, config, origin);
  await recordAudit(tx, {
    actor,
    action: 'session.signed_in',
    target: { type: 'user', id: user.id },
    at,
    detail: how,
  });
  return {
    sessionId,
    expiresAt,
    session: sessionView(user, actor, csrfTokenFor(sessionId), config),
  };
}

type Attempt =
  | { outcome: 'locked'; retryAfterMs: number }
  | { outcome: 'failed'; mfaRequired?: boolean }
  | { outcome: 'signed_in'; signedIn: SignedIn };

export function createSessionService(deps: SessionDeps) {
  const { db, clock, config } = deps;
  const idleMs = config.sessionIdleMinutes * MINUTE;
  const limits = signInLimits(config.signInMaxFailures);

  const userActor = (user: UserRecord, origin: RequestOrigin) => actorForUser(user, config, origin);

  /** Checks the second factor; a recovery code is spent when used. */
  async function secondFactorOk(tx: Executor, user: UserRecord, code: string, at: number) {
    if (/^\d{6}$/.test(code.replace(/\s/g, '')))
      return useTotpCode(tx, deps.secretBox, user, code, at);
    const used = await useRecoveryCode(tx, user.id, sha256(normaliseRecoveryCode(code)), at);
    if (used)
      await recordAudit(tx, {
        actor: userActor(user, {}),
        action: 'mfa.recovery_code_used',
        target: { type: 'user', id: user.id },
        at,
      });
    return used;
  }

  async function attempt(origin: RequestOrigin, input: SignInBody): Promise<Attempt> {
    const at = clock.now();
    const email = input.email.toLowerCase();
    const accountKey = `account:${email}`;
    const ipKey = `ip:${rateLimitKeyForAddress(origin.ip ?? 'unknown')}`;
    const caller: AnonymousCaller = { kind: 'anonymous', ...origin };

    const counters = await findCounters(db, [accountKey, ipKey]);
    const wait = Math.max(
      lockedFor(counters.get(accountKey), at),
      lockedFor(counters.get(ipKey), at),
    );
    const user = wait > 0 ? undefined : await findUserByEmail(db, email);
    const passwordOk =
      wait > 0
        ? false
        : await verifyPassword(
            user?.status === 'active' ? user.passwordHash : null,
            input.password,
          );

    return db.transaction().execute(async (tx): Promise<Attempt> => {
      if (wait > 0) {
        await recordAudit(tx, {
          actor: caller,
          action: 'session.sign_in_refused',
          at,
          detail: { email, reason: 'locked', retryAfterSeconds: Math.ceil(wait / 1000) },
        });
        return { outcome: 'locked', retryAfterMs: wait };
      }
      const target = user ? { type: 'user', id: user.id } : undefined;
      let reason: string | null = null;
      if (!passwordOk) reason = user ? 'wrong_password' : 'unknown_account';
      else if (user!.mfaSecret !== null && !input.code)
        return { outcome: 'failed', mfaRequired: true };
      else if (user!.mfaSecret !== null && !(await secondFactorOk(tx, user!, input.code!, at)))
        reason = 'wrong_second_factor';

      if (reason !== null) {
        for (const [key, limit] of [
          [accountKey, limits.account],
          [ipKey, limits.ip],
        ] as const) {
          const next = afterFailure(counters.get(key), at, limit);
          await saveCounter(tx, key, next);
          if (next.lockedUntil !== null)
            await recordAudit(tx, {
              actor: caller,
              action: 'session.sign_in_locked',
              ...(target && key === accountKey ? { target } : {}),
              at,
              detail: {
                email,
                scope: key === accountKey ? 'account' : 'ip',
                until: next.lockedUntil,
              },
            });
        }
        await recordAudit(tx, {
          actor: caller,
          action: 'session.sign_in_failed',
          ...(target ? { target } : {}),
          at,
          detail: { email, reason },
        });
        return { outcome: 'failed' };
      }

      await clearCounter(tx, accountKey);
      const signedIn = await openSession(tx, config, user!, origin, at, {
        method: 'password',
        secondFactor: user!.mfaSecret !== null,
      });
      return { outcome: 'signed_in', signedIn };
    });
  }

  return {
    /** Signs in with email, password and (when enrolled) a second factor. */
    async signIn(origin: RequestOrigin, input: SignInBody): Promise<SignedIn> {
      const result = await attempt(origin, input);
      if (result.outcome === 'signed_in') return result.signedIn;
      if (result.outcome === 'locked')
        throw new AppError('RATE_LIMITED', 'Too many failed sign-ins; wait before trying again', {
          retryAfterSeconds: Math.ceil(result.retryAfterMs / 1000),
        });
      if (result.mfaRequired)
        throw new AppError('UNAUTHENTICATED', 'Enter the code from your authenticator app', {
          mfaRequired: true,
        });
      throw wrongCredentials();
    },

    /**
     * The Actor behind a session cookie, or null when it is unknown, ended or expired. A request
     * counts as activity; `touch: false` re-checks a long-lived connection (the live stream)
     * without keeping the session from going idle.
     */
    async authenticateSession(
      sessionId: string,
      origin: RequestOrigin,
      options: { touch?: boolean } = {},
    ): Promise<{ actor: Actor; user: UserRecord } | null> {
      const at = clock.now();
      const idHash = sha256(sessionId);
      const session = await findSession(db, idHash);
      if (
        !session ||
        !sessionIsLive(
          {
            lastSeenAt: session.last_seen_at,
            expiresAt: session.expires_at,
            endedAt: session.ended_at,
          },
          at,
          idleMs,
        )
      )
        return null;
      const user = await findUserById(db, session.user_id);
      if (!user || user.status !== 'active') return null;
      if (options.touch !== false && at - session.last_seen_at >= TOUCH_EVERY_MS)
        await touchSession(db, idHash, at);
      return { actor: userActor(user, origin), user };
    },

    /**
     * The Actor behind a bearer token: the token's scope, narrowed to what its user may still do
     * (`touch: false`: a re-check that does not count as a use).
     */
    async authenticateToken(
      token: string,
      origin: RequestOrigin,
      options: { touch?: boolean } = {},
    ): Promise<{ actor: Actor; user: UserRecord } | null> {
      const at = clock.now();
      const row = await findTokenByHash(db, sha256(token));
      if (!row || !tokenIsLive({ expiresAt: row.expires_at, revokedAt: row.revoked_at }, at))
        return null;
      const user = await findUserById(db, row.user_id);
      if (!user || user.status !== 'active') return null;
      const scope = JSON.parse(row.permissions_json) as Permission[];
      if (
        options.touch !== false &&
        (row.last_used_at === null || at - row.last_used_at >= TOUCH_EVERY_MS)
      )
        await markTokenUsed(db, row.id, at);
      return { actor: actorForToken(user, scope, config, origin), user };
    },

    async signOut(actor: Actor, sessionId: string | null): Promise<void> {
      if (actor.kind !== 'user' || !sessionId)
        throw new AppError(
          'VALIDATION',
          'Only a signed-in browser session can sign out; revoke a token instead',
        );
      const at = clock.now();
      await db.transaction().execute(async (tx) => {
        await endSession(tx, sha256(sessionId), at);
        await recordAudit(tx, {
          actor,
          action: 'session.signed_out',
          target: { type: 'user', id: actor.userId! },
          at,
        });
      });
    },

    /** Ends every session of the actor's user, on every device. */
    async signOutEverywhere(actor: Actor): Promise<{ sessionsEnded: number }> {
      if (!actor.userId) throw new AppError('FORBIDDEN', 'Only a staff member has sessions');
      const userId = actor.userId;
      const at = clock.now();
      return db.transaction().execute(async (tx) => {
        const sessionsEnded = await endUserSessions(tx, userId, at);
        await recordAudit(tx, {
          actor,
          action: 'session.signed_out_everywhere',
          target: { type: 'user', id: userId },
          at,
          detail: { sessionsEnded },
        });
        return { sessionsEnded };
      });
    },

    describe(user: UserRecord, actor: Actor, sessionId: string | null): SessionView {
      return sessionView(user, actor, sessionId ? csrfTokenFor(sessionId) : null, config);
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;

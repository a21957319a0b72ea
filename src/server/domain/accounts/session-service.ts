// Signing in and out, and turning a session cookie or a bearer token back into an Actor on
// every request. Failed sign-ins hold back the address that made them (sign-in-throttle.ts),
// never the account itself, and a right password with a right second factor always signs in.
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
  endSession,
  endUserSessions,
  findSession,
  findTokenByHash,
  hasRecoveryCode,
  insertSession,
  markTokenUsed,
  touchSession,
  useRecoveryCode,
} from './credential-repository.ts';
import { verifyPassword } from './passwords.ts';
import {
  actorForToken,
  actorForUser,
  mfaEnrolmentRequired,
  type RequestOrigin,
} from './account-actors.ts';
import { csrfTokenFor, newSecret, normaliseRecoveryCode, sha256 } from './secrets.ts';
import { sessionIsLive, signInLimits, tokenIsLive } from './sign-in-rules.ts';
import {
  countFailure,
  forgiveAttempt,
  giveBack,
  reserveAttempt,
  throttleSlots,
} from './sign-in-throttle.ts';
import { useTotpCode } from './mfa-service.ts';
import { acceptTotp } from './totp.ts';
import { findUserByEmail, findUserById, type UserRecord } from './user-repository.ts';

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
  | { outcome: 'held'; retryAfterMs: number }
  | { outcome: 'failed'; mfaRequired?: boolean }
  | { outcome: 'signed_in'; signedIn: SignedIn };

export function createSessionService(deps: SessionDeps) {
  const { db, clock, config } = deps;
  const idleMs = config.sessionIdleMinutes * MINUTE;
  const limits = signInLimits(config.signInMaxFailures);

  const userActor = (user: UserRecord, origin: RequestOrigin) => actorForUser(user, config, origin);
  const isRecoveryCode = (code: string) => !/^\d{6}$/.test(code.replace(/\s/g, ''));

  /** Checks the second factor; a recovery code is spent when used. */
  async function secondFactorOk(tx: Executor, user: UserRecord, code: string, at: number) {
    if (!isRecoveryCode(code)) return useTotpCode(tx, deps.secretBox, user, code, at);
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

  /** Whether the second factor would be accepted, without spending it (cheap: no hashing). */
  async function secondFactorLooksRight(user: UserRecord, code: string, at: number) {
    if (user.mfaSecret === null) return false;
    if (!isRecoveryCode(code))
      return (
        acceptTotp(deps.secretBox.open(user.mfaSecret), code, at, user.mfaLastCounter) !== null
      );
    return hasRecoveryCode(db, user.id, sha256(normaliseRecoveryCode(code)));
  }

  async function attempt(origin: RequestOrigin, input: SignInBody): Promise<Attempt> {
    const at = clock.now();
    const email = input.email.toLowerCase();
    const address = rateLimitKeyForAddress(origin.ip ?? 'unknown');
    const slots = throttleSlots(limits, email, address);
    const caller: AnonymousCaller = { kind: 'anonymous', ...origin };

    const user = await findUserByEmail(db, email);
    const active = user?.status === 'active' ? user : undefined;
    const reservation = await reserveAttempt(db, slots, at);
    // Held back, only a right password with a right second factor gets through. The factor is
    // looked at first, so a held-back address cannot make the server hash passwords, and spent
    // before the password is checked, so each code buys one check.
    const code = input.code;
    if (reservation.held && !(active && code && (await secondFactorLooksRight(active, code, at))))
      return { outcome: 'held', retryAfterMs: reservation.retryAfterMs };
    const passwordOk = await verifyPassword(active?.passwordHash ?? null, input.password);

    return db.transaction().execute(async (tx): Promise<Attempt> => {
      const target = user ? { type: 'user', id: user.id } : undefined;
      let reason: string | null = null;
      if (reservation.held) {
        if (!(await secondFactorOk(tx, active!, code!, at)))
          return { outcome: 'held', retryAfterMs: reservation.retryAfterMs };
        if (!passwordOk) reason = 'wrong_password';
      } else if (!passwordOk) reason = user ? 'wrong_password' : 'unknown_account';
      else if (active!.mfaSecret !== null && !code) {
        // A right password is not a failure; the code comes in the next attempt.
        await giveBack(tx, slots, reservation);
        return { outcome: 'failed', mfaRequired: true };
      } else if (active!.mfaSecret !== null && !(await secondFactorOk(tx, active!, code!, at)))
        reason = 'wrong_second_factor';

      if (reason !== null) {
        const counted = reservation.held ? await countFailure(tx, slots, at) : reservation.counted;
        let holdMs = reservation.held ? reservation.retryAfterMs : 0;
        for (const slot of slots) {
          const lockedUntil = counted.get(slot.key)?.lockedUntil ?? null;
          if (lockedUntil === null) continue;
          holdMs = Math.max(holdMs, lockedUntil - at);
          // Each failure that reaches the limit starts a hold: attempts during one are not counted.
          await recordAudit(tx, {
            actor: caller,
            action: 'session.sign_in_throttled',
            ...(target && slot.scope === 'account_and_address' ? { target } : {}),
            at,
            detail: {
              email,
              address,
              scope: slot.scope,
              failures: counted.get(slot.key)!.failures,
              retryAfterSeconds: Math.ceil((lockedUntil - at) / 1000),
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
        return reservation.held ? { outcome: 'held', retryAfterMs: holdMs } : { outcome: 'failed' };
      }

      await forgiveAttempt(tx, slots, reservation);
      const signedIn = await openSession(tx, config, active!, origin, at, {
        method: 'password',
        secondFactor: active!.mfaSecret !== null,
      });
      return { outcome: 'signed_in', signedIn };
    });
  }

  return {
    /** Signs in with email, password and (when enrolled) a second factor. */
    async signIn(origin: RequestOrigin, input: SignInBody): Promise<SignedIn> {
      const result = await attempt(origin, input);
      if (result.outcome === 'signed_in') return result.signedIn;
      if (result.outcome === 'held')
        throw new AppError(
          'RATE_LIMITED',
          'Too many failed sign-ins from your network; wait before trying again. A right password with a current code from your authenticator app still signs in.',
          { retryAfterSeconds: Math.ceil(result.retryAfterMs / 1000), mfaAccepted: true },
        );
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

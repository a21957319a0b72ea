// The TOTP second factor: enrol (secret + QR code), confirm with a first code (which turns it on
// and hands out recovery codes once), and turn it off with a current code.
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import { type Actor, requirePermission } from '../actor.ts';
import { recordAudit } from '../audit/index.ts';
import { endUserSessions, replaceRecoveryCodes, useRecoveryCode } from './credential-repository.ts';
import type { SecretBox } from './secret-box.ts';
import { newRecoveryCode, normaliseRecoveryCode, sha256 } from './secrets.ts';
import { acceptTotp, enrolmentDetails, newTotpSecret } from './totp.ts';
import { claimTotpStep, findUserById, updateUser, type UserRecord } from './user-repository.ts';

export interface MfaDeps {
  db: Db;
  clock: Clock;
  /** Seals the TOTP secret before it is stored (see secret-box.ts). */
  secretBox: SecretBox;
}

const RECOVERY_CODES = 10;

function personOf(actor: Actor): string {
  if (actor.kind !== 'user' || !actor.userId)
    throw new AppError('FORBIDDEN', 'Change your second factor while signed in, not with a token');
  return actor.userId;
}

async function removeSecondFactor(tx: Executor, userId: string, at: number): Promise<void> {
  await updateUser(
    tx,
    userId,
    { mfaSecret: null, mfaPendingSecret: null, mfaLastCounter: null },
    at,
  );
  await replaceRecoveryCodes(tx, userId, []);
}

/**
 * Whether a code from the user's authenticator is right and not used before; using it marks its
 * time step used inside the caller's transaction, so a code works once even under a race.
 */
export async function useTotpCode(
  tx: Executor,
  secretBox: SecretBox,
  user: UserRecord,
  code: string,
  at: number,
): Promise<boolean> {
  if (user.mfaSecret === null) return false;
  const counter = acceptTotp(secretBox.open(user.mfaSecret), code, at, user.mfaLastCounter);
  return counter !== null && (await claimTotpStep(tx, user.id, counter, at));
}

const wrongCode = () =>
  new AppError('VALIDATION', 'The code is not right', {
    errors: [{ field: 'code', message: 'is not a current code from your authenticator app' }],
  });

export function createMfaService(deps: MfaDeps) {
  const { db, clock, secretBox } = deps;

  async function loadPerson(actor: Actor) {
    const user = await findUserById(db, personOf(actor));
    if (!user) throw notFound('The user');
    return user;
  }

  return {
    /** Starts (or restarts) enrolment; nothing changes for sign-in until it is confirmed. */
    async startEnrolment(actor: Actor) {
      const user = await loadPerson(actor);
      if (user.mfaSecret)
        throw new AppError('CONFLICT', 'A second factor is already on; turn it off first');
      const secret = newTotpSecret();
      await updateUser(db, user.id, { mfaPendingSecret: secretBox.seal(secret) }, clock.now());
      return enrolmentDetails(secret, user.email);
    },

    async confirmEnrolment(actor: Actor, code: string): Promise<{ recoveryCodes: string[] }> {
      const user = await loadPerson(actor);
      const at = clock.now();
      if (!user.mfaPendingSecret)
        throw new AppError('CONFLICT', 'Start enrolment first: there is no pending second factor');
      const counter = acceptTotp(secretBox.open(user.mfaPendingSecret), code, at, null);
      if (counter === null) throw wrongCode();
      const recoveryCodes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
      await db.transaction().execute(async (tx) => {
        await updateUser(
          tx,
          user.id,
          { mfaSecret: user.mfaPendingSecret, mfaPendingSecret: null, mfaLastCounter: counter },
          at,
        );
        await replaceRecoveryCodes(
          tx,
          user.id,
          recoveryCodes.map((c) => sha256(c)),
        );
        await recordAudit(tx, {
          actor,
          action: 'mfa.enabled',
          target: { type: 'user', id: user.id },
          at,
          detail: { method: 'totp', recoveryCodes: RECOVERY_CODES },
        });
      });
      return { recoveryCodes };
    },

    /** Turns the second factor off; needs a current code or an unused recovery code. */
    async disable(actor: Actor, code: string): Promise<void> {
      const user = await loadPerson(actor);
      const at = clock.now();
      if (!user.mfaSecret) throw new AppError('CONFLICT', 'No second factor is on');
      await db.transaction().execute(async (tx) => {
        const ok =
          (await useTotpCode(tx, secretBox, user, code, at)) ||
          (await useRecoveryCode(tx, user.id, sha256(normaliseRecoveryCode(code)), at));
        if (!ok) throw wrongCode();
        await removeSecondFactor(tx, user.id, at);
        await recordAudit(tx, {
          actor,
          action: 'mfa.disabled',
          target: { type: 'user', id: user.id },
          at,
        });
      });
    },

    /** For someone who lost their authenticator and recovery codes: an admin turns the second
     * factor off; the person's sessions end, and they enrol again after signing in. */
    async resetFor(actor: Actor, userId: string): Promise<void> {
      requirePermission(actor, 'users.manage');
      const at = clock.now();
      await db.transaction().execute(async (tx) => {
        const user = await findUserById(tx, userId);
        if (!user) throw notFound('The user');
        await removeSecondFactor(tx, userId, at);
        const sessionsEnded = await endUserSessions(tx, userId, at);
        await recordAudit(tx, {
          actor,
          action: 'mfa.reset',
          target: { type: 'user', id: userId },
          at,
          detail: { hadSecondFactor: user.mfaSecret !== null, sessionsEnded },
        });
      });
    },
  };
}

export type MfaService = ReturnType<typeof createMfaService>;

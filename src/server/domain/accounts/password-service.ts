// Changing one's own password while signed in: the current password is asked again, the new one
// must pass the strength rules, every other session of the person ends and their API tokens are
// revoked.
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/index.ts';
import { endUserSessions } from './credential-repository.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { sha256 } from './secrets.ts';
import { revokeAllTokens } from './token-service.ts';
import { checkPassword } from './user-service.ts';
import { findUserById, updateUser } from './user-repository.ts';

export interface PasswordDeps {
  db: Db;
  clock: Clock;
}

export function createPasswordService(deps: PasswordDeps) {
  const { db, clock } = deps;
  return {
    async changeOwnPassword(
      actor: Actor,
      sessionId: string | null,
      input: { currentPassword: string; newPassword: string },
    ): Promise<{ otherSessionsEnded: number; tokensRevoked: number }> {
      if (actor.kind !== 'user' || !actor.userId || !sessionId)
        throw new AppError('FORBIDDEN', 'Change your password while signed in, not with a token');
      const user = await findUserById(db, actor.userId);
      if (!user) throw notFound('The user');
      if (!(await verifyPassword(user.passwordHash, input.currentPassword)))
        throw new AppError('VALIDATION', 'The current password is not right', {
          errors: [{ field: 'currentPassword', message: 'is not right' }],
        });
      checkPassword(input.newPassword, user.email);
      const passwordHash = await hashPassword(input.newPassword);
      const at = clock.now();
      return db.transaction().execute(async (tx) => {
        await updateUser(tx, user.id, { passwordHash }, at);
        const ended = await endUserSessions(tx, user.id, at, sha256(sessionId));
        const tokensRevoked = await revokeAllTokens(tx, actor, user.id, at, 'password_changed');
        await recordAudit(tx, {
          actor,
          action: 'user.password_changed',
          target: { type: 'user', id: user.id },
          at,
          detail: { otherSessionsEnded: ended, tokensRevoked },
        });
        return { otherSessionsEnded: ended, tokensRevoked };
      });
    },
  };
}

export type PasswordService = ReturnType<typeof createPasswordService>;

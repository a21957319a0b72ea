// API tokens for integrations and scripts: scoped to part of their creator's permissions,
// optionally expiring, shown once and stored only as a hash.
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { CreateTokenBody, TokenView } from '../../../shared/api/accounts.ts';
import { can, requirePermission, type Actor } from '../actor.ts';
import { recordAudit, type AnonymousCaller } from '../audit/index.ts';
import { presentToken } from './account-views.ts';
import {
  findTokenById,
  insertToken,
  listUserTokens,
  revokeToken,
  revokeUserTokens,
} from './credential-repository.ts';
import { newSecret, sha256 } from './secrets.ts';
import { permissionsForRoles } from './role-permissions.ts';
import { findUserByEmail } from './user-repository.ts';

export interface TokensDeps {
  db: Db;
  clock: Clock;
}

/**
 * Revokes every live token of a user, in the caller's transaction, audited as
 * `tokens.revoked_all` with the reason (a password reset or change: whoever knew the old
 * password may have made tokens with it). Answers how many were revoked.
 */
export async function revokeAllTokens(
  tx: Executor,
  actor: Actor | AnonymousCaller,
  userId: string,
  at: number,
  reason: 'password_set' | 'password_changed',
): Promise<number> {
  const revoked = await revokeUserTokens(tx, userId, at);
  if (revoked > 0)
    await recordAudit(tx, {
      actor,
      action: 'tokens.revoked_all',
      target: { type: 'user', id: userId },
      at,
      detail: { revoked, reason },
    });
  return revoked;
}

function ownerOf(actor: Actor): string {
  if (!actor.userId) throw new AppError('FORBIDDEN', 'Only a staff member has API tokens');
  return actor.userId;
}

export function createTokensService(deps: TokensDeps) {
  const { db, clock } = deps;

  /** Stores the hash of a new token and audits it; the secret is answered and kept nowhere. */
  async function issueToken(
    actor: Actor,
    userId: string,
    input: CreateTokenBody,
  ): Promise<{ token: string; tokenInfo: TokenView }> {
    const at = clock.now();
    const expiresAt = input.expiresAt ? Date.parse(input.expiresAt) : null;
    if (expiresAt !== null && expiresAt <= at)
      throw new AppError('VALIDATION', 'The expiry must be in the future', {
        errors: [{ field: 'expiresAt', message: 'must be in the future' }],
      });
    const token = newSecret('stl_token');
    const row = {
      id: newId(),
      user_id: userId,
      name: input.name,
      token_hash: sha256(token),
      permissions_json: JSON.stringify([...new Set(input.permissions)].sort()),
      created_at: at,
      expires_at: expiresAt,
      revoked_at: null,
      last_used_at: null,
    };
    await db.transaction().execute(async (tx) => {
      await insertToken(tx, row);
      await recordAudit(tx, {
        actor,
        action: 'token.created',
        target: { type: 'api_token', id: row.id },
        at,
        detail: {
          name: row.name,
          permissions: JSON.parse(row.permissions_json),
          expiresAt,
          ...(actor.userId === userId ? {} : { owner: userId }),
        },
      });
    });
    return { token, tokenInfo: presentToken(row) };
  }

  return {
    async listOwnTokens(actor: Actor): Promise<TokenView[]> {
      return (await listUserTokens(db, ownerOf(actor))).map(presentToken);
    },

    /** A new token; the secret is in the answer and nowhere else. */
    async createToken(
      actor: Actor,
      input: CreateTokenBody,
    ): Promise<{ token: string; tokenInfo: TokenView }> {
      const userId = ownerOf(actor);
      if (actor.kind !== 'user')
        throw new AppError(
          'FORBIDDEN',
          'Create API tokens while signed in, not with another token',
        );
      const beyond = input.permissions.filter((p) => !actor.permissions.has(p));
      if (beyond.length > 0)
        throw new AppError('VALIDATION', 'A token cannot have permissions you do not have', {
          errors: [{ field: 'permissions', message: `you do not have ${beyond.join(', ')}` }],
        });
      return issueToken(actor, userId, input);
    },

    /**
     * A token for someone else, for provisioning scripts (`stopline token create`): for an active
     * account, within what its roles allow, audited like one made in the console with its owner.
     */
    async createTokenForUser(
      actor: Actor,
      input: CreateTokenBody & { email: string },
    ): Promise<{ token: string; tokenInfo: TokenView; owner: string }> {
      requirePermission(actor, 'users.manage', 'Creating a token for someone else');
      const user = await findUserByEmail(db, input.email);
      if (!user || user.status !== 'active')
        throw new AppError('VALIDATION', `No active account has the email ${input.email}`, {
          errors: [{ field: 'user', message: 'must be the email of an active account' }],
        });
      const allowed = permissionsForRoles(user.roles);
      const beyond = input.permissions.filter((p) => !allowed.has(p));
      if (beyond.length > 0)
        throw new AppError('VALIDATION', `${user.email}'s roles do not allow every permission`, {
          errors: [
            {
              field: 'permissions',
              message: `${user.roles.join(', ')} do not have ${beyond.join(', ')}`,
            },
          ],
        });
      return { ...(await issueToken(actor, user.id, input)), owner: user.email };
    },

    /** Revokes one's own token; someone who manages users may revoke anyone's. */
    async revokeToken(actor: Actor, id: string): Promise<TokenView> {
      const userId = ownerOf(actor);
      const at = clock.now();
      return db.transaction().execute(async (tx) => {
        const row = await findTokenById(tx, id);
        if (!row || (row.user_id !== userId && !can(actor, 'users.manage')))
          throw notFound('The token');
        await revokeToken(tx, id, at);
        await recordAudit(tx, {
          actor,
          action: 'token.revoked',
          target: { type: 'api_token', id },
          at,
          detail: { name: row.name, owner: row.user_id },
        });
        return presentToken({ ...row, revoked_at: row.revoked_at ?? at });
      });
    },
  };
}

export type TokensService = ReturnType<typeof createTokensService>;

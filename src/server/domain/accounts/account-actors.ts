// Who a person acts as: the one place that turns a user record, through a session or through an
// API token, into an Actor. Sessions and tokens share the effective roles, so a setting that
// takes a role away (STOPLINE_REQUIRE_ADMIN_MFA) takes it away from both.
import type { Permission } from '../../../shared/domain/permissions.ts';
import type { Config } from '../../config.ts';
import type { Actor } from '../actor.ts';
import { permissionsForRoles } from './role-permissions.ts';
import type { UserRecord } from './user-repository.ts';

export interface RequestOrigin {
  ip?: string;
  userAgent?: string;
}

type RoleSettings = Pick<Config, 'requireAdminMfa'>;

/** Admins without a second factor act without the admin role when the policy requires one. */
export function mfaEnrolmentRequired(user: UserRecord, config: RoleSettings): boolean {
  return config.requireAdminMfa && user.roles.includes('admin') && user.mfaSecret === null;
}

/** The roles a user acts with now, whichever way they signed in. */
export function effectiveRoles(user: UserRecord, config: RoleSettings): string[] {
  return mfaEnrolmentRequired(user, config) ? user.roles.filter((r) => r !== 'admin') : user.roles;
}

/** The user in a signed-in browser session. */
export function actorForUser(user: UserRecord, config: RoleSettings, origin: RequestOrigin): Actor {
  const roles = effectiveRoles(user, config);
  const permissions = permissionsForRoles(roles);
  // Whoever must enrol a second factor can always reach their own account to do it.
  if (mfaEnrolmentRequired(user, config)) permissions.add('account.manage_own');
  return { kind: 'user', userId: user.id, roles, permissions, ...origin };
}

/**
 * The user behind an API token: the same effective roles as their session, and the token's
 * scope narrowed to what those roles allow now.
 */
export function actorForToken(
  user: UserRecord,
  scope: readonly Permission[],
  config: RoleSettings,
  origin: RequestOrigin,
): Actor {
  const person = actorForUser(user, config, origin);
  return {
    ...person,
    kind: 'token',
    permissions: new Set(scope.filter((p) => person.permissions.has(p))),
  };
}

// Staff accounts: create, change roles and availability, disable, and the one-time links that
// let a person set their own password (there is no default password anywhere).
import type { Config } from '../../config.ts';
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type {
  CreateUserBody,
  UpdateProfileBody,
  UpdateUserBody,
  UserView,
} from '../../../shared/api/accounts.ts';
import { systemActor, type Actor, requirePermission } from '../actor.ts';
import { recordAudit, type AnonymousCaller } from '../audit/index.ts';
import { effectiveRoles } from './account-actors.ts';
import { presentUser } from './account-views.ts';
import {
  claimLink,
  endUserSessions,
  findLiveLink,
  revokeUserTokens,
} from './credential-repository.ts';
import { issueLink } from './one-time-links.ts';
import { revokeAllTokens } from './token-service.ts';
import { isAway } from './sign-in-rules.ts';
import { passwordProblem } from './password-rules.ts';
import { hashPassword } from './passwords.ts';
import { isRole, ROLES } from './role-permissions.ts';
import { sha256 } from './secrets.ts';
import {
  findUserByEmail,
  findUserById,
  insertUser,
  listUserRecords,
  updateUser,
  type UserChanges,
  type UserRecord,
} from './user-repository.ts';

export interface UsersDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'baseUrl' | 'linkValidHours' | 'requireAdminMfa'>;
}

export interface IssuedLink {
  url: string;
  expiresAt: number;
}

function checkRoles(roles: string[]): void {
  const unknown = roles.filter((r) => !isRole(r));
  if (unknown.length > 0)
    throw new AppError('VALIDATION', 'Some fields are not valid; see errors', {
      errors: [
        {
          field: 'roles',
          message: `unknown role ${unknown.join(', ')}; known: ${ROLES.join(', ')}`,
        },
      ],
    });
}

export function checkPassword(password: string, email: string): void {
  const problem = passwordProblem(password, email);
  if (problem)
    throw new AppError('VALIDATION', `The password ${problem}`, {
      errors: [{ field: 'password', message: problem }],
    });
}

const isActiveAdmin = (u: UserRecord) => u.status === 'active' && u.roles.includes('admin');

async function hasActiveAdmin(tx: Executor, except?: string): Promise<boolean> {
  const users = await listUserRecords(tx, { status: 'active' });
  return users.some((u) => isActiveAdmin(u) && u.id !== except);
}

async function loadUser(tx: Executor, id: string): Promise<UserRecord> {
  const user = await findUserById(tx, id);
  if (!user) throw notFound('The user');
  return user;
}

async function addUser(
  tx: Executor,
  input: CreateUserBody & { passwordHash?: string | null },
  at: number,
): Promise<UserRecord> {
  checkRoles(input.roles);
  const email = input.email.toLowerCase();
  if (await findUserByEmail(tx, email))
    throw new AppError('CONFLICT', 'A user with this email already exists', {
      errors: [{ field: 'email', message: 'is already in use' }],
    });
  const user: UserRecord = {
    id: newId(),
    email,
    displayName: input.displayName,
    roles: [...new Set(input.roles)],
    status: 'active',
    passwordHash: input.passwordHash ?? null,
    awayUntil: null,
    contacts: input.contacts ?? [],
    mfaSecret: null,
    mfaPendingSecret: null,
    mfaLastCounter: null,
    createdAt: at,
    updatedAt: at,
  };
  await insertUser(tx, user);
  return user;
}

/** Ends every session and revokes every token of a user, in the caller's transaction. */
async function cutOff(tx: Executor, userId: string, at: number) {
  const sessions = await endUserSessions(tx, userId, at);
  const tokens = await revokeUserTokens(tx, userId, at);
  return { sessionsEnded: sessions, tokensRevoked: tokens };
}

export interface ActiveUser {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
  /** Away until this time (epoch ms); null or a past time means available. */
  availability: { awayUntil: number | null };
  contacts: UserRecord['contacts'];
}

/** Active staff, for other subjects (auto-assignment, who to notify). With `availableAt`,
 * people marked away at that time are left out. With `settings`, `roles` are the roles each acts
 * with now (an admin without a required second factor is no admin), as sign-in gives them; the
 * `role` filter still reads the account's roles. Runs on the caller's executor. */
export async function listActiveUsers(
  executor: Executor,
  filter: { role?: string; availableAt?: number } = {},
  settings?: Pick<Config, 'requireAdminMfa'>,
): Promise<ActiveUser[]> {
  const users = await listUserRecords(executor, { status: 'active' });
  return users
    .filter((u) => filter.role === undefined || u.roles.includes(filter.role))
    .filter((u) => filter.availableAt === undefined || !isAway(u.awayUntil, filter.availableAt))
    .map((u) => ({
      id: u.id,
      email: u.email,
      displayName: u.displayName,
      roles: settings ? effectiveRoles(u, settings) : u.roles,
      availability: { awayUntil: u.awayUntil },
      contacts: u.contacts,
    }));
}

export function createUsersService(deps: UsersDeps) {
  const { db, clock, config } = deps;

  return {
    /**
     * Active staff, for other subjects' ports (whom to assign, whom to tell), on the caller's
     * executor (listActiveUsers); with `rolesNow`, the roles each acts with now.
     */
    listActive: (
      executor: Executor = db,
      filter: { role?: string; availableAt?: number } = {},
      options: { rolesNow?: boolean } = {},
    ) => listActiveUsers(executor, filter, options.rolesNow ? config : undefined),

    async listUsers(actor: Actor): Promise<UserView[]> {
      requirePermission(actor, 'users.read');
      return (await listUserRecords(db)).map(presentUser);
    },

    async getUser(actor: Actor, id: string): Promise<UserView> {
      if (actor.userId !== id) requirePermission(actor, 'users.read');
      return presentUser(await loadUser(db, id));
    },

    /** Creates an account without a password and returns the link its owner uses to set one. */
    async createUser(
      actor: Actor,
      input: CreateUserBody,
    ): Promise<{ user: UserView; link: IssuedLink }> {
      requirePermission(actor, 'users.manage');
      const at = clock.now();
      return db.transaction().execute(async (tx) => {
        const user = await addUser(tx, input, at);
        const link = await issueLink(tx, config, 'set_password', user.id, at);
        await recordAudit(tx, {
          actor,
          action: 'user.created',
          target: { type: 'user', id: user.id },
          at,
          detail: { email: user.email, roles: user.roles },
        });
        return { user: presentUser(user), link };
      });
    },

    async updateUser(actor: Actor, id: string, input: UpdateUserBody): Promise<UserView> {
      requirePermission(actor, 'users.manage');
      if (input.roles) checkRoles(input.roles);
      const at = clock.now();
      return db.transaction().execute(async (tx) => {
        const before = await loadUser(tx, id);
        const changes: UserChanges = {
          ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
          ...(input.roles !== undefined ? { roles: [...new Set(input.roles)] } : {}),
          ...(input.status !== undefined ? { status: input.status } : {}),
          ...(input.awayUntil !== undefined
            ? { awayUntil: input.awayUntil === null ? null : Date.parse(input.awayUntil) }
            : {}),
          ...(input.contacts !== undefined ? { contacts: input.contacts } : {}),
        };
        const after: UserRecord = { ...before, ...changes };
        if (isActiveAdmin(before) && !isActiveAdmin(after) && !(await hasActiveAdmin(tx, id)))
          throw new AppError('RULE_REFUSED', 'This is the last active admin; add another first');
        await updateUser(tx, id, changes, at);
        const target = { type: 'user', id };
        if (changes.roles && changes.roles.join() !== before.roles.join())
          await recordAudit(tx, {
            actor,
            action: 'user.roles_changed',
            target,
            at,
            detail: { from: before.roles, to: changes.roles },
          });
        if (changes.status && changes.status !== before.status) {
          const cut = changes.status === 'disabled' ? await cutOff(tx, id, at) : {};
          await recordAudit(tx, {
            actor,
            action: changes.status === 'disabled' ? 'user.disabled' : 'user.enabled',
            target,
            at,
            detail: cut,
          });
        }
        const other = Object.keys(changes).filter((k) => k !== 'roles' && k !== 'status');
        if (other.length > 0)
          await recordAudit(tx, {
            actor,
            action: 'user.updated',
            target,
            at,
            detail: { fields: other },
          });
        return presentUser(after);
      });
    },

    /** What a person may change about themselves: name, availability, contact channels. */
    async updateOwnProfile(actor: Actor, input: UpdateProfileBody): Promise<UserView> {
      if (!actor.userId || actor.kind === 'system')
        throw new AppError('FORBIDDEN', 'Only a staff member has a profile');
      const userId = actor.userId;
      const at = clock.now();
      return db.transaction().execute(async (tx) => {
        const before = await loadUser(tx, userId);
        const changes: UserChanges = {
          ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
          ...(input.awayUntil !== undefined
            ? { awayUntil: input.awayUntil === null ? null : Date.parse(input.awayUntil) }
            : {}),
          ...(input.contacts !== undefined ? { contacts: input.contacts } : {}),
        };
        await updateUser(tx, userId, changes, at);
        await recordAudit(tx, {
          actor,
          action: 'user.updated',
          target: { type: 'user', id: userId },
          at,
          detail: { fields: Object.keys(changes) },
        });
        return presentUser({ ...before, ...changes });
      });
    },

    /** A fresh set-password link for a user (the previous one stops working). */
    async issuePasswordLink(actor: Actor, id: string): Promise<IssuedLink> {
      requirePermission(actor, 'users.manage');
      const at = clock.now();
      return db.transaction().execute(async (tx) => {
        await loadUser(tx, id);
        const link = await issueLink(tx, config, 'set_password', id, at);
        await recordAudit(tx, {
          actor,
          action: 'user.password_link_issued',
          target: { type: 'user', id },
          at,
        });
        return link;
      });
    },

    /** Sets a password from a one-time link; every existing session of that user ends and
     * every API token is revoked. A refused password rolls the transaction back, so the link
     * still works for another try. */
    /**
     * Whose account a set-password link is for, so the page can say it before a password is
     * chosen; the link stays unused. Anything else (used, expired, replaced, unknown, a disabled
     * account) is the same refusal as using it.
     */
    async accountOfPasswordLink(token: string): Promise<{ email: string; displayName: string }> {
      const link = await findLiveLink(db, sha256(token), 'set_password', clock.now());
      if (!link?.user_id) throw invalidLink();
      const user = await loadUser(db, link.user_id);
      if (user.status !== 'active') throw invalidLink();
      return { email: user.email, displayName: user.displayName };
    },

    async setPasswordWithLink(
      caller: AnonymousCaller,
      token: string,
      password: string,
    ): Promise<UserView> {
      const at = clock.now();
      return db.transaction().execute(async (tx) => {
        const link = await claimLink(tx, sha256(token), 'set_password', at);
        if (!link?.user_id) throw invalidLink();
        const user = await loadUser(tx, link.user_id);
        if (user.status !== 'active') throw invalidLink();
        checkPassword(password, user.email);
        const passwordHash = await hashPassword(password);
        await updateUser(tx, user.id, { passwordHash }, at);
        const cut = await endUserSessions(tx, user.id, at);
        const tokensRevoked = await revokeAllTokens(tx, caller, user.id, at, 'password_set');
        await recordAudit(tx, {
          actor: caller,
          action: 'user.password_set',
          target: { type: 'user', id: user.id },
          at,
          detail: { sessionsEnded: cut, tokensRevoked },
        });
        return presentUser({ ...user, passwordHash });
      });
    },

    /** On a start with no active admin: a new one-time setup link (older ones stop working). */
    async issueSetupLinkIfNoAdmin(): Promise<IssuedLink | null> {
      const at = clock.now();
      return db.transaction().execute(async (tx) => {
        if (await hasActiveAdmin(tx)) return null;
        const link = await issueLink(tx, config, 'setup', null, at);
        await recordAudit(tx, { actor: systemActor, action: 'setup.link_issued', at });
        return link;
      });
    },

    /** Uses the first-run setup link to create the first admin, with their own password. */
    async completeSetup(
      caller: AnonymousCaller,
      input: { token: string; email: string; displayName: string; password: string },
    ): Promise<UserView> {
      const at = clock.now();
      checkPassword(input.password, input.email);
      const passwordHash = await hashPassword(input.password);
      return db.transaction().execute(async (tx) => {
        const link = await claimLink(tx, sha256(input.token), 'setup', at);
        if (!link || (await hasActiveAdmin(tx))) throw invalidLink();
        const user = await addUser(tx, { ...input, roles: ['admin'], passwordHash }, at);
        await recordAudit(tx, {
          actor: caller,
          action: 'setup.completed',
          target: { type: 'user', id: user.id },
          at,
          detail: { email: user.email, roles: user.roles },
        });
        return presentUser(user);
      });
    },
  };
}

const invalidLink = () =>
  new AppError(
    'VALIDATION',
    'This link is not valid: it was already used, has expired, or was replaced by a newer one',
    { errors: [{ field: 'token', message: 'is not a valid link' }] },
  );

export type UsersService = ReturnType<typeof createUsersService>;

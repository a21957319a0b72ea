// /api/v1/users: staff accounts, for admins.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CreatedUser,
  CreateUserBody,
  PasswordLink,
  RoleInfo,
  UpdateUserBody,
  UserView,
} from '../../../shared/api/accounts.ts';
import type { AccountsModule } from '../../domain/accounts/index.ts';
import { caller } from './session-routes.ts';
import { presentTime as iso } from './time-presenter.ts';

const tags = ['users'];
const IdParams = z.object({ id: z.string().min(1).max(100) });

export async function usersRoutes(
  app: FastifyInstance,
  opts: { accounts: Pick<AccountsModule, 'users' | 'mfa' | 'listRoles'> },
) {
  const { users, mfa } = opts.accounts;
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/roles',
    {
      config: { permission: 'account.manage_own' },
      schema: {
        tags,
        summary: 'The roles, with the names this organisation gives them and what each may do',
        response: { 200: z.array(RoleInfo) },
      },
    },
    async () => opts.accounts.listRoles(),
  );

  api.get(
    '/api/v1/users',
    {
      config: { permission: 'users.read' },
      schema: { tags, summary: 'List staff accounts', response: { 200: z.array(UserView) } },
    },
    async (request) => users.listUsers(caller(request).actor),
  );

  api.post(
    '/api/v1/users',
    {
      config: { permission: 'users.manage' },
      schema: {
        tags,
        summary: 'Create a staff account; answers a one-time link for its owner to set a password',
        body: CreateUserBody,
        response: { 201: CreatedUser },
      },
    },
    async (request, reply) => {
      const { user, link } = await users.createUser(caller(request).actor, request.body);
      return reply
        .status(201)
        .send({ user, setPasswordLink: link.url, linkExpiresAt: iso(link.expiresAt) });
    },
  );

  api.get(
    '/api/v1/users/:id',
    {
      config: { permission: 'users.read' },
      schema: { tags, summary: 'One staff account', params: IdParams, response: { 200: UserView } },
    },
    async (request) => users.getUser(caller(request).actor, request.params.id),
  );

  api.patch(
    '/api/v1/users/:id',
    {
      config: { permission: 'users.manage' },
      schema: {
        tags,
        summary:
          'Change roles, availability, contacts, or disable (ends sessions and tokens at once)',
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: UserView },
      },
    },
    async (request) => users.updateUser(caller(request).actor, request.params.id, request.body),
  );

  api.post(
    '/api/v1/users/:id/password-link',
    {
      config: { permission: 'users.manage' },
      schema: {
        tags,
        summary: 'A new one-time set-password link (the previous one stops working)',
        params: IdParams,
        response: { 200: PasswordLink },
      },
    },
    async (request) => {
      const link = await users.issuePasswordLink(caller(request).actor, request.params.id);
      return { setPasswordLink: link.url, linkExpiresAt: iso(link.expiresAt) };
    },
  );

  api.post(
    '/api/v1/users/:id/mfa/reset',
    {
      config: { permission: 'users.manage' },
      schema: {
        tags,
        summary: "Turn off a user's second factor (lost device); ends their sessions",
        params: IdParams,
      },
    },
    async (request, reply) => {
      await mfa.resetFor(caller(request).actor, request.params.id);
      return reply.status(204).send();
    },
  );
}

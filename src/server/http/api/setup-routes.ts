// Public endpoints behind the one-time links: the first admin's setup, and setting a password.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  PasswordLinkAccount,
  PasswordLinkBody,
  SetPasswordBody,
  SetupBody,
  UserView,
} from '../../../shared/api/accounts.ts';
import type { Config } from '../../config.ts';
import type { AccountsModule } from '../../domain/accounts/index.ts';
import { originOf } from '../plugins/auth-plugin.ts';
import { refuseCrossSiteForms } from '../public/form-origin.ts';

const tags = ['setup'];

export async function setupRoutes(
  app: FastifyInstance,
  opts: { users: AccountsModule['users']; config: Pick<Config, 'baseUrl'> },
) {
  const { users } = opts;
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Posted by the console's pages only; another site cannot make a visitor's browser send them.
  const onRequest = refuseCrossSiteForms(new URL(opts.config.baseUrl).origin);

  api.post(
    '/api/v1/setup',
    {
      config: { public: true },
      onRequest,
      schema: {
        tags,
        summary: 'First run: create the first admin with the one-time setup link',
        body: SetupBody,
        response: { 201: UserView },
      },
    },
    async (request, reply) => {
      const user = await users.completeSetup(
        { kind: 'anonymous', ...originOf(request) },
        request.body,
      );
      return reply.status(201).send(user);
    },
  );

  api.post(
    '/api/v1/set-password',
    {
      config: { public: true },
      onRequest,
      schema: {
        tags,
        summary: 'Set a password with a one-time set-password link',
        body: SetPasswordBody,
        response: { 200: UserView },
      },
    },
    async (request) =>
      users.setPasswordWithLink(
        { kind: 'anonymous', ...originOf(request) },
        request.body.token,
        request.body.password,
      ),
  );

  api.post(
    '/api/v1/set-password/account',
    {
      config: { public: true },
      onRequest,
      schema: {
        tags,
        summary:
          'Whose account a set-password link is for (the link stays unused); 400 for any link that would not work',
        body: PasswordLinkBody,
        response: { 200: PasswordLinkAccount },
      },
    },
    async (request) => users.accountOfPasswordLink(request.body.token),
  );
}

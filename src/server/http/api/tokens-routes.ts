// /api/v1/tokens: one's own API tokens.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CreatedToken, CreateTokenBody, TokenView } from '../../../shared/api/accounts.ts';
import type { AccountsModule } from '../../domain/accounts/index.ts';
import { caller } from './session-routes.ts';

const tags = ['tokens'];
const config = { permission: 'tokens.manage_own' } as const;

export async function tokensRoutes(
  app: FastifyInstance,
  opts: { tokens: AccountsModule['tokens'] },
) {
  const { tokens } = opts;
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/tokens',
    { config, schema: { tags, summary: 'My API tokens', response: { 200: z.array(TokenView) } } },
    async (request) => tokens.listOwnTokens(caller(request).actor),
  );

  api.post(
    '/api/v1/tokens',
    {
      config,
      schema: {
        tags,
        summary: 'Create an API token scoped to some of my permissions; the token is shown once',
        body: CreateTokenBody,
        response: { 201: CreatedToken },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await tokens.createToken(caller(request).actor, request.body)),
  );

  api.delete(
    '/api/v1/tokens/:id',
    {
      config,
      schema: {
        tags,
        summary: 'Revoke an API token',
        params: z.object({ id: z.string().min(1).max(100) }),
        response: { 200: TokenView },
      },
    },
    async (request) => tokens.revokeToken(caller(request).actor, request.params.id),
  );
}

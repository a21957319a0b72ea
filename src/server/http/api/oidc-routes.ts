// Single sign-on: /api/v1/session/oidc sends the browser to the identity provider, which sends
// it back to .../callback; a session cookie is set and the browser goes to the console.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { AccountsModule } from '../../domain/accounts/index.ts';
import { OIDC_CALLBACK_PATH } from '../../domain/accounts/index.ts';
import { originOf } from '../plugins/auth-plugin.ts';
import {
  cookie,
  OIDC_FLOW_COOKIE,
  OIDC_FLOW_PATH,
  readCookie,
  sessionCookie,
} from '../plugins/cookies.ts';

const tags = ['session'];

export async function oidcRoutes(
  app: FastifyInstance,
  opts: { accounts: Pick<AccountsModule, 'oidc'>; clock: Clock; config: Pick<Config, 'baseUrl'> },
) {
  const { config, clock, accounts } = opts;
  const { oidc } = accounts;
  const secure = config.baseUrl.startsWith('https:');
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/session/methods',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'How one can sign in here',
        response: { 200: z.object({ password: z.boolean(), oidc: z.boolean() }) },
      },
    },
    async () => ({ password: true, oidc: oidc.enabled() }),
  );

  api.get(
    OIDC_FLOW_PATH,
    {
      config: { public: true },
      schema: { tags, summary: 'Single sign-on: go to the identity provider' },
    },
    async (_request, reply) => {
      const { flowId, redirectTo, maxAgeSeconds } = await oidc.start();
      return reply
        .header(
          'set-cookie',
          cookie(OIDC_FLOW_COOKIE, flowId, { maxAgeSeconds, secure, path: OIDC_FLOW_PATH }),
        )
        .redirect(redirectTo, 303);
    },
  );

  api.get(
    OIDC_CALLBACK_PATH,
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Single sign-on: where the identity provider sends the browser back',
      },
    },
    async (request, reply) => {
      const query = request.url.split('?')[1] ?? '';
      const flowId = readCookie(request.headers.cookie, OIDC_FLOW_COOKIE);
      const signedIn = await oidc.finish(originOf(request), flowId, query);
      return reply
        .header('set-cookie', [
          sessionCookie(signedIn.sessionId, (signedIn.expiresAt - clock.now()) / 1000, secure),
          cookie(OIDC_FLOW_COOKIE, '', { maxAgeSeconds: 0, secure, path: OIDC_FLOW_PATH }),
        ])
        .redirect(`${config.baseUrl}/app/`, 303);
    },
  );
}

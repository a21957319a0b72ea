// /api/v1/session: sign in and out, who am I, sign out everywhere, my profile, my second factor.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ChangePasswordBody,
  MfaCodeBody,
  MfaEnrolment,
  RecoveryCodes,
  SessionView,
  SignInBody,
  UpdateProfileBody,
  UserView,
} from '../../../shared/api/accounts.ts';
import { rateLimitedResponse } from '../../../shared/api/problems.ts';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { AccountsModule } from '../../domain/accounts/index.ts';
import type { Actor } from '../../domain/actor.ts';
import { originOf, type Credentials } from '../plugins/auth-plugin.ts';
import { clearedSessionCookie, sessionCookie } from '../plugins/cookies.ts';
import { refuseCrossSiteForms } from '../public/form-origin.ts';

const tags = ['session'];

/** On routes that declare a permission the auth plugin has set both. */
export function caller(request: FastifyRequest): { actor: Actor; credentials: Credentials } {
  if (!request.actor || !request.credentials) throw new Error('route is missing its permission');
  return { actor: request.actor, credentials: request.credentials };
}

export async function sessionRoutes(
  app: FastifyInstance,
  opts: {
    accounts: Pick<AccountsModule, 'sessions' | 'users' | 'mfa' | 'passwords'>;
    clock: Clock;
    config: Pick<Config, 'baseUrl'>;
  },
) {
  const { config, clock, accounts } = opts;
  const { sessions, users, mfa, passwords } = accounts;
  const secure = config.baseUrl.startsWith('https:');
  const api = app.withTypeProvider<ZodTypeProvider>();
  const own = { permission: 'account.manage_own' } as const;

  api.post(
    '/api/v1/session',
    {
      config: { public: true },
      // No cookie to carry a CSRF token yet, so the browser's word on where the post came from
      // decides, as on the public forms: another site cannot sign a visitor in as someone else.
      onRequest: refuseCrossSiteForms(new URL(config.baseUrl).origin),
      schema: {
        tags,
        summary: 'Sign in',
        body: SignInBody,
        response: {
          200: SessionView,
          429: rateLimitedResponse(
            'Too many failed sign-ins for this account or network (`mfaAccepted`: a right password with a current second factor still signs in)',
          ),
        },
      },
    },
    async (request, reply) => {
      const signedIn = await sessions.signIn(originOf(request), request.body);
      reply.header(
        'set-cookie',
        sessionCookie(signedIn.sessionId, (signedIn.expiresAt - clock.now()) / 1000, secure),
      );
      return signedIn.session;
    },
  );

  api.get(
    '/api/v1/session',
    {
      config: own,
      schema: {
        tags,
        summary: 'The signed-in user, their permissions and the CSRF token',
        response: { 200: SessionView },
      },
    },
    async (request) => {
      const { actor, credentials } = caller(request);
      return sessions.describe(credentials.user, actor, credentials.sessionId);
    },
  );

  api.delete(
    '/api/v1/session',
    { config: own, schema: { tags, summary: 'Sign out' } },
    async (request, reply) => {
      const { actor, credentials } = caller(request);
      await sessions.signOut(actor, credentials.sessionId);
      return reply.header('set-cookie', clearedSessionCookie(secure)).status(204).send();
    },
  );

  api.delete(
    '/api/v1/session/all',
    {
      config: own,
      schema: {
        tags,
        summary: 'Sign out everywhere: end every session of the signed-in user',
        response: { 200: z.object({ sessionsEnded: z.number() }) },
      },
    },
    async (request, reply) => {
      const result = await sessions.signOutEverywhere(caller(request).actor);
      reply.header('set-cookie', clearedSessionCookie(secure));
      return result;
    },
  );

  api.patch(
    '/api/v1/session/profile',
    {
      config: own,
      schema: {
        tags,
        summary: 'Change my display name, availability or contact channels',
        body: UpdateProfileBody,
        response: { 200: UserView },
      },
    },
    async (request) => users.updateOwnProfile(caller(request).actor, request.body),
  );

  api.post(
    '/api/v1/session/password',
    {
      config: own,
      schema: {
        tags,
        summary: 'Change my password (ends my other sessions and revokes my API tokens)',
        body: ChangePasswordBody,
        response: { 200: z.object({ otherSessionsEnded: z.number(), tokensRevoked: z.number() }) },
      },
    },
    async (request) => {
      const { actor, credentials } = caller(request);
      return passwords.changeOwnPassword(actor, credentials.sessionId, request.body);
    },
  );

  api.post(
    '/api/v1/session/mfa',
    {
      config: own,
      schema: {
        tags,
        summary: 'Start enrolling a TOTP second factor (secret and QR code)',
        response: { 200: MfaEnrolment },
      },
    },
    async (request) => mfa.startEnrolment(caller(request).actor),
  );

  api.post(
    '/api/v1/session/mfa/confirm',
    {
      config: own,
      schema: {
        tags,
        summary: 'Confirm enrolment with a first code; answers the recovery codes, once',
        body: MfaCodeBody,
        response: { 200: RecoveryCodes },
      },
    },
    async (request) => mfa.confirmEnrolment(caller(request).actor, request.body.code),
  );

  api.post(
    '/api/v1/session/mfa/disable',
    {
      config: own,
      schema: {
        tags,
        summary: 'Turn the second factor off (needs a current code or a recovery code)',
        body: MfaCodeBody,
      },
    },
    async (request, reply) => {
      await mfa.disable(caller(request).actor, request.body.code);
      return reply.status(204).send();
    },
  );
}

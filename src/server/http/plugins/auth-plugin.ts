// Who is calling, and may they: resolves the Actor from the session cookie or a bearer token,
// answers 401 when there is none (or it is expired or revoked) and 403 when the route's permission
// is missing, and checks CSRF on state-changing cookie requests. Refuses to start when a route
// under /api declares neither a permission nor `public: true`.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { Permission } from '../../../shared/domain/permissions.ts';
import type { Config } from '../../config.ts';
import { can, type Actor } from '../../domain/actor.ts';
import {
  csrfTokenFor,
  sameSecret,
  type AccountsModule,
  type UserRecord,
} from '../../domain/accounts/index.ts';
import { AppError } from '../../errors.ts';
import { clearedSessionCookie, readCookie, SESSION_COOKIE } from './cookies.ts';

export interface DeclaredRoute {
  method: string;
  url: string;
  permission?: Permission;
  public?: boolean;
}

export interface Credentials {
  user: UserRecord;
  /** The session id from the cookie, or null for a bearer token. */
  sessionId: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth plugin on routes that need a permission. */
    credentials: Credentials | null;
  }
  interface FastifyInstance {
    /** Every route and what it declared, for the authorization matrix and start-up check. */
    declaredRoutes(): DeclaredRoute[];
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BEARER = /^Bearer\s+(\S{1,300})$/i;

/**
 * Whether a route is open to anyone: the one flag the auth hook skips on and the OpenAPI
 * description declares as `security: []`. Only routes outside /api may leave both unset.
 */
export function isPublicRoute(config: { permission?: Permission; public?: boolean } | undefined) {
  return config?.public === true || !config?.permission;
}

function undeclared(route: DeclaredRoute): boolean {
  return route.url.startsWith('/api') && !route.public && !route.permission;
}

export function originOf(request: FastifyRequest) {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip, ...(typeof userAgent === 'string' ? { userAgent } : {}) };
}

/**
 * Names the session or token a request came with (a hash, never the secret), for limits per
 * credential; null when it came with neither.
 */
export function credentialKey(request: FastifyRequest): string | null {
  const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
  const sessionId = request.credentials?.sessionId ?? null;
  const [kind, secret] = token ? ['token', token] : sessionId ? ['session', sessionId] : [];
  if (!kind || !secret) return null;
  return `${kind}:${createHash('sha256').update(secret).digest('base64url')}`;
}

/**
 * For a response that outlives its request (the live stream): re-reads the caller's session or
 * token as it is now, without counting that as activity. Null once the session or token has
 * ended or expired or the user is disabled; otherwise the Actor with its current permissions.
 */
export function recheckerFor(
  request: FastifyRequest,
  accounts: Pick<AccountsModule, 'sessions'>,
): () => Promise<Actor | null> {
  const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
  const sessionId = request.credentials?.sessionId ?? null;
  const origin = originOf(request);
  return async () => {
    const found = token
      ? await accounts.sessions.authenticateToken(token, origin, { touch: false })
      : sessionId
        ? await accounts.sessions.authenticateSession(sessionId, origin, { touch: false })
        : null;
    return found?.actor ?? null;
  };
}

export interface AuthOptions {
  accounts: Pick<AccountsModule, 'sessions'>;
  config: Pick<Config, 'baseUrl'>;
}

export const authPlugin = fp(async (app: FastifyInstance, opts: AuthOptions) => {
  const { config, accounts } = opts;
  const secure = config.baseUrl.startsWith('https:');
  const ownOrigin = new URL(config.baseUrl).origin;
  const routes: RouteOptions[] = [];

  app.decorateRequest('actor', null);
  app.decorateRequest('credentials', null);
  app.decorate('declaredRoutes', () =>
    routes.flatMap((r) =>
      (Array.isArray(r.method) ? r.method : [r.method]).map((method) => ({
        method,
        url: r.url,
        ...(r.config?.permission ? { permission: r.config.permission } : {}),
        ...(r.config?.public ? { public: true } : {}),
      })),
    ),
  );
  // Checked when the app is ready, after every plugin's onRoute hooks have had their say.
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  app.addHook('onReady', async () => {
    const bad = app.declaredRoutes().filter(undeclared);
    if (bad.length > 0)
      throw new Error(
        `routes under /api must declare config.permission or config.public: ${bad
          .map((r) => `${r.method} ${r.url}`)
          .join(', ')}`,
      );
  });

  async function resolve(request: FastifyRequest, reply: FastifyReply) {
    const authorization = request.headers.authorization;
    if (authorization) {
      const token = BEARER.exec(authorization)?.[1];
      const found = token
        ? await accounts.sessions.authenticateToken(token, originOf(request))
        : null;
      if (!found)
        throw new AppError('UNAUTHENTICATED', 'The API token is not valid, expired or revoked');
      return { ...found, sessionId: null };
    }
    const sessionId = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (!sessionId) throw new AppError('UNAUTHENTICATED', 'Sign in first');
    const found = await accounts.sessions.authenticateSession(sessionId, originOf(request));
    if (!found) {
      reply.header('set-cookie', clearedSessionCookie(secure));
      throw new AppError('UNAUTHENTICATED', 'Your session has ended; sign in again');
    }
    if (!SAFE_METHODS.has(request.method)) checkCsrf(request, sessionId);
    return { ...found, sessionId };
  }

  function checkCsrf(request: FastifyRequest, sessionId: string) {
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== ownOrigin)
      throw new AppError('FORBIDDEN', 'Cross-site request refused', { reason: 'csrf' });
    const sent = request.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !sameSecret(sent, csrfTokenFor(sessionId)))
      throw new AppError('FORBIDDEN', 'Missing or wrong X-CSRF-Token header', { reason: 'csrf' });
  }

  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    const permission = config?.permission;
    // (A route with no permission is public; the check is spelled out for the type checker.)
    if (isPublicRoute(config) || !permission) return;
    const found = await resolve(request, reply);
    request.actor = found.actor;
    request.credentials = { user: found.user, sessionId: found.sessionId };
    if (!can(found.actor, permission))
      throw new AppError('FORBIDDEN', `This needs the ${permission} permission`, { permission });
  });
});

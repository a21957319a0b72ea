// What every route declares. Every /api route must declare exactly one of `permission` or
// `public: true`; the auth plugin refuses to start with a route that declares neither.
import type { Permission } from '../../shared/domain/permissions.ts';
import type { Actor } from '../domain/actor.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a caller needs; checked before the handler runs. */
    permission?: Permission;
    /** Open to anyone (health checks, public pages, the report form). */
    public?: boolean;
  }
  interface FastifyRequest {
    /** Set by the auth plugin: the signed-in user or token, or null on public routes. */
    actor: Actor | null;
  }
}

export {};

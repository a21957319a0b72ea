// STAND-IN until accounts lands: the real helper signs a user in through the accounts API and
// returns its session cookie and CSRF header. This one keeps the same signature: it registers an
// onRequest hook (before ready, through beforeReadySteps) that sets request.actor from a header
// it hands back, and checks each route's declared permission like the auth plugin will.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../src/server/domain/actor.ts';
import { PERMISSIONS, type Permission } from '../../src/shared/domain/permissions.ts';
import { AppError } from '../../src/server/errors.ts';
import { beforeReadySteps, type TestApp } from './test-app.ts';

const HEADER = 'x-stand-in-actor';

const ROLE_PERMISSIONS: Record<string, readonly Permission[]> = {
  admin: PERMISSIONS,
  security_lead: PERMISSIONS.filter((p) => p.startsWith('reports.') || p.startsWith('incidents.')),
  responder: ['reports.read', 'reports.triage', 'reports.communicate', 'incidents.read'],
  viewer: ['reports.read', 'incidents.read'],
};

beforeReadySteps.push((app: FastifyInstance) => {
  app.addHook('onRequest', async (request) => {
    const given = request.headers[HEADER];
    let actor: Actor | null = null;
    if (typeof given === 'string') {
      const { userId, roles } = JSON.parse(given) as { userId: string; roles: string[] };
      const permissions = new Set(roles.flatMap((r) => ROLE_PERMISSIONS[r] ?? []));
      actor = { kind: 'user', userId, roles, permissions };
    }
    request.actor = actor;
    const needed = request.routeOptions.config?.permission;
    if (needed && !actor) throw new AppError('UNAUTHENTICATED', 'Sign in first');
    if (needed && actor && !actor.permissions.has(needed)) {
      throw new AppError('FORBIDDEN', `This needs the ${needed} permission`);
    }
  });
});

export async function loginAs(
  _t: TestApp,
  roles: string | string[],
): Promise<{ userId: string; headers: Record<string, string> }> {
  const userId = randomUUID();
  const list = Array.isArray(roles) ? roles : [roles];
  return { userId, headers: { [HEADER]: JSON.stringify({ userId, roles: list }) } };
}

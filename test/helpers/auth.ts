// STAND-IN until accounts lands: the accounts branch provides the real helper (same two
// functions, same signatures) that signs a user in through the real auth plugin. This stand-in
// registers test users in memory and, on every test app, a hook that plays the auth plugin's
// part: it sets request.actor from a test header and enforces each route's declared permission.
// Nothing here reaches src/.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../src/server/domain/actor.ts';
import { PERMISSIONS, type Permission } from '../../src/shared/domain/permissions.ts';
import { beforeReady, type TestApp } from './test-app.ts';

const HEADER = 'x-stand-in-user';

/** The accounts branch's role table (docs/roles-and-permissions.md there), incident part. */
const ROLE_PERMISSIONS: Record<string, readonly Permission[]> = {
  admin: PERMISSIONS,
  security_lead: [
    ...PERMISSIONS.filter((p) => p.startsWith('incidents.')),
    'line.read',
    'policy.read',
  ],
  responder: [
    'incidents.read',
    'incidents.create',
    'incidents.update',
    'incidents.assess',
    'line.read',
    'policy.read',
  ],
  comms: ['incidents.read', 'line.read', 'policy.read'],
  legal: ['incidents.read', 'line.read', 'policy.read'],
  viewer: ['incidents.read', 'line.read', 'policy.read'],
};

interface StandInUser {
  id: string;
  email: string;
  password: string;
  roles: string[];
}
const users = new Map<string, StandInUser>();

function actorFor(user: StandInUser): Actor {
  return {
    kind: 'user',
    userId: user.id,
    roles: user.roles,
    permissions: new Set(user.roles.flatMap((r) => ROLE_PERMISSIONS[r] ?? [])),
  };
}

beforeReady.push((app: FastifyInstance) => {
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers[HEADER];
    const user = typeof header === 'string' ? users.get(header) : undefined;
    request.actor = user ? actorFor(user) : null;
    const config = request.routeOptions.config;
    if (!config?.permission) return;
    const problem = (status: number, title: string) =>
      reply.status(status).type('application/problem+json').send({ status, title });
    if (!request.actor) return problem(401, 'Sign-in required');
    if (!request.actor.permissions.has(config.permission)) return problem(403, 'Not allowed');
  });
});

export async function createUser(
  _t: TestApp,
  options: { roles: string | string[]; displayName?: string },
): Promise<{ id: string; email: string; password: string }> {
  const id = randomUUID();
  const user = {
    id,
    email: `${id}@example.test`,
    password: 'correct horse battery staple',
    roles: [options.roles].flat(),
  };
  users.set(id, user);
  return { id, email: user.email, password: user.password };
}

export interface TestLogin {
  userId: string;
  headers: Record<string, string>;
}

export async function loginAs(t: TestApp, roles: string | string[]): Promise<TestLogin> {
  const user = await createUser(t, { roles });
  return { userId: user.id, headers: { [HEADER]: user.id } };
}

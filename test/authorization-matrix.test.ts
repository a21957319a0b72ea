// Every /api/v1 route registered in the app, walked with every kind of caller: nobody, each
// role, a revoked token, an expired session, and a token whose scope lacks the permission.
// Routes are read from the app itself, so a new route is covered the day it is added.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../src/server/clock.ts';
import { ROLE_PERMISSIONS, ROLES } from '../src/server/domain/accounts/index.ts';
import type { DeclaredRoute } from '../src/server/http/plugins/auth-plugin.ts';
import { PERMISSIONS } from '../src/shared/domain/permissions.ts';
import { createTokenFor, createUser, revokeToken, signIn } from './helpers/auth.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
let routes: DeclaredRoute[];

beforeAll(async () => {
  t = await createTestApp();
  routes = t.app
    .declaredRoutes()
    .filter((r) => r.url.startsWith('/api/v1/') && r.method !== 'HEAD');
});
afterAll(async () => t.close());

const DENIED = [401, 403];

async function call(route: DeclaredRoute, headers: Record<string, string>) {
  const url = route.url.replace(/:[A-Za-z]+/g, () => randomUUID()).replace(/\*$/, 'index.html');
  const withBody = !['GET', 'DELETE'].includes(route.method);
  // Answered as soon as the status is known: a streaming route (GET /api/v1/stream) never ends.
  const res = await t.app.inject({
    method: route.method as 'GET',
    url,
    headers,
    payloadAsStream: true,
    ...(withBody ? { payload: {} } : {}),
  });
  res.stream().destroy();
  return res.statusCode;
}

const label = (r: DeclaredRoute) => `${r.method} ${r.url}`;

describe('authorization matrix over every /api/v1 route', () => {
  it('finds the routes and every one declares a known permission or public', () => {
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) {
      if (route.public) continue;
      expect(PERMISSIONS, label(route)).toContain(route.permission);
    }
  });

  it('without credentials only public routes answer; the rest say 401', async () => {
    for (const route of routes) {
      const status = await call(route, {});
      if (route.public) expect(DENIED, label(route)).not.toContain(status);
      else expect(status, label(route)).toBe(401);
    }
  });

  it.each(ROLES)(
    'a signed-in %s is let through exactly where the role table allows',
    async (role) => {
      const user = await createUser(t, { roles: [role] });
      const granted: readonly string[] = ROLE_PERMISSIONS[role];
      for (const route of routes) {
        // A fresh session per route: signing out (one of the routes) ends the one it was sent with.
        const headers = await signIn(t, user.email, user.password);
        const status = await call(route, headers);
        const allowed = route.public || granted.includes(route.permission!);
        if (allowed) expect(DENIED, `${role} ${label(route)}`).not.toContain(status);
        else expect(status, `${role} ${label(route)}`).toBe(403);
      }
    },
  );

  it('a token scoped to users.read reaches only routes needing users.read (or public ones)', async () => {
    const { headers } = await createTokenFor(t, 'admin', ['users.read']);
    for (const route of routes) {
      const status = await call(route, headers);
      if (route.public || route.permission === 'users.read')
        expect(DENIED, label(route)).not.toContain(status);
      else expect(status, label(route)).toBe(403);
    }
  });

  it('a revoked token is refused everywhere with 401', async () => {
    const { token, headers } = await createTokenFor(t, 'admin');
    const admin = await createUser(t, { roles: ['admin'] });
    const adminHeaders = await signIn(t, admin.email, admin.password);
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/users', headers });
    expect(list.statusCode).toBe(200);
    await revokeToken(t, headers, adminHeaders); // an admin revokes another user's token
    expect(token).toMatch(/^stl_token_/);
    for (const route of routes) {
      const status = await call(route, headers);
      if (route.public) expect(DENIED, label(route)).not.toContain(status);
      else expect(status, label(route)).toBe(401);
    }
  });

  it('an expired session is refused everywhere with 401', async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    const headers = await signIn(t, admin.email, admin.password);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/session', headers })).statusCode,
    ).toBe(200);
    t.clock.advance(t.container.config.sessionIdleMinutes * MINUTE + 1);
    for (const route of routes) {
      const status = await call(route, headers);
      if (route.public) expect(DENIED, label(route)).not.toContain(status);
      else expect(status, label(route)).toBe(401);
    }
  });
});

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

  it('reading configuration needs the permission that manages it', () => {
    const declared = (method: string, url: string) =>
      routes.find((r) => r.method === method && r.url === url)?.permission;
    // Where containment hooks call (URLs, method, authentication) is webhook configuration;
    // those who record containment read the hooks' names only.
    expect(declared('GET', '/api/v1/containment-hooks')).toBe('webhooks.manage');
    expect(declared('GET', '/api/v1/containment-hook-names')).toBe('incidents.update');
    expect(declared('GET', '/api/v1/tracker-connections')).toBe('trackers.manage');
    // The calendar feed's secret is in its URL (calendar apps send no headers); making, rotating
    // and revoking it is one's own account's business.
    expect(routes.find((r) => r.url === '/api/v1/calendar.ics')?.public).toBe(true);
    for (const method of ['GET', 'POST', 'DELETE'])
      expect(declared(method, '/api/v1/account/calendar-feed')).toBe('account.manage_own');
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

describe("a token's scope narrows an incident commander's rights", () => {
  const inject = (
    method: 'POST' | 'DELETE',
    url: string,
    headers: Record<string, string>,
    payload?: object,
  ) => t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  async function tokenOf(session: Record<string, string>, permissions: string[]) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: session,
      payload: { name: permissions.join(' '), permissions },
    });
    expect(res.statusCode).toBe(201);
    return { authorization: `Bearer ${res.json().token}` };
  }

  it('a commander’s token scoped to incidents.update cannot hand out roles or close; with incidents.command it can', async () => {
    const lead = await createUser(t, { roles: ['security_lead'] });
    const leadSession = await signIn(t, lead.email, lead.password);
    const commander = await createUser(t, { roles: ['responder'] });
    const other = await createUser(t, { roles: ['responder'] });
    const opened = await inject('POST', '/api/v1/incidents', leadSession, { title: 'Commanded' });
    expect(opened.statusCode).toBe(201);
    const incident = `/api/v1/incidents/${opened.json().key}`;
    const assigned = await inject('POST', `${incident}/roles`, leadSession, {
      role: 'incident_commander',
      userId: commander.id,
    });
    expect(assigned.statusCode).toBe(200);

    const session = await signIn(t, commander.email, commander.password);
    const narrow = await tokenOf(session, ['incidents.read', 'incidents.update']);
    const commanding = await tokenOf(session, [
      'incidents.read',
      'incidents.update',
      'incidents.command',
    ]);
    const assign = { role: 'security_engineer', userId: other.id };
    const refusals = [
      await inject('POST', `${incident}/roles`, narrow, assign),
      await inject('DELETE', `${incident}/roles/incident_commander/${commander.id}`, narrow),
      await inject('POST', `${incident}/phase`, narrow, { phase: 'closed' }),
    ];
    for (const res of refusals) {
      expect(res.statusCode).toBe(403);
      expect(res.json().permission).toBe('incidents.command');
      expect(res.json().detail).toContain('incidents.command');
    }
    const roles = await t.app.inject({ method: 'GET', url: incident, headers: session });
    expect(roles.json().incident.roles.map((r: { role: string }) => r.role)).toEqual([
      'incident_commander',
    ]);

    expect((await inject('POST', `${incident}/roles`, commanding, assign)).statusCode).toBe(200);
    // Past the permission check: the policy's exit checks answer.
    const close = await inject('POST', `${incident}/phase`, commanding, { phase: 'closed' });
    expect(close.statusCode).toBe(422);
    // The commander's own session has incidents.command through the responder role.
    expect(
      (await inject('DELETE', `${incident}/roles/security_engineer/${other.id}`, session))
        .statusCode,
    ).toBe(200);
  });
});

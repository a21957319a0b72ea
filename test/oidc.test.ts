// Single sign-on with OpenID Connect against a fake provider: the claim maps to roles, the
// account is created on first sign-in and its roles follow the provider; anything off is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, sessionCookieFrom } from './helpers/auth.ts';
import { startFakeOidc, type FakeOidc } from './helpers/fake-oidc.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let idp: FakeOidc;
let t: TestApp;
beforeAll(async () => {
  idp = await startFakeOidc();
  t = await createTestApp({
    env: {
      STOPLINE_OIDC_ISSUER: idp.issuer,
      STOPLINE_OIDC_CLIENT_ID: idp.clientId,
      STOPLINE_OIDC_CLIENT_SECRET: idp.clientSecret,
      STOPLINE_OIDC_ROLE_MAP: 'sec-admins=admin, oncall=responder, oncall=comms',
    },
  });
});
afterAll(async () => {
  await t.close();
  await idp.close();
});

/** Start at Stopline, approve at the provider, come back: answers the callback response. */
async function singleSignOn(claims: Record<string, unknown>, tamper?: (url: string) => string) {
  const start = await t.app.inject({ method: 'GET', url: '/api/v1/session/oidc' });
  expect(start.statusCode).toBe(303);
  const flowCookie = String(start.headers['set-cookie']).split(';')[0]!;
  expect(String(start.headers['set-cookie'])).toContain('Path=/api/v1/session/oidc');
  let back = idp.approve(String(start.headers.location), claims);
  if (tamper) back = tamper(back);
  const url = new URL(back);
  return t.app.inject({
    method: 'GET',
    url: url.pathname + url.search,
    headers: { cookie: flowCookie },
  });
}

const me = (cookie: string) =>
  t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie } });

describe('single sign-on (OpenID Connect)', () => {
  it('says it is available', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/session/methods' });
    expect(res.json()).toEqual({ password: true, oidc: true });
  });

  it('creates the account on first sign-in with the mapped roles, and follows the provider after', async () => {
    const claims = { email: 'Sso.Person@Example.org', email_verified: true, name: 'Sso Person' };
    const first = await singleSignOn({ ...claims, groups: ['oncall', 'unrelated'] });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe(`${t.container.config.baseUrl}/app/`);
    const cookie = sessionCookieFrom(first.headers['set-cookie']);
    const session = await me(cookie);
    expect(session.json().user).toMatchObject({
      email: 'sso.person@example.org',
      displayName: 'Sso Person',
      roles: ['comms', 'responder'],
      hasPassword: false,
    });

    const second = await singleSignOn({ ...claims, groups: ['sec-admins'] });
    expect(second.statusCode).toBe(303);
    const promoted = await me(sessionCookieFrom(second.headers['set-cookie']));
    expect(promoted.json().user.roles).toEqual(['admin']);
    const changes = await t.container.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'user.roles_changed')
      .execute();
    expect(JSON.parse(changes.at(-1)!.detail_json)).toEqual({
      from: ['comms', 'responder'],
      to: ['admin'],
      via: 'oidc',
    });
  });

  it('refuses a person the claim gives no role, an unverified email, a forged state and a disabled account', async () => {
    const noRole = await singleSignOn({ email: 'x@example.org', groups: ['marketing'] });
    expect(noRole.statusCode).toBe(403);
    const unverified = await singleSignOn({
      email: 'y@example.org',
      email_verified: false,
      groups: ['oncall'],
    });
    expect(unverified.statusCode).toBe(401);
    const forged = await singleSignOn({ email: 'z@example.org', groups: ['oncall'] }, (u) =>
      u.replace(/state=[^&]+/, 'state=forged'),
    );
    expect(forged.statusCode).toBe(401);
    const disabled = await createUser(t, { roles: ['viewer'], email: 'gone@example.org' });
    await t.container.db
      .updateTable('users')
      .set({ status: 'disabled' })
      .where('id', '=', disabled.id)
      .execute();
    const refused = await singleSignOn({ email: 'gone@example.org', groups: ['oncall'] });
    expect(refused.statusCode).toBe(401);
    const failures = await t.container.db
      .selectFrom('audit_log')
      .select('detail_json')
      .where('action', '=', 'session.sign_in_failed')
      .execute();
    expect(failures.length).toBeGreaterThanOrEqual(4);
  });

  it('refuses a callback without the flow cookie', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/session/oidc/callback?code=abc&state=def',
    });
    expect(res.statusCode).toBe(401);
  });

  it('keeps the authorization code out of the logs', async () => {
    const res = await singleSignOn({ email: 'logs@example.org', groups: ['oncall'] });
    expect(res.statusCode).toBe(303);
    const text = t.logs.join('');
    expect(text).toContain('/api/v1/session/oidc/callback');
    expect(text).not.toMatch(/callback\?code=[0-9a-f-]{36}/);
  });

  it('is not offered when not configured', async () => {
    const plain = await createTestApp();
    try {
      expect(
        (await plain.app.inject({ method: 'GET', url: '/api/v1/session/oidc' })).statusCode,
      ).toBe(404);
    } finally {
      await plain.close();
    }
  });
});

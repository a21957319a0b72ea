// CSRF protection on cookie-authenticated changes (token header and Origin check), bearer tokens
// unaffected; API tokens scoped, shown once, stored hashed, expiring, revocable, last use recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR } from '../src/server/clock.ts';
import { createTokenFor, createUser, loginAs, signIn } from './helpers/auth.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const createToken = (headers: Record<string, string>, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers, payload });

describe('CSRF protection', () => {
  it('refuses a cookie request that changes something without the CSRF token', async () => {
    const { headers } = await loginAs(t, 'admin');
    const { cookie } = headers;
    const payload = { name: 'ci', permissions: ['users.read'] };
    const missing = await createToken({ cookie: cookie! }, payload);
    expect(missing.statusCode).toBe(403);
    expect(missing.json().reason).toBe('csrf');
    const wrong = await createToken({ cookie: cookie!, 'x-csrf-token': 'guessed' }, payload);
    expect(wrong.statusCode).toBe(403);
    const crossSite = await createToken({ ...headers, origin: 'https://evil.example' }, payload);
    expect(crossSite.statusCode).toBe(403);
    const sameSite = await createToken({ ...headers, origin: t.container.config.baseUrl }, payload);
    expect(sameSite.statusCode).toBe(201);
    // Reading needs no CSRF token.
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: { cookie: cookie! } }))
        .statusCode,
    ).toBe(200);
  });

  it('does not apply to bearer-token requests', async () => {
    const { headers } = await createTokenFor(t, 'admin', ['users.manage', 'users.read']);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { ...headers, origin: 'https://elsewhere.example' },
      payload: { email: 'bot-made@example.org', displayName: 'Bot Made', roles: ['viewer'] },
    });
    expect(res.statusCode).toBe(201);
  });
});

describe('API tokens', () => {
  it('shows the token once, stores only its hash, and records when it was last used', async () => {
    const { headers } = await loginAs(t, 'security_lead');
    const res = await createToken(headers, { name: 'SIEM export', permissions: ['audit.read'] });
    expect(res.statusCode).toBe(201);
    const { token, tokenInfo } = res.json();
    expect(token).toMatch(/^stl_token_[A-Za-z0-9_-]{43}$/);
    const rows = await t.container.db.selectFrom('api_tokens').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);

    const list = await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers });
    expect(JSON.stringify(list.json())).not.toContain(token);
    expect(list.json()[0]).toMatchObject({ id: tokenInfo.id, lastUsedAt: null });

    t.clock.advance(HOUR);
    const use = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(use.statusCode).toBe(200);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers });
    expect(after.json()[0].lastUsedAt).toBe(new Date(t.clock.now()).toISOString());
  });

  it('cannot carry a permission its creator does not have', async () => {
    const { headers } = await loginAs(t, 'viewer');
    const res = await createToken(headers, { name: 'greedy', permissions: ['users.manage'] });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('permissions');
  });

  it('narrows with its user: a token loses what its user loses', async () => {
    const admin = await loginAs(t, 'admin');
    const { userId, headers } = await createTokenFor(t, 'security_lead', ['audit.read']);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/audit', headers })).statusCode).toBe(
      200,
    );
    const demote = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${userId}`,
      headers: admin.headers,
      payload: { roles: ['viewer'] },
    });
    expect(demote.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/audit', headers })).statusCode).toBe(
      403,
    );
  });

  it('stops working when it expires or is revoked', async () => {
    const responder = await createUser(t, { roles: ['responder'] });
    let headers = await signIn(t, responder.email, responder.password);
    const expiresAt = new Date(t.clock.now() + DAY).toISOString();
    const res = await createToken(headers, {
      name: 'short',
      permissions: ['tokens.manage_own'],
      expiresAt,
    });
    const bearer = { authorization: `Bearer ${res.json().token}` };
    const list = () => t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer });
    expect((await list()).statusCode).toBe(200);
    t.clock.advance(DAY);
    expect((await list()).statusCode).toBe(401);

    headers = await signIn(t, responder.email, responder.password); // the session idled out too
    const other = await createToken(headers, { name: 'other', permissions: ['tokens.manage_own'] });
    const otherBearer = { authorization: `Bearer ${other.json().token}` };
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${other.json().tokenInfo.id}`,
      headers,
    });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json().revokedAt).toEqual(expect.any(String));
    const refused = await t.app.inject({
      method: 'GET',
      url: '/api/v1/tokens',
      headers: otherBearer,
    });
    expect(refused.statusCode).toBe(401);
    const actions = await t.container.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', other.json().tokenInfo.id)
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['token.created', 'token.revoked']);
  });

  it("cannot revoke someone else's token unless managing users", async () => {
    const owner = await createTokenFor(t, 'viewer');
    const ownerSession = await createUser(t, { roles: ['viewer'] });
    const intruder = await signIn(t, ownerSession.email, ownerSession.password);
    const id = (
      await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: owner.headers })
    ).json()[0].id;
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${id}`,
      headers: intruder,
    });
    expect(res.statusCode).toBe(404);
  });
});

// Signing in for tests: users are created through the accounts service (never raw SQL) and
// sign in through the real HTTP API, so these helpers exercise what a browser or script would.
import { randomUUID } from 'node:crypto';
import { systemActor } from '../../src/server/domain/actor.ts';
import { permissionsForRoles } from '../../src/server/domain/accounts/index.ts';
import { SESSION_COOKIE } from '../../src/server/http/plugins/cookies.ts';
import type { TestApp } from './test-app.ts';

export const TEST_PASSWORD = 'correct horse battery staple 42';

/** The raw token from a set-password link (it sits in the URL fragment). */
export function linkToken(url: string): string {
  const token = new URL(url).hash.replace(/^#token=/, '');
  if (!token) throw new Error(`no token in ${url}`);
  return token;
}

export async function createUser(
  t: TestApp,
  opts: { roles: string[]; email?: string; password?: string; displayName?: string },
): Promise<{ id: string; email: string; password: string }> {
  const { users } = t.container.services.accounts;
  const email = opts.email ?? `staff-${randomUUID().slice(0, 8)}@example.org`;
  const password = opts.password ?? TEST_PASSWORD;
  const { user, link } = await users.createUser(systemActor, {
    email,
    displayName: opts.displayName ?? `Staff ${email.split('@')[0]}`,
    roles: opts.roles,
  });
  await users.setPasswordWithLink({ kind: 'anonymous' }, linkToken(link.url), password);
  return { id: user.id, email: user.email, password };
}

/** The session cookie from a sign-in answer. */
export function sessionCookieFrom(setCookie: string | string[] | undefined): string {
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  const match = first?.match(new RegExp(`${SESSION_COOKIE}=([^;]+)`));
  if (!match) throw new Error(`no session cookie in ${String(setCookie)}`);
  return `${SESSION_COOKIE}=${match[1]}`;
}

export async function signIn(
  t: TestApp,
  email: string,
  password: string,
  code?: string,
): Promise<Record<string, string>> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/session',
    payload: { email, password, ...(code ? { code } : {}) },
  });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  return {
    cookie: sessionCookieFrom(res.headers['set-cookie']),
    'x-csrf-token': res.json().csrfToken,
  };
}

export async function loginAs(
  t: TestApp,
  roles: string | string[],
): Promise<{ userId: string; headers: Record<string, string> }> {
  const user = await createUser(t, { roles: [roles].flat() });
  return { userId: user.id, headers: await signIn(t, user.email, user.password) };
}

export async function createTokenFor(
  t: TestApp,
  roles: string | string[],
  permissions?: string[],
): Promise<{ userId: string; token: string; headers: Record<string, string> }> {
  const { userId, headers } = await loginAs(t, roles);
  const scope = permissions ?? [...permissionsForRoles([roles].flat())];
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers,
    payload: { name: 'test token', permissions: scope },
  });
  if (res.statusCode !== 201)
    throw new Error(`token creation failed: ${res.statusCode} ${res.body}`);
  const token = res.json().token as string;
  return { userId, token, headers: { authorization: `Bearer ${token}` } };
}

/** An admin revokes the (only) token of another user, through the API. */
export async function revokeToken(
  t: TestApp,
  tokenHeaders: Record<string, string>,
  adminHeaders: Record<string, string>,
): Promise<void> {
  const list = await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: tokenHeaders });
  const tokenId = list.json()[0].id as string;
  const revoke = await t.app.inject({
    method: 'DELETE',
    url: `/api/v1/tokens/${tokenId}`,
    headers: adminHeaders,
  });
  // Not vitest's expect: benchmarks import these helpers outside the test runner.
  if (revoke.statusCode !== 200)
    throw new Error(`revoke failed: ${revoke.statusCode} ${revoke.body}`);
}

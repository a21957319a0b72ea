// Signing in, first-run setup and setting a password with a link carry no CSRF token (there is no
// session yet), so they refuse a post that another site made a visitor's browser send, by the same
// check as the public forms (form-origin.ts): otherwise a page elsewhere could sign the visitor in
// to an account of its choosing. Our own console and programs without browser headers get in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/server/domain/actor.ts';
import { createUser, linkToken } from './helpers/auth.ts';
import { countRows, createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { STOPLINE_BASE_URL: 'https://security.example.org' } });
});
afterAll(async () => t.close());

const OWN = 'https://security.example.org';
const CROSS_SITE: Record<string, string>[] = [
  { origin: 'https://evil.example' },
  { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
  { 'sec-fetch-site': 'cross-site' },
  { origin: 'null', 'sec-fetch-site': 'cross-site' },
  { origin: 'https://sub.security.example.org', 'sec-fetch-site': 'same-site' },
  { origin: 'null' },
];
const OWN_PAGES_AND_PROGRAMS: Record<string, string>[] = [
  { origin: OWN },
  { origin: OWN, 'sec-fetch-site': 'same-origin' },
  { 'sec-fetch-site': 'same-origin' },
  {},
];

const post = (url: string, payload: Record<string, string>, headers: Record<string, string>) =>
  t.app.inject({ method: 'POST', url, payload, headers });

function expectRefused(res: Awaited<ReturnType<typeof post>>) {
  expect(res.statusCode).toBe(403);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  expect(res.json().reason).toBe('cross-site');
  expect(res.headers['set-cookie']).toBeUndefined();
}

describe('sign-in refuses posts from other sites', () => {
  it.each(CROSS_SITE)(
    'a right password sent cross-site (%j) is 403, no session',
    async (headers) => {
      const user = await createUser(t, { roles: ['viewer'] });
      const sessions = await countRows(t, 'sessions');
      const res = await post(
        '/api/v1/session',
        { email: user.email, password: user.password },
        headers,
      );
      expectRefused(res);
      expect(await countRows(t, 'sessions')).toBe(sessions);
    },
  );

  it.each(OWN_PAGES_AND_PROGRAMS)('our own pages and programs (%j) sign in', async (headers) => {
    const user = await createUser(t, { roles: ['viewer'] });
    const res = await post(
      '/api/v1/session',
      { email: user.email, password: user.password },
      headers,
    );
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['set-cookie'])).toContain('stopline_session=');
  });
});

describe('setting a password with a link refuses posts from other sites', () => {
  async function link() {
    const { link } = await t.container.services.accounts.users.createUser(systemActor, {
      email: `linked-${Math.random().toString(36).slice(2, 8)}@example.org`,
      displayName: 'Linked',
      roles: ['viewer'],
    });
    return linkToken(link.url);
  }
  const password = 'a passphrase of my own choosing';

  it.each(CROSS_SITE)('cross-site (%j): 403, the link still unused', async (headers) => {
    const token = await link();
    expectRefused(await post('/api/v1/set-password', { token, password }, headers));
    expect((await post('/api/v1/set-password', { token, password }, {})).statusCode).toBe(200);
  });

  it.each(OWN_PAGES_AND_PROGRAMS)('from our own pages or a program (%j): set', async (headers) => {
    const token = await link();
    expect((await post('/api/v1/set-password', { token, password }, headers)).statusCode).toBe(200);
  });

  it('first-run setup is refused cross-site before the link is even looked at', async () => {
    const users = await countRows(t, 'users');
    const body = {
      token: 'stl_setup_not-a-real-one',
      email: 'ada@example.org',
      displayName: 'Ada',
      password,
    };
    for (const headers of CROSS_SITE) expectRefused(await post('/api/v1/setup', body, headers));
    const own = await post('/api/v1/setup', body, { origin: OWN });
    expect(own.statusCode).not.toBe(403);
    expect(await countRows(t, 'users')).toBe(users);
  });
});

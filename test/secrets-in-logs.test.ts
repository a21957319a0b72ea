// Passwords, session ids, CSRF and API tokens, one-time links and second-factor secrets never
// reach a log line, whatever the request did (the test app captures every line in t.logs).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemActor } from '../src/server/domain/actor.ts';
import { createUser, linkToken, signIn } from './helpers/auth.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

it('no secret used in a request appears in the logs', async () => {
  const secrets: string[] = [];
  const password = 'very secret passphrase 7731';
  secrets.push(password);
  const user = await createUser(t, { roles: ['admin'], password });
  const headers = await signIn(t, user.email, password);
  secrets.push(headers.cookie!.split('=')[1]!, headers['x-csrf-token']!);

  const wrongPassword = 'wrong but still secret 9912';
  secrets.push(wrongPassword);
  await t.app.inject({
    method: 'POST',
    url: '/api/v1/session',
    payload: { email: user.email, password: wrongPassword },
  });

  const token = await t.app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers,
    payload: { name: 'ci', permissions: ['users.read', 'users.manage'] },
  });
  const bearer = token.json().token as string;
  secrets.push(bearer);
  await t.app.inject({
    method: 'GET',
    url: '/api/v1/users',
    headers: { authorization: `Bearer ${bearer}` },
  });
  // Refused requests are logged too: a token sent where it is not valid, a bad body.
  await t.app.inject({
    method: 'GET',
    url: '/api/v1/audit',
    headers: { authorization: `Bearer ${bearer}x` },
  });
  await t.app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers,
    payload: { name: '', permissions: ['nope'], token: bearer },
  });

  const created = await t.container.services.accounts.users.createUser(systemActor, {
    email: 'linked@example.org',
    displayName: 'Linked',
    roles: ['viewer'],
  });
  const link = linkToken(created.link.url);
  secrets.push(link);
  // Whose account the link is for, then a dead link asked about: neither logs the secret.
  await t.app.inject({
    method: 'POST',
    url: '/api/v1/set-password/account',
    payload: { token: link },
  });
  await t.app.inject({
    method: 'POST',
    url: '/api/v1/set-password/account',
    payload: { token: `${link}x` },
  });
  await t.app.inject({
    method: 'POST',
    url: '/api/v1/set-password',
    payload: { token: link, password: 'short' },
  });
  const newPassword = 'a fresh passphrase for linked';
  secrets.push(newPassword);
  await t.app.inject({
    method: 'POST',
    url: '/api/v1/set-password',
    payload: { token: link, password: newPassword },
  });

  const mfa = await t.app.inject({ method: 'POST', url: '/api/v1/session/mfa', headers });
  secrets.push(mfa.json().secret);
  await t.app.inject({
    method: 'POST',
    url: '/api/v1/session/mfa/confirm',
    headers,
    payload: { code: '123456' },
  });

  const text = t.logs.join('');
  expect(t.logs.length).toBeGreaterThan(10);
  expect(text).toContain('/api/v1/tokens'); // requests are logged
  for (const secret of secrets) expect(text).not.toContain(secret);
});

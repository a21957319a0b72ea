// Staff accounts: admins create them (the owner sets a password through a one-time link),
// change roles, mark people away, and disable them, which ends their sessions and tokens at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR } from '../src/server/clock.ts';
import { listActiveUsers } from '../src/server/domain/accounts/user-service.ts';
import { createTokenFor, createUser, linkToken, loginAs, signIn } from './helpers/auth.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
let admin: { userId: string; headers: Record<string, string> };
beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t, 'admin');
});
afterAll(async () => t.close());

const addUser = (payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/api/v1/users', headers: admin.headers, payload });
const patchUser = (id: string, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'PATCH', url: `/api/v1/users/${id}`, headers: admin.headers, payload });
const setPassword = (token: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/set-password', payload: { token, password } });

describe('staff accounts', () => {
  it('an admin creates an account without a password; its owner sets one with the one-time link', async () => {
    const res = await addUser({
      email: 'Dana.Lead@Example.org',
      displayName: 'Dana',
      roles: ['security_lead'],
      contacts: [{ kind: 'phone', value: '+44 20 7946 0000' }],
    });
    expect(res.statusCode).toBe(201);
    const { user, setPasswordLink } = res.json();
    expect(user).toMatchObject({
      email: 'dana.lead@example.org',
      hasPassword: false,
      status: 'active',
    });
    expect(setPasswordLink).toMatch(/^http:\/\/localhost:\d+\/set-password#token=stl_link_/);
    const token = linkToken(setPasswordLink);

    const tooShort = await setPassword(token, 'short');
    expect(tooShort.statusCode).toBe(400);
    expect(tooShort.json().errors).toEqual([
      { field: 'password', message: expect.stringContaining('at least') },
    ]);
    const common = await setPassword(token, 'Password1234!');
    expect(common.json().errors[0].message).toContain('common');
    const isEmail = await setPassword(token, 'dana.lead@example.org');
    expect(isEmail.json().errors[0].message).toContain('email');

    const ok = await setPassword(token, 'a long and private passphrase');
    expect(ok.statusCode).toBe(200);
    expect(ok.json().hasPassword).toBe(true);
    expect((await setPassword(token, 'another long passphrase')).statusCode).toBe(400);
    await signIn(t, 'dana.lead@example.org', 'a long and private passphrase');
  });

  it('a set-password link says whose account it is for without being used; a dead link says only that', async () => {
    const lookup = (token: unknown, headers: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/set-password/account',
        headers,
        payload: { token },
      });
    const res = await addUser({
      email: 'eli@example.org',
      displayName: 'Eli <i>Ops</i>',
      roles: ['responder'],
    });
    const token = linkToken(res.json().setPasswordLink);
    const who = await lookup(token);
    expect(who.statusCode).toBe(200);
    expect(who.json()).toEqual({ email: 'eli@example.org', displayName: 'Eli <i>Ops</i>' });
    // Asked twice, still unused: the password is set with it afterwards.
    expect((await lookup(token)).statusCode).toBe(200);
    expect((await setPassword(token, 'a long and private passphrase')).statusCode).toBe(200);

    // Used, unknown, replaced by a newer one, expired: one answer, naming no account.
    const used = await lookup(token);
    const unknown = await lookup('stl_link_nothing_like_this');
    const again = await addUser({
      email: 'fay@example.org',
      displayName: 'Fay',
      roles: ['viewer'],
    });
    const old = linkToken(again.json().setPasswordLink);
    const newer = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${again.json().user.id}/password-link`,
      headers: admin.headers,
    });
    expect(newer.statusCode).toBe(200);
    const replaced = await lookup(old);
    const fresh = linkToken(newer.json().setPasswordLink);
    // Past the link's 24 hours, then back, so the rest of this file's sessions are untouched.
    const now = t.clock.now();
    t.clock.advance(25 * HOUR);
    const expired = await lookup(fresh);
    t.clock.set(now);
    for (const dead of [used, unknown, replaced, expired]) {
      expect(dead.statusCode).toBe(400);
      expect(dead.json().detail).toBe(used.json().detail);
      expect(dead.body).not.toContain('@example.org');
    }
    expect(used.json().errors).toEqual([{ field: 'token', message: 'is not a valid link' }]);
    // Malformed input is a field error; another site's page may not ask.
    expect((await lookup(42)).json().errors[0].field).toBe('token');
    const crossSite = await lookup(token, {
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
    });
    expect(crossSite.statusCode).toBe(403);
  });

  it('refuses a duplicate email, an unknown role and malformed input with field errors', async () => {
    await createUser(t, { roles: ['viewer'], email: 'taken@example.org' });
    const dup = await addUser({ email: 'TAKEN@example.org', displayName: 'X', roles: ['viewer'] });
    expect(dup.statusCode).toBe(409);
    const role = await addUser({ email: 'new@example.org', displayName: 'X', roles: ['overlord'] });
    expect(role.statusCode).toBe(400);
    expect(role.json().errors[0]).toMatchObject({ field: 'roles' });
    const bad = await addUser({ email: 'not-an-email', displayName: '', roles: [] });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['displayName', 'email', 'roles']);
  });

  it('stores script in a display name as given and returns it as JSON data', async () => {
    const name = '<script>alert(document.cookie)</script> "Eve" \'; DROP TABLE users; --';
    const res = await addUser({ email: 'eve@example.org', displayName: name, roles: ['viewer'] });
    expect(res.statusCode).toBe(201);
    const got = await t.app.inject({
      method: 'GET',
      url: `/api/v1/users/${res.json().user.id}`,
      headers: admin.headers,
    });
    expect(got.headers['content-type']).toContain('application/json');
    expect(got.json().displayName).toBe(name);
  });

  it('disabling a user ends their sessions and tokens at once', async () => {
    const person = await createUser(t, { roles: ['responder'] });
    const browser = await signIn(t, person.email, person.password);
    const tokenRes = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: browser,
      payload: { name: 'script', permissions: ['tokens.manage_own'] },
    });
    const bearer = { authorization: `Bearer ${tokenRes.json().token}` };
    const me = (headers: Record<string, string>) =>
      t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers });
    expect((await me(browser)).statusCode).toBe(200);
    expect((await me(bearer)).statusCode).toBe(200);

    const disable = await patchUser(person.id, { status: 'disabled' });
    expect(disable.statusCode).toBe(200);
    expect((await me(browser)).statusCode).toBe(401);
    expect((await me(bearer)).statusCode).toBe(401);
    const signInAgain = await t.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { email: person.email, password: person.password },
    });
    expect(signInAgain.statusCode).toBe(401);
    const entry = await t.container.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'user.disabled')
      .where('target_id', '=', person.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(entry.detail_json)).toEqual({ sessionsEnded: 1, tokensRevoked: 1 });
    expect(entry.actor_id).toBe(admin.userId);

    // Enabling again does not bring the old session or token back.
    expect((await patchUser(person.id, { status: 'active' })).statusCode).toBe(200);
    expect((await me(browser)).statusCode).toBe(401);
    expect((await me(bearer)).statusCode).toBe(401);
  });

  it('a password reset through an admin link ends sessions and revokes every API token', async () => {
    const person = await createUser(t, { roles: ['responder'] });
    const browser = await signIn(t, person.email, person.password);
    const tokens = [];
    for (const name of ['ci', 'chat bot']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: browser,
        payload: { name, permissions: ['incidents.read'] },
      });
      tokens.push({ authorization: `Bearer ${res.json().token}` });
    }
    const read = (headers: Record<string, string>) =>
      t.app.inject({ method: 'GET', url: '/api/v1/incidents', headers });
    for (const bearer of tokens) expect((await read(bearer)).statusCode).toBe(200);

    const link = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${person.id}/password-link`,
      headers: admin.headers,
    });
    expect(link.statusCode).toBe(200);
    // Issuing the link changes nothing yet: the person may not use it.
    for (const bearer of tokens) expect((await read(bearer)).statusCode).toBe(200);
    const used = await setPassword(
      linkToken(link.json().setPasswordLink),
      'a fresh passphrase after reset',
    );
    expect(used.statusCode).toBeLessThan(300);
    expect((await read(browser)).statusCode).toBe(401);
    for (const bearer of tokens) expect((await read(bearer)).statusCode).toBe(401);

    const listed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/tokens',
      headers: await signIn(t, person.email, 'a fresh passphrase after reset'),
    });
    expect(listed.json().every((tk: { revokedAt: string | null }) => tk.revokedAt !== null)).toBe(
      true,
    );
    const entries = await t.container.db
      .selectFrom('audit_log')
      .selectAll()
      .where('target_id', '=', person.id)
      .where('action', 'in', ['tokens.revoked_all', 'user.password_set'])
      .orderBy('seq')
      .execute();
    expect(entries.map((e) => [e.action, JSON.parse(e.detail_json)])).toEqual([
      ['user.password_set', { sessionsEnded: 0, tokensRevoked: 0 }],
      ['tokens.revoked_all', { revoked: 2, reason: 'password_set' }],
      ['user.password_set', { sessionsEnded: 1, tokensRevoked: 2 }],
    ]);
  });

  it('audits role changes with before and after', async () => {
    const person = await createUser(t, { roles: ['viewer'] });
    const res = await patchUser(person.id, { roles: ['responder', 'comms'] });
    expect(res.json().roles).toEqual(['responder', 'comms']);
    const entry = await t.container.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'user.roles_changed')
      .where('target_id', '=', person.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(entry.detail_json)).toEqual({ from: ['viewer'], to: ['responder', 'comms'] });
  });

  it('will not disable or demote the last active admin', async () => {
    const solo = await createTestApp();
    try {
      const only = await loginAs(solo, 'admin');
      const res = await solo.app.inject({
        method: 'PATCH',
        url: `/api/v1/users/${only.userId}`,
        headers: only.headers,
        payload: { status: 'disabled' },
      });
      expect(res.statusCode).toBe(422);
    } finally {
      await solo.close();
    }
  });

  it('lists active users for other subjects, by role and availability', async () => {
    const away = await createUser(t, { roles: ['legal'], displayName: 'Away Lawyer' });
    const here = await createUser(t, { roles: ['legal'], displayName: 'Present Lawyer' });
    const gone = await createUser(t, { roles: ['legal'], displayName: 'Gone Lawyer' });
    const now = t.clock.now();
    await patchUser(gone.id, { status: 'disabled' });
    const mark = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/session/profile',
      headers: await signIn(t, away.email, away.password),
      payload: { awayUntil: new Date(now + 8 * HOUR).toISOString() },
    });
    expect(mark.statusCode).toBe(200);

    const legal = await listActiveUsers(t.container.db, { role: 'legal' });
    expect(legal.map((u) => u.id).sort()).toEqual([away.id, here.id].sort());
    expect(legal.find((u) => u.id === away.id)!.availability.awayUntil).toBe(now + 8 * HOUR);
    const availableNow = await listActiveUsers(t.container.db, { role: 'legal', availableAt: now });
    expect(availableNow.map((u) => u.displayName)).toEqual(['Present Lawyer']);
    const tomorrow = await listActiveUsers(t.container.db, {
      role: 'legal',
      availableAt: now + 24 * HOUR,
    });
    expect(tomorrow).toHaveLength(2);
    const present = tomorrow.find((u) => u.id === here.id);
    expect(present).toEqual({
      id: here.id,
      email: here.email,
      displayName: 'Present Lawyer',
      roles: ['legal'],
      availability: { awayUntil: null },
      contacts: [],
    });
  });

  it('a token acting for a user manager can create accounts (audited as that user)', async () => {
    const { userId, headers } = await createTokenFor(t, 'admin', ['users.manage']);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers,
      payload: { email: 'from-token@example.org', displayName: 'T', roles: ['viewer'] },
    });
    expect(res.statusCode).toBe(201);
    const entry = await t.container.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'user.created')
      .where('target_id', '=', res.json().user.id)
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ actor_kind: 'token', actor_id: userId });
  });
});

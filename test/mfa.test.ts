// The TOTP second factor: enrol with a QR code, confirm, sign in with a code or a recovery
// code (each accepted once), turn it off; and admins without one lose admin powers when required.
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox, totpCodeAt } from '../src/server/domain/accounts/index.ts';
import { createUser, signIn } from './helpers/auth.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function enrol(app: TestApp, headers: Record<string, string>) {
  const start = await app.app.inject({ method: 'POST', url: '/api/v1/session/mfa', headers });
  expect(start.statusCode).toBe(200);
  const { secret, otpauthUri, qrCodeDataUrl } = start.json();
  expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/Stopline:/);
  expect(qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
  const confirm = await app.app.inject({
    method: 'POST',
    url: '/api/v1/session/mfa/confirm',
    headers,
    payload: { code: totpCodeAt(secret, app.clock.now()) },
  });
  expect(confirm.statusCode).toBe(200);
  return { secret: secret as string, recoveryCodes: confirm.json().recoveryCodes as string[] };
}

const attempt = (email: string, password: string, code?: string, remoteAddress?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/session',
    payload: { email, password, ...(code ? { code } : {}) },
    ...(remoteAddress ? { remoteAddress } : {}),
  });

describe('second factor (TOTP)', () => {
  it('once enrolled, sign-in needs a current code, each code works once, recovery codes too', async () => {
    const user = await createUser(t, { roles: ['responder'] });
    const headers = await signIn(t, user.email, user.password);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/session/mfa/confirm',
      headers,
      payload: { code: '000000' },
    });
    expect(wrong.statusCode).toBe(409); // nothing pending yet
    const { secret, recoveryCodes } = await enrol(t, headers);
    expect(recoveryCodes).toHaveLength(10);
    const stored = await t.container.db.selectFrom('recovery_codes').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(recoveryCodes[0]);

    const noCode = await attempt(user.email, user.password);
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json().mfaRequired).toBe(true);
    expect((await attempt(user.email, user.password, '123456')).statusCode).toBe(401);

    t.clock.advance(60_000);
    const code = totpCodeAt(secret, t.clock.now());
    expect((await attempt(user.email, user.password, code)).statusCode).toBe(200);
    expect((await attempt(user.email, user.password, code)).statusCode).toBe(401); // replay

    const recovery = recoveryCodes[0]!.toUpperCase();
    expect((await attempt(user.email, user.password, recovery)).statusCode).toBe(200);
    expect((await attempt(user.email, user.password, recovery)).statusCode).toBe(401);

    t.clock.advance(60_000);
    const off = await t.app.inject({
      method: 'POST',
      url: '/api/v1/session/mfa/disable',
      headers,
      payload: { code: totpCodeAt(secret, t.clock.now()) },
    });
    expect(off.statusCode).toBe(204);
    expect((await attempt(user.email, user.password)).statusCode).toBe(200);

    const actions = await t.container.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', user.id)
      .where('action', 'like', 'mfa.%')
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      'mfa.enabled',
      'mfa.recovery_code_used',
      'mfa.disabled',
    ]);
  });

  it('one code signs in once, even when six sign-ins send it at the same moment', async () => {
    const user = await createUser(t, { roles: ['responder'] });
    const { secret } = await enrol(t, await signIn(t, user.email, user.password));
    t.clock.advance(60_000);
    const code = totpCodeAt(secret, t.clock.now());
    // From six addresses, so that only the code decides (one address is held back after five).
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        attempt(user.email, user.password, code, `192.0.2.${i + 10}`),
      ),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 401, 401, 401, 401, 401]);
    const sessions = await t.container.db
      .selectFrom('sessions')
      .select('id_hash')
      .where('user_id', '=', user.id)
      .where('created_at', '=', t.clock.now())
      .execute();
    expect(sessions).toHaveLength(1);
  });

  it('a right password with a current code signs in even from an address that is held back; each code buys one password check there', async () => {
    const user = await createUser(t, { roles: ['responder'] });
    const { secret, recoveryCodes } = await enrol(t, await signIn(t, user.email, user.password));
    const ip = '203.0.113.77';
    const max = t.container.config.signInMaxFailures;
    for (let i = 0; i < max; i++)
      expect((await attempt(user.email, `wrong guess ${i}`, undefined, ip)).statusCode).toBe(401);

    const noCode = await attempt(user.email, user.password, undefined, ip);
    expect(noCode.statusCode).toBe(429);
    expect(noCode.json().mfaAccepted).toBe(true);
    expect(noCode.json().mfaRequired).toBeUndefined();
    expect((await attempt(user.email, user.password, '000000', ip)).statusCode).toBe(429);

    // Someone with a current code but a wrong password: the code is spent, the failure counted.
    t.clock.advance(30_000);
    const code = totpCodeAt(secret, t.clock.now());
    const wrong = await attempt(user.email, 'still guessing at it', code, ip);
    expect(wrong.statusCode).toBe(429);
    expect(Number(wrong.headers['retry-after'])).toBe(120);
    expect((await attempt(user.email, user.password, code, ip)).statusCode).toBe(429);

    t.clock.advance(30_000);
    const mine = await attempt(user.email, user.password, totpCodeAt(secret, t.clock.now()), ip);
    expect(mine.statusCode).toBe(200);
    // Signing in started the count again for this address.
    expect((await attempt(user.email, 'a slip of the finger', undefined, ip)).statusCode).toBe(401);
    expect((await attempt(user.email, user.password, recoveryCodes[1], ip)).statusCode).toBe(200);
  });

  it('an admin resets the second factor of someone who lost it; their sessions end', async () => {
    const user = await createUser(t, { roles: ['responder'] });
    const headers = await signIn(t, user.email, user.password);
    await enrol(t, headers);
    const admin = await createUser(t, { roles: ['admin'] });
    const adminHeaders = await signIn(t, admin.email, admin.password);
    const reset = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${user.id}/mfa/reset`,
      headers: adminHeaders,
    });
    expect(reset.statusCode).toBe(204);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/session', headers })).statusCode,
    ).toBe(401);
    expect((await attempt(user.email, user.password)).statusCode).toBe(200);
    const entry = await t.container.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'mfa.reset')
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ actor_id: admin.id, target_id: user.id });
  });

  it('a token cannot change the second factor', async () => {
    const user = await createUser(t, { roles: ['viewer'] });
    const headers = await signIn(t, user.email, user.password);
    const token = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers,
      payload: { name: 'x', permissions: ['account.manage_own'] },
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/session/mfa',
      headers: { authorization: `Bearer ${token.json().token}` },
    });
    expect(res.statusCode).toBe(403);
  });

  it('when the policy requires it, an admin without a second factor acts as admin only after enrolling', async () => {
    const strict = await createTestApp({ env: { STOPLINE_REQUIRE_ADMIN_MFA: 'true' } });
    try {
      const admin = await createUser(strict, { roles: ['admin'] });
      const headers = await signIn(strict, admin.email, admin.password);
      const me = await strict.app.inject({ method: 'GET', url: '/api/v1/session', headers });
      expect(me.json().mfaEnrolmentRequired).toBe(true);
      expect(me.json().permissions).not.toContain('users.manage');
      expect(
        (await strict.app.inject({ method: 'GET', url: '/api/v1/users', headers })).statusCode,
      ).toBe(403);
      await enrol(strict, headers);
      const after = await strict.app.inject({ method: 'GET', url: '/api/v1/session', headers });
      expect(after.json().mfaEnrolmentRequired).toBe(false);
      expect(
        (await strict.app.inject({ method: 'GET', url: '/api/v1/users', headers })).statusCode,
      ).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

describe('required admin second factor, through an API token', () => {
  it('an admin without a second factor cannot use a token to read a restricted incident, its timeline or find it by search', async () => {
    const strict = await createTestApp({ env: { STOPLINE_REQUIRE_ADMIN_MFA: 'true' } });
    try {
      const lead = await createUser(strict, { roles: ['security_lead'] });
      const leadHeaders = await signIn(strict, lead.email, lead.password);
      const created = await strict.app.inject({
        method: 'POST',
        url: '/api/v1/incidents',
        headers: leadHeaders,
        payload: { title: 'Insider copies the payroll export', restricted: true },
      });
      expect(created.statusCode).toBe(201);
      const key = created.json().key as string;
      const note = await strict.app.inject({
        method: 'POST',
        url: `/api/v1/incidents/${key}/notes`,
        headers: { ...leadHeaders, 'if-match': `"${created.json().version}"` },
        payload: { text: 'HR suspects one named colleague', visibility: 'internal' },
      });
      expect(note.statusCode).toBeLessThan(300);

      const admin = await createUser(strict, { roles: ['admin', 'responder'] });
      const headers = await signIn(strict, admin.email, admin.password);
      const issued = await strict.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers,
        payload: { name: 'script', permissions: ['incidents.read'] },
      });
      expect(issued.statusCode).toBe(201);
      const viaToken = { authorization: `Bearer ${issued.json().token}` };

      for (const who of [headers, viaToken]) {
        const get = (url: string) => strict.app.inject({ method: 'GET', url, headers: who });
        expect((await get(`/api/v1/incidents/${key}`)).statusCode).toBe(404);
        expect((await get(`/api/v1/incidents/${key}/timeline`)).statusCode).toBe(404);
        const found = await get('/api/v1/incidents?q=payroll&limit=100');
        expect(found.statusCode).toBe(200);
        expect(found.json().items.map((i: { key: string }) => i.key)).not.toContain(key);
      }

      // Once the admin enrols, the same token sees it: the token follows its user's roles.
      await enrol(strict, headers);
      const after = await strict.app.inject({
        method: 'GET',
        url: `/api/v1/incidents/${key}/timeline`,
        headers: viaToken,
      });
      expect(after.statusCode).toBe(200);
      expect(after.body).toContain('HR suspects one named colleague');
    } finally {
      await strict.close();
    }
  });
});

describe('the stored second-factor secret', () => {
  it('is sealed with a key outside the database, and a different key cannot use it', async () => {
    const user = await createUser(t, { roles: ['responder'] });
    const headers = await signIn(t, user.email, user.password);
    const { secret } = await enrol(t, headers);
    const row = await t.container.db
      .selectFrom('users')
      .select(['mfa_secret', 'mfa_pending_secret'])
      .where('email', '=', user.email)
      .executeTakeFirstOrThrow();
    expect(row.mfa_secret).toMatch(/^v1\./);
    expect(row.mfa_secret).not.toContain(secret);
    expect(row.mfa_pending_secret).toBeNull();
    // The key file sits in the data folder, readable by this user only.
    expect(statSync(`${t.container.config.dataDir}/secret.key`).mode & 0o777).toBe(0o600);

    // Sealed with one key, it opens only with that key.
    const box = createSecretBox('k'.repeat(32));
    const sealed = box.seal(secret);
    expect(box.open(sealed)).toBe(secret);
    expect(() => createSecretBox('x'.repeat(32)).open(sealed)).toThrow(/not the key/);
    expect(box.seal(secret)).not.toBe(sealed); // a fresh nonce every time

    t.clock.advance(60_000);
    const signedIn = await attempt(user.email, user.password, totpCodeAt(secret, t.clock.now()));
    expect(signedIn.statusCode).toBe(200);
  });
});

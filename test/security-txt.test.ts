// security.txt follows RFC 9116: required fields once, Expires in the future and less than a year
// ahead, only known fields, served as text/plain; and the pages it points to exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY } from '../src/server/clock.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const KNOWN = new Set([
  'acknowledgments',
  'canonical',
  'contact',
  'encryption',
  'expires',
  'hiring',
  'policy',
  'preferred-languages',
  'csaf',
]);
const ONCE = new Set(['expires', 'preferred-languages']);

function parseSecurityTxt(text: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Za-z0-9-]+): (.+)$/.exec(line);
    expect(match, `not a field line: ${line}`).not.toBeNull();
    const name = match![1]!.toLowerCase();
    fields.set(name, [...(fields.get(name) ?? []), match![2]!]);
  }
  return fields;
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    env: {
      STOPLINE_BASE_URL: 'https://security.example.com',
      STOPLINE_SECURITY_EMAIL: 'security@example.com',
      STOPLINE_SECURITY_PGP_KEY_URL: 'https://example.com/pgp-key.txt',
      STOPLINE_PREFERRED_LANGUAGES: 'en,de',
    },
  });
});
afterAll(async () => {
  await t.close();
});

describe('security.txt (RFC 9116)', () => {
  it('has the required fields once, Expires ahead but under a year, and nothing unknown', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/.well-known/security.txt' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body.endsWith('\n')).toBe(true);
    const fields = parseSecurityTxt(res.body);
    for (const name of fields.keys()) expect(KNOWN).toContain(name);
    for (const name of ONCE) expect(fields.get(name)?.length ?? 0).toBeLessThanOrEqual(1);
    expect(fields.get('contact')).toEqual([
      'https://security.example.com/report',
      'mailto:security@example.com',
    ]);
    expect(fields.get('expires')).toHaveLength(1);
    const expires = fields.get('expires')![0]!;
    expect(expires).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const ahead = Date.parse(expires) - t.clock.now();
    expect(ahead).toBeGreaterThan(0);
    expect(ahead).toBeLessThan(365 * DAY);
    expect(fields.get('encryption')).toEqual(['https://example.com/pgp-key.txt']);
    expect(fields.get('preferred-languages')).toEqual(['en, de']);
    expect(fields.get('canonical')).toEqual([
      'https://security.example.com/.well-known/security.txt',
    ]);
    expect(fields.get('policy')).toEqual(['https://security.example.com/policy']);
    expect(fields.get('acknowledgments')).toEqual(['https://security.example.com/thanks']);
  });

  it('Expires moves with the clock, so it never lapses', async () => {
    t.clock.advance(400 * DAY);
    const res = await t.app.inject({ method: 'GET', url: '/.well-known/security.txt' });
    const expires = parseSecurityTxt(res.body).get('expires')![0]!;
    expect(Date.parse(expires)).toBeGreaterThan(t.clock.now());
  });

  it('/security.txt redirects to the well-known location', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/security.txt' });
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/.well-known/security.txt');
  });

  it('the policy and thanks pages it points to are rendered from the policy in force', async () => {
    const policy = await t.app.inject({ method: 'GET', url: '/policy' });
    expect(policy.statusCode).toBe(200);
    expect(policy.body).toContain('We acknowledge every report within 24 hours');
    expect(policy.body).toContain('15 minutes');
    expect(policy.body).toContain('security@example.com');
    const thanks = await t.app.inject({ method: 'GET', url: '/thanks' });
    expect(thanks.body).toContain('No one is listed yet.');
  });

  it('without an e-mail or key configured, only the form is a contact and there is no Encryption', async () => {
    const plain = await createTestApp();
    try {
      const res = await plain.app.inject({ method: 'GET', url: '/.well-known/security.txt' });
      const fields = parseSecurityTxt(res.body);
      expect(fields.get('contact')).toHaveLength(1);
      expect(fields.has('encryption')).toBe(false);
    } finally {
      await plain.close();
    }
  });
});

describe('behind https', () => {
  it('the portal cookie is Secure, HttpOnly, SameSite=Strict and scoped to /portal', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: { summary: 's', description: 'd' },
    });
    const { key, accessCode } = res.json();
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/portal/sign-in',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://security.example.com',
      },
      payload: new URLSearchParams({ key, accessCode }).toString(),
    });
    expect(signIn.statusCode).toBe(303);
    expect(String(signIn.headers['set-cookie'])).toMatch(
      /^stopline_portal=[A-Za-z0-9_-]{43}; Path=\/portal; Max-Age=1800; HttpOnly; SameSite=Strict; Secure$/,
    );
  });
});

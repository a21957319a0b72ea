// Rate limits count an IPv6 client by its /64: one subscriber usually holds a whole /64 and can
// take a new address from it for every request. Report intake, portal sign-in and staff sign-in
// all key on rateLimitKeyForAddress.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateLimitKeyForAddress } from '../src/server/db/rate-limit.ts';
import { SIGN_IN_LIMITS } from '../src/server/domain/reports/index.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { formFields, multipart, postPortalSignIn, readReceipt } from './helpers/reports.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { STOPLINE_INTAKE_RATE_LIMIT: '4' } });
});
afterAll(async () => t.close());

/** The i-th address of a /64: a different interface id every time. */
const inNetwork = (prefix: string, i: number) => `${prefix}:${(i + 1).toString(16)}::${i + 1}`;

describe('rateLimitKeyForAddress', () => {
  it('keeps IPv4 (also IPv4-mapped) as it is and names IPv6 by its /64', () => {
    expect(rateLimitKeyForAddress('192.0.2.1')).toBe('192.0.2.1');
    expect(rateLimitKeyForAddress('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(rateLimitKeyForAddress('::FFFF:c000:0201')).toBe('192.0.2.1');
    expect(rateLimitKeyForAddress('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(rateLimitKeyForAddress('2001:0DB8:0000:0000:abcd:1:2:3')).toBe('2001:db8:0:0::/64');
    expect(rateLimitKeyForAddress('2001:db8:1:2::192.0.2.1')).toBe('2001:db8:1:2::/64');
    expect(rateLimitKeyForAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(rateLimitKeyForAddress('::1')).toBe('0:0:0:0::/64');
  });
});

describe('an IPv6 client counts as its /64', () => {
  it('reports from rotating addresses in one /64 share one hourly limit; the next /64 does not', async () => {
    const send = (remoteAddress: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        remoteAddress,
        payload: { summary: 's', description: 'd' },
      });
    for (let i = 0; i < 4; i++)
      expect((await send(inNetwork('2001:db8:40:1', i))).statusCode).toBe(201);
    expect((await send('2001:db8:40:1:ffff:ffff:ffff:fffe')).statusCode).toBe(429);
    expect((await send('2001:db8:40:2::1')).statusCode).toBe(201);
  });

  it('wrong access codes from rotating addresses in one /64 are counted together', async () => {
    const attempt = (key: string, accessCode: string, remoteAddress: string) =>
      postPortalSignIn(t.app, key, accessCode, remoteAddress);
    const codes: number[] = [];
    for (let i = 0; i <= SIGN_IN_LIMITS.failuresPerAddress; i++) {
      codes.push(
        (await attempt(`RPT-${8000 + i}`, 'guess', inNetwork('2001:db8:7:7', i))).statusCode,
      );
    }
    expect(codes.slice(0, -1).every((c) => c === 401)).toBe(true);
    expect(codes.at(-1)).toBe(429);
    expect((await attempt('RPT-8999', 'guess', '2001:db8:7:8::1')).statusCode).toBe(401);
    // A right code from the same /64 still signs in.
    const { key, accessCode } = readReceipt(
      await t.app.inject({
        method: 'POST',
        url: '/report',
        remoteAddress: '2001:db8:50:1::1',
        ...multipart(formFields()),
      }),
    );
    expect((await attempt(key, accessCode, '2001:db8:7:7::abcd')).statusCode).toBe(303);
  });

  it('failed staff sign-ins from rotating addresses in one /64 are counted together', async () => {
    const signIn = (remoteAddress: string, email: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/session',
        remoteAddress,
        payload: { email, password: 'not the password at all' },
      });
    const perAddress = t.container.config.signInMaxFailures * 4;
    // Different accounts each time, so only the address limit can stop it.
    for (let i = 0; i < perAddress; i++) {
      expect(
        (await signIn(inNetwork('2001:db8:60:1', i), `nobody-${i}@example.org`)).statusCode,
      ).toBe(401);
    }
    expect((await signIn('2001:db8:60:1::ffff', 'someone@example.org')).statusCode).toBe(429);
    expect((await signIn('2001:db8:60:2::1', 'someone@example.org')).statusCode).toBe(401);
  });
});

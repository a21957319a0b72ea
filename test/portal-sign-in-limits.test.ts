// Nobody can lock a reporter out of the portal: wrong access codes count against the address that
// sent them (per report, and across reports), never against the report itself, and the right code
// always signs in. (An IPv6 client counts as its /64: ipv6-rate-limits.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../src/server/clock.ts';
import { SIGN_IN_LIMITS } from '../src/server/domain/reports/index.ts';
import { loginAs } from './helpers/auth.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { formFields, multipart, postPortalSignIn, readReceipt, signIn } from './helpers/reports.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { STOPLINE_INTAKE_RATE_LIMIT: '10000' } });
});
afterAll(async () => t.close());

async function report() {
  return readReceipt(
    await t.app.inject({ method: 'POST', url: '/report', ...multipart(formFields()) }),
  );
}

const attempt = (key: string, accessCode: string, remoteAddress: string) =>
  postPortalSignIn(t.app, key, accessCode, remoteAddress);

async function accessLog(key: string): Promise<string[]> {
  const lead = await loginAs(t, 'security_lead');
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/reports/${key}/access-log`,
    headers: lead.headers,
  });
  return res.json().entries.map((e: { action: string }) => e.action);
}

describe('portal sign-in limits', () => {
  it('wrong codes from others never lock the reporter out: their right code signs in at once', async () => {
    const { key, accessCode } = await report();
    // The key is sequential, so anyone can aim at it: many guesses from one address, and more
    // from many addresses.
    for (let i = 0; i < 8; i++) await attempt(key, `guess-${i}`, '203.0.113.66');
    for (let i = 0; i < 30; i++) await attempt(key, `guess-${i}`, `198.51.100.${i}`);
    const reporter = await attempt(key, accessCode, '192.0.2.10');
    expect(reporter.statusCode, reporter.body.slice(0, 300)).toBe(303);
    expect(reporter.headers.location).toBe('/portal');
  });

  it('five wrong codes for one report from one address slow that address down for that report, with Retry-After; its right code still works', async () => {
    const { key, accessCode } = await report();
    const ip = '203.0.113.80';
    for (let i = 0; i < SIGN_IN_LIMITS.failuresPerReportAndAddress; i++) {
      expect((await attempt(key, `guess-${i}`, ip)).statusCode).toBe(401);
    }
    const limited = await attempt(key, 'guess-again', ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^text\/html/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    // The same address on another report is not held back by this one.
    const other = await report();
    expect((await attempt(other.key, 'guess', ip)).statusCode).toBe(401);
    // A right code is never refused, even from the address that guessed.
    expect((await attempt(key, accessCode, ip)).statusCode).toBe(303);
    expect(await accessLog(key)).toEqual([
      ...Array(SIGN_IN_LIMITS.failuresPerReportAndAddress).fill('portal_sign_in_failed'),
      'portal_sign_in_rate_limited',
      'portal_sign_in',
    ]);
    // After the window the address may try again.
    t.clock.advance(16 * MINUTE);
    expect((await attempt(key, 'late guess', ip)).statusCode).toBe(401);
  });

  it('one address guessing across reports is stopped after its failures, whatever the report', async () => {
    const ip = '203.0.113.7';
    const codes: number[] = [];
    for (let i = 0; i <= SIGN_IN_LIMITS.failuresPerAddress; i++) {
      codes.push((await attempt(`RPT-${9000 + i}`, 'guess', ip)).statusCode);
    }
    expect(codes.slice(0, -1).every((c) => c === 401)).toBe(true);
    expect(codes.at(-1)).toBe(429);
  });

  it('a portal session from a right code works as before', async () => {
    const { key, accessCode } = await report();
    const visit = await signIn(t.app, key, accessCode, '2001:db8:9:9::1');
    expect(await visit.page()).toContain(`Report ${key}`);
  });
});

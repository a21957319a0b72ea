// The pure rules behind accounts: password strength, failed-sign-in counters, session expiry,
// and the role table.
import { describe, expect, it } from 'vitest';
import { DAY, MINUTE } from '../../src/server/clock.ts';
import {
  parseRoleMap,
  rolesFromClaim,
  verifiedEmail,
} from '../../src/server/domain/accounts/oidc-rules.ts';
import { passwordProblem } from '../../src/server/domain/accounts/password-rules.ts';
import {
  afterFailure,
  lockedFor,
  sessionIsLive,
  signInLimits,
  withoutAttempt,
} from '../../src/server/domain/accounts/sign-in-rules.ts';
import { ROLE_PERMISSIONS, permissionsForRoles } from '../../src/server/domain/accounts/index.ts';
import { PERMISSIONS } from '../../src/shared/domain/permissions.ts';

describe('password rules', () => {
  it.each([
    ['short', 'at least'],
    ['dana@example.org', 'email'],
    ['my dana passphrase', 'email'],
    ['qwertyuiop123', 'common'],
    ['Welcome123!!', 'common'],
    ['aaaaaaaaaaaaaaaa', 'different characters'],
    ['x'.repeat(300), 'at most'],
  ])('refuses %j (%s)', (password, why) => {
    expect(passwordProblem(password, 'dana@example.org')).toContain(why);
  });

  it('accepts a long passphrase', () => {
    expect(passwordProblem('purple otters audit the firewall', 'dana@example.org')).toBeNull();
  });
});

describe('failed sign-in counters', () => {
  const { accountAndAddress: pair, address } = signInLimits(3);
  it('hold back after the limit, one minute doubling with every further failure up to an hour', () => {
    let c = afterFailure(undefined, 0, pair);
    c = afterFailure(c, MINUTE, pair);
    expect(lockedFor(c, MINUTE)).toBe(0);
    const holds: number[] = [];
    let at = 2 * MINUTE;
    for (let i = 0; i < 9; i++) {
      c = afterFailure(c, at, pair);
      holds.push(lockedFor(c, at) / MINUTE);
      at += lockedFor(c, at);
    }
    expect(holds).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
    expect(lockedFor(c, at)).toBe(0);
  });
  it('per address across accounts: a fixed 15-minute hold', () => {
    let c: ReturnType<typeof afterFailure> | undefined;
    for (let i = 0; i < 13; i++) c = afterFailure(c, i * 1000, address);
    expect(lockedFor(c, 13_000)).toBe(15 * MINUTE - 1000);
  });
  it('start again once the window has passed', () => {
    let c = afterFailure(undefined, 0, address);
    c = afterFailure(c, MINUTE, address);
    c = afterFailure(c, 20 * MINUTE, address);
    expect(c.failures).toBe(1);
    expect(c.lockedUntil).toBeNull();
    expect(afterFailure(c, 20 * MINUTE + DAY, pair).failures).toBe(1);
  });
  it('an attempt counted in advance that was right is given back, with the hold it started', () => {
    const before = afterFailure(afterFailure(undefined, 0, pair), 1, pair);
    const reserved = afterFailure(before, 2, pair);
    expect(reserved.lockedUntil).not.toBeNull();
    expect(withoutAttempt(reserved, reserved)).toEqual({ ...before, lockedUntil: null });
  });
});

describe('sessions', () => {
  it('are live until ended, idle too long, or past their absolute expiry', () => {
    const s = { lastSeenAt: 0, expiresAt: 100 * MINUTE, endedAt: null };
    expect(sessionIsLive(s, 10 * MINUTE, 30 * MINUTE)).toBe(true);
    expect(sessionIsLive(s, 30 * MINUTE, 30 * MINUTE)).toBe(false);
    expect(sessionIsLive({ ...s, lastSeenAt: 99 * MINUTE }, 100 * MINUTE, 30 * MINUTE)).toBe(false);
    expect(sessionIsLive({ ...s, endedAt: 1 }, 1, 30 * MINUTE)).toBe(false);
  });
});

describe('role table', () => {
  it('gives admin every permission and every role its own account and tokens', () => {
    expect([...permissionsForRoles(['admin'])].sort()).toEqual([...PERMISSIONS].sort());
    for (const permissions of Object.values(ROLE_PERMISSIONS)) {
      expect(permissions).toContain('tokens.manage_own');
      expect(permissions).toContain('account.manage_own');
    }
  });
  it('keeps viewers read-only and unknown roles powerless', () => {
    // Executives follow status: they read, never change, and never see reporters' contact details.
    expect([...permissionsForRoles(['viewer'])].filter((p) => !p.endsWith('_own')).sort()).toEqual([
      'deadlines.read',
      'incidents.read',
      'learning.read',
      'line.read',
      'oncall.read',
      'policy.read',
      'reports.read',
      'status.read',
      'stream.read',
    ]);
    expect(permissionsForRoles(['overlord']).size).toBe(0);
  });
});

describe('single sign-on claim mapping', () => {
  it('maps claim values through the role map, dropping unknown ones', () => {
    const map = parseRoleMap('sec-admins=admin, oncall=responder,oncall=comms, x=overlord');
    expect(rolesFromClaim(['oncall', 'other'], map)).toEqual(['comms', 'responder']);
    expect(rolesFromClaim('sec-admins x', map)).toEqual(['admin']);
    expect(rolesFromClaim(undefined, map)).toEqual([]);
  });
  it('without a map takes claim values that are role names', () => {
    expect(rolesFromClaim(['viewer', 'legal', 'root'], parseRoleMap(undefined))).toEqual([
      'legal',
      'viewer',
    ]);
  });
  it('trusts an email only when the provider does not say it is unverified', () => {
    expect(verifiedEmail({ email: 'A@B.org' })).toBe('a@b.org');
    expect(verifiedEmail({ email: 'a@b.org', email_verified: false })).toBeNull();
    expect(verifiedEmail({})).toBeNull();
  });
});

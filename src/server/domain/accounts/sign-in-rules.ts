// Pure decisions about signing in: the failure counters that slow down password guessing, and
// whether a session or token is still good at a given time.
import { DAY, HOUR, MINUTE } from '../../clock.ts';

export interface FailureCounter {
  windowStart: number;
  failures: number;
  lockedUntil: number | null;
}

export interface FailureLimit {
  /** Failures within one window before attempts are held back. */
  maxFailures: number;
  /** A counter starts again this long after its first failure. */
  windowMs: number;
  /** The first hold; every further failure doubles it, up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
}

/**
 * Failures count per account and address (one attacker guessing at one person), never per account
 * alone, so strangers cannot lock anyone out; and per address across accounts (password spraying).
 */
export function signInLimits(maxFailures: number): {
  accountAndAddress: FailureLimit;
  address: FailureLimit;
} {
  return {
    accountAndAddress: { maxFailures, windowMs: DAY, firstDelayMs: MINUTE, maxDelayMs: HOUR },
    // An office behind one NAT address shares this counter, so it is more generous and fixed.
    address: {
      maxFailures: maxFailures * 4,
      windowMs: 15 * MINUTE,
      firstDelayMs: 15 * MINUTE,
      maxDelayMs: 15 * MINUTE,
    },
  };
}

/** How long attempts are held back after the failure that brought the count to `failures`. */
export function holdFor(failures: number, limit: FailureLimit): number {
  const doublings = Math.min(Math.max(failures - limit.maxFailures, 0), 30);
  return Math.min(limit.firstDelayMs * 2 ** doublings, limit.maxDelayMs);
}

/** Milliseconds until the counter lets another attempt through (0: go ahead). */
export function lockedFor(counter: FailureCounter | undefined, now: number): number {
  if (!counter?.lockedUntil || counter.lockedUntil <= now) return 0;
  return counter.lockedUntil - now;
}

/** The counter after one more failure; it holds attempts back once the window holds too many. */
export function afterFailure(
  counter: FailureCounter | undefined,
  now: number,
  limit: FailureLimit,
): FailureCounter {
  const fresh = !counter || now - counter.windowStart >= limit.windowMs;
  const failures = fresh ? 1 : counter.failures + 1;
  const windowStart = fresh ? now : counter.windowStart;
  const lockedUntil = failures >= limit.maxFailures ? now + holdFor(failures, limit) : null;
  return { windowStart, failures, lockedUntil };
}

/**
 * The counter without an attempt that was counted in advance (`reserved`, what counting it wrote)
 * and turned out not to be a failure; a hold that attempt started goes with it.
 */
export function withoutAttempt(counter: FailureCounter, reserved: FailureCounter): FailureCounter {
  return {
    windowStart: counter.windowStart,
    failures: Math.max(counter.failures - 1, 0),
    lockedUntil: counter.lockedUntil === reserved.lockedUntil ? null : counter.lockedUntil,
  };
}

export interface SessionTimes {
  lastSeenAt: number;
  expiresAt: number;
  endedAt: number | null;
}

export function sessionIsLive(session: SessionTimes, now: number, idleMs: number): boolean {
  return session.endedAt === null && now < session.expiresAt && now - session.lastSeenAt < idleMs;
}

export interface TokenTimes {
  expiresAt: number | null;
  revokedAt: number | null;
}

export function tokenIsLive(token: TokenTimes, now: number): boolean {
  return token.revokedAt === null && (token.expiresAt === null || now < token.expiresAt);
}

/** Whether a user is away at a time (availability is "away until" a moment). */
export function isAway(awayUntil: number | null, at: number): boolean {
  return awayUntil !== null && awayUntil > at;
}

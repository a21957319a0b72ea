// Pure decisions about signing in: the failure counters that slow down password guessing, and
// whether a session or token is still good at a given time.
import { MINUTE } from '../../clock.ts';

export interface FailureCounter {
  windowStart: number;
  failures: number;
  lockedUntil: number | null;
}

export interface FailureLimit {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

export function signInLimits(maxAccountFailures: number): {
  account: FailureLimit;
  ip: FailureLimit;
} {
  return {
    account: { maxFailures: maxAccountFailures, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE },
    // An office behind one NAT address shares this counter, so it is more generous.
    ip: { maxFailures: maxAccountFailures * 4, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE },
  };
}

/** Milliseconds until the counter lets another attempt through (0: go ahead). */
export function lockedFor(counter: FailureCounter | undefined, now: number): number {
  if (!counter?.lockedUntil || counter.lockedUntil <= now) return 0;
  return counter.lockedUntil - now;
}

/** The counter after one more failure; it locks once the window holds too many. */
export function afterFailure(
  counter: FailureCounter | undefined,
  now: number,
  limit: FailureLimit,
): FailureCounter {
  const fresh = !counter || now - counter.windowStart >= limit.windowMs;
  const failures = fresh ? 1 : counter.failures + 1;
  const windowStart = fresh ? now : counter.windowStart;
  const lockedUntil = failures >= limit.maxFailures ? now + limit.lockMs : null;
  return { windowStart, failures, lockedUntil };
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

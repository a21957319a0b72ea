// When to try a failed delivery again, and when to give up: exponential backoff from a base
// delay, capped, and a dead letter after the configured number of attempts.

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** The delay after the `attempt`-th failure (1-based): base, 2×base, 4×base, … up to the cap. */
export function retryDelay(attempt: number, policy: RetryPolicy): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
}

/** When the next attempt is due after `attempt` failed at `at`, or null: a dead letter. */
export function nextAttemptAt(attempt: number, at: number, policy: RetryPolicy): number | null {
  if (attempt >= policy.maxAttempts) return null;
  return at + retryDelay(attempt, policy);
}

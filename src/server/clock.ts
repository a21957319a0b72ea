// Time is passed in, never read from Date.now() in domain code, so tests move time instead of sleeping.

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to. Used by tests and by `tick(now)` in the scheduler. */
export class FakeClock implements Clock {
  #now: number;
  constructor(start: number | string | Date = '2026-01-01T00:00:00Z') {
    this.#now = new Date(start).getTime();
  }
  now(): number {
    return this.#now;
  }
  set(at: number | string | Date): void {
    this.#now = new Date(at).getTime();
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

// One instance at a time runs a singleton duty (housekeeping, scheduled maintenance's moves, the
// embargo release): each instance beats a heartbeat that takes or
// renews the duty's lease (db/lease.ts) and runs the duty only while the last beat held it. A
// holder that dies or hangs stops renewing; within `ttlMs` (plus one heartbeat) another instance's
// beat takes the lease over, and the old holder's next beat finds it lost.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../clock.ts';
import { claimLease, releaseLease } from '../db/lease.ts';
import type { Db } from '../db/schema.ts';

export class SingletonLease {
  readonly holder: string;
  #held = false;

  constructor(
    private readonly deps: { db: Db; clock: Clock; name: string; ttlMs: number; holder?: string },
  ) {
    this.holder = deps.holder ?? `${hostname()}/${process.pid}/${randomUUID()}`;
  }

  /** The duty's name (the lease's row). */
  get name(): string {
    return this.deps.name;
  }

  /** Whether the last beat held the lease. */
  get held(): boolean {
    return this.#held;
  }

  /** Takes or renews the lease; answers whether this instance holds it now. */
  async beat(): Promise<boolean> {
    const { db, clock, name, ttlMs } = this.deps;
    this.#held = await claimLease(db, name, this.holder, clock.now(), ttlMs);
    return this.#held;
  }

  /** Runs `duty` when a fresh beat holds the lease; answers whether it ran. */
  async runIfHeld(duty: () => Promise<void>): Promise<boolean> {
    if (!(await this.beat())) return false;
    await duty();
    return true;
  }

  /** On shutdown: another instance may take the duty at once. */
  async release(): Promise<void> {
    if (!this.#held) return;
    this.#held = false;
    await releaseLease(this.deps.db, this.deps.name, this.holder, this.deps.clock.now());
  }
}

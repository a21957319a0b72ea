// The scheduler: fires due deadlines, oldest first, then moves scheduled maintenance on the status
// page at its window's edges (on the instance holding the maintenance lease; each step recorded
// once across instances even so, see the status subject) and climbs unacknowledged pages to their next level. Durable in the database, so a restart loses
// nothing and fires everything overdue at once; several instances may run side by side, each
// row going to whoever claims it (FOR UPDATE SKIP LOCKED on PostgreSQL, compare-and-set on
// SQLite). A claim not finished within the lease (a crash) lapses and is taken over.
import type { Clock } from '../clock.ts';
import type { DeadlinesService } from '../domain/clocks/index.ts';
import type { NotificationsModule } from '../domain/notifications/index.ts';
import { newId } from '../ids.ts';
import type { Logger } from '../logger.ts';

export interface SchedulerOptions {
  deadlines: Pick<DeadlinesService, 'claimDue' | 'fireClaimed'>;
  /** The policy's schedule of exercises and reviews: each item's current period as a deadline,
   * started before the deadlines due are fired. */
  schedule?: Pick<DeadlinesService, 'planSchedule'>;
  /** The status page's scheduled maintenance: reminders and moves due at `now` (the instance
   * holding the maintenance lease runs them; the others answer 0). */
  maintenance?: { runDueMaintenance(now: number): Promise<number> };
  /** Internal briefings of the stakeholder list due on active incidents (once across instances). */
  briefings?: { runDueBriefings(now: number): Promise<number> };
  /** Pages nobody acknowledged climb here; tests of deadlines alone leave it out. */
  pages?: Pick<NotificationsModule, 'escalateDuePages'>;
  /**
   * Disclosure: embargoes whose date has come are published, by the instance holding the
   * release's lease; `waiting` when one is due and another instance holds the release: this
   * instance then fires no deadline this tick, so the disclosure date's deadline meets the
   * publication rather than being breached before the holder's tick.
   */
  embargoes?: { release(now: number): Promise<{ released: number; waiting: boolean }> };
  /** Development trackers: the state of open issues due a check is read back (once each). */
  trackers?: { pollDue(now: number): Promise<number> };
  clock: Clock;
  logger?: Logger;
  /** This instance's name in claims (default: a random id). */
  workerId?: string;
  /** How long a claim holds before another instance may take it over. */
  leaseMs?: number;
  /** Rows read per query. */
  batchSize?: number;
  /** Time between ticks of the loop. */
  intervalMs?: number;
}

export class Scheduler {
  readonly workerId: string;
  readonly #opts: SchedulerOptions;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<unknown> | null = null;
  #stopped = true;

  constructor(opts: SchedulerOptions) {
    this.#opts = opts;
    this.workerId = opts.workerId ?? `scheduler-${newId()}`;
  }

  /**
   * Publishes the embargoes whose date has come, starts the policy's schedule's current periods,
   * then fires every deadline due at `now`, in order of due time, then what scheduled maintenance
   * has due, then climbs the pages due, then sends the briefings due, then reads back the tracker
   * issues due a check; returns how many deadlines were fired, maintenances moved,
   * vulnerabilities published, briefings sent and tracker states that changed.
   */
  async tick(now: number): Promise<number> {
    // Embargoes whose date has come are released first: the publication meets the disclosure
    // deadline due at that date, so only one the release could not publish is breached.
    const embargoes = (await this.#opts.embargoes?.release(now)) ?? { released: 0, waiting: false };
    const released = embargoes.released;
    try {
      await this.#opts.schedule?.planSchedule(now);
    } catch (error) {
      this.#opts.logger?.error({ err: error }, 'starting the schedule failed');
    }
    const fired = embargoes.waiting ? 0 : await this.#fireDeadlines(now);
    const moved = (await this.#opts.maintenance?.runDueMaintenance(now)) ?? 0;
    try {
      await this.#opts.pages?.escalateDuePages(now);
    } catch (error) {
      this.#opts.logger?.error({ err: error }, 'escalating pages failed');
    }
    const briefed = (await this.#opts.briefings?.runDueBriefings(now)) ?? 0;
    let polled = 0;
    try {
      polled = (await this.#opts.trackers?.pollDue(now)) ?? 0;
    } catch (error) {
      this.#opts.logger?.error({ err: error }, 'reading tracker issues back failed');
    }
    return fired + moved + released + briefed + polled;
  }

  async #fireDeadlines(now: number): Promise<number> {
    const { deadlines } = this.#opts;
    const batch = this.#opts.batchSize ?? 200;
    const lease = this.#opts.leaseMs ?? 60_000;
    let fired = 0;
    for (;;) {
      const { found, claimed } = await deadlines.claimDue(this.workerId, now, lease, batch);
      for (const id of claimed) {
        try {
          if (await deadlines.fireClaimed(this.workerId, id, now)) fired++;
        } catch (error) {
          // The claim stays until its lease lapses; the row is tried again then.
          this.#opts.logger?.error({ err: error, deadlineId: id }, 'firing a deadline failed');
        }
      }
      // Nothing more is due, or every row left is claimed by another instance: done for now.
      if (found < batch || claimed.length === 0) return fired;
    }
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const loop = () => {
      if (this.#stopped) return;
      this.#running = this.tick(this.#opts.clock.now())
        .catch((error: unknown) =>
          this.#opts.logger?.error({ err: error }, 'scheduler tick failed'),
        )
        .finally(() => {
          this.#running = null;
          if (!this.#stopped) this.#timer = setTimeout(loop, this.#opts.intervalMs ?? 5_000);
        });
    };
    loop();
  }

  /** Stops the loop and waits for a tick in progress to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }
}

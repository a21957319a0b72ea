// The live fan-out of one instance: hears of every commit that appended events (from its own
// process on SQLite; from every instance, through LISTEN on one dedicated connection, on
// PostgreSQL), turns them into notices once, and hands each to this instance's subscribers (the
// open streams) in the order it heard them. It starts with the first subscriber.
// On PostgreSQL the same channel carries word that outbox rows were committed (OUTBOX_NOTICE):
// it wakes this instance's outbox worker (onOutboxCommitted), whichever instance committed.
// onAppended hands the bare positions of every commit heard, as soon as heard (nothing read), and
// word when some may have been missed: the status page's kept answers trust it (status-cache.ts).
import pg from 'pg';
import { liveChannel, onCommitted, parseAppendedNotice } from '../db/live-notices.ts';
import { OUTBOX_NOTICE } from '../db/outbox-notices.ts';
import type { Db } from '../db/schema.ts';
import type { LiveNotice, LiveService } from '../domain/live/index.ts';
import type { Logger } from '../logger.ts';

/** A notice, or word that notices were lost (more than could be caught up): refetch everything. */
export type FeedItem =
  | { kind: 'notice'; notice: LiveNotice }
  | { kind: 'reset'; /** The newest position, to resume from. */ position: number };
export type FeedListener = (item: FeedItem) => void;
/**
 * The positions a commit appended, as soon as this instance hears of it; null when commits may
 * have gone unheard (the LISTEN connection was lost, or is back after a loss).
 */
export type AppendedListener = (positions: number[] | null) => void;

export interface LiveFeedDeps {
  db: Db;
  live: Pick<LiveService, 'noticesAt' | 'noticesAfter' | 'latestPosition'>;
  logger: Logger;
  /** PostgreSQL: the database and schema whose channel to LISTEN on; null on SQLite. */
  postgres: { url: string; schema: string } | null;
  /** Waits before reconnecting a lost LISTEN connection: the first, doubling up to the most. */
  reconnect?: { firstMs: number; maxMs: number };
}

/** After a lost LISTEN connection: how many missed events are caught up before a reset. */
const CATCH_UP_LIMIT = 1000;

export class LiveFeed {
  readonly #deps: LiveFeedDeps;
  readonly #listeners = new Set<FeedListener>();
  readonly #outboxListeners = new Set<() => void>();
  readonly #appendedListeners = new Set<AppendedListener>();
  readonly #reconnect: { firstMs: number; maxMs: number };
  #starting: Promise<void> | null = null;
  #stopLocal: (() => void) | null = null;
  #client: pg.Client | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #retryMs: number;
  /** The newest position handed out (caught up from after a lost connection). */
  #latest = 0;
  #chain: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(deps: LiveFeedDeps) {
    this.#deps = deps;
    this.#reconnect = deps.reconnect ?? { firstMs: 250, maxMs: 30_000 };
    this.#retryMs = this.#reconnect.firstMs;
  }

  /** How many subscribers are listening (open streams on this instance). */
  get subscriberCount(): number {
    return this.#listeners.size;
  }

  /** Whether the PostgreSQL LISTEN connection is up (always true on SQLite once started). */
  get listening(): boolean {
    return this.#deps.postgres ? this.#client !== null : this.#stopLocal !== null;
  }

  /** Adds a listener; resolves once every change committed from now on will reach it. */
  async subscribe(listener: FeedListener): Promise<() => void> {
    if (this.#closed) throw new Error('the live feed is closed');
    this.#listeners.add(listener);
    try {
      await this.start();
    } catch (error) {
      this.#listeners.delete(listener);
      throw error;
    }
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Calls `wake` whenever any instance commits outbox rows; resolves once listening. PostgreSQL
   * only: on SQLite nothing crosses processes, and this process's commits reach the outbox
   * worker directly (db/outbox-notices.ts).
   */
  async onOutboxCommitted(wake: () => void): Promise<() => void> {
    if (!this.#deps.postgres) return () => {};
    if (this.#closed) throw new Error('the live feed is closed');
    this.#outboxListeners.add(wake);
    try {
      await this.start();
    } catch (error) {
      this.#outboxListeners.delete(wake);
      throw error;
    }
    return () => {
      this.#outboxListeners.delete(wake);
    };
  }

  /**
   * Calls `heard` with the positions of every commit heard of (this process's own at once, after
   * their commit, on both databases; on PostgreSQL every instance's too, by NOTIFY), before
   * anything is read; with null when some may have been missed. Resolves once listening: from
   * then on, while `listening`, no commit of this process or (PostgreSQL) of any instance goes
   * unheard.
   */
  async onAppended(heard: AppendedListener): Promise<() => void> {
    if (this.#closed) throw new Error('the live feed is closed');
    this.#appendedListeners.add(heard);
    // On SQLite #begin hears this process's commits for everyone; on PostgreSQL NOTIFY reaches
    // the LISTEN connection a moment after the commit, so this process's own are heard here too.
    const stopLocal = this.#deps.postgres
      ? onCommitted(this.#deps.db, (n) => heard(n.positions))
      : null;
    const stop = () => {
      stopLocal?.();
      this.#appendedListeners.delete(heard);
    };
    try {
      await this.start();
    } catch (error) {
      stop();
      throw error;
    }
    return stop;
  }

  start(): Promise<void> {
    this.#starting ??= this.#begin().catch((error: unknown) => {
      this.#starting = null; // the next subscriber tries again
      throw error;
    });
    return this.#starting;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    this.#outboxListeners.clear();
    this.#appendedListeners.clear();
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#stopLocal?.();
    this.#stopLocal = null;
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
    await this.#chain;
  }

  async #begin(): Promise<void> {
    if (this.#deps.postgres) await this.#listen();
    else
      this.#stopLocal = onCommitted(this.#deps.db, (n) => {
        this.#heard(n.positions);
        this.#enqueue(n.positions);
      });
    // Read after listening starts: nothing committed in between is lost.
    this.#latest = Math.max(this.#latest, await this.#deps.live.latestPosition());
  }

  async #listen(): Promise<void> {
    const { url, schema } = this.#deps.postgres!;
    const channel = liveChannel(schema);
    const client = new pg.Client({ connectionString: url, application_name: 'stopline-live' });
    let lost = false;
    const onLost = (error: Error | null) => {
      if (lost) return;
      lost = true;
      void client.end().catch(() => {});
      if (this.#client === client) this.#client = null;
      if (this.#closed) return;
      this.#heard(null);
      this.#deps.logger.warn(
        { err: error ? { message: error.message } : undefined, retryInMs: this.#retryMs },
        'live updates: the PostgreSQL LISTEN connection was lost; reconnecting',
      );
      this.#scheduleReconnect();
    };
    client.on('notification', (message) => {
      if (message.channel !== channel || !message.payload) return;
      if (message.payload === OUTBOX_NOTICE) {
        this.#wakeOutbox();
        return;
      }
      const notice = parseAppendedNotice(message.payload);
      if (!notice) return;
      this.#heard(notice.positions);
      this.#enqueue(notice.positions);
    });
    client.on('error', onLost);
    client.on('end', () => onLost(null));
    try {
      await client.connect();
      // The channel is made of [a-z0-9_] only (see liveChannel).
      await client.query(`LISTEN "${channel}"`);
    } catch (error) {
      lost = true;
      await client.end().catch(() => {});
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
  }

  #scheduleReconnect(): void {
    const wait = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, this.#reconnect.maxMs);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#closed) return;
      this.#listen().then(
        () => {
          this.#retryMs = this.#reconnect.firstMs;
          this.#deps.logger.info('live updates: listening again');
          this.#heard(null);
          // Outbox rows committed while the connection was down would wait for the poll.
          this.#wakeOutbox();
          this.#catchUp();
        },
        (error: unknown) => {
          this.#deps.logger.warn(
            { err: { message: (error as Error).message }, retryInMs: this.#retryMs },
            'live updates: reconnecting to PostgreSQL failed',
          );
          this.#scheduleReconnect();
        },
      );
    }, wait);
    this.#retryTimer.unref();
  }

  /** After a lost connection: what was committed meanwhile, or a reset when that is too much. */
  #catchUp(): void {
    this.#run(async () => {
      const missed = await this.#deps.live.noticesAfter(this.#latest, CATCH_UP_LIMIT);
      if (!missed.complete) {
        this.#latest = missed.latest;
        this.#emit({ kind: 'reset', position: missed.latest });
        return;
      }
      this.#emitNotices(missed.notices);
    });
  }

  #enqueue(positions: number[]): void {
    this.#run(async () => {
      // With no open stream (only the outbox worker listening) nothing needs reading.
      if (this.#listeners.size === 0) {
        this.#latest = Math.max(this.#latest, ...positions);
        return;
      }
      this.#emitNotices(await this.#deps.live.noticesAt(positions));
    });
  }

  #heard(positions: number[] | null): void {
    for (const heard of this.#appendedListeners) {
      try {
        heard(positions);
      } catch (error) {
        this.#deps.logger.error({ err: error }, 'live updates: a commit listener failed');
      }
    }
  }

  #wakeOutbox(): void {
    for (const wake of this.#outboxListeners) {
      try {
        wake();
      } catch (error) {
        this.#deps.logger.error({ err: error }, 'outbox: waking the worker failed');
      }
    }
  }

  /** One batch at a time, so notices leave in the order their commits were heard. */
  #run(work: () => Promise<void>): void {
    this.#chain = this.#chain.then(work).catch((error: unknown) => {
      this.#deps.logger.error({ err: error }, 'live updates: reading committed events failed');
    });
  }

  #emitNotices(notices: LiveNotice[]): void {
    for (const notice of notices) {
      this.#latest = Math.max(this.#latest, notice.position);
      this.#emit({ kind: 'notice', notice });
    }
  }

  #emit(item: FeedItem): void {
    for (const listener of this.#listeners) {
      try {
        listener(item);
      } catch (error) {
        this.#deps.logger.error({ err: error }, 'live updates: a subscriber failed');
      }
    }
  }
}

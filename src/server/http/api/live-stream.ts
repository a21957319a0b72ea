// One open live stream: the notices its caller may hear, in order, with the caller's session or
// token re-checked whenever the last check is older than the heartbeat; a caller who is signed
// out, disabled or expired gets a `closed` message and the stream ends.
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { SSEMessage } from '@fastify/sse';
import { STREAM_EVENTS, type StreamClosed } from '../../../shared/api/stream.ts';
import type { Clock } from '../../clock.ts';
import { can, type Actor } from '../../domain/actor.ts';
import { mayHear } from '../../domain/live/index.ts';
import type { FeedItem } from '../../workers/live-feed.ts';

/** Messages waiting for one slow client before its stream is dropped (it reconnects and replays). */
const MAX_PENDING = 1000;

export interface LiveStreamDeps {
  reply: FastifyReply;
  actor: Actor;
  /** The caller as they are now, or null when their credentials no longer hold. */
  recheck: () => Promise<Actor | null>;
  clock: Clock;
  recheckEveryMs: number;
  log: FastifyBaseLogger;
}

export class LiveStream {
  readonly #deps: LiveStreamDeps;
  #actor: Actor;
  #checkedAt: number;
  #queue: Promise<void> = Promise.resolve();
  #pending = 0;
  #ended = false;

  constructor(deps: LiveStreamDeps) {
    this.#deps = deps;
    this.#actor = deps.actor;
    this.#checkedAt = deps.clock.now();
  }

  get open(): boolean {
    return !this.#ended && this.#deps.reply.sse.isConnected;
  }

  /** Sends a message now, ahead of the queue (the first `ready`). */
  send(message: SSEMessage): Promise<void> {
    return this.#write(message);
  }

  /** Queues a feed item: sent if the caller may hear it, after what was queued before. */
  push(item: FeedItem): void {
    this.#enqueue(() => this.#deliver(item));
  }

  /** Queues a re-check of the caller's credentials (the periodic one, every heartbeat). */
  recheckSoon(): void {
    this.#enqueue(async () => {
      await this.#recheck();
    });
  }

  /**
   * Says why and ends the stream (idempotent). It does not wait for a slow client to read:
   * the last message goes out with the end of the response, or not at all.
   */
  end(reason: StreamClosed['reason']): void {
    if (this.#ended) return;
    this.#ended = true;
    const sse = this.#deps.reply.sse;
    if (!sse.isConnected) return;
    sse.send({ event: STREAM_EVENTS.closed, data: { reason } }).catch(() => {});
    sse.close();
  }

  #enqueue(work: () => Promise<void>): void {
    // A client that stops reading must not make the server hold its notices without end.
    if (this.#ended) return;
    if (++this.#pending > MAX_PENDING) {
      this.#deps.log.warn('live stream: the client is not reading; closing the stream');
      this.#ended = true;
      this.#deps.reply.sse.close();
      return;
    }
    this.#queue = this.#queue
      .then(work)
      .catch((error: unknown) => {
        this.#deps.log.warn({ err: error }, 'live stream: sending failed');
      })
      .finally(() => this.#pending--);
  }

  async #deliver(item: FeedItem): Promise<void> {
    if (!this.open) return;
    if (this.#deps.clock.now() - this.#checkedAt >= this.#deps.recheckEveryMs) {
      if (!(await this.#recheck())) return;
    }
    if (item.kind === 'reset') {
      await this.#write({
        id: String(item.position),
        event: STREAM_EVENTS.reset,
        data: { reason: 'too_many_missed' },
      });
      return;
    }
    if (!mayHear(this.#actor, item.notice.audience)) return;
    await this.#write({
      id: String(item.notice.position),
      event: STREAM_EVENTS.change,
      data: item.notice.notice,
    });
  }

  async #recheck(): Promise<boolean> {
    if (!this.open) return false;
    let actor: Actor | null;
    try {
      actor = await this.#deps.recheck();
    } catch (error) {
      // The database is unreachable: keep the stream; the next check decides.
      this.#deps.log.warn({ err: error }, 'live stream: re-checking the caller failed');
      return true;
    }
    if (!actor || !can(actor, 'stream.read')) {
      this.end('signed_out');
      return false;
    }
    this.#actor = actor;
    this.#checkedAt = this.#deps.clock.now();
    return true;
  }

  async #write(message: SSEMessage): Promise<void> {
    if (this.#ended || !this.#deps.reply.sse.isConnected) return;
    await this.#deps.reply.sse.send(message);
  }
}

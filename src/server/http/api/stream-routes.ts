// GET /api/v1/stream: live updates for the staff console as Server-Sent Events (docs/live.md).
// A stream subscribes to this instance's live feed, replays what a reconnecting browser missed
// (Last-Event-ID), keeps the connection warm with heartbeat comments, re-checks its caller every
// heartbeat, and is ended with a `closed` message when the caller signs out or the server stops.
// One session or token holds at most STOPLINE_STREAM_MAX_PER_CALLER streams on this instance.
import sseModule, { type SSEPluginOptions } from '@fastify/sse';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rateLimitedResponse } from '../../../shared/api/problems.ts';
import { LastEventId, STREAM_EVENTS, StreamNotice } from '../../../shared/api/stream.ts';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { AccountsModule } from '../../domain/accounts/index.ts';
import type { LiveModule } from '../../domain/live/index.ts';
import { AppError } from '../../errors.ts';
import type { FeedItem, LiveFeed } from '../../workers/live-feed.ts';
import { credentialKey, recheckerFor } from '../plugins/auth-plugin.ts';
import { actorOf } from './incident-commands.ts';
import { LiveStream } from './live-stream.ts';

// The package is CommonJS: imported from ESM its default is module.exports, the plugin wrapped
// so that it sees this file's routes (its typings describe the unwrapped one).
const sse = sseModule as unknown as FastifyPluginAsync<SSEPluginOptions>;

/** How many missed events a reconnecting client is sent; beyond that it gets a `reset`. */
export const REPLAY_LIMIT = 1000;
/** How long a browser waits before reconnecting (the SSE `retry:` field). */
const RETRY_MS = 3000;

const DESCRIPTION = `Server-Sent Events. Messages:
- \`ready\` (first): subscribed; \`data\` {"heartbeatSeconds": n}; sets \`retry\`.
- \`change\`: something you may see changed; \`id\` is its position in the event log, \`data\` the notice below. Refetch what you show through the normal API.
- \`reset\`: more changes were missed than can be replayed; refetch everything.
- \`closed\`: the server ends the stream; \`data\` {"reason": "signed_out" | "shutting_down"}.
A comment line (\`: heartbeat\`) comes every heartbeat. Send the last \`id\` back as \`Last-Event-ID\` (browsers do this when they reconnect) to be sent the changes missed meanwhile (at most ${REPLAY_LIMIT}).
One session or API token holds at most STOPLINE_STREAM_MAX_PER_CALLER streams open (per instance); one more is a 429 problem with \`limit\` "streams_per_caller".`;

export interface StreamOptions {
  /** Re-checks the caller every heartbeat. */
  accounts: Pick<AccountsModule, 'sessions'>;
  /** Replays what a reconnecting browser missed. */
  live: Pick<LiveModule, 'noticesAfter'>;
  /** This instance's fan-out of committed changes. */
  liveFeed: Pick<LiveFeed, 'subscribe'>;
  clock: Clock;
  config: Pick<Config, 'streamHeartbeatSeconds' | 'streamMaxPerCaller'>;
}

export async function streamRoutes(app: FastifyInstance, opts: StreamOptions) {
  const { clock, config, liveFeed, accounts } = opts;
  const notices = opts.live;
  const heartbeatMs = config.streamHeartbeatSeconds * 1000;
  await app.register(sse, { heartbeatInterval: heartbeatMs });
  const open = new Set<LiveStream>();
  // Open streams per session or token, counted on this instance (each instance holds its own
  // connections, and the memory they take).
  const maxPerCaller = config.streamMaxPerCaller;
  const perCaller = new Map<string, number>();
  /** Takes a slot for the caller's credential; answers the function that gives it back, once. */
  function takeSlot(key: string): () => void {
    const held = perCaller.get(key) ?? 0;
    if (held >= maxPerCaller)
      throw new AppError(
        'RATE_LIMITED',
        `This session or token already has ${maxPerCaller} live streams open (STOPLINE_STREAM_MAX_PER_CALLER); close one first`,
        { limit: 'streams_per_caller', max: maxPerCaller, retryAfterSeconds: RETRY_MS / 1000 },
      );
    perCaller.set(key, held + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (perCaller.get(key) ?? 1) - 1;
      if (left > 0) perCaller.set(key, left);
      else perCaller.delete(key);
    };
  }

  // One timer re-checks every open stream's caller (a stream with no news still ends on time).
  const recheckTimer = setInterval(() => {
    for (const stream of open) stream.recheckSoon();
  }, heartbeatMs);
  recheckTimer.unref();
  // Before the server stops accepting: open streams would otherwise hold the close forever.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    clearInterval(recheckTimer);
    for (const stream of open) stream.end('shutting_down');
  });

  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/api/v1/stream',
    {
      sse: { kind: 'manual' },
      config: { permission: 'stream.read' },
      schema: {
        summary: 'Live updates: notices of what changed, as Server-Sent Events',
        description: DESCRIPTION,
        tags: ['live'],
        headers: z.looseObject({ 'last-event-id': LastEventId.optional() }),
        response: {
          200: {
            description: 'An event stream; each `change` message carries one notice',
            content: { 'text/event-stream': { schema: StreamNotice } },
          },
          429: rateLimitedResponse(
            'This session or token already holds STOPLINE_STREAM_MAX_PER_CALLER streams on this instance (`limit`: "streams_per_caller")',
          ),
        },
      },
    },
    async (request, reply) => {
      const lastEventId = request.headers['last-event-id'];
      const releaseSlot = takeSlot(credentialKey(request) ?? `user:${actorOf(request).userId}`);
      // Subscribe before replaying, holding live notices back until the replay is sent: a change
      // committed meanwhile is sent (perhaps twice, which is harmless), never lost.
      const heldBack: FeedItem[] = [];
      let stream: LiveStream | null = null;
      let unsubscribe: () => void;
      try {
        unsubscribe = await liveFeed.subscribe((item) =>
          stream ? stream.push(item) : heldBack.push(item),
        );
      } catch (error) {
        releaseSlot();
        request.log.error({ err: error }, 'live updates: subscribing failed');
        throw new AppError('UNAVAILABLE', 'Live updates are not available right now', {
          retryAfterSeconds: RETRY_MS / 1000,
        });
      }
      const live = new LiveStream({
        reply,
        actor: actorOf(request),
        recheck: recheckerFor(request, accounts),
        clock,
        recheckEveryMs: heartbeatMs,
        log: request.log,
      });
      const cleanUp = () => {
        unsubscribe();
        open.delete(live);
        releaseSlot();
      };
      reply.sse.onClose(cleanUp);
      if (!reply.sse.isConnected) return cleanUp(); // the client left while subscribing
      open.add(live);
      if (closing) return live.end('shutting_down'); // arrived as the server began to stop
      reply.sse.keepAlive();
      reply.header('cache-control', 'no-store');
      await live.send({
        event: STREAM_EVENTS.ready,
        data: { heartbeatSeconds: config.streamHeartbeatSeconds },
        retry: RETRY_MS,
      });

      const replayed = new Set<number>();
      if (lastEventId !== undefined) {
        try {
          const missed = await notices.noticesAfter(Number(lastEventId), REPLAY_LIMIT);
          if (!missed.complete) live.push({ kind: 'reset', position: missed.latest });
          for (const notice of missed.notices) {
            replayed.add(notice.position);
            live.push({ kind: 'notice', notice });
          }
        } catch (error) {
          // Without the replay the client must refetch what it shows.
          request.log.error({ err: error }, 'live updates: replaying missed notices failed');
          live.push({ kind: 'reset', position: Number(lastEventId) });
        }
      }
      stream = live;
      for (const item of heldBack) {
        if (item.kind === 'notice' && replayed.has(item.notice.position)) continue;
        live.push(item);
      }
    },
  );
}

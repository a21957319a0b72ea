// The status page's answers (HTML and /api/v2 JSON) kept in memory, by URL, while nothing new is
// recorded. Every change to the page is an event, so an answer built at an older position of the
// event log is built again.
//
// When is the position read? The live feed (workers/live-feed.ts, onAppended) tells this instance
// of every commit: its own at once (both databases), every other instance's by NOTIFY
// (PostgreSQL). While the feed is listening, nothing was heard since the last read, that read is
// younger than RECHECK_MS and the day is the same, the kept answers stand without asking the
// database. Otherwise (a commit heard, the feed down or not yet up, RECHECK_MS passed, a new day)
// the position is read first, as for every request before: requests that arrive while a read is
// running share the next one (started after they arrived, so none of them is answered from before
// a change it could have seen). RECHECK_MS bounds how long a change the feed did not carry (another
// process on the same SQLite file) stays unseen.
//
// Kept with the bytes: their ETag (hashed once, when made) and, once the ordinary route has sent
// them, the exact headers it sent (the security headers, CSP, caching, CORS), as the flat list
// Node writes fastest. The fast path (`answerKept`) answers a GET for a kept URL from those alone,
// before Fastify: no routing, hooks, session lookup or hashing per request.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface StatusAnswer {
  body: string;
  contentType: string;
}

export interface KeptAnswer {
  body: Buffer;
  contentType: string;
  /** Strong ETag over `body`. */
  etag: string;
  /**
   * The headers the route sent with these bytes (no request id, length or cookie), as flat lists
   * of names and values, for a 200 and for a 304 (no content type); null until then.
   */
  headers: { ok: string[]; notModified: string[] } | null;
}

/** How long the kept answers stand on the live feed's word alone before the position is read. */
export const RECHECK_MS = 250;
/** After the feed failed to start: how long every request reads before it is tried again. */
const FEED_RETRY_MS = 5_000;

/** What the kept answers depend on (the app passes the status service, the feed and the clock). */
export interface StatusCacheDeps {
  /** The event log's newest position, with anything else every answer depends on. */
  version: () => Promise<string>;
  /** Cheap, read for each request: a change of it (the UTC day: the 90-day bars) reads again. */
  period: () => string;
  now: () => number;
  /** This instance's live feed; null: the position is read for every request. */
  feed: {
    readonly listening: boolean;
    onAppended(heard: (positions: number[] | null) => void): Promise<() => void>;
  } | null;
}

/** The strong ETag of a public answer: SHA-256 over its exact bytes. */
export function etagOf(bytes: string | Buffer): string {
  return `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 32)}"`;
}

/** Whether `If-None-Match` names the ETag (or `*`). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}

/** Headers that belong to one response, not to the bytes: never kept, never replayed. */
const PER_RESPONSE = new Set([
  'x-request-id',
  'content-length',
  'date',
  'connection',
  'keep-alive',
]);

/**
 * Reads the position once for every caller that arrives while no read is running; a caller that
 * arrives during a read waits for the next one (started after it arrived), shared with the others.
 */
function sharedReads<T>(read: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  let next: Promise<T> | null = null;
  const fresh = (): Promise<T> => {
    if (!running) {
      running = read().finally(() => {
        running = null;
      });
      return running;
    }
    next ??= running
      .catch(() => undefined)
      .then(() => {
        next = null;
        return fresh();
      });
    return next;
  };
  return fresh;
}

export function createStatusCache(deps: StatusCacheDeps) {
  const { now, period, feed } = deps;
  let at = '';
  const answers = new Map<string, KeptAnswer>();
  let open = true;
  /** Commits (or gaps) heard from the feed so far; `cleanAt`: how many when the last read began. */
  let heard = 0;
  let cleanAt = -1;
  let checkedAt = 0;
  let checkedPeriod = '';
  let stopHearing: (() => void) | null = null;
  let hearing = false;
  let retryAt = 0;

  /**
   * Subscribes to the feed (on the first request); until it listens, every request reads. If it
   * cannot start, every request reads, and the next request after FEED_RETRY_MS tries again.
   */
  function hear(): void {
    if (!feed || hearing || !open || now() < retryAt) return;
    hearing = true;
    feed
      .onAppended(() => {
        heard += 1;
      })
      .then(
        (stop) => {
          if (open) stopHearing = stop;
          else stop();
        },
        () => {
          hearing = false;
          retryAt = now() + FEED_RETRY_MS;
        },
      );
  }

  const position = sharedReads(async () => {
    // What holds when the read begins; only that may be trusted once it has answered.
    const listening = stopHearing !== null && feed!.listening;
    const began = { heard, at: now(), period: period(), listening };
    const version = await deps.version();
    return { version, began };
  });

  /** Whether the kept answers stand without reading the position (see the top of this file). */
  function trusted(): boolean {
    return (
      stopHearing !== null &&
      cleanAt === heard &&
      feed!.listening &&
      now() - checkedAt < RECHECK_MS &&
      period() === checkedPeriod
    );
  }

  async function current(): Promise<string> {
    hear();
    if (trusted()) return at;
    const { version, began } = await position();
    if (version !== at) {
      answers.clear();
      at = version;
    }
    // Only a read that began while listening, with nothing heard since, vouches for the feed.
    if (began.listening && began.heard === heard && began.at >= checkedAt) {
      cleanAt = began.heard;
      checkedAt = began.at;
      checkedPeriod = began.period;
    }
    return version;
  }

  function send(request: IncomingMessage, response: ServerResponse, kept: KeptAnswer, id: string) {
    const flat = kept.headers!;
    if (etagMatches(request.headers['if-none-match'], kept.etag)) {
      response.writeHead(304, [...flat.notModified, 'x-request-id', id]);
      response.end();
    } else {
      response.writeHead(200, [
        ...flat.ok,
        'x-request-id',
        id,
        'content-length',
        String(kept.body.length),
      ]);
      response.end(kept.body);
    }
  }

  return {
    /** The kept answer for `key`, made (and kept) when there is none at the newest position. */
    async answer(key: string, make: () => Promise<StatusAnswer>): Promise<KeptAnswer> {
      const now = await current();
      const kept = answers.get(key);
      if (kept) return kept;
      const made = await make();
      const body = Buffer.from(made.body);
      const answer: KeptAnswer = {
        body,
        contentType: made.contentType,
        etag: etagOf(body),
        headers: null,
      };
      // Built from what was there at `now` or later: kept under `now`, replaced once it moves.
      if (at === now) answers.set(key, answer);
      return answer;
    },

    /**
     * After the route answered `key` with 200: the headers it sent, kept with the bytes whose ETag
     * they carry (not if those were replaced meanwhile, nor if the answer set a cookie).
     */
    keepHeaders(
      key: string,
      headers: Record<string, string | number | string[] | undefined>,
    ): void {
      const kept = answers.get(key);
      if (!kept || kept.headers || headers.etag !== kept.etag || 'set-cookie' in headers) return;
      const entries = Object.entries(headers).filter(
        (entry): entry is [string, string | number | string[]] =>
          entry[1] !== undefined && !PER_RESPONSE.has(entry[0].toLowerCase()),
      );
      const flat = (list: typeof entries) =>
        list.flatMap(([name, value]) =>
          Array.isArray(value) ? value.flatMap((v) => [name, v]) : [name, String(value)],
        );
      kept.headers = {
        ok: flat(entries),
        notModified: flat(entries.filter(([name]) => name.toLowerCase() !== 'content-type')),
      };
    },

    /** Stops the fast path (the server is closing: Fastify answers 503 from now on). */
    close(): void {
      open = false;
      stopHearing?.();
      stopHearing = null;
    },

    /**
     * The fast path: answers a GET of exactly a kept URL (200 with the kept headers, or 304) and
     * says true; says false, having written nothing, when the ordinary route must answer. At once
     * while the kept answers stand (see `trusted`); after reading the position otherwise.
     */
    answerKept(
      request: IncomingMessage,
      response: ServerResponse,
      url: string,
      requestId: string,
    ): boolean | Promise<boolean> {
      if (!open) return false;
      if (trusted()) {
        const kept = answers.get(url);
        if (!kept?.headers) return false;
        send(request, response, kept, requestId);
        return true;
      }
      return current().then(
        () => {
          const kept = answers.get(url);
          if (!open || !kept?.headers) return false;
          send(request, response, kept, requestId);
          return true;
        },
        () => false, // the route answers, and reports the error as it does
      );
    },
  };
}

export type StatusCache = ReturnType<typeof createStatusCache>;

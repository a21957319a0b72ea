// The status page's answers (HTML and /api/v2 JSON) kept in memory, by URL, while nothing new is
// recorded. Each request reads the newest position of the event log, and an answer built at
// another position is built again: every change to the page is an event, so a change recorded by
// any instance is in the next answer of every instance.
//
// Kept with the bytes: their ETag (hashed once, when made) and, once the ordinary route has sent
// them, the exact headers it sent (the security headers, CSP, caching, CORS). The fast path
// (`answerKept`) answers a GET for a kept URL from those alone, before Fastify: no routing, hooks,
// session lookup or hashing per request. The position is still read for every request, but
// requests that arrive while a read is running share the next one (which starts after they
// arrived, so none of them is answered from before a change it could have seen).
import { createHash } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

export interface StatusAnswer {
  body: string;
  contentType: string;
}

export interface KeptAnswer {
  body: Buffer;
  contentType: string;
  /** Strong ETag over `body`. */
  etag: string;
  /** The headers the route sent with these bytes (no request id, length or cookie); null until then. */
  headers: OutgoingHttpHeaders | null;
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

export function createStatusCache(version: () => Promise<string>) {
  const position = sharedReads(version);
  let at = '';
  const answers = new Map<string, KeptAnswer>();
  let open = true;

  async function current(): Promise<string> {
    const now = await position();
    if (now !== at) {
      answers.clear();
      at = now;
    }
    return now;
  }

  return {
    /** The kept answer for `key`, made (and kept) when there is none at the newest position. */
    async answer(key: string, make: () => Promise<StatusAnswer>): Promise<KeptAnswer> {
      const now = await current();
      const kept = answers.get(key);
      if (kept) return kept;
      const made = await make();
      const body = Buffer.from(made.body);
      const answer = { body, contentType: made.contentType, etag: etagOf(body), headers: null };
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
      kept.headers = Object.fromEntries(
        Object.entries(headers).filter(
          ([name, value]) => value !== undefined && !PER_RESPONSE.has(name.toLowerCase()),
        ),
      );
    },

    /** Stops the fast path (the server is closing: Fastify answers 503 from now on). */
    close(): void {
      open = false;
    },

    /**
     * The fast path: answers a GET of exactly a kept URL (200 with the kept headers, or 304) and
     * resolves true; resolves false, having written nothing, when the ordinary route must answer.
     */
    async answerKept(
      request: IncomingMessage,
      response: ServerResponse,
      url: string,
      requestId: string,
    ): Promise<boolean> {
      if (!open) return false;
      try {
        await current();
      } catch {
        return false; // the route answers, and reports the error as it does
      }
      const kept = answers.get(url);
      if (!open || !kept?.headers) return false;
      const headers: OutgoingHttpHeaders = { ...kept.headers, 'x-request-id': requestId };
      if (etagMatches(request.headers['if-none-match'], kept.etag)) {
        delete headers['content-type'];
        response.writeHead(304, headers);
        response.end();
      } else {
        headers['content-length'] = kept.body.length;
        response.writeHead(200, headers);
        response.end(kept.body);
      }
      return true;
    },
  };
}

export type StatusCache = ReturnType<typeof createStatusCache>;

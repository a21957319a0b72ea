// Outgoing HTTP POSTs (webhooks, Slack, chat) through node:http(s), so that each connection goes
// to an address outbound-address.ts checked: a custom DNS lookup hands the socket the checked
// addresses (no second DNS answer between check and connect), IP literals are checked before
// connecting, and every redirect target is checked again. The receiver's reply body is drained
// unread: a failure is told by its status code or error class only, never by what the receiver
// wrote back, and never with the URL (it may carry credentials). A containment hook's call
// (`call`) is the one exception: its answer is recorded on the incident, so the first bytes of the
// reply are kept (bounded), to be shown as text.
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import {
  ipLiteral,
  OutboundRefused,
  resolveChecked,
  resolveWithDns,
  type AllowList,
  type Resolve,
} from './outbound-address.ts';

export interface HttpPoster {
  /** POSTs `body` as JSON; throws on a non-2xx answer, a refused address or a network failure,
   * with a message that is safe to store and log. */
  post(url: string, body: string, headers?: Record<string, string>): Promise<void>;
  /** Sends `body` (JSON unless `headers` say otherwise) with `method` and answers the status and the reply's first
   * `excerptBytes` bytes as text, whatever the status; throws on a refused address, a network
   * failure or a timeout, as post does. */
  call(
    url: string,
    request: { method: string; body: string | Buffer; headers?: Record<string, string> },
    excerptBytes: number,
  ): Promise<{ status: number; excerpt: string }>;
  /** Closes kept-alive connections. */
  close(): void;
}

/** A failed attempt, described without the receiver's words. */
export class DeliveryFailed extends Error {
  override name = 'DeliveryFailed';
}

export interface HttpPosterOptions {
  /** Ranges that may be reached although they are not public (STOPLINE_OUTBOUND_ALLOW). */
  allow: AllowList;
  timeoutMs?: number;
  maxRedirects?: number;
  resolve?: Resolve;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Reply bytes drained before the connection is dropped instead. */
const DRAIN_LIMIT = 64 * 1024;

/** Reads the reply, keeping its first `keep` bytes, and forgets the rest, so a kept-alive
 * connection can be reused; resolves with what was kept once the reply ended (or was cut). */
function discard(response: http.IncomingMessage, keep = 0): Promise<Buffer> {
  let seen = 0;
  const kept: Buffer[] = [];
  return new Promise((settle) => {
    response.on('data', (chunk: Buffer) => {
      if (seen < keep) kept.push(chunk.subarray(0, keep - seen));
      seen += chunk.length;
      if (seen > DRAIN_LIMIT) {
        response.destroy();
        settle(Buffer.concat(kept));
      }
    });
    response.on('end', () => settle(Buffer.concat(kept)));
    response.on('close', () => settle(Buffer.concat(kept)));
    response.on('error', () => settle(Buffer.concat(kept)));
  });
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'),
  );
}

export function describeFailure(error: unknown, timeoutMs: number): Error {
  if (error instanceof OutboundRefused || error instanceof DeliveryFailed) return error;
  const e = error as Partial<NodeJS.ErrnoException> | null;
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') {
    return new DeliveryFailed(`no answer within ${timeoutMs / 1000} s`);
  }
  if (typeof e?.code === 'string') return new DeliveryFailed(`network error ${e.code}`);
  return new DeliveryFailed(`request failed (${e?.name ?? 'unknown error'})`);
}

/** A socket lookup that hands Node only addresses outbound-address.ts checked: Node calls it for
 * host names (not IP literals) when it opens a socket, and connects to what it returns. */
export function checkedLookup(allow: AllowList, resolve: Resolve): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    resolveChecked(hostname, allow, resolve).then(
      (addresses) => {
        const family = lookupOptions.family;
        const wanted =
          family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
        const first = wanted[0];
        if (!first) {
          const missing = Object.assign(new Error(`no IPv${family} address`), {
            code: 'ENOTFOUND',
          });
          callback(missing, '', 0);
        } else if (lookupOptions.all) callback(null, wanted);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

export function createHttpPoster(options: HttpPosterOptions): HttpPoster {
  const { allow } = options;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxRedirects = options.maxRedirects ?? 3;
  const resolve = options.resolve ?? resolveWithDns;
  const agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true }),
  };

  const lookup = checkedLookup(allow, resolve);

  function send(
    target: URL,
    method: string,
    body: string | Buffer,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<http.IncomingMessage> {
    const protocol = target.protocol === 'https:' ? 'https:' : 'http:';
    const client = protocol === 'https:' ? https : http;
    return new Promise((settle, fail) => {
      const request = client.request(
        target,
        {
          method,
          agent: agents[protocol],
          lookup,
          signal,
          headers: {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            'user-agent': 'Stopline-Webhooks/1',
            ...headers,
          },
        },
        settle,
      );
      request.on('error', fail);
      request.end(body);
    });
  }

  /** One request, following redirects (each target checked); answers the last status. */
  async function exchange(
    url: string,
    method: string,
    body: string | Buffer,
    headers: Record<string, string>,
    keep: number,
  ): Promise<{ status: number; kept: Buffer }> {
    const signal = AbortSignal.timeout(timeoutMs);
    let target = new URL(url);
    let sent = headers;
    try {
      for (let hop = 0; ; hop++) {
        if (target.protocol !== 'http:' && target.protocol !== 'https:') {
          throw new DeliveryFailed('redirected to a URL that is not http or https');
        }
        let response: http.IncomingMessage;
        try {
          const literal = ipLiteral(target.hostname);
          if (literal) await resolveChecked(literal, allow, resolve);
          response = await send(target, method, body, sent, signal);
        } catch (error) {
          if (hop > 0 && error instanceof OutboundRefused) {
            throw new DeliveryFailed(`redirect refused: ${error.message}`);
          }
          throw error;
        }
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        const reading = discard(response, keep);
        if (!REDIRECTS.has(status) || !location) {
          return { status, kept: keep > 0 ? await reading : Buffer.alloc(0) };
        }
        if (hop >= maxRedirects) {
          throw new DeliveryFailed(`HTTP ${status}: more than ${maxRedirects} redirects`);
        }
        let next: URL;
        try {
          next = new URL(location, target);
        } catch {
          throw new DeliveryFailed(`HTTP ${status} with a Location that is not a URL`);
        }
        // Credentials given for one receiver (a bearer token, Basic auth) stay with it.
        if (next.origin !== target.origin) sent = withoutAuthorization(sent);
        target = next;
      }
    } catch (error) {
      throw describeFailure(error, timeoutMs);
    }
  }

  return {
    async post(url, body, headers = {}) {
      const { status } = await exchange(url, 'POST', body, headers, 0);
      if (status < 200 || status > 299) {
        throw new DeliveryFailed(`HTTP ${status} from the receiver`);
      }
    },
    async call(url, request, excerptBytes) {
      const { method, body, headers = {} } = request;
      const { status, kept } = await exchange(url, method, body, headers, excerptBytes);
      return { status, excerpt: kept.toString('utf8') };
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

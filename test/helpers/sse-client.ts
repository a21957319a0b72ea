// A Server-Sent Events client for tests, as a browser's EventSource would read the stream: a real
// HTTP connection, the body parsed by eventsource-parser. Waiting for a message has a timeout and
// never sleeps; asserting that something did NOT arrive is done against a later message that did.
import { request, type IncomingHttpHeaders } from 'node:http';
import { createParser } from 'eventsource-parser';
import type { TestApp } from './test-app.ts';

export interface SseMessage {
  event: string;
  id: string | undefined;
  data: string;
}

export interface SseOpened {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body of a refused request (401, 403, 400); empty for a stream. */
  body: string;
  /** Set when the server answered with a stream. */
  stream: SseStream | null;
}

/** A `change` message's notice, with the message id beside its fields. */
export type Notice = Record<string, string> & { id: string };

const asNotice = (m: SseMessage): Notice => ({
  ...(JSON.parse(m.data) as Record<string, string>),
  id: m.id ?? '',
});

type Waiter = { match: (m: SseMessage) => boolean; resolve: (m: SseMessage) => void };

export class SseStream {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  retry: number | null = null;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  #cursor = 0;
  #waiters: Waiter[] = [];
  #endWaiters: (() => void)[] = [];
  #isEnded = false;
  readonly #destroy: () => void;

  constructor(body: NodeJS.ReadableStream, destroy: () => void) {
    this.#destroy = destroy;
    const parser = createParser({
      onEvent: (e) => this.#arrive({ event: e.event ?? 'message', id: e.id, data: e.data }),
      onComment: (c) => this.comments.push(c.trim()),
      onRetry: (ms) => (this.retry = ms),
    });
    body.setEncoding('utf8');
    body.on('data', (chunk: string) => parser.feed(chunk));
    this.ended = new Promise((resolve) => {
      const done = () => {
        this.#isEnded = true;
        resolve();
        for (const w of this.#endWaiters) w();
      };
      body.on('end', done);
      body.on('close', done);
      body.on('error', done);
    });
  }

  get isEnded(): boolean {
    return this.#isEnded;
  }

  #arrive(message: SseMessage): void {
    this.messages.push(message);
    const index = this.messages.length - 1;
    const waiter = this.#waiters.find((w) => w.match(message));
    if (waiter && index >= this.#cursor) {
      this.#waiters = this.#waiters.filter((w) => w !== waiter);
      this.#cursor = index + 1;
      waiter.resolve(message);
    }
  }

  /** The next message after the last one returned that matches, within the timeout. */
  next(match: (m: SseMessage) => boolean = () => true, timeoutMs = 1000): Promise<SseMessage> {
    const index = this.messages.findIndex((m, i) => i >= this.#cursor && match(m));
    if (index >= 0) {
      this.#cursor = index + 1;
      return Promise.resolve(this.messages[index]!);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `no matching message within ${timeoutMs} ms; got:\n${this.messages
              .map((m) => `${m.event} ${m.id ?? ''} ${m.data}`)
              .join('\n')}`,
          ),
        );
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** The next `change` message whose notice (with its `id`) matches, parsed. */
  async nextChange(
    match: (notice: Notice) => boolean = () => true,
    timeoutMs = 1000,
  ): Promise<Notice> {
    const m = await this.next((m) => m.event === 'change' && match(asNotice(m)), timeoutMs);
    return asNotice(m);
  }

  /** Every `change` notice received so far. */
  changes(): Record<string, string>[] {
    return this.messages
      .filter((m) => m.event === 'change')
      .map((m) => JSON.parse(m.data) as Record<string, string>);
  }

  /** Resolves when the server ends the stream; rejects after the timeout. */
  endsWithin(timeoutMs = 1000): Promise<void> {
    if (this.#isEnded) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the stream was still open after ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#endWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.#destroy();
  }
}

/** Opens a stream at a listening server; answers the refusal instead when there is one. */
export function openStream(url: string, headers: Record<string, string> = {}): Promise<SseOpened> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status !== 200 || !String(res.headers['content-type']).startsWith('text/event-stream')) {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status, headers: res.headers, body, stream: null }));
        return;
      }
      const stream = new SseStream(res, () => req.destroy());
      resolve({ status, headers: res.headers, body: '', stream });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Listens on a free port (once) and answers the app's base URL. */
export async function listening(t: TestApp): Promise<string> {
  const address = t.app.server.address();
  if (address && typeof address === 'object') return `http://127.0.0.1:${address.port}`;
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const bound = t.app.server.address();
  if (!bound || typeof bound !== 'object') throw new Error('not listening');
  return `http://127.0.0.1:${bound.port}`;
}

/** Opens a stream that must be accepted, and waits for its `ready` message. */
export async function subscribe(
  t: TestApp,
  headers: Record<string, string>,
  extra: Record<string, string> = {},
): Promise<SseStream> {
  const opened = await openStream(`${await listening(t)}/api/v1/stream`, {
    ...headers,
    ...extra,
  });
  if (!opened.stream) throw new Error(`stream refused: ${opened.status} ${opened.body}`);
  await opened.stream.next((m) => m.event === 'ready');
  return opened.stream;
}

// Slow clients as an operator meets them, against `stopline serve` as a process: connections that
// trickle a 1 MB body (or their headers) are answered 408 and cut off once the request timeout
// has passed, and a shutdown with such clients connected closes idle connections at once and
// the slow ones when the grace period ends, then exits cleanly. The settings are 1–2 s here so
// the test waits only as long as they require.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from './helpers/auth.ts';
import { startServer, waitForOutput } from './helpers/cli-process.ts';
import { openStream } from './helpers/sse-client.ts';
import { createTestApp } from './helpers/test-app.ts';
import { createTestDatabase, type TestDatabase } from './helpers/test-db.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ STOPLINE_LOG_LEVEL: 'info' });
});
afterAll(async () => database.drop());

interface SlowClient {
  socket: Socket;
  /** Everything the server sent back. */
  received: () => string;
  /** When the server ended the connection (ms since the epoch). */
  closed: Promise<number>;
}

/** A client that sends a request head announcing 1 MB and then one byte every 100 ms. */
async function trickleBody(port: number, path = '/api/v1/reports'): Promise<SlowClient> {
  return openSlowClient(port, (socket) => {
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${1024 * 1024}\r\n\r\n{"summary":"`,
    );
    return () => socket.write('a');
  });
}

/** A client that never finishes its request headers. */
async function trickleHeaders(port: number): Promise<SlowClient> {
  return openSlowClient(port, (socket) => {
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    return () => socket.write('X-Slow: a\r\n');
  });
}

async function openSlowClient(
  port: number,
  start: (socket: Socket) => () => void,
): Promise<SlowClient> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => {}); // a reset is one way of being cut off
  const drip = start(socket);
  const timer = setInterval(() => {
    if (!socket.destroyed && socket.writable) drip();
  }, 100);
  const closed = new Promise<number>((resolve) =>
    socket.once('close', () => {
      clearInterval(timer);
      resolve(Date.now());
    }),
  );
  return { socket, received: () => received, closed };
}

/** A keep-alive connection that asked one thing and now waits, idle. */
async function idleKeepAlive(port: number): Promise<SlowClient> {
  const client = await openSlowClient(port, (socket) => {
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    return () => {};
  });
  while (!client.received().includes('"status":"ok"')) await once(client.socket, 'data');
  return client;
}

describe('slow clients', () => {
  it(
    'connections trickling a body or their headers are answered 408 and cut off after the request timeout',
    { timeout: 90_000 },
    async () => {
      const server = await startServer({
        ...database.env,
        STOPLINE_REQUEST_TIMEOUT_SECONDS: '2',
        STOPLINE_HEADERS_TIMEOUT_SECONDS: '1',
      });
      try {
        const started = Date.now();
        const bodies = await Promise.all([1, 2, 3].map(() => trickleBody(server.port)));
        const headers = await trickleHeaders(server.port);
        for (const client of [...bodies, headers]) {
          const closedAt = await client.closed;
          expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
          // Not before the setting says, and far from never.
          expect(closedAt - started).toBeGreaterThanOrEqual(headers === client ? 900 : 1900);
          expect(closedAt - started).toBeLessThan(15_000);
        }
        // The server is not held up by them.
        expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
      } finally {
        expect(await server.stop()).toBe(0);
      }
    },
  );

  it(
    'a shutdown with slow clients connected closes idle connections at once and the slow ones after the grace period',
    { timeout: 90_000 },
    async () => {
      const server = await startServer({ ...database.env, STOPLINE_SHUTDOWN_GRACE_SECONDS: '2' });
      const slow = await Promise.all([1, 2, 3].map(() => trickleBody(server.port)));
      const idle = await idleKeepAlive(server.port);
      await waitForOutput(server, '"msg":"incoming request"');

      const signalled = Date.now();
      const exited = server.stop('SIGTERM');
      await waitForOutput(server, 'shutting down');
      const idleClosedAt = await idle.closed;
      const slowClosedAt = await Promise.all(slow.map((client) => client.closed));
      const code = await exited;
      const exitedAt = Date.now();

      expect(code).toBe(0);
      expect(server.output()).toContain('shutdown grace period over');
      expect(server.output()).toContain('"msg":"stopped"');
      // The idle connection did not wait for the grace period; the slow ones did, and no longer.
      expect(idleClosedAt).toBeLessThan(Math.min(...slowClosedAt));
      for (const at of slowClosedAt) expect(at - signalled).toBeGreaterThanOrEqual(1900);
      expect(exitedAt - signalled).toBeLessThan(15_000);
    },
  );

  it('a live stream outlives the request timeout: the timeout is for receiving the request only', async () => {
    const t = await createTestApp({
      config: { requestTimeoutSeconds: 1, headersTimeoutSeconds: 1, streamHeartbeatSeconds: 1 },
    });
    try {
      const { headers } = await loginAs(t, 'viewer');
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = t.app.server.address() as { port: number };
      const opened = await openStream(`http://127.0.0.1:${port}/api/v1/stream`, {
        cookie: headers.cookie!,
      });
      expect(opened.status).toBe(200);
      const stream = opened.stream!;
      await stream.next((m) => m.event === 'ready', 5000);
      // Past the timeout and Node's next check of it; heartbeats keep arriving.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const heartbeats = stream.comments.length;
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect(stream.isEnded).toBe(false);
      expect(stream.comments.length).toBeGreaterThan(heartbeats);
    } finally {
      await t.close();
    }
  });
});

// Graceful shutdown as an operator sees it: a request the server is still receiving when SIGTERM
// arrives is answered in full, and only then does the process exit; open live streams (which
// never end by themselves) are ended so they cannot hold the shutdown. There is no slow route yet,
// so the request is kept in flight by sending its body in two halves around the signal.
import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContainer } from '../src/server/container.ts';
import { systemActor } from '../src/server/domain/actor.ts';
import { createLogger } from '../src/server/logger.ts';
import { linkToken, sessionCookieFrom, TEST_PASSWORD } from './helpers/auth.ts';
import { startServer, waitForOutput } from './helpers/cli-process.ts';
import { openStream } from './helpers/sse-client.ts';
import { createTestDatabase, type TestDatabase } from './helpers/test-db.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ STOPLINE_LOG_LEVEL: 'info' });
});
afterAll(async () => database.drop());

describe('graceful shutdown', () => {
  it('a request still arriving when SIGTERM comes is answered in full before the process exits', async () => {
    const server = await startServer(database.env);
    const socket = connect(server.port, '127.0.0.1');
    await once(socket, 'connect');
    let response = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (response += chunk));
    const ended = once(socket, 'end');

    const body = JSON.stringify({ summary: 'Suspicious OAuth grants on the finance tenant' });
    const half = Math.floor(body.length / 2);
    socket.write(
      'POST /reports-in-flight HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: in-flight-1\r\nConnection: close\r\n\r\n${body.slice(0, half)}`,
    );
    await waitForOutput(server, '"reqId":"in-flight-1"');

    const exited = server.stop('SIGTERM');
    await waitForOutput(server, 'shutting down');
    // New requests are turned away (refused, or 503 while closing), the started one still waits.
    const late = await fetch(`http://127.0.0.1:${server.port}/healthz`).then(
      (res) => res.status,
      () => 'refused',
    );
    expect(['refused', 503]).toContain(late);
    expect(server.child.exitCode).toBeNull();

    socket.end(body.slice(half));
    await ended;
    const [head, payload] = response.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 404 /);
    expect(head).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(payload!)).toMatchObject({ status: 404 });

    expect(await exited).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
  });
});

describe('graceful shutdown with live streams open', () => {
  it('SIGTERM ends open live streams with a closed message and the process exits at once', async () => {
    // A staff member, made directly in the database the server will use.
    const setup = await createContainer(database.config, { logger: createLogger('silent') });
    const email = 'watcher@example.org';
    const { link } = await setup.services.accounts.users.createUser(systemActor, {
      email,
      displayName: 'Watcher',
      roles: ['viewer'],
    });
    await setup.services.accounts.users.setPasswordWithLink(
      { kind: 'anonymous' },
      linkToken(link.url),
      TEST_PASSWORD,
    );
    await setup.close();

    const server = await startServer(database.env);
    const base = `http://127.0.0.1:${server.port}`;
    const signedIn = await fetch(`${base}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: TEST_PASSWORD }),
    });
    expect(signedIn.status).toBe(200);
    const cookie = sessionCookieFrom(signedIn.headers.get('set-cookie') ?? undefined);
    const streams = [];
    for (let i = 0; i < 3; i++) {
      const opened = await openStream(`${base}/api/v1/stream`, { cookie });
      expect(opened.status).toBe(200);
      await opened.stream!.next((m) => m.event === 'ready', 5000);
      streams.push(opened.stream!);
    }

    const started = Date.now();
    const exited = server.stop('SIGTERM');
    for (const stream of streams) {
      const closed = await stream.next((m) => m.event === 'closed', 5000);
      expect(JSON.parse(closed.data)).toEqual({ reason: 'shutting_down' });
      await stream.endsWithin(5000);
    }
    expect(await exited).toBe(0);
    // Far from the 20 s the shutdown would wait for requests that never end.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(server.output()).toContain('"msg":"stopped"');
  });
});

// Graceful shutdown as an operator sees it: a request the server is still receiving when SIGTERM
// arrives is answered in full, and only then does the process exit. There is no slow route yet,
// so the request is kept in flight by sending its body in two halves around the signal.
import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './helpers/cli-process.ts';
import { createTestDatabase, type TestDatabase } from './helpers/test-db.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ STOPLINE_LOG_LEVEL: 'info' });
});
afterAll(async () => database.drop());

async function waitForOutput(server: RunningServer, text: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!server.output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`no "${text}" in the output:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

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

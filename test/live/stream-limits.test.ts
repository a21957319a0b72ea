// One session or one API token holds at most STOPLINE_STREAM_MAX_PER_CALLER live streams open at
// once: one more is a 429 problem naming the limit, and closing one frees its slot. Another
// session of the same person has its own slots. Real connections to a listening server.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTokenFor, createUser, signIn } from '../helpers/auth.ts';
import { listening, openStream, subscribe, type SseStream } from '../helpers/sse-client.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const MAX = 3;
let t: TestApp;
let url: string;
beforeAll(async () => {
  t = await createTestApp({ env: { STOPLINE_STREAM_MAX_PER_CALLER: String(MAX) } });
  url = `${await listening(t)}/api/v1/stream`;
});
afterAll(async () => t.close());

async function openAll(headers: Record<string, string>, n: number): Promise<SseStream[]> {
  const streams: SseStream[] = [];
  for (let i = 0; i < n; i++) streams.push(await subscribe(t, headers));
  return streams;
}

async function expectRefused(headers: Record<string, string>) {
  const refused = await openStream(url, headers);
  expect(refused.status).toBe(429);
  expect(refused.stream).toBeNull();
  expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(refused.body);
  expect(problem).toMatchObject({ status: 429, limit: 'streams_per_caller', max: MAX });
  expect(problem.detail).toContain('STOPLINE_STREAM_MAX_PER_CALLER');
}

/** Opens a stream once the server has noticed a closed one (no sleeping: retried requests). */
async function openWhenFreed(headers: Record<string, string>): Promise<SseStream> {
  let stream: SseStream | null = null;
  await vi.waitFor(
    async () => {
      const opened = await openStream(url, headers);
      if (!opened.stream) throw new Error(`still refused: ${opened.status}`);
      stream = opened.stream;
    },
    { timeout: 3000, interval: 20 },
  );
  await stream!.next((m) => m.event === 'ready');
  return stream!;
}

describe('live streams per session and per token', () => {
  it('a session holds at most the limit; one more is 429 naming it; closing one frees a slot', async () => {
    const user = await createUser(t, { roles: ['responder'] });
    const session = await signIn(t, user.email, user.password);
    const streams = await openAll(session, MAX);
    await expectRefused(session);
    await expectRefused(session);

    // The same person signed in elsewhere (another session) has slots of its own.
    const elsewhere = await signIn(t, user.email, user.password);
    const other = await subscribe(t, elsewhere);

    streams.shift()!.close();
    streams.push(await openWhenFreed(session));
    await expectRefused(session);
    // Every stream still open works.
    expect(streams.every((s) => !s.isEnded)).toBe(true);
    for (const s of [...streams, other]) s.close();
  });

  it('an API token holds at most the limit, whoever else streams', async () => {
    const { headers } = await createTokenFor(t, 'viewer', ['stream.read']);
    const streams = await openAll(headers, MAX);
    await expectRefused(headers);
    streams.pop()!.close();
    streams.push(await openWhenFreed(headers));
    await expectRefused(headers);
    for (const s of streams) s.close();
  });
});

// The status page's answers are kept in memory while nothing new is recorded (issue 13, item 10),
// and a published change shows on every instance within a second. An instance trusts its live
// feed: its own commits are heard at once, another instance's (PostgreSQL) by NOTIFY, and the
// event log's position is read again once the feed heard anything, while the feed is down, and at
// least every RECHECK_MS of the (injected) clock, which catches a change the feed never carried
// (another process writing to the same SQLite file). A second instance on the same database
// (PostgreSQL; on SQLite the one instance) that holds /status and /api/v2/summary.json answers the
// new update once its feed heard it, with a new ETag, and the same bytes while nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContainer } from '../../src/server/container.ts';
import { systemActor } from '../../src/server/domain/actor.ts';
import { RECHECK_MS } from '../../src/server/http/status-cache.ts';
import { createLogger } from '../../src/server/logger.ts';
import { createTokenFor } from '../helpers/auth.ts';
import { succeeding } from '../helpers/status.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { testDialect } from '../helpers/test-db.ts';

let t: TestApp;
let other: TestApp;
const call = succeeding(() => t);

beforeAll(async () => {
  t = await createTestApp();
  other =
    testDialect === 'postgres' ? await createTestApp({ database: t.database, clock: t.clock }) : t;
});
afterAll(async () => {
  if (other !== t) await other.close();
  await t.close();
});

/**
 * Resolves once `other`'s live feed has heard of everything `t` has recorded so far (at once on
 * SQLite, where they are one instance; by NOTIFY on PostgreSQL). Listening starts before `write`.
 */
async function heardOnOther<T>(write: () => Promise<T>): Promise<T> {
  let heard = 0;
  let wake = () => {};
  const stop = await other.container.workers.liveFeed.onAppended((positions) => {
    heard = Math.max(heard, ...(positions ?? []));
    wake();
  });
  try {
    const result = await write();
    const newest = await t.container.services.status.pageVersion();
    while (heard < newest) await new Promise<void>((resolve) => (wake = resolve));
    return result;
  } finally {
    stop();
  }
}

describe('the kept answers', () => {
  it('a change recorded on one instance is in the other’s next answer once its live feed heard it', async () => {
    const { headers } = await createTokenFor(t, 'comms');
    const api = (
      await call('POST', '/api/v1/status/components', (await createTokenFor(t, 'admin')).headers, {
        name: 'API',
      })
    ).id;
    const get = (url: string) => other.app.inject({ url });
    const first = await get('/api/v2/summary.json');
    const page = await get('/status');
    const again = await get('/api/v2/summary.json');
    expect(again.body).toBe(first.body);
    expect(again.headers.etag).toBe(first.headers.etag);

    const incident = await heardOnOther(() =>
      call('POST', '/api/v1/status/incidents', headers, {
        name: 'Slow API',
        impact: 'minor',
        body: 'Requests are slow.',
        components: [{ componentId: api, status: 'degraded_performance' }],
      }),
    );
    const summary = await get('/api/v2/summary.json');
    expect(summary.headers.etag).not.toBe(first.headers.etag);
    expect(summary.json().incidents.map((i: { id: string }) => i.id)).toEqual([incident.id]);
    const changed = await get('/status');
    expect(changed.body).not.toBe(page.body);
    expect(changed.body).toContain('Requests are slow.');

    await heardOnOther(() =>
      call('POST', `/api/v1/status/incidents/${incident.id}/updates`, headers, {
        status: 'resolved',
        body: 'Fixed.',
      }),
    );
    expect((await get('/api/v2/incidents/unresolved.json')).json().incidents).toEqual([]);
    expect((await get('/status')).body).toContain('All Systems Operational');
  });
});

describe('the fast path over HTTP', () => {
  // Over a real socket the kept answers are sent before Fastify, with the headers the route sent:
  // the second answer must carry the same security headers as the first, a 304 must come for the
  // ETag held, and a change recorded on the other instance must be in the very next answer once
  // the live feed heard it.
  const per = new Set(['x-request-id', 'date', 'connection', 'keep-alive']);
  const headersOf = (r: Response) =>
    Object.fromEntries([...r.headers].filter(([name]) => !per.has(name)).sort());

  it('answers the kept bytes with the same headers, 304 for the ETag held, and nothing the feed heard is old', async () => {
    await other.app.listen({ port: 0, host: '127.0.0.1' });
    const address = other.app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const { headers } = await createTokenFor(t, 'comms');
    const component = (await call('GET', '/api/v1/status/components', headers)).items[0];
    for (const path of ['/status', '/api/v2/summary.json']) {
      const first = await fetch(base + path);
      const firstBody = await first.text();
      const second = await fetch(base + path, { headers: { 'x-request-id': 'given-id.1' } });
      expect(await second.text()).toBe(firstBody);
      expect(headersOf(second)).toEqual(headersOf(first));
      expect(second.headers.get('x-request-id')).toBe('given-id.1');
      expect(second.headers.get('content-length')).toBe(String(Buffer.byteLength(firstBody)));
      if (path === '/status') {
        expect(second.headers.get('content-security-policy')).toContain("default-src 'none'");
        expect(second.headers.get('x-frame-options')).toBe('DENY');
      } else expect(second.headers.get('access-control-allow-origin')).toBe('*');
      const etag = second.headers.get('etag')!;
      const notModified = await fetch(base + path, { headers: { 'if-none-match': etag } });
      expect(notModified.status).toBe(304);
      expect(notModified.headers.get('etag')).toBe(etag);
      expect(await notModified.text()).toBe('');
    }

    const before = await fetch(`${base}/api/v2/summary.json`);
    const etag = before.headers.get('etag')!;
    await heardOnOther(() =>
      call('POST', '/api/v1/status/incidents', headers, {
        name: 'Logins failing',
        impact: 'major',
        body: 'Nobody can sign in.',
        components: [{ componentId: component.id, status: 'major_outage' }],
      }),
    );
    const after = await fetch(`${base}/api/v2/summary.json`, {
      headers: { 'if-none-match': etag },
    });
    expect(after.status).toBe(200);
    expect(await after.text()).toContain('Nobody can sign in.');
    expect(await (await fetch(`${base}/status`)).text()).toContain('Nobody can sign in.');
  });
});

describe('what the live feed did not carry', () => {
  it('is in the answers once RECHECK_MS has passed: another process on the same database', async () => {
    // A second container on the same database, as `stopline` run beside `serve` would be: on
    // SQLite its commits reach no feed of the serving process.
    const process2 = await createContainer(
      { ...t.database.config, logLevel: 'silent' },
      { clock: t.clock, logger: createLogger('silent') },
    );
    try {
      const [incident] = await process2.services.status.listPublicIncidents(1);
      await process2.services.status.publishUpdate(systemActor, incident!.id, {
        status: 'monitoring',
        body: 'Written by another process.',
        displayAt: null,
        components: [],
        reopen: false,
      });
    } finally {
      await process2.close();
    }
    t.clock.advance(RECHECK_MS);
    for (const path of ['/api/v2/summary.json', '/status'])
      expect((await other.app.inject({ url: path })).body).toContain('Written by another process.');
  });

  it('is in the next answer while the live feed is down: every answer reads the position', async () => {
    const { headers } = await createTokenFor(t, 'comms');
    const [incident] = await t.container.services.status.listPublicIncidents(1);
    expect((await other.app.inject({ url: '/api/v2/summary.json' })).statusCode).toBe(200);
    // The feed of `other` stops (its LISTEN connection, on SQLite its hearing of commits).
    await other.container.workers.liveFeed.close();
    expect(other.container.workers.liveFeed.listening).toBe(false);
    await call('POST', `/api/v1/status/incidents/${incident!.id}/updates`, headers, {
      status: 'identified',
      body: 'Found while the feed was down.',
    });
    for (const path of ['/api/v2/summary.json', '/status'])
      expect((await other.app.inject({ url: path })).body).toContain(
        'Found while the feed was down.',
      );
  });
});

// The status page's answers are kept in memory while nothing new is recorded (issue 13, item 10):
// a second instance on the same database (PostgreSQL; on SQLite the one instance) that already
// holds /status and /api/v2/summary.json answers the new update at its next request, with a new
// ETag, and the same bytes while nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('the kept answers', () => {
  it('a change recorded on one instance is in the next answer of the other', async () => {
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

    const incident = await call('POST', '/api/v1/status/incidents', headers, {
      name: 'Slow API',
      impact: 'minor',
      body: 'Requests are slow.',
      components: [{ componentId: api, status: 'degraded_performance' }],
    });
    const summary = await get('/api/v2/summary.json');
    expect(summary.headers.etag).not.toBe(first.headers.etag);
    expect(summary.json().incidents.map((i: { id: string }) => i.id)).toEqual([incident.id]);
    const changed = await get('/status');
    expect(changed.body).not.toBe(page.body);
    expect(changed.body).toContain('Requests are slow.');

    await call('POST', `/api/v1/status/incidents/${incident.id}/updates`, headers, {
      status: 'resolved',
      body: 'Fixed.',
    });
    expect((await get('/api/v2/incidents/unresolved.json')).json().incidents).toEqual([]);
    expect((await get('/status')).body).toContain('All Systems Operational');
  });
});

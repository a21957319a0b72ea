// The page's `updated_at` (Statuspage's page object, the HTML page's "Updated") says when the page
// last changed: a component added, changed or removed, a public incident opened, updated or
// resolved. A page nothing was ever recorded on was last changed when it came into being (its
// tables created), never 1970; resolving the last incident or removing the last component moves
// it forward, not back. The Atom and RSS history feeds take that time while no incident is in them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpStatusAnswer, SpSummary } from '../../src/shared/api/statuspage.ts';
import { loginAs } from '../helpers/auth.ts';
import { succeeding } from '../helpers/status.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let admin: Record<string, string>;
let createdFrom: number;
let createdBy: number;
const call = succeeding(() => t);

beforeAll(async () => {
  // The migrations run on the wall clock as the app starts (the app's own clock is a fake one).
  createdFrom = Date.now();
  t = await createTestApp({ migrateAtStart: true });
  createdBy = Date.now();
  admin = (await loginAs(t, 'admin')).headers;
});
afterAll(async () => t.close());

async function pageUpdatedAt(): Promise<number> {
  const status = SpStatusAnswer.parse(
    (await t.app.inject({ method: 'GET', url: '/api/v2/status.json' })).json(),
  );
  const summary = SpSummary.parse(
    (await t.app.inject({ method: 'GET', url: '/api/v2/summary.json' })).json(),
  );
  expect(summary.page.updated_at).toBe(status.page.updated_at);
  const html = (await t.app.inject({ method: 'GET', url: '/status' })).body;
  expect(html).toContain(`Updated <time datetime="${status.page.updated_at}">`);
  return Date.parse(status.page.updated_at);
}

describe('the status page’s updated_at', () => {
  it('is when the page came into being while nothing is on it', async () => {
    const at = await pageUpdatedAt();
    expect(at).toBeGreaterThan(Date.parse('2000-01-01T00:00:00Z'));
    // Second precision at worst: the migrator stores an ISO time.
    expect(at).toBeGreaterThanOrEqual(Math.floor(createdFrom / 1000) * 1000);
    expect(at).toBeLessThanOrEqual(createdBy);
    expect(await pageUpdatedAt()).toBe(at);
  });

  it('is the history feeds’ updated time while no incident is in them, never 1970', async () => {
    const at = await pageUpdatedAt();
    const atom = (await t.app.inject({ method: 'GET', url: '/status/history.atom' })).body;
    expect(atom).not.toContain('<entry>');
    expect(atom).toContain(`<updated>${new Date(at).toISOString()}</updated>`);
    const rss = (await t.app.inject({ method: 'GET', url: '/status/history.rss' })).body;
    expect(rss).not.toContain('<item>');
    expect(rss).toContain(`<lastBuildDate>${new Date(at).toUTCString()}</lastBuildDate>`);
    expect(atom + rss).not.toMatch(/1970/);
  });

  it('follows every change, and does not go back when the last incident resolves or the last component goes', async () => {
    t.clock.advance(60_000);
    const added = t.clock.now();
    const api = (await call('POST', '/api/v1/status/components', admin, { name: 'API' }))
      .id as string;
    expect(await pageUpdatedAt()).toBe(added);

    t.clock.advance(60_000);
    const opened = t.clock.now();
    const incident = await call('POST', '/api/v1/status/incidents', admin, {
      name: 'Slow API',
      impact: 'minor',
      body: 'We are looking into it.',
      components: [{ componentId: api, status: 'degraded_performance' }],
    });
    expect(await pageUpdatedAt()).toBe(opened);
    // With an incident in it, the feed was updated when its newest incident was.
    const atom = (await t.app.inject({ method: 'GET', url: '/status/history.atom' })).body;
    expect(atom).toContain(`<updated>${new Date(opened).toISOString()}</updated>`);

    t.clock.advance(60_000);
    const resolved = t.clock.now();
    await call('POST', `/api/v1/status/incidents/${incident.id}/updates`, admin, {
      status: 'resolved',
      body: 'Fixed.',
    });
    expect(await pageUpdatedAt()).toBe(resolved);

    t.clock.advance(60_000);
    const removed = t.clock.now();
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/status/components/${api}`,
      headers: admin,
    });
    expect(res.statusCode).toBe(204);
    expect(await pageUpdatedAt()).toBe(removed);
  });
});

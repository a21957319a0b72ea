// How Stopline serves the built console at /app: deep links answer the app, hashed assets are
// cached for a year, a missing asset is a 404 and the page allows only its own scripts.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIR } from '../../src/server/http/console-app.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('the console at /app', () => {
  it('answers the app for /app/ and for deep links, never cached, scripts from itself only', async () => {
    for (const url of ['/app/', '/app/incidents/INC-2026-0001', '/app/reports?status=received']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('<div id="root"></div>');
      expect(res.headers['cache-control']).toBe('no-cache');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("connect-src 'self'");
    }
  });

  it("preloads the dashboard's data on the dashboard's address only", async () => {
    const preload =
      '<link rel="preload" href="/api/v1/dashboard" as="fetch" crossorigin="use-credentials">';
    expect((await t.app.inject({ url: '/app/' })).body).toContain(preload);
    for (const url of ['/app/incidents/INC-2026-0001', '/app/sign-in'])
      expect((await t.app.inject({ url })).body, url).not.toContain('/api/v1/dashboard');
  });

  it('serves hashed assets with a year of immutable caching, and 404 for a missing one', async () => {
    const [script] = readdirSync(`${CONSOLE_DIR}/assets`).filter((f) => f.endsWith('.js'));
    const res = await t.app.inject({ url: `/app/assets/${script}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toMatch(/max-age=31536000/);
    expect(res.headers['cache-control']).toMatch(/immutable/);
    const missing = await t.app.inject({ url: '/app/assets/index-0000.js' });
    expect(missing.statusCode).toBe(404);
    const traversal = await t.app.inject({ url: '/app/assets/..%2f..%2fpackage.json' });
    expect(traversal.statusCode).toBe(404);
  });

  it('sends / and /app to the console', async () => {
    expect((await t.app.inject({ url: '/' })).headers.location).toBe('/app/');
    expect((await t.app.inject({ url: '/app' })).headers.location).toBe('/app/');
  });
});

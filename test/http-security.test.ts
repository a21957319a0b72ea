// Security headers on every response, the generated OpenAPI description and its reference page,
// and the start-up check that refuses an /api route which declares no permission.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContainer } from '../src/server/container.ts';
import { buildApp } from '../src/server/http/app.ts';
import { createLogger } from '../src/server/logger.ts';
import { createTestDatabase } from './helpers/test-db.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('HTTP security', () => {
  it('sends security headers on every response, errors included, and no HSTS over http', async () => {
    for (const url of [
      '/healthz',
      '/api/v1/users',
      '/no/such/page',
      '/api/v1/docs/static/index.html',
    ]) {
      const res = await t.app.inject({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toContain("script-src 'self'");
      expect(csp).not.toContain("'unsafe-inline' 'unsafe-eval'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('same-origin');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('describes the API in OpenAPI 3.1 generated from the route schemas, with a reference page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/session',
        '/api/v1/users/{id}',
        '/api/v1/tokens',
        '/api/v1/audit',
      ]),
    );
    const signIn = doc.paths['/api/v1/session'].post;
    expect(signIn.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['email', 'password']),
    );
    expect(doc.paths['/healthz']).toBeUndefined();
    const page = await t.app.inject({ method: 'GET', url: '/api/v1/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger-initializer.js');
  });

  it('describes every time in the API, asked or answered, as an RFC 3339 date-time', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    // `remindAt` in the policy is a list of fractions of a deadline, not a time; an alert source's
    // `mapping` holds dotted paths into a webhook's JSON (its `detectedAt` says where the time is).
    const isTime = (name: string, path: string) =>
      /(At|^at|^since)$/.test(name) && name !== 'remindAt' && !path.includes('/mapping/');
    const isDateTime = (schema: { format?: string; anyOf?: { format?: string }[] }) =>
      schema.format === 'date-time' || !!schema.anyOf?.some((s) => s.format === 'date-time');
    const times: string[] = [];
    const notDateTime: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      const named: [string, unknown][] = Object.entries(
        (o.properties as Record<string, unknown> | undefined) ?? {},
      );
      if (typeof o.name === 'string' && o.in && o.schema) named.push([o.name, o.schema]);
      for (const [name, schema] of named) {
        if (!isTime(name, path)) continue;
        times.push(`${path} ${name}`);
        if (!isDateTime(schema as object)) notDateTime.push(`${path} ${name}`);
      }
      for (const [key, value] of Object.entries(o)) walk(value, `${path}/${key}`);
    };
    walk(doc.paths, '');
    expect(notDateTime).toEqual([]);
    // Incidents, the line, deadlines, notifications and accounts all show up in the walk.
    for (const route of [
      '/api/v1/incidents/post',
      '/api/v1/incidents/{ref}/get',
      '/api/v1/incidents/{ref}/tasks/post',
      '/api/v1/incidents/{ref}/timeline/get',
      '/api/v1/line/get',
      '/api/v1/line/history/get',
      '/api/v1/deadlines/get',
      '/api/v1/outbox/get',
      '/api/v1/tokens/get',
    ]) {
      expect(times.some((p) => p.startsWith(`/${route}`))).toBe(true);
    }
    const created = doc.paths['/api/v1/incidents'].post;
    const body = created.requestBody.content['application/json'].schema.properties;
    expect(body.detectedAt.anyOf).toContainEqual(
      expect.objectContaining({ type: 'string', format: 'date-time' }),
    );
  });

  it('refuses to start with an /api route that declares neither a permission nor public', async () => {
    const database = await createTestDatabase();
    const container = await createContainer(database.config, { logger: createLogger('silent') });
    try {
      const app = await buildApp(container);
      app.get('/api/v1/forgotten', async () => ({ oops: true }));
      await expect(app.ready()).rejects.toThrow(
        /must declare config.permission or config.public: GET \/api\/v1\/forgotten/,
      );
      await app.close().catch(() => {});
    } finally {
      await container.close();
      await database.drop();
    }
  });
});

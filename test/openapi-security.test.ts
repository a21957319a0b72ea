// The OpenAPI description says which operations need credentials, from the same flag the server
// uses to skip authentication: every public route declares `security: []`, every protected one
// keeps the global bearer-or-session requirement. Generated clients and API tools read this.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicRoute } from '../src/server/http/plugins/auth-plugin.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

interface Operation {
  security?: Record<string, string[]>[];
}

const openApiPath = (url: string) => url.replace(/:([A-Za-z_]+)/g, '{$1}');

describe('OpenAPI security of each operation', () => {
  it('public operations declare security: [], protected ones need a bearer token or a session', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    const doc = res.json() as {
      security: unknown;
      paths: Record<string, Record<string, Operation>>;
    };
    expect(doc.security).toEqual([{ bearer: [] }, { session: [] }]);

    const described = t.app
      .declaredRoutes()
      .filter((r) => r.method !== 'HEAD')
      .map((r) => ({ ...r, operation: doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()] }))
      .filter((r) => r.operation !== undefined);
    expect(described.length).toBeGreaterThan(50);

    const wrong = described.filter((r) =>
      isPublicRoute(r)
        ? JSON.stringify(r.operation!.security) !== '[]'
        : r.operation!.security !== undefined && r.operation!.security.length === 0,
    );
    expect(wrong.map((r) => `${r.method} ${r.url}`)).toEqual([]);

    const publicOnes = described.filter((r) => isPublicRoute(r)).map((r) => `${r.method} ${r.url}`);
    expect(publicOnes).toEqual(
      expect.arrayContaining([
        'GET /api/v1/calendar.ics',
        'POST /api/v1/reports',
        'POST /api/v1/session',
        'POST /api/v1/set-password',
        'POST /api/v1/set-password/account',
        'POST /api/v1/setup',
      ]),
    );
    // What the document says is what the server does: without credentials exactly the
    // operations that need them answer 401.
    for (const r of described) {
      const res = await t.app.inject({
        method: r.method as 'GET',
        url: r.url.replace(/:[A-Za-z_]+/g, 'x'),
        ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { payload: {} }),
      });
      expect(res.statusCode === 401, `${r.method} ${r.url}: ${res.statusCode}`).toBe(
        !isPublicRoute(r),
      );
    }
  });
});

describe('OpenAPI of the limits', () => {
  it('every operation that refuses a caller over a limit documents its 429 as problem+json with Retry-After', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    const doc = res.json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const limited = [
      ['post', '/api/v1/session'],
      ['post', '/api/v1/reports'],
      ['get', '/api/v1/stream'],
      ['post', '/api/v1/alert-intake/alertmanager'],
    ] as const;
    for (const [method, path] of limited) {
      const tooMany = doc.paths[path]?.[method]?.responses['429'];
      expect(tooMany, `${method} ${path}`).toMatchObject({
        description: expect.stringContaining('Retry-After'),
        content: { 'application/problem+json': { schema: { type: 'object' } } },
      });
    }
  });
});

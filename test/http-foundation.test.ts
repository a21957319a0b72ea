import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { STOPLINE_BODY_LIMIT: '2048' } });
});
afterAll(async () => {
  await t.close();
});

describe('HTTP foundation', () => {
  it('/healthz says the process is up', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz says the database is reachable and migrations are current', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ready',
      database: 'reachable',
      migrations: 'current',
    });
  });

  it('every response carries a request id, and a sane caller id is kept', async () => {
    const own = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'lb-1234' },
    });
    expect(own.headers['x-request-id']).toBe('lb-1234');
    const forged = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': '<script>' },
    });
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('an unknown route is a 404 problem+json with the request id', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      type: 'https://stopline.dev/problems/not-found',
      status: 404,
      instance: '/api/v1/nothing-here',
      requestId: res.headers['x-request-id'],
    });
  });

  it('authorization headers and cookies never reach the log', async () => {
    await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: {
        authorization: 'Bearer sl_supersecrettoken',
        cookie: 'stopline_session=sessionsecret',
      },
    });
    const all = t.logs.join('');
    expect(all).toContain('incoming request');
    expect(all).not.toContain('supersecrettoken');
    expect(all).not.toContain('sessionsecret');
  });
});

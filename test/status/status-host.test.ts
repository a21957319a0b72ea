// STOPLINE_STATUS_HOST: the status page at the root of a host name of its own, while the same
// Stopline keeps answering / on its other names as before. A bad value stops the start, named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    env: { STOPLINE_STATUS_HOST: 'status.example.com', STOPLINE_STATUS_PAGE_NAME: 'Acme status' },
  });
});
afterAll(async () => t.close());

describe('the status page on its own host name', () => {
  it('answers / on the status host with the status page, and / elsewhere as before', async () => {
    for (const host of ['status.example.com', 'STATUS.example.com:8443', 'status.example.com.']) {
      const res = await t.app.inject({ method: 'GET', url: '/', headers: { host } });
      expect(res.statusCode, host).toBe(200);
      expect(res.body).toContain('<h1>Acme status</h1>');
    }
    const query = await t.app.inject({
      method: 'GET',
      url: '/?utm=x',
      headers: { host: 'status.example.com' },
    });
    expect(query.statusCode).toBe(200);
    const other = await t.app.inject({
      method: 'GET',
      url: '/',
      headers: { host: 'stopline.example.com' },
    });
    expect(other.statusCode).toBe(302);
    const json = await t.app.inject({
      method: 'GET',
      url: '/api/v2/status.json',
      headers: { host: 'status.example.com' },
    });
    expect(json.json().page.name).toBe('Acme status');
  });

  it('refuses a host name with a scheme or a port, naming the setting', () => {
    expect(() => loadConfig({ STOPLINE_STATUS_HOST: 'https://status.example.com' })).toThrow(
      /STOPLINE_STATUS_HOST/,
    );
  });
});

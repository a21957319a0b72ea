// The dashboard reads every open incident through the API's pages (src/web/queries.ts): none is
// lost beyond the first page, none counted twice when a new incident shifts the pages meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAllPages } from '../src/web/queries.ts';
import { loginAs } from './helpers/auth.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
let responder: { headers: Record<string, string> };
beforeAll(async () => {
  t = await createTestApp();
  responder = await loginAs(t, 'responder');
});
afterAll(async () => {
  await t.close();
});

async function open(title: string): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/incidents',
    headers: responder.headers,
    payload: { title },
  });
  expect(res.statusCode).toBe(201);
  return res.json().key as string;
}

describe('every open incident, page by page', () => {
  it('reads all pages, and an incident opened between pages neither hides nor repeats one', async () => {
    const keys: string[] = [];
    for (let i = 1; i <= 7; i++) keys.push(await open(`Incident ${i}`));
    let opened = false;
    const incidents = await fetchAllPages(async (offset) => {
      const res = await t.app.inject({
        url: `/api/v1/incidents?open=true&limit=3&offset=${offset}`,
        headers: responder.headers,
      });
      expect(res.statusCode).toBe(200);
      if (!opened) {
        // After the first page: the newest-first order shifts every later page by one.
        opened = true;
        keys.push(await open('Opened while paging'));
      }
      return res.json() as { items: { id: string; key: string }[]; total: number };
    }, 3);
    const seen = incidents.map((i) => i.key);
    expect(new Set(seen).size).toBe(seen.length);
    for (const key of keys.slice(0, 7)) expect(seen).toContain(key);
  });
});

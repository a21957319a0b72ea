// JSON bodies on every route: a string that JSON escapes as a lone UTF-16 surrogate ("\ud800") is
// not text any database or hash can hold. It is refused with a 400 problem naming the field, on a
// public route and a staff route alike, in a nested field, an array item or a property name, and
// nothing is stored; a proper surrogate pair (an emoji, escaped) is still accepted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from './helpers/auth.ts';
import { multipart } from './helpers/reports.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
let staff: Record<string, string>;
beforeAll(async () => {
  t = await createTestApp();
  staff = (await loginAs(t, 'responder')).headers;
});
afterAll(async () => t.close());

/** The body exactly as written: `\ud800` stays a JSON escape on the wire. */
function post(url: string, rawBody: string, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: { ...headers, 'content-type': 'application/json' },
    payload: rawBody,
  });
}

async function countRows(table: 'reports' | 'incidents'): Promise<number> {
  const row = await t.container.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function expectFieldRefused(res: Awaited<ReturnType<typeof post>>, field: string) {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = res.json();
  expect(problem).toMatchObject({
    type: 'https://stopline.dev/problems/validation',
    status: 400,
    errors: [{ field, message: expect.stringMatching(/not valid Unicode|NUL character/) }],
  });
  expect(res.body).not.toMatch(/surrogate is not allowed|stack/i);
}

const description = '"description":"The export endpoint skips the owner check."';

describe('a lone UTF-16 surrogate in a JSON body', () => {
  it('is a 400 naming the field on the public report API, and no report is stored', async () => {
    const before = await countRows('reports');
    expectFieldRefused(
      await post('/api/v1/reports', `{"summary":"Export leak \\ud800",${description}}`),
      'summary',
    );
    expectFieldRefused(
      await post(
        '/api/v1/reports',
        `{"summary":"Export leak",${description},"contact":{"name":"\\udfff Ana"}}`,
      ),
      'contact.name',
    );
    expectFieldRefused(
      await post(
        '/api/v1/reports',
        `{"summary":"Export leak",${description},"attachments":[{"name":"a\\ud83d.txt","contentBase64":"R0VUIC8="}]}`,
      ),
      'attachments.0.name',
    );
    expect(await countRows('reports')).toBe(before);
  });

  it('is a 400 on a staff route and on sign-in too, including in a property name', async () => {
    const before = await countRows('incidents');
    expectFieldRefused(await post('/api/v1/incidents', '{"title":"\\ud800"}', staff), 'title');
    expectFieldRefused(
      await post('/api/v1/incidents', '{"title":"Outage","\\udc00":1}', staff),
      'body',
    );
    expect(await countRows('incidents')).toBe(before);
    expectFieldRefused(
      await post('/api/v1/session', '{"email":"a@example.org","password":"\\ud800\\ud800"}'),
      'password',
    );
  });

  it('a proper surrogate pair (an escaped emoji) is still text and is accepted', async () => {
    const res = await post(
      '/api/v1/reports',
      `{"summary":"Export leak \\ud83d\\udea8",${description}}`,
    );
    expect(res.statusCode, res.body).toBe(201);
    const staffView = await t.app.inject({
      url: `/api/v1/reports/${res.json().key}`,
      headers: staff,
    });
    expect(staffView.json().summary).toBe('Export leak 🚨');
  });
});

describe('the NUL character in a body', () => {
  // PostgreSQL's text cannot hold U+0000 and SQLite would keep it: refused alike on both.
  it('is a 400 naming the field in JSON, on the public report API and a staff route, and nothing is stored', async () => {
    const reports = await countRows('reports');
    const incidents = await countRows('incidents');
    expectFieldRefused(
      await post('/api/v1/reports', `{"summary":"Export\\u0000leak",${description}}`),
      'summary',
    );
    expectFieldRefused(
      await post(
        '/api/v1/reports',
        `{"summary":"Export leak",${description},"attachments":[{"name":"a\\u0000.txt","contentBase64":"R0VUIC8="}]}`,
      ),
      'attachments.0.name',
    );
    expectFieldRefused(
      await post('/api/v1/incidents', '{"title":"Out\\u0000age"}', staff),
      'title',
    );
    expectFieldRefused(
      await post('/api/v1/incidents', '{"title":"Outage","a\\u0000":1}', staff),
      'body',
    );
    expect(await countRows('reports')).toBe(reports);
    expect(await countRows('incidents')).toBe(incidents);
  });

  it('is refused in the report form, urlencoded or multipart, with no report and no file kept', async () => {
    const before = await countRows('reports');
    const urlencoded = await t.app.inject({
      method: 'POST',
      url: '/report',
      remoteAddress: '192.0.2.77',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'summary=Export%00leak&description=The+export+endpoint+skips+the+owner+check.',
    });
    expect(urlencoded.statusCode, urlencoded.body.slice(0, 300)).toBe(400);
    expect(urlencoded.body).toContain('NUL character');
    const form = multipart(
      { summary: 'Export\u0000leak', description: 'The export skips a check.' },
      [{ name: 'poc.txt', type: 'text/plain', bytes: Buffer.from('GET /export') }],
    );
    const multi = await t.app.inject({
      method: 'POST',
      url: '/report',
      remoteAddress: '192.0.2.78',
      ...form,
    });
    expect(multi.statusCode, multi.body.slice(0, 300)).toBe(400);
    expect(multi.body).toContain('NUL character');
    expect(await countRows('reports')).toBe(before);
    const kept = await t.container.db.selectFrom('report_attachments').select('id').execute();
    expect(kept).toEqual([]);
  });
});

interface Operation {
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, unknown> }>;
}

describe('the OpenAPI description', () => {
  it('declares the 400 problem on every operation that takes a body', async () => {
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
    const withBody = Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(
      ([path, operations]) =>
        Object.entries(operations)
          .filter(([, op]) => op.requestBody)
          .map(([method, op]) => ({ name: `${method} ${path}`, op })),
    );
    expect(withBody.map((o) => o.name)).toContain('post /api/v1/reports');
    for (const { name, op } of withBody)
      expect(Object.keys(op.responses['400']?.content ?? {}), name).toContain(
        'application/problem+json',
      );
  });
});

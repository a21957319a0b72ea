// Limits answered with clear errors: oversize bodies and attachments get 413 (problem+json on the
// API, an accessible page on the form), and one address cannot flood the intake.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, createTestApp, type TestApp } from './helpers/test-app.ts';
import { formFields, multipart, readReceipt, signIn } from './helpers/reports.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    env: {
      STOPLINE_ATTACHMENT_MAX_BYTES: '2048',
      STOPLINE_ATTACHMENT_MAX_COUNT: '2',
      STOPLINE_INTAKE_RATE_LIMIT: '4',
    },
  });
});
afterAll(async () => {
  await t.close();
});

const file = (name: string, size: number) => ({
  name,
  type: 'text/plain',
  bytes: Buffer.alloc(size, 'a'),
});
const countReports = () => countRows(t, 'reports');

describe('size limits', () => {
  it('an attachment over the limit on the form is a 413 page that says why, and nothing is stored', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/report',
      remoteAddress: '192.0.2.1',
      ...multipart(formFields(), [file('big.log', 4096)]),
    });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toMatch(/<html lang="en">/);
    expect(res.body).toContain('role="alert"');
    expect(res.body).toContain('at most 2048 bytes');
    expect(await countReports()).toBe(0);
  });

  it('more files than allowed on the form is a 413 page', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/report',
      remoteAddress: '192.0.2.2',
      ...multipart(formFields(), [file('a', 10), file('b', 10), file('c', 10)]),
    });
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain('limited to 2 files');
  });

  it('the JSON API answers oversize attachments and oversize bodies with 413 problem+json', async () => {
    const big = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      remoteAddress: '192.0.2.3',
      payload: {
        summary: 's',
        description: 'd',
        attachments: [{ name: 'x', contentBase64: Buffer.alloc(4096).toString('base64') }],
      },
    });
    expect(big.statusCode).toBe(413);
    expect(big.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(big.json()).toMatchObject({
      type: 'https://stopline.dev/problems/payload-too-large',
      limit: 2048,
    });

    const many = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      remoteAddress: '192.0.2.3',
      payload: {
        summary: 's',
        description: 'd',
        attachments: ['a', 'b', 'c'].map((name) => ({ name, contentBase64: 'YQ==' })),
      },
    });
    expect(many.statusCode).toBe(413);

    const huge = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      remoteAddress: '192.0.2.3',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ summary: 's', description: 'x'.repeat(6 * 1024 * 1024) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().type).toBe('https://stopline.dev/problems/payload-too-large');
    expect(await countReports()).toBe(0);
  });

  it('an oversize url-encoded form is a 413 page too', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/report',
      remoteAddress: '192.0.2.5',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(
        formFields({ description: 'x'.repeat(5 * 1024 * 1024) }),
      ).toString(),
    });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('role="alert"');
  });

  it('a reply with an oversize file is a 413 page and the reply is not stored', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/report',
      remoteAddress: '192.0.2.4',
      ...multipart(formFields()),
    });
    const { key, accessCode } = readReceipt(res);
    const visit = await signIn(t.app, key, accessCode, '192.0.2.4');
    const reply = await visit.reply('with a big file', [file('big', 4096)]);
    expect(reply.statusCode).toBe(413);
    expect(reply.headers['content-type']).toMatch(/^text\/html/);
    expect(await visit.page()).not.toContain('with a big file');
  });
});

describe('per-address intake limit', () => {
  it('after the hourly limit the next report is refused with 429 and Retry-After', async () => {
    const ip = '198.51.100.50';
    for (let i = 0; i < 4; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        remoteAddress: ip,
        payload: { summary: 's', description: 'd' },
      });
      expect(res.statusCode).toBe(201);
    }
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      remoteAddress: ip,
      payload: { summary: 's', description: 'd' },
    });
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const form = await t.app.inject({
      method: 'POST',
      url: '/report',
      remoteAddress: ip,
      ...multipart(formFields()),
    });
    expect(form.statusCode).toBe(429);
    expect(form.headers['content-type']).toMatch(/^text\/html/);
    const other = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      remoteAddress: '198.51.100.51',
      payload: { summary: 's', description: 'd' },
    });
    expect(other.statusCode).toBe(201);
  });
});

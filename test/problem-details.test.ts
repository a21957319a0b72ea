import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../src/server/errors.ts';
import { problemPlugin } from '../src/server/http/plugins/problem-plugin.ts';

const app = Fastify();
beforeAll(async () => {
  await app.register(problemPlugin);
  app.get('/refused', () => {
    throw new AppError('RULE_REFUSED', 'The post-mortem is not in review', {
      status: 'draft',
      type: 'mine',
      title: 'mine',
      detail: 'mine',
      instance: '/elsewhere',
      requestId: 'forged',
      postmortemStatus: 'draft',
    });
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
});

describe('problem+json details', () => {
  it('a use case detail never replaces a member RFC 9457 defines, and the rest still reach the caller', async () => {
    const res = await app.inject({ method: 'GET', url: '/refused' });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body).toMatchObject({
      type: 'https://stopline.dev/problems/rule-refused',
      status: 422,
      detail: 'The post-mortem is not in review',
      instance: '/refused',
      postmortemStatus: 'draft',
    });
    expect(body.title).not.toBe('mine');
    expect(body.requestId).not.toBe('forged');
  });
});

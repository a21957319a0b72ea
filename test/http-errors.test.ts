// The problem+json handler, exercised through a probe route registered by the test itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../src/server/errors.ts';
import { createContainer } from '../src/server/container.ts';
import { buildApp } from '../src/server/http/app.ts';
import { createLogger } from '../src/server/logger.ts';
import { createTestDatabase } from './helpers/test-db.ts';
import type { FastifyInstance } from 'fastify';

let app: FastifyInstance;
let closeAll: () => Promise<void>;

beforeAll(async () => {
  const database = await createTestDatabase({ STOPLINE_BODY_LIMIT: '2048' });
  const container = await createContainer(database.config, { logger: createLogger('silent') });
  app = await buildApp(container);
  app.withTypeProvider<ZodTypeProvider>().post(
    '/probe',
    {
      schema: {
        body: z.object({
          title: z.string().min(1).max(200),
          severity: z.enum(['P0', 'P1', 'P2']),
          systems: z.array(z.string()).max(3),
        }),
      },
    },
    async (request) => ({ ok: true, title: request.body.title }),
  );
  app.get('/boom', async () => {
    throw new Error('SELECT secret_column FROM users -- internal detail');
  });
  app.get('/refused', async () => {
    throw new AppError(
      'RULE_REFUSED',
      'Cannot close: containment action "block IP" is still in force',
      {
        failedChecks: ['containment-reverted'],
      },
    );
  });
  await app.ready();
  closeAll = async () => {
    await app.close();
    await container.close();
    await database.drop();
  };
});
afterAll(async () => closeAll());

describe('problem+json errors', () => {
  it('validation errors list every bad field with a message', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/probe',
      payload: { title: '', severity: 'P9', systems: 'db' },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.type).toBe('https://stopline.dev/problems/validation');
    const fields = body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['severity', 'systems', 'title']);
    for (const e of body.errors) expect(e.message).toEqual(expect.any(String));
  });

  it('malformed JSON is a 400 problem naming the body', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/probe',
      headers: { 'content-type': 'application/json' },
      payload: '{"title": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ field: 'body', message: 'is not valid JSON' }]);
  });

  it('an oversize body gets 413 problem+json', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/probe',
      payload: { title: 'x'.repeat(5000), severity: 'P1', systems: [] },
    });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      type: 'https://stopline.dev/problems/payload-too-large',
      status: 413,
    });
  });

  it('an unexpected error is a generic 500 with no stack and no internals', async () => {
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toMatch(/secret_column|at .*\.ts|stack/);
    expect(res.json()).toMatchObject({
      type: 'https://stopline.dev/problems/internal',
      status: 500,
    });
  });

  it('a policy refusal says which check failed', async () => {
    const res = await app.inject({ method: 'GET', url: '/refused' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      detail: 'Cannot close: containment action "block IP" is still in force',
      failedChecks: ['containment-reverted'],
    });
  });
});

// GET /api/v1/policy and the policy history over HTTP, as a signed-in viewer would read them.
import Fastify, { type RouteOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyRoutes } from '../src/server/http/api/policy-routes.ts';
import { PolicyResponse } from '../src/shared/api/policy.ts';
import { loginAs } from './helpers/auth.ts';
import { SEV_EXAMPLE, withContinuityProcedures } from './helpers/policies.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
let viewer: Awaited<ReturnType<typeof loginAs>>;
beforeAll(async () => {
  t = await createTestApp();
  viewer = await loginAs(t, 'viewer');
});
afterAll(async () => t.close());

const get = (url: string) => t.app.inject({ method: 'GET', url, headers: viewer.headers });

/** The answer with every { ms, text } duration turned back into milliseconds. */
function durationsAsMs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(durationsAsMs);
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 2 && 'ms' in value && 'text' in value) return value.ms;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, durationsAsMs(v)]),
    );
  }
  return value;
}

describe('GET /api/v1/policy', () => {
  it('answers the policy in force with its hash, name and revision', async () => {
    const res = await get('/api/v1/policy');
    expect(res.statusCode).toBe(200);
    const body = PolicyResponse.parse(res.json());
    const { hash, policy } = t.container.policy;
    expect(body).toMatchObject({ hash, name: policy.name, revision: policy.revision });
  });

  it('gives each duration in milliseconds and as the policy file writes it', async () => {
    const body = PolicyResponse.parse((await get('/api/v1/policy')).json());
    expect(body.severities[0]).toMatchObject({
      id: 'P0',
      responseWithin: { ms: 900_000, text: '15m' },
      internalUpdateEvery: { ms: 1_800_000, text: '30m' },
      customerUpdateEvery: { ms: 7_200_000, text: '2h' },
    });
    expect(body.severities[2]!.customerUpdateEvery).toBeNull();
    expect(body.reporters.acknowledgeWithin).toEqual({ ms: 86_400_000, text: '1d' });
    expect(body.panel.size).toBe(4);
  });

  it('leaves out no field of the policy', async () => {
    const body = (await get('/api/v1/policy')).json() as Record<string, unknown>;
    const { hash: _hash, ...rest } = body;
    const { panel, ...others } = durationsAsMs(rest) as { panel: Record<string, unknown> };
    const { size: _size, ...panelFields } = panel;
    expect({ ...others, panel: panelFields }).toEqual(t.container.policy.policy);
  });
});

describe('GET /api/v1/policy with a team’s own policy', () => {
  it('answers SEV1–SEV4, its panel of three and its phases', async () => {
    const own = await createTestApp({ env: { STOPLINE_POLICY: SEV_EXAMPLE } });
    try {
      const login = await loginAs(own, 'viewer');
      const res = await own.app.inject({
        method: 'GET',
        url: '/api/v1/policy',
        headers: login.headers,
      });
      expect(res.statusCode).toBe(200);
      const body = PolicyResponse.parse(res.json());
      expect(body.hash).toBe(own.container.policy.hash);
      expect(body.severities.map((s) => [s.id, s.critical, s.responseWithin.text])).toEqual([
        ['SEV1', true, '10m'],
        ['SEV2', true, '30m'],
        ['SEV3', false, '1d'],
        ['SEV4', false, '1w'],
      ]);
      expect(body.panel).toMatchObject({ size: 3, quorum: 2, onTie: 'critical' });
      expect(body.phases.map((p) => p.id)).toEqual([
        'triage',
        'mitigate',
        'resolve',
        'review',
        'closed',
      ]);
    } finally {
      await own.close();
    }
  });
});

/** GET /api/v1/policy on an app of its own started with the policy file at `path`. */
async function withOwnPolicy(path: string, check: (body: PolicyResponse) => void) {
  const own = await createTestApp({ env: { STOPLINE_POLICY: path } });
  try {
    const login = await loginAs(own, 'viewer');
    const res = await own.app.inject({
      method: 'GET',
      url: '/api/v1/policy',
      headers: login.headers,
    });
    expect(res.statusCode).toBe(200);
    check(PolicyResponse.parse(res.json()));
  } finally {
    await own.close();
  }
}

describe('GET /api/v1/policy with continuity procedures', () => {
  it('gives each procedure with what it covers, its steps and its stakeholders', async () => {
    await withOwnPolicy(withContinuityProcedures(), async (body) => {
      expect(body.continuity.description).toContain('Kai section 7');
      expect(body.continuity.procedures).toEqual([
        {
          id: 'payments-manual',
          title: 'Take card payments by phone',
          covers: ['Payments', 'payments-api'],
          steps: [
            'Switch the checkout banner to "call us to order".',
            'Take orders on the paper form kept by the support desk.',
          ],
          stakeholders: ['Head of support', 'Finance on-call'],
        },
        {
          id: 'mail-by-hand',
          title: 'Answer reporters by hand',
          covers: ['Email'],
          steps: ['Reply from the shared security mailbox.'],
          stakeholders: [],
        },
      ]);
    });
  });
});

describe('GET /api/v1/policy/versions', () => {
  it('lists the versions that have been in force, marking the one in force', async () => {
    const res = await get('/api/v1/policy/versions');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      versions: [
        {
          hash: t.container.policy.hash,
          name: 'Stopline default policy',
          revision: '2026-11-25',
          loadedAt: '2026-03-02T09:00:00.000Z',
          lastLoadedAt: '2026-03-02T09:00:00.000Z',
          inForce: true,
        },
      ],
    });
  });

  it('gives one version with the exact text of its policy file', async () => {
    const res = await get(`/api/v1/policy/versions/${t.container.policy.hash}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      hash: t.container.policy.hash,
      inForce: true,
      text: t.container.policy.text,
    });
  });

  it('an unknown version is a 404 problem, a malformed hash a 400 naming the field', async () => {
    const missing = await get(`/api/v1/policy/versions/${'a'.repeat(64)}`);
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.json()).toMatchObject({ type: 'https://stopline.dev/problems/not-found' });

    const malformed = await get('/api/v1/policy/versions/not-a-hash');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors).toEqual([
      { field: 'params.hash', message: 'must be a policy hash: 64 lower-case hex digits' },
    ]);
  });
});

describe('the policy routes', () => {
  it('each declares the policy.read permission', async () => {
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    const declared: [string, unknown][] = [];
    app.addHook('onRoute', (route: RouteOptions) => {
      if (route.method === 'GET') declared.push([route.url, route.config]);
    });
    await app.register(policyRoutes, { prefix: '/api/v1', policy: t.container.services.policy });
    await app.ready();
    expect(declared).toEqual([
      ['/api/v1/policy', { permission: 'policy.read' }],
      ['/api/v1/policy/versions', { permission: 'policy.read' }],
      ['/api/v1/policy/versions/:hash', { permission: 'policy.read' }],
    ]);
    await app.close();
  });
});

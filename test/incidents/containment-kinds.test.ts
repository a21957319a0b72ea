// The kinds of containment action come from the policy: the default names Kai 4.2's system
// isolation next to access and traffic limits, a team may list its own, and an unknown kind is a
// 400 naming the field, with nothing recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../helpers/auth.ts';
import { writeEditedPolicy } from '../helpers/policies.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Caller = Awaited<ReturnType<typeof loginAs>>;

async function openIncident(t: TestApp, who: Caller): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/incidents',
    headers: who.headers,
    payload: { title: 'Crypto-miner on a build agent' },
  });
  expect(res.statusCode).toBe(201);
  return res.json().key as string;
}

const contain = (t: TestApp, who: Caller, key: string, kind: string) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/incidents/${key}/containment`,
    headers: who.headers,
    payload: { kind, description: `${kind}: build-7` },
  });

describe('containment kinds under the default policy', () => {
  let t: TestApp;
  let responder: Caller;
  beforeAll(async () => {
    t = await createTestApp();
    responder = await loginAs(t, 'responder');
  });
  afterAll(async () => t.close());

  it('the policy lists the kinds, system isolation among them', async () => {
    const policy = (
      await t.app.inject({ method: 'GET', url: '/api/v1/policy', headers: responder.headers })
    ).json();
    expect(policy.containment.kinds.map((k: { id: string }) => k.id)).toEqual([
      'feature_disabled',
      'access_restricted',
      'traffic_blocked',
      'system_isolated',
      'other',
    ]);
    expect(policy.containment.kinds[3]).toMatchObject({ name: 'System isolated' });
  });

  it('records a system isolation as such', async () => {
    const key = await openIncident(t, responder);
    const res = await contain(t, responder, key, 'system_isolated');
    expect(res.statusCode).toBe(201);
    expect(res.json().incident.containment).toEqual([
      expect.objectContaining({ kind: 'system_isolated', status: 'active' }),
    ]);
  });

  it('an unknown kind is a 400 naming the field, and nothing is recorded', async () => {
    const key = await openIncident(t, responder);
    const res = await contain(t, responder, key, 'unplugged');
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.json()).toMatchObject({
      type: 'https://stopline.dev/problems/validation',
      errors: [
        {
          field: 'kind',
          message:
            'must be one of feature_disabled, access_restricted, traffic_blocked, system_isolated, other',
        },
      ],
    });
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${key}`,
      headers: responder.headers,
    });
    expect(detail.json().incident.containment).toEqual([]);
  });
});

describe('a team that lists its own containment kinds', () => {
  let t: TestApp;
  let responder: Caller;
  beforeAll(async () => {
    // A containment section of its own, before the learning section (top level, so the clocks
    // section can gain fields without moving it).
    const policy = writeEditedPolicy(
      '\nlearning:\n',
      [
        '',
        'containment:',
        '  description: We sinkhole domains and pull hosts off the network.',
        '  kinds:',
        '    - id: dns_sinkholed',
        '      name: DNS sinkholed',
        '    - id: host_unplugged',
        '      name: Host unplugged',
        '      description: The host is taken off the network by hand.',
        '',
        'learning:',
        '',
      ].join('\n'),
    );
    t = await createTestApp({ env: { STOPLINE_POLICY: policy } });
    responder = await loginAs(t, 'responder');
  });
  afterAll(async () => t.close());

  it('accepts its kinds and refuses the default ones it does not list', async () => {
    const key = await openIncident(t, responder);
    expect((await contain(t, responder, key, 'dns_sinkholed')).statusCode).toBe(201);
    const refused = await contain(t, responder, key, 'system_isolated');
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([
      { field: 'kind', message: 'must be one of dns_sinkholed, host_unplugged' },
    ]);
    const policy = (
      await t.app.inject({ method: 'GET', url: '/api/v1/policy', headers: responder.headers })
    ).json();
    expect(policy.containment).toEqual({
      description: 'We sinkhole domains and pull hosts off the network.',
      kinds: [
        { id: 'dns_sinkholed', name: 'DNS sinkholed', description: null },
        {
          id: 'host_unplugged',
          name: 'Host unplugged',
          description: 'The host is taken off the network by hand.',
        },
      ],
    });
  });
});

// Containment triggers (issue 18, item 6; Kai 4.2): a containment action names an admin's hook;
// applying it calls the hook through the outbox, signed with Standard Webhooks (checked here by
// the `standardwebhooks` package, as a receiver would) or with a bearer token, and the answer is
// recorded on the incident; reverting calls the revert URL. A failing hook never loses the action:
// the failure shows on the incident and the outbox tries again.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { createTokenFor, loginAs } from '../helpers/auth.ts';
import { workerFor } from '../helpers/delivery.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Caller = { headers: Record<string, string> };

interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

/** A containment receiver: checks the Standard Webhooks signature with the library (or the bearer
 * token), answers each request with the next status in `answers` (then 200) and a body. */
async function startReceiver(secret: () => string) {
  const seen: Seen[] = [];
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verified = false;
      if (req.headers.authorization) {
        verified = req.headers.authorization === `Bearer ${secret()}`;
      } else {
        try {
          new Webhook(secret()).verify(body, req.headers as Record<string, string>);
          verified = true;
        } catch {
          verified = false;
        }
      }
      seen.push({ method: req.method!, path: req.url!, headers: req.headers, body, verified });
      const status = verified ? (answers.shift() ?? 200) : 401;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        status < 300
          ? JSON.stringify({ revoked: 3, note: '<script>alert(1)</script>' })
          : `{"error":"${'x'.repeat(5000)}"}`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    seen,
    answers,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let t: TestApp;
let secret = '';
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let admin: Caller;
let responder: Caller;

beforeEach(async () => {
  // The receiver checks the timestamp against its own clock: start at real time.
  t = await createTestApp({ clock: new FakeClock(Date.now()) });
  receiver = await startReceiver(() => secret);
  admin = await loginAs(t, 'admin');
  responder = await loginAs(t, 'responder');
});
afterEach(async () => {
  await receiver.stop();
  await t.close();
});

async function addHook(payload: Record<string, unknown> = {}) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/containment-hooks',
    headers: admin.headers,
    payload: {
      name: 'Revoke sessions',
      url: `${receiver.base}/revoke`,
      revertUrl: `${receiver.base}/restore`,
      ...payload,
    },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; secret?: string };
}

async function openIncident(): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/incidents',
    headers: responder.headers,
    payload: { title: 'Stolen session cookies for user 4711' },
  });
  expect(res.statusCode).toBe(201);
  return res.json().key as string;
}

const contain = (key: string, hookId: string, who: Caller = responder) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/incidents/${key}/containment`,
    headers: who.headers,
    payload: { kind: 'access_restricted', description: 'Revoke sessions for user 4711', hookId },
  });

const incident = async (key: string) =>
  (
    await t.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${key}`,
      headers: responder.headers,
    })
  ).json().incident;

const timeline = async (key: string) =>
  (
    await t.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${key}/timeline?type=incident.containment_hook_answered`,
      headers: responder.headers,
    })
  ).json();

describe('containment hooks', () => {
  it('applying calls the signed hook with the action, reverting calls the revert URL; both recorded', async () => {
    const hook = await addHook();
    secret = hook.secret!;
    expect(secret).toMatch(/^whsec_/);
    // Sealed at rest: the secret is not in the database as written.
    const row = await t.container.db
      .selectFrom('containment_hooks')
      .select('secret')
      .executeTakeFirstOrThrow();
    expect(row.secret).not.toContain(secret.slice(6));

    const key = await openIncident();
    const made = await contain(key, hook.id);
    expect(made.statusCode).toBe(201);
    const actionId = made.json().id as string;

    const worker = workerFor(t, null);
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 1 });
    expect(receiver.seen).toHaveLength(1);
    const call = receiver.seen[0]!;
    expect(call).toMatchObject({ method: 'POST', path: '/revoke', verified: true });
    expect(call.headers['webhook-id']).toBe(`containment_apply_${actionId}`);
    const body = JSON.parse(call.body);
    expect(body).toEqual({
      type: 'containment.applied',
      timestamp: expect.any(String),
      data: {
        incident: { id: expect.any(String), key },
        action: {
          id: actionId,
          kind: 'access_restricted',
          description: 'Revoke sessions for user 4711',
        },
      },
    });

    const [action] = (await incident(key)).containment;
    expect(action).toMatchObject({
      id: actionId,
      hookId: hook.id,
      status: 'active',
      hookAnswer: { phase: 'apply', outcome: 'ok', status: 200, attempt: 1, error: null },
    });
    expect(action.hookAnswer.excerpt).toBe(
      JSON.stringify({ revoked: 3, note: '<script>alert(1)</script>' }),
    );

    const reverted = await t.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${key}/containment/${actionId}/revert`,
      headers: responder.headers,
      payload: { note: 'User re-verified' },
    });
    expect(reverted.statusCode).toBe(200);
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 1 });
    expect(receiver.seen[1]).toMatchObject({ path: '/restore', verified: true });
    expect(JSON.parse(receiver.seen[1]!.body)).toMatchObject({
      type: 'containment.reverted',
      data: { action: { id: actionId, note: 'User re-verified' } },
    });
    const after = (await incident(key)).containment[0];
    expect(after).toMatchObject({
      status: 'reverted',
      hookAnswer: { phase: 'revert', outcome: 'ok', status: 200 },
    });
    const answered = (await timeline(key)).items as { data: { phase: string } }[];
    expect(answered.map((e) => e.data.phase)).toEqual(['apply', 'revert']);
    await worker.close();
  });

  it('a hook that answers 500: the action stays recorded, the failure shows, the outbox retries', async () => {
    const hook = await addHook();
    secret = hook.secret!;
    receiver.answers.push(500);
    const key = await openIncident();
    const made = await contain(key, hook.id);
    expect(made.statusCode).toBe(201);

    const worker = workerFor(t, null);
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ failed: 1 });
    const [failed] = (await incident(key)).containment;
    expect(failed.status).toBe('active');
    expect(failed.hookAnswer).toMatchObject({
      phase: 'apply',
      outcome: 'failed',
      status: 500,
      attempt: 1,
      error: 'HTTP 500 from the containment hook',
    });
    expect(failed.hookAnswer.retryAt).not.toBeNull();
    // Bounded: the receiver wrote 5 KB, the record keeps 2,000 bytes.
    expect(failed.hookAnswer.excerpt.length).toBe(2000);

    // The retry comes when the outbox's backoff says, and this time the hook answers.
    t.clock.set(Date.parse(failed.hookAnswer.retryAt));
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 1 });
    expect(receiver.seen).toHaveLength(2);
    expect(receiver.seen[1]!.headers['webhook-id']).toBe(receiver.seen[0]!.headers['webhook-id']);
    expect((await incident(key)).containment[0].hookAnswer).toMatchObject({
      outcome: 'ok',
      status: 200,
      attempt: 2,
      retryAt: null,
    });
    await worker.close();
  });

  it('a bearer hook sends its token with the method configured', async () => {
    secret = 'a-long-bearer-token-for-the-firewall';
    const hook = await addHook({ auth: 'bearer', secret, method: 'PUT', revertUrl: null });
    expect(hook.secret).toBeUndefined();
    const key = await openIncident();
    expect((await contain(key, hook.id)).statusCode).toBe(201);
    const worker = workerFor(t, null);
    await worker.deliverDue(t.clock.now());
    expect(receiver.seen[0]).toMatchObject({ method: 'PUT', verified: true });
    await worker.close();
  });

  it('an unknown or switched-off hook is a 400 naming hookId, and nothing is recorded', async () => {
    const key = await openIncident();
    const unknown = await contain(key, 'no-such-hook');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.headers['content-type']).toMatch(/problem\+json/);
    expect(unknown.json().errors).toEqual([
      { field: 'hookId', message: 'is not a containment hook' },
    ]);
    const hook = await addHook();
    const off = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/containment-hooks/${hook.id}`,
      headers: admin.headers,
      payload: { enabled: false },
    });
    expect(off.statusCode).toBe(200);
    expect((await contain(key, hook.id)).json().errors).toEqual([
      { field: 'hookId', message: 'is switched off' },
    ]);
    expect((await incident(key)).containment).toEqual([]);
  });

  it('authorization: admins configure hooks, responders pick them by name, others neither', async () => {
    const hook = await addHook();
    const viewer = await loginAs(t, 'viewer');
    const lead = await loginAs(t, 'security_lead');
    for (const who of [responder, lead, viewer]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/containment-hooks',
        headers: who.headers,
        payload: { name: 'Block IP range', url: `${receiver.base}/block` },
      });
      expect(res.statusCode).toBe(403);
    }
    // A responder picks a hook by name; where it calls is webhook configuration, not theirs.
    const listed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/containment-hook-names',
      headers: responder.headers,
    });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items).toEqual([
      { id: hook.id, name: 'Revoke sessions', enabled: true, hasRevert: true },
    ]);
    for (const who of [responder, lead, viewer]) {
      const configuration = await t.app.inject({
        method: 'GET',
        url: '/api/v1/containment-hooks',
        headers: who.headers,
      });
      expect(configuration.statusCode).toBe(403);
      expect(configuration.json().permission).toBe('webhooks.manage');
      expect(configuration.body).not.toContain('/revoke');
    }
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/containment-hook-names',
          headers: viewer.headers,
        })
      ).statusCode,
    ).toBe(403);
    const adminList = await t.app.inject({
      method: 'GET',
      url: '/api/v1/containment-hooks',
      headers: admin.headers,
    });
    expect(adminList.json().items[0]).toMatchObject({ url: `${receiver.base}/revoke` });
    expect(JSON.stringify(adminList.json())).not.toContain('whsec_');
    // A viewer cannot apply containment with a hook; a token scoped to reading cannot either.
    const key = await openIncident();
    expect((await contain(key, hook.id, viewer)).statusCode).toBe(403);
    const reader = await createTokenFor(t, 'responder', ['incidents.read']);
    expect((await contain(key, hook.id, reader)).statusCode).toBe(403);
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/containment-hooks/${hook.id}`,
      headers: reader.headers,
      payload: { enabled: false },
    });
    expect(patch.statusCode).toBe(403);
    // Bad input: problem+json naming the field.
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/containment-hooks',
      headers: admin.headers,
      payload: { name: 'Bad', url: 'not a url', auth: 'bearer' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toContain('url');
    await expect(
      t.app.inject({
        method: 'POST',
        url: '/api/v1/containment-hooks',
        headers: admin.headers,
        payload: { name: 'No token', url: `${receiver.base}/x`, auth: 'bearer' },
      }),
    ).resolves.toMatchObject({ statusCode: 400 });
  });
});

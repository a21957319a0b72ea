// Webhooks and chat endpoints reach public addresses only (SSRF): refused when an endpoint is
// saved, again at send time after DNS, and on every redirect. These tests run with an empty
// STOPLINE_OUTBOUND_ALLOW, except where they allow one receiver on purpose.
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { enqueueMessage } from '../../src/server/db/outbox.ts';
import { systemActor } from '../../src/server/domain/actor.ts';
import { parseAllowList } from '../../src/server/integrations/outbound-address.ts';
import { createHttpPoster } from '../../src/server/integrations/outbound-http.ts';
import { newId } from '../../src/server/ids.ts';
import { loginAs } from '../helpers/auth.ts';
import { workerFor } from '../helpers/delivery.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

interface Receiver {
  port: number;
  seen: { url: string; body: string; authorization?: string | undefined }[];
  stop(): Promise<void>;
}

/** A receiver on `host` that records each request and answers with `answer`. */
async function listen(
  host: string,
  answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 204;
    res.end();
  },
): Promise<Receiver> {
  const seen: Receiver['seen'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        url: req.url ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
        authorization: req.headers.authorization,
      });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let t: TestApp;
const receivers: Receiver[] = [];

async function receiver(...args: Parameters<typeof listen>): Promise<Receiver> {
  const started = await listen(...args);
  receivers.push(started);
  return started;
}

beforeEach(async () => {
  t = await createTestApp({
    clock: new FakeClock(Date.now()),
    env: { STOPLINE_OUTBOUND_ALLOW: '' },
  });
});
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.stop()));
  await t.close();
});

/** Every way the review reached this machine or the internal network, and their kin. */
const INTERNAL_HOSTS = [
  '127.0.0.1',
  '2130706433',
  '0x7f000001',
  '0177.0.0.1',
  '0x7f.1',
  '127.1',
  'localhost',
  '0.0.0.0',
  '[::1]',
  '[::]',
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '169.254.169.254',
  '[::ffff:169.254.169.254]',
  '10.0.0.1',
  '172.16.0.1',
  '192.168.1.10',
  '[::ffff:10.0.0.1]',
  '100.64.0.1',
  '[fd00::1]',
  '[fe80::1]',
  '224.0.0.1',
  '[ff02::1]',
  '[::7f00:1]',
  '[64:ff9b::7f00:1]',
];

function postEndpoint(app: TestApp, headers: Record<string, string>, payload: object) {
  return app.app.inject({ method: 'POST', url: '/api/v1/webhook-endpoints', headers, payload });
}

/** A public address literal: accepted without asking DNS. */
const PUBLIC_URL = 'https://93.184.215.14/hooks/stopline';

describe('saving an endpoint', () => {
  it('refuses every loopback, private, link-local, unique-local, unspecified and multicast form with 422 naming the url field', async () => {
    const { headers } = await loginAs(t, 'admin');
    const created = await postEndpoint(t, headers, {
      kind: 'chat',
      name: 'public',
      url: PUBLIC_URL,
      eventTypes: [],
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;

    for (const host of INTERNAL_HOSTS) {
      const url = `http://${host}:8080/hook`;
      for (const kind of ['standard', 'slack', 'chat']) {
        const post = await postEndpoint(t, headers, { kind, name: host, url, eventTypes: [] });
        expect(post.statusCode, `${kind} ${url}`).toBe(422);
        expect(post.headers['content-type']).toContain('application/problem+json');
        expect(post.json().errors).toEqual([
          { field: 'url', message: expect.stringMatching(/^must not point at /) },
        ]);
      }
      const patch = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/webhook-endpoints/${id}`,
        headers,
        payload: { url },
      });
      expect(patch.statusCode, `PATCH ${url}`).toBe(422);
      expect(patch.json().errors[0].field).toBe('url');
    }
    // Nothing was stored or changed.
    const listed = await t.app.inject({ url: '/api/v1/webhook-endpoints', headers });
    expect(listed.json().map((e: { url: string }) => e.url)).toEqual([PUBLIC_URL]);
  });

  it('says which address and why, and points at the setting that allows a range', async () => {
    const { headers } = await loginAs(t, 'admin');
    const hint =
      'outgoing requests go to public addresses only (an operator can allow a range with STOPLINE_OUTBOUND_ALLOW)';
    const messageFor = async (url: string) =>
      (await postEndpoint(t, headers, { kind: 'chat', name: 'x', url, eventTypes: [] })).json()
        .errors[0].message;
    expect(await messageFor('http://[::ffff:169.254.169.254]/latest/meta-data/')).toBe(
      `must not point at 169.254.169.254, a link-local address; ${hint}`,
    );
    expect(await messageFor('http://localhost:8080/')).toBe(
      `must not point at localhost, which resolves to 127.0.0.1, a loopback address; ${hint}`,
    );
  });

  it('accepts an internal receiver whose range the operator allowed', async () => {
    const allowing = await createTestApp({ env: { STOPLINE_OUTBOUND_ALLOW: '10.20.0.0/16' } });
    try {
      const { headers } = await loginAs(allowing, 'admin');
      const make = (url: string) =>
        postEndpoint(allowing, headers, { kind: 'chat', name: 'siem', url, eventTypes: [] });
      expect((await make('http://10.20.3.4/hook')).statusCode).toBe(201);
      expect((await make('http://10.21.0.1/hook')).statusCode).toBe(422);
    } finally {
      await allowing.close();
    }
  });

  it('the OpenAPI description declares the 422 answers', async () => {
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
    for (const method of ['post', 'patch']) {
      const path =
        method === 'post' ? '/api/v1/webhook-endpoints' : '/api/v1/webhook-endpoints/{id}';
      const answer = doc.paths[path][method].responses['422'];
      expect(answer.content['application/problem+json'].schema.properties).toHaveProperty('errors');
    }
  });
});

/** An endpoint stored before addresses were checked (an older database, a direct edit). */
async function storedEndpoint(url: string, kind: 'standard' | 'chat' = 'chat'): Promise<string> {
  const id = newId();
  await t.container.db
    .insertInto('webhook_endpoints')
    .values({
      id,
      kind,
      name: url,
      url,
      secret: kind === 'standard' ? `whsec_${Buffer.alloc(32, 7).toString('base64')}` : null,
      event_types_json: '[]',
      active: 1,
      created_at: t.clock.now(),
      updated_at: t.clock.now(),
    })
    .execute();
  return id;
}

async function enqueueChat(endpointId: string, key: string) {
  await enqueueMessage(
    t.container.db,
    {
      channel: 'chat',
      recipient: endpointId,
      subject: 'Line stopped',
      bodyText: 'The line stopped.',
      idempotencyKey: key,
    },
    t.clock.now(),
  );
}

async function lastErrorOf(key: string): Promise<string | null> {
  const row = await t.container.db
    .selectFrom('outbox')
    .select('last_error')
    .where('idempotency_key', '=', key)
    .executeTakeFirstOrThrow();
  return row.last_error;
}

describe('sending', () => {
  it('refuses stored endpoints on this machine in every form, after DNS for names; the receiver hears nothing', async () => {
    // Listening on every address, so a request that got through would be seen.
    const local = await receiver('::');
    const forms = [
      '127.0.0.1',
      '2130706433',
      '0x7f000001',
      '0177.0.0.1',
      'localhost',
      '0.0.0.0',
      '[::1]',
      '[::ffff:127.0.0.1]',
    ];
    const urls = forms.map((host) => `http://${host}:${local.port}/hook`);
    for (const [i, url] of urls.entries()) await enqueueChat(await storedEndpoint(url), `m${i}`);

    const worker = workerFor(t, null);
    expect(await worker.deliverDue(t.clock.now())).toEqual({
      delivered: 0,
      failed: forms.length,
      dead: 0,
    });
    await worker.close();
    expect(local.seen).toEqual([]);
    for (const [i, host] of forms.entries()) {
      const error = await lastErrorOf(`m${i}`);
      expect(error, host).toMatch(/(loopback|unspecified) address; outgoing requests go to public/);
      if (host === 'localhost') expect(error).toMatch(/^localhost resolves to 127\.0\.0\.1, /);
    }

    // The same receivers are reachable once allowed: the refusal is the check, not the network.
    const allowed = createHttpPoster({ allow: parseAllowList(['127.0.0.0/8', '::1/128']) });
    for (const url of urls.filter((u) => !u.includes('0.0.0.0'))) {
      await allowed.post(url, '{}');
    }
    allowed.close();
    expect(local.seen).toHaveLength(forms.length - 1);
  });
});

describe('a receiver the operator allowed (127.0.0.2 only)', () => {
  let allowing: TestApp;
  beforeEach(async () => {
    allowing = await createTestApp({
      clock: new FakeClock(Date.now()),
      env: { STOPLINE_OUTBOUND_ALLOW: '127.0.0.2/32' },
    });
  });
  afterEach(async () => {
    await allowing.close();
  });

  async function deliverTo(url: string, key: string): Promise<string> {
    const endpoint = await allowing.container.services.notifications.createEndpoint(systemActor, {
      kind: 'standard',
      name: key,
      url,
      eventTypes: ['incident.line_stopped'],
    });
    await enqueueMessage(
      allowing.container.db,
      {
        channel: 'webhook',
        recipient: endpoint.id,
        subject: 'Line stopped',
        bodyText: '{"type":"incident.line_stopped"}',
        idempotencyKey: key,
      },
      allowing.clock.now(),
    );
    return endpoint.secret!;
  }

  async function outcomeOf(key: string) {
    const row = await allowing.container.db
      .selectFrom('outbox')
      .select(['id', 'status', 'last_error'])
      .where('idempotency_key', '=', key)
      .executeTakeFirstOrThrow();
    return { status: row.status, lastError: row.last_error };
  }

  it('a redirect to this machine, the metadata service or past three hops is refused; one within the receiver is followed', async () => {
    const inside = await receiver('127.0.0.1');
    const front = await receiver('127.0.0.2', (req, res) => {
      const to: Record<string, string> = {
        '/to-loopback': `http://127.0.0.1:${inside.port}/stolen`,
        '/to-localhost': `http://localhost:${inside.port}/stolen`,
        '/to-decimal': `http://2130706433:${inside.port}/stolen`,
        '/to-mapped': `http://[::ffff:127.0.0.1]:${inside.port}/stolen`,
        '/to-metadata': 'http://169.254.169.254/latest/meta-data/',
        '/moved': '/final',
        '/loop': '/loop',
      };
      const location = to[req.url ?? ''];
      res.writeHead(location ? 307 : 200, location ? { location } : {});
      res.end(location ? 'see there' : '');
    });
    const base = `http://127.0.0.2:${front.port}`;
    const paths = ['/to-loopback', '/to-localhost', '/to-decimal', '/to-mapped', '/to-metadata'];
    for (const path of [...paths, '/moved', '/loop']) await deliverTo(`${base}${path}`, `m${path}`);

    const worker = workerFor(allowing, null, { concurrency: 1 });
    expect(await worker.deliverDue(allowing.clock.now())).toEqual({
      delivered: 1,
      failed: paths.length + 1,
      dead: 0,
    });
    await worker.close();

    expect(inside.seen).toEqual([]);
    for (const path of paths.slice(0, 4)) {
      expect((await outcomeOf(`m${path}`)).lastError, path).toMatch(
        /^redirect refused: (127\.0\.0\.1 is|localhost resolves to 127\.0\.0\.1,) a loopback address/,
      );
    }
    expect((await outcomeOf('m/to-metadata')).lastError).toMatch(
      /^redirect refused: 169\.254\.169\.254 is a link-local address/,
    );
    expect((await outcomeOf('m/loop')).lastError).toBe('HTTP 307: more than 3 redirects');
    expect(front.seen.filter((r) => r.url === '/loop')).toHaveLength(4);

    // Within the allowed receiver the same signed POST is sent again.
    expect(await outcomeOf('m/moved')).toMatchObject({ status: 'delivered', lastError: null });
    expect(front.seen.find((r) => r.url === '/final')?.body).toBe(
      '{"type":"incident.line_stopped"}',
    );
  });

  it('what a receiver answers is never stored or logged', async () => {
    const talkative = await receiver('127.0.0.2', (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('stack trace: AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG');
    });
    await deliverTo(`http://127.0.0.2:${talkative.port}/hook`, 'msg_talkative');
    const worker = workerFor(allowing, null, { maxAttempts: 1 });
    expect(await worker.deliverDue(allowing.clock.now())).toEqual({
      delivered: 0,
      failed: 0,
      dead: 1,
    });
    await worker.close();
    expect(talkative.seen).toHaveLength(1);

    expect(await outcomeOf('msg_talkative')).toEqual({
      status: 'dead',
      lastError: 'HTTP 500 from the receiver',
    });
    const attempts = await allowing.container.db
      .selectFrom('outbox_attempts')
      .select('error')
      .execute();
    expect(attempts.map((a) => a.error)).toEqual(['HTTP 500 from the receiver']);
    const logs = allowing.logs.join('\n');
    expect(logs).toContain('outbox message is a dead letter');
    expect(logs).not.toContain('AWS_SECRET_ACCESS_KEY');
    expect(logs).not.toContain('stack trace');
  });

  it('a password in an endpoint URL is used, but never listed, stored in an error or logged', async () => {
    let answer = 500;
    const guarded = await receiver('127.0.0.2', (_req, res) => {
      res.writeHead(answer);
      res.end('denied');
    });
    const { headers } = await loginAs(allowing, 'admin');
    const url = `http://hook-user:hunter2-pw@127.0.0.2:${guarded.port}/hook`;
    const shown = `http://hook-user:***@127.0.0.2:${guarded.port}/hook`;
    const created = await postEndpoint(allowing, headers, {
      kind: 'chat',
      name: 'guarded',
      url,
      eventTypes: ['incident.line_stopped'],
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().url).toBe(shown);
    const id = created.json().id as string;
    const listed = await allowing.app.inject({ url: '/api/v1/webhook-endpoints', headers });
    expect(listed.json()[0].url).toBe(shown);
    // Sending the listed URL back (a client saving the form again) keeps the password.
    const saved = await allowing.app.inject({
      method: 'PATCH',
      url: `/api/v1/webhook-endpoints/${id}`,
      headers,
      payload: { url: shown, name: 'guarded again' },
    });
    expect(saved.statusCode).toBe(200);

    await enqueueMessage(
      allowing.container.db,
      {
        channel: 'chat',
        recipient: id,
        subject: 'Line stopped',
        bodyText: 'The line stopped.',
        idempotencyKey: 'msg_guarded',
      },
      allowing.clock.now(),
    );
    const worker = workerFor(allowing, null, { baseDelayMs: 1000 });
    expect(await worker.deliverDue(allowing.clock.now())).toMatchObject({ failed: 1 });
    answer = 204;
    allowing.clock.advance(1000);
    expect(await worker.deliverDue(allowing.clock.now())).toMatchObject({ delivered: 1 });
    await worker.close();
    const basic = `Basic ${Buffer.from('hook-user:hunter2-pw').toString('base64')}`;
    expect(guarded.seen.map((r) => r.authorization)).toEqual([basic, basic]);

    const detail = await allowing.container.db.selectFrom('outbox_attempts').selectAll().execute();
    expect(detail.map((a) => a.error)).toEqual(['HTTP 500 from the receiver', null]);
    const everything = [allowing.logs.join('\n'), listed.body, saved.body, created.body];
    for (const text of everything) {
      expect(text).not.toContain('hunter2-pw');
      expect(text).not.toContain(Buffer.from('hook-user:hunter2-pw').toString('base64'));
    }
  });
});

// Outgoing webhooks: Standard Webhooks signatures checked by the `standardwebhooks` package as
// the receiver, signing secrets sealed at rest, retries after a 500, dead letters, and the Slack,
// Microsoft Teams (Workflows: Adaptive Card) and generic chat shapes.
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { enqueueMessage } from '../../src/server/db/outbox.ts';
import { systemActor } from '../../src/server/domain/actor.ts';
import { createSecretBox } from '../../src/server/domain/accounts/index.ts';
import { newId } from '../../src/server/ids.ts';
import { loginAs } from '../helpers/auth.ts';
import { slackMessage } from '../../src/server/integrations/chat-message.ts';
import { startHttpReceiver, workerFor, type HttpReceiver } from '../helpers/delivery.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let receiver: HttpReceiver;

beforeEach(async () => {
  // Receivers reject timestamps more than 5 minutes from their own clock: start at real time.
  t = await createTestApp({ clock: new FakeClock(Date.now()) });
  receiver = await startHttpReceiver();
});
afterEach(async () => {
  await receiver.stop();
  await t.close();
});

async function endpoint(kind: 'standard' | 'slack' | 'chat' | 'teams', url = receiver.url) {
  return t.container.services.notifications.createEndpoint(systemActor, {
    kind,
    name: `${kind} receiver`,
    url,
    eventTypes: ['incident.line_stopped'],
  });
}

async function enqueueFor(
  channel: 'webhook' | 'slack' | 'chat' | 'teams',
  endpointId: string,
  key: string,
  body: string,
  app = t,
) {
  await enqueueMessage(
    app.container.db,
    {
      channel,
      recipient: endpointId,
      subject: 'Line stopped: INC-2026-0001 Customer data exposed',
      bodyText: body,
      idempotencyKey: key,
    },
    app.clock.now(),
  );
}

const payload = JSON.stringify({
  type: 'incident.line_stopped',
  timestamp: '2026-03-02T09:00:00.000Z',
  data: { incident: { key: 'INC-2026-0001' } },
});

describe('Standard Webhooks', () => {
  it('the signature verifies with the standard library; webhook-id is the idempotency id', async () => {
    const created = await endpoint('standard');
    expect(created.secret).toMatch(/^whsec_/);
    await enqueueFor('webhook', created.id, 'msg_line_stopped_1', payload);
    const worker = workerFor(t, null);
    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 1, failed: 0, dead: 0 });

    const [request] = receiver.requests;
    expect(request!.headers['webhook-id']).toBe('msg_line_stopped_1');
    expect(request!.headers['content-type']).toBe('application/json');
    const verified = new Webhook(created.secret!).verify(
      request!.body,
      request!.headers as Record<string, string>,
    );
    expect(verified).toEqual(JSON.parse(payload));
    // A wrong secret does not verify.
    const other = (await endpoint('standard')).secret!;
    expect(() =>
      new Webhook(other).verify(request!.body, request!.headers as Record<string, string>),
    ).toThrow();
    // The secret is shown once, never in the list.
    const listed = await t.container.services.notifications.listEndpoints(systemActor);
    expect(listed.every((e) => !('secret' in e))).toBe(true);
    await worker.close();
  });

  it('a 500 from the receiver is retried with backoff, with the same webhook-id and a fresh signature', async () => {
    const created = await endpoint('standard');
    await enqueueFor('webhook', created.id, 'msg_retry_1', payload);
    receiver.answers.push(500, 503);
    const worker = workerFor(t, null, { baseDelayMs: 10_000 });

    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 0, failed: 1, dead: 0 });
    t.clock.advance(10_000);
    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 0, failed: 1, dead: 0 });
    t.clock.advance(19_999);
    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 0, failed: 0, dead: 0 });
    t.clock.advance(1);
    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 1, failed: 0, dead: 0 });

    expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([
      'msg_retry_1',
      'msg_retry_1',
      'msg_retry_1',
    ]);
    const last = receiver.requests[2]!;
    expect(() =>
      new Webhook(created.secret!).verify(last.body, last.headers as Record<string, string>),
    ).not.toThrow();
    const row = await t.container.db
      .selectFrom('outbox')
      .selectAll()
      .where('idempotency_key', '=', 'msg_retry_1')
      .executeTakeFirstOrThrow();
    const detail = await t.container.services.notifications.getOutboxMessage(systemActor, row.id);
    expect(detail.status).toBe('delivered');
    expect(detail.attemptLog.map((a) => a.outcome)).toEqual(['failed', 'failed', 'delivered']);
    expect(detail.attemptLog[0]!.error).toContain('HTTP 500');
    await worker.close();
  });

  it('after the last attempt a message is a dead letter, visible to admins, and can be retried', async () => {
    const created = await endpoint('standard');
    await enqueueFor('webhook', created.id, 'msg_dead_1', payload);
    receiver.answers.push(500, 500, 500);
    const worker = workerFor(t, null, { maxAttempts: 3, baseDelayMs: 1000 });
    const rounds = [];
    for (let i = 0; i < 3; i++) {
      rounds.push(await worker.deliverDue(t.clock.now()));
      t.clock.advance(60_000);
    }
    expect(rounds.map((r) => r.dead)).toEqual([0, 0, 1]);
    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 0, failed: 0, dead: 0 });

    const dead = await t.container.services.notifications.listOutbox(systemActor, {
      status: 'dead',
      limit: 10,
    });
    expect(dead.map((m) => m.idempotencyKey)).toEqual(['msg_dead_1']);
    expect(dead[0]!.lastError).toContain('HTTP 500');

    await t.container.services.notifications.retryOutboxMessage(systemActor, dead[0]!.id);
    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 1, failed: 0, dead: 0 });
    expect(receiver.requests).toHaveLength(4);
    await worker.close();
  });
});

async function storedSecret(app: TestApp, id: string): Promise<string | null> {
  const row = await app.container.db
    .selectFrom('webhook_endpoints')
    .select('secret')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.secret;
}

/** Delivers one line-stopped payload to the endpoint and returns what the receiver got. */
async function deliverOne(app: TestApp, endpointId: string, key: string) {
  await enqueueFor(
    'webhook',
    endpointId,
    key,
    JSON.stringify({ type: 'incident.line_stopped', data: { key } }),
    app,
  );
  const worker = workerFor(app, null);
  expect(await worker.deliverDue(app.clock.now())).toMatchObject({ delivered: 1 });
  await worker.close();
  const request = receiver.requests.at(-1)!;
  return { body: request.body, headers: request.headers as Record<string, string> };
}

function expectSealed(stored: string | null, secret: string) {
  expect(stored).not.toBeNull();
  expect(stored).toMatch(/^v1\./);
  expect(stored).not.toContain(secret.replace(/^whsec_/, ''));
}

describe('signing secrets at rest (sealed with the server key, as TOTP secrets are)', () => {
  it('are stored sealed, and what is sent still verifies with the secret shown once', async () => {
    const { headers } = await loginAs(t, 'admin');
    const add = (secret?: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/webhook-endpoints',
        headers,
        payload: { kind: 'standard', name: 'SIEM', url: receiver.url, eventTypes: [], secret },
      });
    const created = await add();
    expect(created.statusCode).toBe(201);
    const { id, secret } = created.json() as { id: string; secret: string };
    expectSealed(await storedSecret(t, id), secret);

    const first = await deliverOne(t, id, 'msg_sealed_1');
    expect(new Webhook(secret).verify(first.body, first.headers)).toMatchObject({
      data: { key: 'msg_sealed_1' },
    });

    // Rotating shows the new secret once, stores it sealed, and signs with it from then on.
    const rotated = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/webhook-endpoints/${id}`,
      headers,
      payload: { rotateSecret: true },
    });
    const fresh = rotated.json().secret as string;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(secret);
    expectSealed(await storedSecret(t, id), fresh);
    const second = await deliverOne(t, id, 'msg_sealed_2');
    expect(() => new Webhook(fresh).verify(second.body, second.headers)).not.toThrow();
    expect(() => new Webhook(secret).verify(second.body, second.headers)).toThrow();

    // A secret the admin brings is sealed too; another server key cannot open any of them.
    const given = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const own = await add(given);
    const ownStored = await storedSecret(t, own.json().id);
    expectSealed(ownStored, given);
    const otherKey = createSecretBox('a different server key of 32+ characters');
    expect(() => otherKey.open(ownStored!)).toThrow(/cannot be opened/);

    const logs = t.logs.join('\n');
    for (const s of [secret, fresh, given]) expect(logs).not.toContain(s.replace(/^whsec_/, ''));
  });

  it('a secret an earlier version stored in plain text is sealed at start and keeps signing', async () => {
    const plain = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
    const id = newId();
    await t.container.db
      .insertInto('webhook_endpoints')
      .values({
        id,
        kind: 'standard',
        name: 'from before',
        url: receiver.url,
        secret: plain,
        event_types_json: '["incident.line_stopped"]',
        active: 1,
        created_at: t.clock.now(),
        updated_at: t.clock.now(),
      })
      .execute();

    // The next start of Stopline on this database (the same server key) seals it.
    const restarted = await createTestApp({ database: t.database, clock: t.clock });
    try {
      expectSealed(await storedSecret(restarted, id), plain);
      expect(restarted.logs.join('\n')).toContain('webhook signing secrets sealed');
      const sent = await deliverOne(restarted, id, 'msg_from_before');
      expect(() => new Webhook(plain).verify(sent.body, sent.headers)).not.toThrow();
    } finally {
      await restarted.close();
    }
  });
});

describe('chat webhooks', () => {
  it('Teams gets one Adaptive Card, as its Workflows webhook takes, with text that stays text', async () => {
    const teams = await endpoint('teams');
    const text =
      'Reported as [click me](https://evil.example) **now** <b>x</b>\n\nhttps://x/incidents/1';
    await enqueueFor('teams', teams.id, 'teams-1', text);
    const worker = workerFor(t, null);
    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 1, failed: 0, dead: 0 });
    await worker.close();
    const [request] = receiver.requests;
    expect(request!.headers['content-type']).toMatch(/^application\/json/);
    // The message shape of "Post to a channel when a webhook request is received": type message,
    // one attachment of content type application/vnd.microsoft.card.adaptive, its content an
    // AdaptiveCard (Microsoft 365 connectors' {text} and MessageCard shapes are not taken).
    const body = JSON.parse(request!.body) as {
      type: string;
      attachments: { contentType: string; contentUrl: null; content: Record<string, unknown> }[];
    };
    expect(body.type).toBe('message');
    expect(body.attachments).toHaveLength(1);
    const [card] = body.attachments;
    expect(card!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card!.contentUrl).toBeNull();
    expect(card!.content).toMatchObject({
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      type: 'AdaptiveCard',
      version: '1.4',
    });
    // Every piece is a TextRun, which Adaptive Cards never read as Markdown: the reporter's link
    // and bold stay literal text.
    const blocks = card!.content.body as { type: string; inlines: Record<string, unknown>[] }[];
    expect(blocks.map((b) => b.type)).toEqual(Array(4).fill('RichTextBlock'));
    expect(blocks.map((b) => b.inlines)).toEqual([
      [
        {
          type: 'TextRun',
          text: 'Line stopped: INC-2026-0001 Customer data exposed',
          weight: 'Bolder',
          size: 'Medium',
        },
      ],
      [{ type: 'TextRun', text: 'Reported as [click me](https://evil.example) **now** <b>x</b>' }],
      [{ type: 'TextRun', text: 'https://x/incidents/1' }],
      [{ type: 'TextRun', text: 'Sent by Stopline' }],
    ]);
  });

  it('Slack gets readable blocks; Mattermost and Rocket.Chat get the generic {text} shape', async () => {
    const slack = await endpoint('slack');
    const chat = await endpoint('chat');
    const text =
      'The line stopped because INC-2026-0001 is critical (P0).\n\nhttps://x/incidents/1';
    await enqueueFor('slack', slack.id, 'slack-1', text);
    await enqueueFor('chat', chat.id, 'chat-1', text);
    const worker = workerFor(t, null);
    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 2, failed: 0, dead: 0 });

    const bodies = receiver.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    const slackBody = bodies.find((b) => 'blocks' in b)!;
    expect(slackBody.text).toBe('Line stopped: INC-2026-0001 Customer data exposed');
    expect(slackBody.blocks).toEqual([
      {
        type: 'header',
        text: { type: 'plain_text', text: 'Line stopped: INC-2026-0001 Customer data exposed' },
      },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: 'The line stopped because INC-2026-0001 is critical (P0).' },
      },
      { type: 'section', text: { type: 'mrkdwn', text: 'https://x/incidents/1' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Sent by Stopline' }] },
    ]);
    const chatBody = bodies.find((b) => !('blocks' in b))!;
    expect(Object.keys(chatBody)).toEqual(['text']);
    expect(chatBody.text).toContain('Line stopped: INC-2026-0001');
    await worker.close();
  });
});

describe('Slack @mentions', () => {
  it('only well-formed member ids become mentions; markup in the text stays escaped', () => {
    const message = slackMessage({
      subject: 'Line stopped: INC-2026-0001 <!channel> & co',
      text: 'Reported as <@U999> <!here>',
      mentions: ['U0DEV0001', '<!channel>', 'W0LEAD01'],
    });
    expect(message.text).toBe(
      '<@U0DEV0001> <@W0LEAD01> Line stopped: INC-2026-0001 &lt;!channel&gt; &amp; co',
    );
    expect(message.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '<@U0DEV0001> <@W0LEAD01>' },
    });
    expect(message.blocks[2]!.text!.text).toBe('Reported as &lt;@U999&gt; &lt;!here&gt;');
  });
});

// The notifications API: my preferences; webhook endpoints and the outbox for admins only.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { enqueueMessage } from '../../src/server/db/outbox.ts';
import { loginAs } from '../helpers/auth.ts';
import { startHttpReceiver, workerFor, type HttpReceiver } from '../helpers/delivery.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let receiver: HttpReceiver;

beforeEach(async () => {
  t = await createTestApp({ clock: new FakeClock(Date.now()) });
  receiver = await startHttpReceiver();
});
afterEach(async () => {
  await receiver.stop();
  await t.close();
});

describe('my notification preferences', () => {
  it('are read and replaced by their owner; quiet hours need a real time zone', async () => {
    const { headers } = await loginAs(t, 'responder');
    const initial = await t.app.inject({ url: '/api/v1/me/notification-preferences', headers });
    expect(initial.json()).toEqual({
      channels: {},
      quietHours: null,
      slackMemberId: null,
      ntfy: null,
      phone: null,
      pushDevices: 0,
      mandatory: ['line_stopped'],
    });

    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      headers,
      payload: {
        channels: { report_received: [], deadline_escalation: ['slack'] },
        quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' },
        slackMemberId: 'U024BE7LH',
      },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({
      channels: { report_received: [], deadline_escalation: ['slack'] },
      quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' },
      slackMemberId: 'U024BE7LH',
    });

    const bad = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      headers,
      payload: { quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' } },
    });
    expect(bad.statusCode).toBe(400);
    // A member id is U… or W… and nothing else: it is written into Slack markup unescaped.
    const notAnId = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      headers,
      payload: { slackMemberId: '<!channel>' },
    });
    expect(notAnId.statusCode).toBe(400);
    expect(notAnId.json().errors).toEqual([
      { field: 'slackMemberId', message: 'must be a Slack member id such as U024BE7LH' },
    ]);
  });

  it('only a Slack endpoint can carry notices to one person (user.notice)', async () => {
    const { headers } = await loginAs(t, 'admin');
    const make = (kind: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/webhook-endpoints',
        headers,
        payload: { kind, name: kind, url: receiver.url, eventTypes: ['user.notice'] },
      });
    expect((await make('slack')).statusCode).toBe(201);
    const chat = await make('chat');
    expect(chat.statusCode).toBe(400);
    expect(chat.body).toContain('eventTypes');
  });
});

describe('the outbox for admins', () => {
  it('lists dead letters with their attempts and sends one again; only admins may', async () => {
    const { headers } = await loginAs(t, 'admin');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhook-endpoints',
      headers,
      payload: {
        kind: 'standard',
        name: 'SIEM',
        url: receiver.url,
        eventTypes: ['incident.line_stopped'],
      },
    });
    expect(created.statusCode).toBe(201);
    const endpoint = created.json();
    expect(endpoint.secret).toMatch(/^whsec_/);
    const listed = await t.app.inject({ url: '/api/v1/webhook-endpoints', headers });
    expect(listed.json()[0]).not.toHaveProperty('secret');

    await enqueueMessage(
      t.container.db,
      {
        channel: 'webhook',
        recipient: endpoint.id,
        subject: 'Line stopped',
        bodyText: '{"type":"incident.line_stopped"}',
        idempotencyKey: 'msg_api_1',
      },
      t.clock.now(),
    );
    receiver.answers.push(500, 500);
    const worker = workerFor(t, null, { maxAttempts: 2, baseDelayMs: 1000 });
    await worker.deliverDue(t.clock.now());
    t.clock.advance(1000);
    await worker.deliverDue(t.clock.now());

    const dead = await t.app.inject({ url: '/api/v1/outbox?status=dead', headers });
    expect(dead.statusCode).toBe(200);
    expect(dead.json()).toHaveLength(1);
    const message = dead.json()[0];
    expect(message).toMatchObject({ status: 'dead', attempts: 2, idempotencyKey: 'msg_api_1' });
    const pending = await t.app.inject({ url: '/api/v1/outbox?status=pending', headers });
    expect(pending.json()).toEqual([]);

    const detail = await t.app.inject({ url: `/api/v1/outbox/${message.id}`, headers });
    expect(detail.json().attemptLog.map((a: { outcome: string }) => a.outcome)).toEqual([
      'failed',
      'failed',
    ]);

    const { headers: lead } = await loginAs(t, 'security_lead');
    const refused = await t.app.inject({
      method: 'POST',
      url: `/api/v1/outbox/${message.id}/retry`,
      headers: lead,
    });
    expect(refused.statusCode).toBe(403);

    const retried = await t.app.inject({
      method: 'POST',
      url: `/api/v1/outbox/${message.id}/retry`,
      headers,
    });
    expect(retried.statusCode).toBe(200);
    expect(retried.json().status).toBe('pending');
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/outbox/${message.id}/retry`,
      headers,
    });
    expect(again.statusCode).toBe(409);

    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 1, failed: 0, dead: 0 });
    const audit = await t.app.inject({ url: '/api/v1/audit', headers });
    const actions = (audit.json() as { action: string }[]).map((e) => e.action);
    expect(actions).toContain('outbox.retry');
    expect(actions).toContain('webhook_endpoint.create');
    await worker.close();
  });

  it('refuses a signing secret that is not whsec_ base64', async () => {
    const { headers } = await loginAs(t, 'admin');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhook-endpoints',
      headers,
      payload: {
        kind: 'standard',
        name: 'x',
        url: receiver.url,
        eventTypes: [],
        secret: 'hunter2',
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('hunter2');
  });
});

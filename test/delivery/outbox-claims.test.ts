// Several delivery workers on one database never send one message twice, and a message claimed
// by a worker that died is taken over once its lease runs out.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { claimMessage, listDueIds } from '../../src/server/db/outbox-delivery.ts';
import { enqueueMessage } from '../../src/server/db/outbox.ts';
import { systemActor } from '../../src/server/domain/actor.ts';
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

async function enqueueChat(endpointId: string, count: number) {
  for (let i = 0; i < count; i++) {
    await enqueueMessage(
      t.container.db,
      {
        channel: 'chat',
        recipient: endpointId,
        subject: `notice ${i}`,
        bodyText: `notice ${i}`,
        idempotencyKey: `race-${i}`,
      },
      t.clock.now(),
    );
  }
}

describe('claims', () => {
  it('three workers racing over 60 due messages send each exactly once', async () => {
    const chat = await t.container.services.notifications.createEndpoint(systemActor, {
      kind: 'chat',
      name: 'chat',
      url: receiver.url,
      eventTypes: ['incident.line_stopped'],
    });
    await enqueueChat(chat.id, 60);
    const workers = [1, 2, 3].map(() => workerFor(t, null, { batchSize: 60 }));
    const rounds = await Promise.all(workers.map((w) => w.deliverDue(t.clock.now())));
    expect(rounds.reduce((sum, r) => sum + r.delivered, 0)).toBe(60);
    const texts = receiver.requests.map((r) => (JSON.parse(r.body) as { text: string }).text);
    expect(texts).toHaveLength(60);
    expect(new Set(texts).size).toBe(60);
    const attempts = await t.container.db.selectFrom('outbox_attempts').select('id').execute();
    expect(attempts).toHaveLength(60);
    await Promise.all(workers.map((w) => w.close()));
  });

  it('a message claimed by a worker that died is taken over after the lease, and sent once', async () => {
    const chat = await t.container.services.notifications.createEndpoint(systemActor, {
      kind: 'chat',
      name: 'chat',
      url: receiver.url,
      eventTypes: ['incident.line_stopped'],
    });
    await enqueueChat(chat.id, 1);
    const [due] = await listDueIds(t.container.db, t.clock.now(), 10);
    // The first worker claims, then crashes before sending or settling.
    const claimed = await claimMessage(t.container.db, due!, t.clock.now(), 300_000);
    expect(claimed).not.toBeNull();
    // A second claim of the same message loses.
    expect(await claimMessage(t.container.db, due!, t.clock.now(), 300_000)).toBeNull();

    const worker = workerFor(t, null);
    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 0, failed: 0, dead: 0 });
    t.clock.advance(300_001);
    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 1, failed: 0, dead: 0 });
    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 0, failed: 0, dead: 0 });
    expect(receiver.requests).toHaveLength(1);
    const detail = await t.container.services.notifications.getOutboxMessage(systemActor, due!.id);
    expect(detail.attemptLog.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'failed'],
      [2, 'delivered'],
    ]);
    expect(detail.attemptLog[0]!.error).toContain('claim lapsed');
    await worker.close();
  });

  it('started, the worker delivers on its own; stopped, it finishes its round and sends no more', async () => {
    const chat = await t.container.services.notifications.createEndpoint(systemActor, {
      kind: 'chat',
      name: 'chat',
      url: receiver.url,
      eventTypes: ['incident.line_stopped'],
    });
    await enqueueChat(chat.id, 3);
    const worker = workerFor(t, null, { pollMs: 20 });
    worker.start();
    const until = Date.now() + 5000;
    while (receiver.requests.length < 3 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await worker.stop();
    expect(receiver.requests).toHaveLength(3);
    await enqueueMessage(
      t.container.db,
      {
        channel: 'chat',
        recipient: chat.id,
        subject: 'late',
        bodyText: 'late',
        idempotencyKey: 'late',
      },
      t.clock.now(),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(receiver.requests).toHaveLength(3);
    await worker.close();
  });
});

// A notice leaves as soon as the transaction that enqueued it commits, not at the outbox's next
// poll: the commit wakes the running worker (in this process directly; on PostgreSQL every
// instance, through NOTIFY). The poll here is a minute long and never comes: each wait below is
// bounded well under it, on the receiving server itself.
import { afterEach, describe, expect, it } from 'vitest';
import { enqueueMessage } from '../../src/server/db/outbox.ts';
import { inTransaction } from '../../src/server/db/transaction.ts';
import { systemActor } from '../../src/server/domain/actor.ts';
import { createSmtpMailer } from '../../src/server/integrations/smtp-mailer.ts';
import type { OutboxWorker } from '../../src/server/workers/outbox-worker.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { loginAs, createUser } from '../helpers/auth.ts';
import {
  startHttpReceiver,
  startSmtpReceiver,
  workerFor,
  type HttpReceiver,
  type SmtpReceiver,
} from '../helpers/delivery.ts';
import { incidentInput, responder } from '../helpers/incidents-context.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { testDialect } from '../helpers/test-db.ts';

/** Far longer than any wait below: a delivery seen in time was not the poll's doing. */
const POLL_MS = 60_000;
/** How long a woken worker may take, commit to arrival, before the test fails. */
const PROMPTLY_MS = 3_000;

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function app(options: Parameters<typeof createTestApp>[0] = {}): Promise<TestApp> {
  const t = await createTestApp(options);
  cleanup.push(() => t.close());
  return t;
}

function started(worker: OutboxWorker): OutboxWorker {
  worker.start();
  cleanup.push(() => worker.close());
  return worker;
}

async function smtpReceiver(): Promise<SmtpReceiver> {
  const smtp = await startSmtpReceiver();
  cleanup.push(() => smtp.stop());
  return smtp;
}

async function httpReceiver(): Promise<HttpReceiver> {
  const receiver = await startHttpReceiver();
  cleanup.push(() => receiver.stop());
  return receiver;
}

/** Resolves once no message waits or is being sent: the worker's round is over. */
async function settled(t: TestApp, timeoutMs = PROMPTLY_MS): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const open = await t.container.db
      .selectFrom('outbox')
      .select('id')
      .where('status', 'in', ['pending', 'sending'])
      .execute();
    if (open.length === 0) return;
    if (Date.now() > until) throw new Error(`${open.length} messages still open`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function countOutbox(t: TestApp): Promise<number> {
  const rows = await t.container.db.selectFrom('outbox').select('id').execute();
  return rows.length;
}

describe('notices leave when they are committed, not at the next poll', () => {
  it('an escalation the scheduler commits is e-mailed at once, with the outbox polling once a minute', async () => {
    const t = await app();
    const smtp = await smtpReceiver();
    t.clock.set('2026-03-02T10:00:00Z');
    const owner = await createUser(t, { roles: ['responder'], email: 'owner@example.org' });
    await createUser(t, { roles: ['security_lead'], email: 'lead@example.org' });
    const svc = t.container.services.incidents;
    const incident = await svc.openIncident(
      responder(owner.id),
      incidentInput({
        title: 'Session fixation',
        severity: 'P1',
        severityRationale: 'as seen',
        severityOverride: EMERGENCY,
      }),
    );
    await svc.assignOwner(responder(owner.id), incident.id, undefined, owner.id);

    const mailer = createSmtpMailer({
      host: '127.0.0.1',
      port: smtp.port,
      security: 'none',
      from: 'Stopline <stopline@example.org>',
      timeoutMs: 2000,
    });
    started(workerFor(t, mailer, { pollMs: POLL_MS }));
    // What declaring the incident enqueued goes in the worker's first round.
    const before = await countOutbox(t);
    await smtp.waitFor(before, PROMPTLY_MS);
    await settled(t);

    // An hour later the response is overdue: the scheduler commits the escalation.
    t.clock.set('2026-03-02T11:00:00Z');
    const scheduler = new Scheduler({ deadlines: t.container.services.clocks, clock: t.clock });
    expect(await scheduler.tick(t.clock.now())).toBeGreaterThan(0);
    const after = await countOutbox(t);
    expect(after).toBeGreaterThan(before);

    await smtp.waitFor(after, PROMPTLY_MS);
    // What arrived is what the tick committed: the escalation to the security lead among it.
    const committed = await t.container.db
      .selectFrom('outbox')
      .select(['idempotency_key', 'recipient'])
      .where('created_at', '=', t.clock.now())
      .execute();
    const arrived = smtp.received.slice(before).map((m) => ({
      idempotency_key: m.headers.get('x-stopline-idempotency-key'),
      recipient: m.to && 'text' in m.to ? m.to.text : null,
    }));
    expect(arrived).toEqual(expect.arrayContaining(committed));
    expect(arrived).toHaveLength(committed.length);
    expect(committed.map((c) => c.recipient)).toContain('lead@example.org');
    await settled(t);
  });

  it('a dead letter retried through the API reaches the webhook receiver at once', async () => {
    const t = await app();
    const receiver = await httpReceiver();
    receiver.answers.push(500);
    const endpoint = await t.container.services.notifications.createEndpoint(systemActor, {
      kind: 'standard',
      name: 'soc',
      url: receiver.url,
      eventTypes: ['incident.line_stopped'],
    });
    await enqueueMessage(
      t.container.db,
      {
        channel: 'webhook',
        recipient: endpoint.id,
        subject: 'Line stopped',
        bodyText: '{"type":"incident.line_stopped"}',
        idempotencyKey: 'msg_retried',
      },
      t.clock.now(),
    );
    started(workerFor(t, null, { pollMs: POLL_MS, maxAttempts: 1 }));
    await receiver.waitFor(1, PROMPTLY_MS);
    await settled(t);
    const dead = await t.container.db
      .selectFrom('outbox')
      .select(['id', 'status'])
      .executeTakeFirstOrThrow();
    expect(dead.status).toBe('dead');

    const { headers } = await loginAs(t, 'admin');
    const retry = await t.app.inject({
      method: 'POST',
      url: `/api/v1/outbox/${dead.id}/retry`,
      headers,
    });
    expect(retry.statusCode).toBe(200);
    await receiver.waitFor(2, PROMPTLY_MS);
    expect(receiver.requests[1]!.headers['webhook-id']).toBe('msg_retried');
    await settled(t);
  });

  it.runIf(testDialect === 'postgres')(
    'a commit on one instance wakes the outbox worker of another on the same database',
    async () => {
      const first = await app();
      const second = await app({ database: first.database });
      const receiver = await httpReceiver();
      const endpoint = await first.container.services.notifications.createEndpoint(systemActor, {
        kind: 'standard',
        name: 'soc',
        url: receiver.url,
        eventTypes: ['incident.line_stopped'],
      });
      const notice = (key: string) => ({
        channel: 'webhook' as const,
        recipient: endpoint.id,
        subject: 'Line stopped',
        bodyText: '{"type":"incident.line_stopped"}',
        idempotencyKey: key,
      });
      // Only the second instance delivers; it listens before anything is committed.
      started(workerFor(second, null, { pollMs: POLL_MS }));
      await second.container.workers.liveFeed.start();
      await enqueueMessage(first.container.db, notice('msg_first'), first.clock.now());
      await receiver.waitFor(1, PROMPTLY_MS);
      await settled(second);

      for (const [n, key] of [
        [2, 'msg_second'],
        [3, 'msg_third'],
      ] as const) {
        await inTransaction(first.container.db, (tx) =>
          enqueueMessage(tx, notice(key), first.clock.now()),
        );
        await receiver.waitFor(n, PROMPTLY_MS);
        await settled(second);
      }
      expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([
        'msg_first',
        'msg_second',
        'msg_third',
      ]);
    },
  );
});

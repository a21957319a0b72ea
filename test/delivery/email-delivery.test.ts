// E-mail delivery through a real SMTP server running inside the test.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enqueueMessage } from '../../src/server/db/outbox.ts';
import { createSmtpMailer } from '../../src/server/integrations/smtp-mailer.ts';
import { startSmtpReceiver, workerFor, type SmtpReceiver } from '../helpers/delivery.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let smtp: SmtpReceiver;

beforeEach(async () => {
  t = await createTestApp();
  smtp = await startSmtpReceiver();
});
afterEach(async () => {
  await smtp.stop();
  await t.close();
});

function mailerTo(port: number) {
  return createSmtpMailer({
    host: '127.0.0.1',
    port,
    security: 'none',
    user: 'stopline',
    password: 'smtp-secret-pw',
    from: 'Stopline <stopline@example.org>',
    timeoutMs: 2000,
  });
}

async function enqueue(key: string, to = 'lead@example.org') {
  await enqueueMessage(
    t.container.db,
    {
      channel: 'email',
      recipient: to,
      subject: `Notice ${key}`,
      bodyText: `Plain text for ${key}`,
      bodyHtml: `<p>HTML for ${key}</p>`,
      idempotencyKey: key,
    },
    t.clock.now(),
  );
}

async function outboxRow(key: string) {
  return t.container.db
    .selectFrom('outbox')
    .selectAll()
    .where('idempotency_key', '=', key)
    .executeTakeFirstOrThrow();
}

describe('e-mail over SMTP', () => {
  it('an enqueued notice arrives with its Message-ID, Auto-Submitted and idempotency headers', async () => {
    await enqueue('report-ack:RPT-0001');
    const worker = workerFor(t, mailerTo(smtp.port));
    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 1, failed: 0, dead: 0 });
    await smtp.waitFor(1);
    const mail = smtp.received[0]!;
    expect(mail.subject).toBe('Notice report-ack:RPT-0001');
    expect(mail.text?.trim()).toBe('Plain text for report-ack:RPT-0001');
    expect(mail.html).toContain('<p>HTML for report-ack:RPT-0001</p>');
    expect(mail.messageId).toMatch(/^<[0-9a-f]{32}@stopline\.test>$/);
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.headers.get('x-stopline-idempotency-key')).toBe('report-ack:RPT-0001');
    const row = await outboxRow('report-ack:RPT-0001');
    expect(row.status).toBe('delivered');
    expect(Number(row.delivered_at)).toBe(t.clock.now());
    await worker.close();
  });

  it('SMTP server down: retried with backoff, delivered when it comes back, nothing lost or duplicated', async () => {
    await smtp.stop();
    for (const n of [1, 2, 3]) await enqueue(`notice-${n}`, `person${n}@example.org`);
    const worker = workerFor(t, mailerTo(smtp.port), { baseDelayMs: 30_000 });

    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 0, failed: 3, dead: 0 });
    const first = await outboxRow('notice-1');
    expect(first.status).toBe('pending');
    expect(Number(first.attempts)).toBe(1);
    expect(Number(first.next_attempt_at)).toBe(t.clock.now() + 30_000);
    expect(first.last_error).toMatch(/ECONNREFUSED|connect/i);

    // Not due yet: nothing is tried before the backoff has passed.
    t.clock.advance(29_000);
    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 0, failed: 0, dead: 0 });

    // Second failure doubles the wait.
    t.clock.advance(1_000);
    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 0, failed: 3, dead: 0 });
    expect(Number((await outboxRow('notice-1')).next_attempt_at)).toBe(t.clock.now() + 60_000);

    await smtp.restart();
    t.clock.advance(60_000);
    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 3, failed: 0, dead: 0 });
    // A further round finds nothing to send again.
    t.clock.advance(3_600_000);
    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 0, failed: 0, dead: 0 });

    await smtp.waitFor(3);
    const ids = smtp.received.map((m) => m.headers.get('x-stopline-idempotency-key')).sort();
    expect(ids).toEqual(['notice-1', 'notice-2', 'notice-3']);
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(3);

    const attempts = await t.container.db
      .selectFrom('outbox_attempts')
      .selectAll()
      .where('message_id', '=', first.id)
      .orderBy('started_at')
      .execute();
    expect(attempts.map((a) => [Number(a.attempt), a.outcome])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'delivered'],
    ]);
    await worker.close();
  });

  it('wrong SMTP credentials fail the attempt without ever logging the password', async () => {
    await enqueue('auth-check');
    const mailer = createSmtpMailer({
      host: '127.0.0.1',
      port: smtp.port,
      security: 'none',
      user: 'stopline',
      password: 'not-the-password-9b1',
      from: 'stopline@example.org',
      timeoutMs: 2000,
    });
    const worker = workerFor(t, mailer);
    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 0, failed: 1, dead: 0 });
    expect(t.logs.join('\n')).not.toContain('not-the-password-9b1');
    await worker.close();
  });
});

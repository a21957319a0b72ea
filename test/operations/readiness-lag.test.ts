// /readyz tells a load balancer and an operator whether the background work keeps up: the age of
// the oldest deadline step or page level due and not fired (the scheduler) and of the oldest
// message due and not attempted (the outbox), with 503 once either is beyond
// STOPLINE_READY_MAX_LAG_SECONDS. Time moves by a fake clock; the scheduler and the outbox worker
// are run by hand, and the notices go to a real SMTP server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { createUser } from '../helpers/auth.ts';
import { startSmtpReceiver, smtpWorkerFor, type SmtpReceiver } from '../helpers/delivery.ts';
import { receiveReport } from '../helpers/incidents-context.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let smtp: SmtpReceiver;

beforeAll(async () => {
  t = await createTestApp({
    env: { STOPLINE_READY_MAX_LAG_SECONDS: '120' },
    clock: new FakeClock('2026-12-04T09:00:00Z'),
  });
  smtp = await startSmtpReceiver();
});
afterAll(async () => {
  await smtp.stop();
  await t.close();
});

async function readyz() {
  const res = await t.app.inject({ method: 'GET', url: '/readyz' });
  return { status: res.statusCode, body: res.json() };
}

async function deliver() {
  const worker = smtpWorkerFor(t, smtp);
  await worker.deliverDue(t.clock.now());
  await worker.close();
}

describe('/readyz reports the lag of the scheduler and the outbox', () => {
  it('is ready with no lag on a quiet database', async () => {
    const { status, body } = await readyz();
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ready',
      database: 'reachable',
      migrations: 'current',
      maxLagSeconds: 120,
      scheduler: { lagSeconds: 0, due: 0, state: 'current' },
      outbox: { lagSeconds: 0, due: 0, oldestUndeliveredSeconds: 0, state: 'current' },
    });
  });

  it('goes 503 when the outbox falls behind, and ready again once it has delivered', async () => {
    await createUser(t, { roles: ['security_lead'], email: 'lead@example.org' });
    await receiveReport(t, 'Login bypass');
    const queued = await readyz();
    expect(queued.status).toBe(200);
    expect(queued.body.outbox.due).toBeGreaterThan(0);
    expect(queued.body.outbox.lagSeconds).toBe(0);

    // Nobody sends for two minutes: still within the bound.
    t.clock.advance(120_000);
    expect((await readyz()).status).toBe(200);
    // One second more and the instance is not ready, saying which part is behind and by how much.
    t.clock.advance(1000);
    const behind = await readyz();
    expect(behind.status).toBe(503);
    expect(behind.body).toMatchObject({
      status: 'not ready',
      outbox: { lagSeconds: 121, state: 'behind', oldestUndeliveredSeconds: 121 },
      scheduler: { state: 'current' },
    });

    await deliver();
    const caughtUp = await readyz();
    expect(caughtUp.status).toBe(200);
    expect(caughtUp.body.outbox).toEqual({
      lagSeconds: 0,
      due: 0,
      oldestUndeliveredSeconds: 0,
      state: 'current',
    });
  });

  it('goes 503 when a deadline step is overdue and unfired, and ready once the scheduler fired it', async () => {
    const next = await t.container.db
      .selectFrom('deadlines')
      .select((eb) => eb.fn.min('next_fire_at').as('at'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    expect(next.at).not.toBeNull();
    // The report's acknowledgement clock has a step due; the scheduler is not running.
    t.clock.set(Number(next.at) + 121_000);
    const behind = await readyz();
    expect(behind.status).toBe(503);
    expect(behind.body.scheduler).toEqual({ lagSeconds: 121, due: 1, state: 'behind' });

    const scheduler = new Scheduler({
      deadlines: t.container.services.clocks,
      clock: t.clock,
      workerId: 'test',
    });
    expect(await scheduler.tick(t.clock.now())).toBeGreaterThan(0);
    await deliver();
    const caughtUp = await readyz();
    expect(caughtUp.body.scheduler).toEqual({ lagSeconds: 0, due: 0, state: 'current' });
    expect(caughtUp.status).toBe(200);
  });

  it('refuses a bound that is not a positive whole number', async () => {
    await expect(createTestApp({ env: { STOPLINE_READY_MAX_LAG_SECONDS: '0' } })).rejects.toThrow(
      /STOPLINE_READY_MAX_LAG_SECONDS: must be at least 1/,
    );
  });
});

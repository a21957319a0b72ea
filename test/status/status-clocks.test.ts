// The policy's customer clocks meet the status page: a critical incident's first notice to
// customers (clocks.customerNoticeWithin, 4 h) is met by the first update published on a public
// incident that speaks for it, each later update meets the next customer update
// (severities.P1.customerUpdateEvery, 4 h), and a missed update breaches and escalates like
// every other deadline. Time moves on a fake clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../src/server/clock.ts';
import { listStreamEvents } from '../../src/server/db/event-store.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { loginAs } from '../helpers/auth.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';
import { succeeding, type DeadlineItem } from '../helpers/status.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const call = succeeding(() => t);

async function customerClocks(key: string, headers: Record<string, string>) {
  const { items } = (await call('GET', `/api/v1/incidents/${key}/deadlines`, headers)) as {
    items: DeadlineItem[];
  };
  return items.filter((d) => d.kind.startsWith('customer_'));
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('customer clocks met by the status page', () => {
  it('first notice within 4 h, then an update every 4 h while the incident is active; a missed one breaches', async () => {
    t.clock.set('2026-12-01T10:00:00Z');
    const lead = await loginAs(t, 'security_lead');
    const comms = await loginAs(t, 'comms');
    const incident = await call('POST', '/api/v1/incidents', lead.headers, {
      title: 'Customer data exposed by a misconfigured bucket',
      severity: 'P1',
      severityOverride: EMERGENCY,
    });
    const key = incident.key as string;
    expect(await customerClocks(key, lead.headers)).toMatchObject([
      { kind: 'customer_first_notice', status: 'pending', dueAt: '2026-12-01T14:00:00.000Z' },
    ]);

    t.clock.advance(HOUR);
    const published = await call('POST', '/api/v1/status/incidents', comms.headers, {
      name: 'Some files were reachable without sign-in',
      impact: 'major',
      body: 'We found and closed an exposure of some stored files.',
      internalIncident: key,
    });
    const first = await customerClocks(key, lead.headers);
    expect(first).toMatchObject([
      { kind: 'customer_first_notice', status: 'met', metBy: 'status.update_published' },
      { kind: 'customer_update', status: 'pending', dueAt: iso(t.clock.now() + 4 * HOUR) },
    ]);
    const record = await listStreamEvents(t.container.db, incident.id, { afterSeq: 0 });
    expect(
      record.filter((e) => e.type === 'incident.deadline_met').map((e) => e.data),
    ).toContainEqual(
      expect.objectContaining({ kind: 'customer_first_notice', metBy: 'status.update_published' }),
    );

    // No update for 4 h 10 min: the update clock breaches and the security lead is escalated to.
    const scheduler = new Scheduler({
      deadlines: t.container.services.clocks,
      clock: t.clock,
      workerId: 'test',
    });
    t.clock.advance(4 * HOUR + 10 * MINUTE);
    await scheduler.tick(t.clock.now());
    // Signed in again after the clock moves (a session does not survive hours idle).
    const lead2 = await loginAs(t, 'security_lead');
    const comms2 = await loginAs(t, 'comms');
    const late = (await customerClocks(key, lead2.headers)).find((d) => d.status === 'pending')!;
    expect(late).toMatchObject({ kind: 'customer_update', breached: true });

    const url = `/api/v1/status/incidents/${published.id}/updates`;
    await call('POST', url, comms2.headers, {
      status: 'identified',
      body: 'The bucket is private again.',
    });
    const after = await customerClocks(key, lead2.headers);
    expect(after.find((d) => d.id === late.id)).toMatchObject({
      status: 'met',
      metBy: 'status.update_published',
      breached: true,
    });
    expect(after.filter((d) => d.status === 'pending')).toMatchObject([
      { kind: 'customer_update', dueAt: iso(t.clock.now() + 4 * HOUR) },
    ]);
  });

  it('an update on a public incident for a restricted incident meets its clock without showing it', async () => {
    t.clock.set('2026-12-02T10:00:00Z');
    const admin = await loginAs(t, 'admin');
    const comms = await loginAs(t, 'comms');
    const incident = await call('POST', '/api/v1/incidents', admin.headers, {
      title: 'Insider copies the payroll export',
      severity: 'P1',
      severityOverride: EMERGENCY,
      restricted: true,
    });
    const published = await call('POST', '/api/v1/status/incidents', admin.headers, {
      name: 'Payroll exports paused',
      body: 'Payroll exports are paused while we check them.',
    });
    await call('POST', `/api/v1/status/incidents/${published.id}/updates`, comms.headers, {
      status: 'identified',
      body: 'Not linked yet: nothing is met.',
    });
    expect((await customerClocks(incident.key, admin.headers))[0]).toMatchObject({
      kind: 'customer_first_notice',
      status: 'pending',
    });
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/status/incidents/${published.id}`,
      headers: admin.headers,
      payload: { internalIncident: incident.key },
    });
    t.clock.advance(30 * MINUTE);
    const answer = await call(
      'POST',
      `/api/v1/status/incidents/${published.id}/updates`,
      comms.headers,
      { status: 'monitoring', body: 'Exports run again.' },
    );
    expect(answer.internalIncident).toBeNull();
    expect(JSON.stringify(answer)).not.toContain(incident.key);
    expect((await customerClocks(incident.key, admin.headers))[0]).toMatchObject({
      kind: 'customer_first_notice',
      status: 'met',
      metBy: 'status.update_published',
    });
  });
});

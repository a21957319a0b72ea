// Internal briefings (issue 13, item 9): the stakeholder list an admin keeps gets an internal
// status summary on the policy's cadence (communications.briefings.every: P1 every 4 h in the
// bundled policy) while an incident is active, through each person's notification preferences,
// by e-mail to a real SMTP server. Sent once across two schedulers; a restricted incident only
// to those who may see it; an exercise only to its participants, marked EXERCISE; a severity
// the policy does not brief, never. Time moves on an injected clock.
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStreamEvents } from '../../src/server/db/event-store.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { createUser, loginAs, signIn, TEST_PASSWORD } from '../helpers/auth.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/delivery.ts';
import { outboxTo } from '../helpers/mail.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';
import { recipientsOf, succeeding } from '../helpers/status.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let smtp: SmtpReceiver;
type Headers = Record<string, string>;
let admin: Headers;
let exec: { id: string; email: string };
let manager: { id: string; email: string };
const call = succeeding(() => t);

beforeAll(async () => {
  t = await createTestApp();
  smtp = await startSmtpReceiver();
  t.clock.set('2026-12-10T08:00:00Z');
  admin = (await loginAs(t, 'admin')).headers;
  exec = await createUser(t, { roles: ['viewer'] });
  manager = await createUser(t, { roles: ['viewer'] });
});
afterAll(async () => {
  await smtp.stop();
  await t.close();
});

async function deliverBriefings(): Promise<ParsedMail[]> {
  const before = smtp.received.length;
  const worker = outboxTo(t, smtp.port, 'stopline@example.org');
  // Escalations of the incidents' other clocks go out too: deliver every round due.
  for (let i = 0; i < 20; i++) {
    const round = await worker.deliverDue(t.clock.now());
    if (round.delivered + round.failed + round.dead === 0) break;
  }
  await worker.close();
  return smtp.received.slice(before).filter((m) => m.subject?.includes('Briefing'));
}

const scheduler = (workerId: string) =>
  new Scheduler({
    deadlines: t.container.services.clocks,
    briefings: t.container.services.status,
    clock: t.clock,
    workerId,
  });

async function declare(body: object) {
  const lead = (await loginAs(t, 'security_lead')).headers;
  return call('POST', '/api/v1/incidents', lead, { severityOverride: EMERGENCY, ...body });
}

describe('the stakeholder list', () => {
  it('admins keep it with active members of staff; nobody else reads or changes it', async () => {
    const put = await call('PUT', `/api/v1/status/stakeholders/${exec.id}`, admin, {
      label: 'Executive sponsor',
    });
    expect(put).toMatchObject({ userId: exec.id, label: 'Executive sponsor' });
    await call('PUT', `/api/v1/status/stakeholders/${manager.id}`, admin, {
      label: 'Account manager',
    });
    const unknown = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/status/stakeholders/nobody',
      headers: admin,
      payload: { label: 'Board' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([
      { field: 'userId', message: 'no active member of staff with this id' },
    ]);
    const empty = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/status/stakeholders/${exec.id}`,
      headers: admin,
      payload: { label: '' },
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors[0].field).toBe('label');
    const list = await call('GET', '/api/v1/status/stakeholders', admin);
    expect(list.items.map((s: { label: string }) => s.label)).toEqual([
      'Executive sponsor',
      'Account manager',
    ]);
    for (const role of ['comms', 'security_lead', 'viewer']) {
      const headers = (await loginAs(t, role)).headers;
      for (const [method, url] of [
        ['GET', '/api/v1/status/stakeholders'],
        ['PUT', `/api/v1/status/stakeholders/${exec.id}`],
        ['DELETE', `/api/v1/status/stakeholders/${exec.id}`],
      ] as const) {
        const res = await t.app.inject({ method, url, headers, payload: { label: 'x' } });
        expect(res.statusCode, `${role} ${method} ${url}`).toBe(403);
      }
    }
  });
});

describe('briefings while an incident is active', () => {
  it('every 4 h for a P1, once across two schedulers, on each person’s own channels', async () => {
    t.clock.set('2026-12-10T10:00:00Z');
    const incident = await declare({
      title: 'Customer records exported by a stolen key',
      severity: 'P1',
    });
    const p2 = await declare({ title: 'Phishing mail reported', severity: 'P2' });
    await deliverBriefings();

    t.clock.set('2026-12-10T13:59:00Z');
    expect(await scheduler('a').tick(t.clock.now())).toBeGreaterThanOrEqual(0);
    expect(await deliverBriefings()).toEqual([]);

    t.clock.set('2026-12-10T14:00:00Z');
    // Two instances tick the same database at once: one briefing each goes out.
    await Promise.all([scheduler('a').tick(t.clock.now()), scheduler('b').tick(t.clock.now())]);
    const first = await deliverBriefings();
    expect(first.flatMap(recipientsOf).sort()).toEqual([exec.email, manager.email].sort());
    const mail = first.find((m) => recipientsOf(m).includes(exec.email))!;
    expect(mail.subject).toBe(
      `Briefing 1: ${incident.key} Customer records exported by a stolen key`,
    );
    expect(mail.text).toContain(
      'Status briefing 1 (every 4 h 0 min while the incident is active).',
    );
    expect(mail.text).toContain(
      'Severity P1; phase: Detection & analysis; declared 2026-12-10T10:00Z, 4 h 0 min ago.',
    );
    expect(mail.text).toContain('Public status page: nothing published about it.');
    expect(mail.text).toContain('Next briefing by 2026-12-10T18:00Z.');
    expect(first.some((m) => m.subject?.includes(p2.key))).toBe(false);

    // Recorded once, internal, with its words and who it went to.
    const record = await listStreamEvents(t.container.db, `status-briefings-${incident.id}`, {
      afterSeq: 0,
    });
    expect(record).toHaveLength(1);
    expect(record[0]).toMatchObject({
      type: 'status.briefing_sent',
      visibility: 'internal',
      data: { number: 1, incidentKey: incident.key },
    });
    expect((record[0]!.data as { recipients: string[] }).recipients.sort()).toEqual(
      [exec.id, manager.id].sort(),
    );

    // The account manager chooses no channel for briefings: the next reaches the executive only.
    const managerSession = await signIn(t, manager.email, TEST_PASSWORD);
    await call('PUT', '/api/v1/me/notification-preferences', managerSession, {
      channels: { briefing: [] },
    });
    // The public page says something now: the next briefing tells it.
    const comms = (await loginAs(t, ['comms', 'security_lead'])).headers;
    await call('POST', '/api/v1/status/incidents', comms, {
      name: 'Some exports paused',
      impact: 'minor',
      body: 'Exports are paused while we check them.',
      internalIncident: incident.key,
    });
    t.clock.set('2026-12-10T17:59:00Z');
    await scheduler('a').tick(t.clock.now());
    expect(await deliverBriefings()).toEqual([]);
    t.clock.set('2026-12-10T18:00:00Z');
    await scheduler('b').tick(t.clock.now());
    const second = await deliverBriefings();
    expect(second.flatMap(recipientsOf)).toEqual([exec.email]);
    expect(second[0]!.subject).toContain('Briefing 2:');
    expect(second[0]!.text).toContain('Public status page: "Some exports paused", Investigating');
  });

  it('a restricted incident is briefed only to stakeholders who may see it; an exercise only to its participants, marked', async () => {
    t.clock.set('2026-12-11T10:00:00Z');
    const restricted = await declare({
      title: 'Insider copies payroll data',
      severity: 'P1',
      restricted: true,
      participantIds: [manager.id],
    });
    const drill = await declare({
      title: 'Ransomware on the build farm',
      severity: 'P1',
      exercise: { kind: 'tabletop', scenario: 'The build farm is encrypted.' },
      participantIds: [exec.id],
    });
    // The account manager hears briefings again.
    const managerSession = await signIn(t, manager.email, TEST_PASSWORD);
    await call('PUT', '/api/v1/me/notification-preferences', managerSession, { channels: {} });
    await deliverBriefings();
    t.clock.set('2026-12-11T14:00:00Z');
    await scheduler('a').tick(t.clock.now());
    const mails = await deliverBriefings();
    const about = (key: string) => mails.filter((m) => m.subject?.includes(key));
    expect(about(restricted.key).flatMap(recipientsOf)).toEqual([manager.email]);
    const drilled = about(drill.key);
    expect(drilled.flatMap(recipientsOf)).toEqual([exec.email]);
    expect(drilled[0]!.subject).toContain('[EXERCISE]');
    // Nothing of either to anyone else, nor any outside effect.
    expect(mails.flatMap(recipientsOf).every((a) => a === exec.email || a === manager.email)).toBe(
      true,
    );
  });
});

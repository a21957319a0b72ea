// Reminders and escalations reach each person the way they asked: on the channels they chose
// for that kind of notice (e-mail, or an @mention on the team's Slack endpoint), and held back
// in their quiet hours unless the policy says the incident's severity cannot wait.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, MINUTE } from '../../src/server/clock.ts';
import { systemActor } from '../../src/server/domain/actor.ts';
import type { Preferences } from '../../src/server/domain/notifications/index.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { createUser } from '../helpers/auth.ts';
import { startHttpReceiver, workerFor, type HttpReceiver } from '../helpers/delivery.ts';
import { admin, declareOwned } from '../helpers/incidents-context.ts';
import { SEV_EXAMPLE } from '../helpers/policies.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let receiver: HttpReceiver | null = null;
afterEach(async () => {
  await receiver?.stop();
  receiver = null;
  await t.close();
});

const at = (iso: string) => Date.parse(iso);

async function person(roles: string[], email: string, prefs: Partial<Preferences> = {}) {
  const user = await createUser(t, { roles, email });
  await t.container.services.notifications.setPreferences(
    { ...admin(user.id), roles },
    { channels: {}, quietHours: null, slackMemberId: null, ...prefs },
  );
  return user;
}

async function declare(ownerId: string, title: string, severity: string, when: string) {
  t.clock.set(when);
  return declareOwned(t, ownerId, title, severity);
}

/** Ticks the scheduler at each given time, in order. */
async function tickAt(...times: string[]) {
  const scheduler = new Scheduler({
    deadlines: t.container.services.clocks,
    clock: t.clock,
    workerId: 'test',
  });
  for (const time of times) {
    t.clock.set(time);
    await scheduler.tick(t.clock.now());
  }
}

/** What is waiting in the outbox about responding: channel, recipient, subject, when it may go. */
async function responseNotices() {
  const rows = await t.container.db
    .selectFrom('outbox')
    .selectAll()
    .where('subject', 'like', '%respond to the incident%')
    .orderBy('created_at')
    .orderBy('channel')
    .orderBy('recipient')
    .execute();
  return rows.map((r) => ({
    channel: r.channel,
    recipient: r.recipient,
    subject: r.subject,
    notBefore: new Date(Number(r.next_attempt_at)).toISOString(),
    mentions: r.mentions_json === null ? [] : (JSON.parse(r.mentions_json) as string[]),
  }));
}

describe('escalations on the channels each person chose', () => {
  it('a lead who wants escalations on Slack only gets the breach as a Slack @mention, not e-mail', async () => {
    t = await createTestApp({ clock: new FakeClock('2026-03-02T09:00:00Z') });
    receiver = await startHttpReceiver();
    const slack = await t.container.services.notifications.createEndpoint(systemActor, {
      kind: 'slack',
      name: '#security-oncall',
      url: receiver.url,
      eventTypes: ['user.notice'],
    });
    await person(['security_lead'], 'slacker@example.org', {
      channels: { deadline_escalation: ['slack'] },
      slackMemberId: 'U0LEAD01',
    });
    // Slack-only too, but without a member id Slack cannot reach them: e-mail does.
    await person(['security_lead'], 'no-slack-id@example.org', {
      channels: { deadline_escalation: ['slack'] },
    });
    const owner = await person(['responder'], 'owner@example.org');

    const incident = await declare(owner.id, 'Session fixation', 'P1', '2026-03-02T10:00:00Z');
    await tickAt('2026-03-02T11:00:00Z');

    const breach = (await responseNotices()).filter((n) => n.subject.startsWith('Deadline'));
    expect(breach).toEqual([
      {
        channel: 'email',
        recipient: 'no-slack-id@example.org',
        subject: `Deadline missed: respond to the incident — ${incident.key} Session fixation`,
        notBefore: '2026-03-02T11:00:00.000Z',
        mentions: [],
      },
      {
        channel: 'slack',
        recipient: slack.id,
        subject: `Deadline missed: respond to the incident — ${incident.key} Session fixation`,
        notBefore: '2026-03-02T11:00:00.000Z',
        mentions: ['U0LEAD01'],
      },
    ]);

    // Delivered, the Slack message opens with the mention. (P1 is critical: the line stopped
    // too, and that notice @mentions them on Slack as well, with everyone else told.)
    const worker = workerFor(t, null);
    await worker.deliverDue(t.clock.now());
    await worker.close();
    const bodies = receiver.requests.map(
      (r) => JSON.parse(r.body) as { text: string; blocks: { text?: { text: string } }[] },
    );
    const texts = bodies.map((b) => b.text);
    expect(texts).toContain(
      `<@U0LEAD01> Deadline missed: respond to the incident — ${incident.key} Session fixation`,
    );
    expect(texts).toContain(`<@U0LEAD01> Line stopped: ${incident.key} Session fixation`);
    const missed = bodies.find((b) => b.text.includes('respond to the incident'))!;
    expect(missed.blocks[1]!.text!.text).toBe('<@U0LEAD01>');
  });
});

describe('quiet hours: what may wait waits, what the policy calls urgent does not', () => {
  const cases: {
    policy: string;
    env: Record<string, string>;
    slow: string;
    slowWithin: number;
    urgent: string;
    urgentWithin: number;
  }[] = [
    // The default policy: P0 is its first severity, so it bypasses quiet hours by default.
    { policy: 'default', env: {}, slow: 'P2', slowWithin: 4 * 60, urgent: 'P0', urgentWithin: 15 },
    // SEV1 to SEV4: SEV1 and SEV2 say bypassQuietHours: true; SEV3 does not.
    {
      policy: 'SEV1–SEV4',
      env: { STOPLINE_POLICY: SEV_EXAMPLE },
      slow: 'SEV3',
      slowWithin: 24 * 60,
      urgent: 'SEV1',
      urgentWithin: 10,
    },
  ];

  it.each(cases)(
    '$policy: a $slow reminder at 23:30 waits until 07:00; a $urgent escalation at 23:30 goes at once',
    async ({ env, slow, slowWithin, urgent, urgentWithin }) => {
      t = await createTestApp({ env, clock: new FakeClock('2026-03-02T09:00:00Z') });
      // On call, asleep from 22:00 to 07:00: both the owner and the security lead.
      const sam = await person(['security_lead', 'responder'], 'sam@example.org', {
        quietHours: { startMinute: 22 * 60, endMinute: 7 * 60, timeZone: 'UTC' },
      });
      const reminderAt = at('2026-03-02T23:30:00Z');
      // Declared so that its first reminder (at half the time) falls at 23:30.
      const slowOne = await declare(
        sam.id,
        'Verbose errors',
        slow,
        new Date(reminderAt - (slowWithin / 2) * MINUTE).toISOString(),
      );
      await tickAt('2026-03-02T23:30:00Z');
      const urgentOne = await declare(
        sam.id,
        'Database dump online',
        urgent,
        new Date(reminderAt - urgentWithin * MINUTE).toISOString(),
      );
      await tickAt('2026-03-02T23:30:00Z');

      const notices = (await responseNotices()).map((n) => [n.subject, n.notBefore]);
      expect(notices).toEqual([
        [
          `Reminder: respond to the incident — ${slowOne.key} Verbose errors`,
          '2026-03-03T07:00:00.000Z',
        ],
        [
          `Deadline missed: respond to the incident — ${urgentOne.key} Database dump online`,
          '2026-03-02T23:30:00.000Z',
        ],
      ]);
    },
  );
});

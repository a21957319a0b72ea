// When the line stops, everyone with a role the policy names (the default: responders, security
// leads, admins, communications and legal) is told at once on all their channels, and so is every endpoint subscribed to incident.line_stopped: all enqueued in the
// transaction that stopped the line, then delivered by the worker.
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { systemActor } from '../../src/server/domain/actor.ts';
import { createUser } from '../helpers/auth.ts';
import {
  startHttpReceiver,
  startSmtpReceiver,
  smtpWorkerFor,
  type HttpReceiver,
  type SmtpReceiver,
} from '../helpers/delivery.ts';
import { admin, incidentInput } from '../helpers/incidents-context.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';

let t: TestApp;
let smtp: SmtpReceiver;
let receiver: HttpReceiver;

beforeEach(async () => {
  t = await createTestApp({ clock: new FakeClock(Date.now()) });
  smtp = await startSmtpReceiver();
  receiver = await startHttpReceiver();
});
afterEach(async () => {
  await receiver.stop();
  await smtp.stop();
  await t.close();
});

async function outboxRows() {
  return t.container.db.selectFrom('outbox').selectAll().orderBy('recipient').execute();
}

describe('the stop-the-line notice', () => {
  it('a P0 tells every responder, security lead, admin, comms and legal member, and the subscribed endpoints, at once', async () => {
    const dev = await createUser(t, { roles: ['responder'], email: 'dev@example.org' });
    await createUser(t, { roles: ['security_lead'], email: 'lead@example.org' });
    await createUser(t, { roles: ['admin'], email: 'admin@example.org' });
    await createUser(t, { roles: ['comms'], email: 'comms@example.org' });
    await createUser(t, { roles: ['viewer'], email: 'viewer@example.org' });
    // Quiet hours all day long do not hold back the line stopping.
    const devActor = { ...admin(dev.id), roles: ['responder'] };
    await t.container.services.notifications.setPreferences(devActor, {
      channels: {},
      quietHours: { startMinute: 0, endMinute: 1439, timeZone: 'UTC' },
      slackMemberId: 'U0DEV0001',
    });
    const signed = await t.container.services.notifications.createEndpoint(systemActor, {
      kind: 'standard',
      name: 'SIEM',
      url: receiver.url,
      eventTypes: ['incident.line_stopped'],
    });
    // Also carries notices to single people: the line-stopped message @mentions them.
    await t.container.services.notifications.createEndpoint(systemActor, {
      kind: 'slack',
      name: '#security',
      url: receiver.url,
      eventTypes: ['incident.line_stopped', 'user.notice'],
    });
    await t.container.services.notifications.createEndpoint(systemActor, {
      kind: 'teams',
      name: 'Security channel in Teams',
      url: receiver.url,
      eventTypes: ['incident.line_stopped'],
    });
    await t.container.services.notifications.createEndpoint(systemActor, {
      kind: 'chat',
      name: 'not subscribed',
      url: receiver.url,
      eventTypes: [],
    });

    const incident = await t.container.services.incidents.openIncident(
      admin('opener'),
      incidentInput({
        title: 'Customer data exposed',
        source: 'monitoring',
        severity: 'P0',
        severityRationale: 'Customer data is being downloaded',
        severityOverride: EMERGENCY,
      }),
    );
    expect(incident.lineStopped).toBe(true);

    const rows = await outboxRows();
    const emails = rows.filter((r) => r.channel === 'email').map((r) => r.recipient);
    expect(emails).toEqual([
      'admin@example.org',
      'comms@example.org',
      'dev@example.org',
      'lead@example.org',
    ]);
    expect(
      rows
        .filter((r) => r.channel !== 'email')
        .map((r) => r.channel)
        .sort(),
    ).toEqual(['slack', 'teams', 'webhook']);
    expect(rows.every((r) => Number(r.next_attempt_at) === t.clock.now())).toBe(true);
    expect(rows[0]!.subject).toBe(`Line stopped: ${incident.key} Customer data exposed`);

    const worker = smtpWorkerFor(t, smtp);
    expect(await worker.deliverDue(t.clock.now())).toEqual({ delivered: 7, failed: 0, dead: 0 });
    await smtp.waitFor(4);
    expect(smtp.received.map((m) => m.to && 'text' in m.to && m.to.text).sort()).toEqual([
      'admin@example.org',
      'comms@example.org',
      'dev@example.org',
      'lead@example.org',
    ]);
    const hook = receiver.requests.find((r) => r.headers['webhook-id'])!;
    const payload = new Webhook(signed.secret!).verify(
      hook.body,
      hook.headers as Record<string, string>,
    ) as { type: string; data: { incident: { key: string; severity: string } } };
    expect(payload.type).toBe('incident.line_stopped');
    expect(payload.data.incident).toMatchObject({ key: incident.key, severity: 'P0' });
    // On Slack, everyone told who gave a Slack member id is @mentioned, in one message.
    const slack = receiver.requests.find((r) => r.body.includes('"blocks"'))!;
    expect((JSON.parse(slack.body) as { text: string }).text).toBe(
      `<@U0DEV0001> Line stopped: ${incident.key} Customer data exposed`,
    );
    // On Teams, an Adaptive Card with the same subject in bold.
    const teams = receiver.requests.find((r) => r.body.includes('AdaptiveCard'))!;
    const card = (
      JSON.parse(teams.body) as {
        attachments: { content: { body: { inlines: { text: string; weight?: string }[] }[] } }[];
      }
    ).attachments[0]!.content;
    expect(card.body[0]!.inlines[0]).toMatchObject({
      text: `Line stopped: ${incident.key} Customer data exposed`,
      weight: 'Bolder',
    });
    await worker.close();
  });

  it('a restricted incident is named only by its key', async () => {
    await createUser(t, { roles: ['responder'], email: 'dev@example.org' });
    const incident = await t.container.services.incidents.openIncident(
      admin('opener'),
      incidentInput({
        title: 'Secret acquisition leak',
        source: 'monitoring',
        severity: 'P0',
        severityRationale: 'Board data',
        severityOverride: EMERGENCY,
        restricted: true,
      }),
    );
    const [row] = await outboxRows();
    expect(row!.subject).toBe(`Line stopped: ${incident.key} (restricted incident)`);
    expect(row!.body_text).not.toContain('Secret acquisition');
  });
});

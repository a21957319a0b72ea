// Everyone who must act is told, on their own channels, through the one notice path: the triage
// rota of a new report (an emergency one at once), the new owner, each member of a convened
// panel (with the policy's panel deadline), a role's new holder, a task's holder, and everyone
// the policy names when the line stops. Delivered by a real SMTP server; the test counts who got what.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReportFields } from '../../src/shared/api/reports.ts';
import { FakeClock } from '../../src/server/clock.ts';
import type { Actor } from '../../src/server/domain/actor.ts';
import { createUser } from '../helpers/auth.ts';
import { smtpWorkerFor, startSmtpReceiver, type SmtpReceiver } from '../helpers/delivery.ts';
import { admin, incidentInput, responder } from '../helpers/incidents-context.ts';
import { writeEditedPolicy } from '../helpers/policies.ts';
import { REPRODUCTION } from '../helpers/reproduce.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let smtp: SmtpReceiver;

// The bundled policy gives the panel an hour; this team gives it four.
const PANEL_WITH_DEADLINE = writeEditedPolicy('  voteWithin: 1h\n', '  voteWithin: 4h\n');

beforeEach(async () => {
  t = await createTestApp({
    clock: new FakeClock('2026-03-02T09:00:00Z'),
    env: { STOPLINE_POLICY: PANEL_WITH_DEADLINE },
  });
  smtp = await startSmtpReceiver();
});
afterEach(async () => {
  await smtp.stop();
  await t.close();
});

async function staff() {
  const make = (name: string, roles: string[]) =>
    createUser(t, { roles, email: `${name}@example.org` });
  return {
    lead: await make('lead', ['security_lead']),
    owner: await make('owner', ['responder']),
    devB: await make('devb', ['responder']),
    devC: await make('devc', ['responder']),
    muted: await make('muted', ['responder']),
    comms: await make('comms', ['comms']),
    legal: await make('legal', ['legal']),
    viewer: await make('viewer', ['viewer']),
  };
}

function me(userId: string, roles: string[]): Actor {
  return { ...admin(userId), roles };
}

/** Delivers everything due now through the SMTP server; answers "address: subject" lines. */
async function deliverAll(): Promise<string[]> {
  const worker = smtpWorkerFor(t, smtp);
  const due = await t.container.db
    .selectFrom('outbox')
    .select('id')
    .where('next_attempt_at', '<=', t.clock.now())
    .where('status', '=', 'pending')
    .execute();
  const before = smtp.received.length;
  await worker.deliverDue(t.clock.now());
  await smtp.waitFor(before + due.length);
  await worker.close();
  return smtp.received
    .slice(before)
    .map((m) => `${m.to && 'text' in m.to ? m.to.text : '?'}: ${m.subject ?? ''}`)
    .sort();
}

function submit(summary: string, emergency: boolean) {
  return t.container.services.reports.submitReport(
    ReportFields.parse({ summary, description: 'What the reporter saw.', emergency }),
    [],
    { ip: '127.0.0.1' },
  );
}

describe('a new security report', () => {
  it('reaches the triage rota the policy names, each as their settings say; an emergency wakes them', async () => {
    const s = await staff();
    const notifications = t.container.services.notifications;
    await notifications.setPreferences(me(s.muted.id, ['responder']), {
      channels: { report_received: [] },
      quietHours: null,
      slackMemberId: null,
    });
    // devB sleeps from 08:00 to 18:00 UTC: an ordinary report waits for her, an emergency does not.
    await notifications.setPreferences(me(s.devB.id, ['responder']), {
      channels: {},
      quietHours: { startMinute: 8 * 60, endMinute: 18 * 60, timeZone: 'UTC' },
      slackMemberId: null,
    });

    const plain = await submit('XSS in the <b>search</b> box https://evil.example/x', false);
    expect(await deliverAll()).toEqual([
      `devc@example.org: New security report: ${plain.key} XSS in the <b>search</b> box https[:]//evil.example/x`,
      `lead@example.org: New security report: ${plain.key} XSS in the <b>search</b> box https[:]//evil.example/x`,
      `owner@example.org: New security report: ${plain.key} XSS in the <b>search</b> box https[:]//evil.example/x`,
    ]);
    const held = await t.container.db
      .selectFrom('outbox')
      .select(['recipient', 'next_attempt_at'])
      .where('status', '=', 'pending')
      .execute();
    expect(held.map((r) => [r.recipient, Number(r.next_attempt_at)])).toEqual([
      ['devb@example.org', Date.parse('2026-03-02T18:00:00Z')],
    ]);

    const urgent = await submit('Customer database is public', true);
    const told = await deliverAll();
    expect(told).toEqual(
      ['devb', 'devc', 'lead', 'owner'].map(
        (n) =>
          `${n}@example.org: Emergency security report: ${urgent.key} Customer database is public`,
      ),
    );
    const body = smtp.received.at(-1)!.text ?? '';
    expect(body).toContain('Acknowledge it by 2026-03-02T09:15:00.000Z');
    expect(body).toContain(`/app/reports/${urgent.key}`);
  });
});

describe('an incident', () => {
  it('tells its owner, each panel member, a role holder, a task holder and, when the line stops, everyone the policy names', async () => {
    const s = await staff();
    const incidents = t.container.services.incidents;
    const lead = me(s.lead.id, ['security_lead']);
    const owner = responder(s.owner.id);
    let incident = await incidents.openIncident(
      admin('opener'),
      incidentInput({ title: 'Session fixation on sign-in' }),
    );
    // The lead hands it to the owner; the owner taking it himself would tell nobody.
    incident = await incidents.assignOwner(lead, incident.key, undefined, s.owner.id);
    expect(await deliverAll()).toEqual([
      `owner@example.org: You own an incident: ${incident.key} Session fixation on sign-in`,
    ]);

    await incidents.recordReproduction(owner, incident.key, undefined, REPRODUCTION);
    await incidents.convenePanel(owner, incident.key, undefined, {
      responderIds: [s.devB.id, s.devC.id],
      securityLeadId: s.lead.id,
    });
    await incidents.assignRole(lead, incident.key, undefined, {
      role: 'incident_commander',
      userId: s.devB.id,
    });
    await incidents.addTask(owner, incident.key, undefined, {
      type: 'other',
      title: 'Rotate the session signing key',
      description: '',
      assigneeId: s.devC.id,
      dueAt: Date.parse('2026-03-02T12:00:00Z'),
    });
    const key = incident.key;
    expect(await deliverAll()).toEqual([
      `devb@example.org: You are Incident commander: ${key} Session fixation on sign-in`,
      `devb@example.org: Your vote is needed: ${key} Session fixation on sign-in`,
      `devc@example.org: A task for you: ${key} Session fixation on sign-in`,
      `devc@example.org: Your vote is needed: ${key} Session fixation on sign-in`,
      `lead@example.org: Your vote is needed: ${key} Session fixation on sign-in`,
    ]);
    const vote = smtp.received.find(
      (m) => m.to && 'text' in m.to && m.to.text === 'lead@example.org',
    );
    expect(vote!.text).toContain('(as the security lead)');
    expect(vote!.text).toContain('and vote by 2026-03-02T13:00:00.000Z.');
    const task = smtp.received.find((m) => m.subject?.startsWith('A task'));
    expect(task!.text).toContain('Rotate the session signing key.');
    expect(task!.text).toContain('It is due 2026-03-02T12:00:00.000Z.');

    // The panel decides critical: the line stops, and the whole team the policy names hears it.
    for (const [id, roles] of [
      [s.owner.id, ['responder']],
      [s.devB.id, ['responder']],
      [s.devC.id, ['responder']],
      [s.lead.id, ['security_lead']],
    ] as const) {
      await incidents.castVote(me(id, [...roles]), key, undefined, {
        answers: { customer_data_privacy: true },
        vote: 'critical',
        rationale: 'Sessions can be taken over',
      });
    }
    const line = (await deliverAll()).filter((l) => l.includes('Line stopped'));
    expect(line.map((l) => l.split(':')[0])).toEqual(
      ['comms', 'devb', 'devc', 'lead', 'legal', 'muted', 'owner'].map((n) => `${n}@example.org`),
    );
  });

  it('tells a new participant of a restricted incident in full, and keeps a setting that turns a kind off', async () => {
    const s = await staff();
    const incidents = t.container.services.incidents;
    await t.container.services.notifications.setPreferences(me(s.devC.id, ['responder']), {
      channels: { role_assigned: [] },
      quietHours: null,
      slackMemberId: null,
    });
    const lead = me(s.lead.id, ['security_lead']);
    const incident = await incidents.openIncident(
      lead,
      incidentInput({ title: 'Acquisition data room leak', restricted: true }),
    );
    await incidents.assignRole(lead, incident.key, undefined, {
      role: 'legal',
      userId: s.legal.id,
    });
    await incidents.assignRole(lead, incident.key, undefined, {
      role: 'infrastructure',
      userId: s.devC.id,
    });
    // The person told takes part in it now, so their own e-mail names it in full.
    expect(await deliverAll()).toEqual([
      `legal@example.org: You are Legal counsel: ${incident.key} Acquisition data room leak`,
    ]);
  });
});

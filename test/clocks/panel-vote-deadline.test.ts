// A convened panel's vote is a live clock (panel.voteWithin, an hour in the bundled policy): each
// member who has not voted is reminded before the time to vote by, the security lead hears when
// it passes, and a member's vote meets their own deadline. Delivered through a real SMTP server.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import type { Actor } from '../../src/server/domain/actor.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { createUser } from '../helpers/auth.ts';
import { smtpWorkerFor, startSmtpReceiver, type SmtpReceiver } from '../helpers/delivery.ts';
import { admin, incidentInput, responder } from '../helpers/incidents-context.ts';
import { REPRODUCTION } from '../helpers/reproduce.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let smtp: SmtpReceiver;

beforeEach(async () => {
  t = await createTestApp({ clock: new FakeClock('2026-03-02T09:00:00Z') });
  smtp = await startSmtpReceiver();
});
afterEach(async () => {
  await smtp.stop();
  await t.close();
});

const me = (userId: string, roles: string[]): Actor => ({ ...admin(userId), roles });

async function tickAt(time: string) {
  const scheduler = new Scheduler({
    deadlines: t.container.services.clocks,
    clock: t.clock,
    workerId: 'test',
  });
  t.clock.set(time);
  await scheduler.tick(t.clock.now());
}

/** Delivers what is due; answers the deadline e-mails sent since the last call, "to: subject". */
async function deadlineMail(): Promise<string[]> {
  const before = smtp.received.length;
  const worker = smtpWorkerFor(t, smtp);
  const round = await worker.deliverDue(t.clock.now());
  await worker.close();
  await smtp.waitFor(before + round.delivered);
  return smtp.received
    .slice(before)
    .filter((m) => /^(Reminder|Deadline missed):/.test(m.subject ?? ''))
    .map((m) => `${m.to && 'text' in m.to ? m.to.text : '?'}: ${m.subject ?? ''}`)
    .sort();
}

describe('the time to vote on a panel', () => {
  it('reminds each member who has not voted, tells the security lead when it passes, and is met by the vote', async () => {
    const make = (name: string, roles: string[]) =>
      createUser(t, { roles, email: `${name}@example.org` });
    const owner = await make('owner', ['responder']);
    const devB = await make('devb', ['responder']);
    const devC = await make('devc', ['responder']);
    const lead = await make('lead', ['security_lead']);
    const incidents = t.container.services.incidents;
    let incident = await incidents.openIncident(
      me(lead.id, ['security_lead']),
      incidentInput({ title: 'Session fixation on sign-in' }),
    );
    incident = await incidents.assignOwner(
      me(lead.id, ['security_lead']),
      incident.key,
      undefined,
      owner.id,
    );
    await incidents.recordReproduction(responder(owner.id), incident.key, undefined, REPRODUCTION);
    await incidents.convenePanel(responder(owner.id), incident.key, undefined, {
      responderIds: [devB.id, devC.id],
      securityLeadId: lead.id,
    });
    const key = incident.key;
    const vote = (id: string, roles: string[]) =>
      incidents.castVote(me(id, roles), key, undefined, {
        answers: { specific_circumstances_only: true },
        vote: 'non_critical',
        rationale: 'Needs a victim on a shared computer',
      });
    await deadlineMail();

    t.clock.set('2026-03-02T09:10:00Z');
    await vote(owner.id, ['responder']);
    await vote(lead.id, ['security_lead']);
    // Half the hour gone: the two who have not voted are reminded, nobody else.
    await tickAt('2026-03-02T09:30:00Z');
    expect(await deadlineMail()).toEqual([
      `devb@example.org: Reminder: vote on the panel — ${key} Session fixation on sign-in`,
      `devc@example.org: Reminder: vote on the panel — ${key} Session fixation on sign-in`,
    ]);
    const reminder = smtp.received.find(
      (m) =>
        m.to &&
        'text' in m.to &&
        m.to.text === 'devc@example.org' &&
        m.subject?.startsWith('Reminder'),
    );
    expect(reminder!.text).toContain('2026-03-02T10:00:00.000Z');

    t.clock.set('2026-03-02T09:40:00Z');
    await vote(devB.id, ['responder']);
    // The hour passes with devC's vote missing: the security lead hears it.
    await tickAt('2026-03-02T09:48:00Z');
    expect(await deadlineMail()).toEqual([
      `devc@example.org: Reminder: vote on the panel — ${key} Session fixation on sign-in`,
    ]);
    await tickAt('2026-03-02T10:00:00Z');
    expect(await deadlineMail()).toEqual([
      `lead@example.org: Deadline missed: vote on the panel — ${key} Session fixation on sign-in`,
    ]);

    const clocks = t.container.services.clocks;
    const votes = async () =>
      (await clocks.listForIncident(me(lead.id, ['security_lead']), incident.id))
        .filter((d) => d.kind === 'panel_vote')
        .map(
          (d) => `${d.responsibleId === devC.id ? 'devc' : 'other'} ${d.status} ${d.metBy ?? ''}`,
        )
        .sort();
    expect(await votes()).toEqual([
      'devc pending ',
      'other met incident.panel_vote_recorded',
      'other met incident.panel_vote_recorded',
      'other met incident.panel_vote_recorded',
    ]);
    t.clock.set('2026-03-02T10:05:00Z');
    await vote(devC.id, ['responder']);
    // The last vote decides the panel and meets the last deadline.
    expect(await votes()).toEqual([
      'devc met incident.panel_vote_recorded',
      'other met incident.panel_vote_recorded',
      'other met incident.panel_vote_recorded',
      'other met incident.panel_vote_recorded',
    ]);
  });
});

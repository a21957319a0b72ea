// An exercise runs as an incident for real (clocks, panel, escalations, the line in its record),
// but the one notice path lets its notices reach its participants only, each saying EXERCISE;
// nothing of it reaches a webhook endpoint, a reporter, the people of a breach, the public status
// page or the real release line, and its durations are absent from the measures (issue 14, item
// 7). Counted on a real SMTP server and a real HTTP receiver, beside a real incident as control.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, MINUTE } from '../../src/server/clock.ts';
import { systemActor } from '../../src/server/domain/actor.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { createUser, signIn } from '../helpers/auth.ts';
import {
  smtpWorkerFor,
  startHttpReceiver,
  startSmtpReceiver,
  workerFor,
  type HttpReceiver,
  type SmtpReceiver,
} from '../helpers/delivery.ts';
import { receiveReport } from '../helpers/incidents-context.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let smtp: SmtpReceiver;
let hooks: HttpReceiver;

beforeEach(async () => {
  t = await createTestApp({ clock: new FakeClock('2026-03-02T09:00:00Z') });
  smtp = await startSmtpReceiver();
  hooks = await startHttpReceiver();
});
afterEach(async () => {
  await smtp.stop();
  await hooks.stop();
  await t.close();
});

async function staff() {
  const make = async (name: string, roles: string[]) => {
    const user = await createUser(t, { roles, email: `${name}@example.org` });
    return { ...user, headers: await signIn(t, user.email, user.password) };
  };
  return {
    lead: await make('lead', ['security_lead']),
    player: await make('player', ['responder']),
    bystander: await make('bystander', ['responder']),
    comms: await make('comms', ['comms']),
    legal: await make('legal', ['legal']),
  };
}

/** Delivers every e-mail and webhook due now; answers "address: subject" lines of the e-mails. */
async function deliverAll(): Promise<{ mail: string[]; texts: string[] }> {
  const pending = await t.container.db
    .selectFrom('outbox')
    .select(['channel'])
    .where('next_attempt_at', '<=', t.clock.now())
    .where('status', '=', 'pending')
    .execute();
  const emails = pending.filter((p) => p.channel === 'email').length;
  const before = smtp.received.length;
  const mailer = smtpWorkerFor(t, smtp);
  await mailer.deliverDue(t.clock.now());
  await smtp.waitFor(before + emails);
  await mailer.close();
  const web = workerFor(t, null);
  await web.deliverDue(t.clock.now());
  await web.close();
  const got = smtp.received.slice(before);
  return {
    mail: got.map((m) => `${m.to && 'text' in m.to ? m.to.text : '?'}: ${m.subject ?? ''}`).sort(),
    texts: got.map((m) => (typeof m.text === 'string' ? m.text : '')),
  };
}

async function tickAt(time: string) {
  const scheduler = new Scheduler({
    deadlines: t.container.services.clocks,
    clock: t.clock,
    workerId: 'test',
  });
  t.clock.set(time);
  await scheduler.tick(t.clock.now());
}

describe('an exercise', () => {
  it('reaches its participants only, marked EXERCISE; no endpoint, reporter, page or line hears of it', async () => {
    const s = await staff();
    await t.container.services.notifications.createEndpoint(systemActor, {
      kind: 'standard',
      name: 'SIEM',
      url: hooks.url,
      eventTypes: ['incident.line_stopped', 'deadline.reminded', 'deadline.breached'],
    });

    // Declared by the security lead as a tabletop with one more player: a P0 (critical, urgent:
    // its notices are pages, which climb the policy's ladder unacknowledged).
    const declared = await t.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: s.lead.headers,
      payload: {
        title: 'Ransomware on the build farm',
        severity: 'P0',
        severityOverride: EMERGENCY,
        exercise: { kind: 'tabletop', scenario: 'The build farm encrypts itself at 09:00.' },
        participantIds: [s.player.id],
      },
    });
    expect(declared.statusCode).toBe(201);
    const exercise = declared.json();
    expect(exercise.exercise).toEqual({
      kind: 'tabletop',
      scenario: 'The build farm encrypts itself at 09:00.',
    });
    expect(exercise.participants.sort()).toEqual([s.lead.id, s.player.id].sort());
    // It runs for real: the critical severity stopped the line in its record...
    expect(exercise.lineStopped).toBe(true);
    // ...but the line pipelines read still runs.
    const line = await t.app.inject({
      method: 'GET',
      url: '/api/v1/line',
      headers: s.lead.headers,
    });
    expect(line.json().state).toBe('running');

    // The owner is assigned (a notice), then the response clock reminds and breaches.
    const owned = await t.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${exercise.key}/owner`,
      headers: s.lead.headers,
      payload: { userId: s.player.id },
    });
    expect(owned.statusCode).toBe(200);
    // A suspected personal-data breach calls the legal role, who plays no part here.
    const suspected = await t.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${exercise.key}/breach/suspicion`,
      headers: s.player.headers,
    });
    expect(suspected.statusCode).toBe(201);
    await tickAt('2026-03-02T10:30:00Z');

    const told = await deliverAll();
    const people = new Set(told.mail.map((line) => line.split(':')[0]));
    // The comms and legal roles the line stopping names, and the bystander, hear nothing.
    expect([...people].sort()).toEqual(['lead@example.org', 'player@example.org']);
    expect(told.mail.length).toBeGreaterThanOrEqual(3);
    for (const line of told.mail) expect(line).toMatch(/^[a-z]+@example\.org: \[EXERCISE\] /);
    for (const text of told.texts) {
      expect(text.startsWith('EXERCISE: this is a tabletop exercise, not a real incident.')).toBe(
        true,
      );
    }
    expect(hooks.requests).toHaveLength(0);

    // No real report can be linked to it, so no reporter ever hears of it.
    const report = await receiveReport(t, 'A real report');
    const linked = await t.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${exercise.key}/reports`,
      headers: s.lead.headers,
      payload: { reportIds: [report.id] },
    });
    expect(linked.statusCode).toBe(422);
    expect(linked.json().detail).toMatch(/exercise/);

    // The status page's publish gate: no public incident may speak for it.
    const published = await t.app.inject({
      method: 'POST',
      url: '/api/v1/status/incidents',
      headers: s.comms.headers,
      payload: {
        name: 'Build delays',
        impact: 'minor',
        status: 'investigating',
        body: 'We are looking into slow builds.',
        internalIncident: exercise.key,
      },
    });
    expect(published.statusCode).toBe(422);
    expect(published.json().errors).toEqual([
      { field: 'internalIncident', message: 'is an exercise' },
    ]);
    const listed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/status/incidents',
      headers: s.comms.headers,
    });
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain('Build delays');

    // Control: a real incident the same way reaches the roles and the endpoint.
    const real = await t.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: s.lead.headers,
      payload: { title: 'A real one', severity: 'P1', severityOverride: EMERGENCY },
    });
    expect(real.statusCode).toBe(201);
    const control = await deliverAll();
    expect(control.mail).toContain(
      `comms@example.org: Line stopped: ${real.json().key} A real one`,
    );
    expect(control.mail.every((line) => !line.includes('[EXERCISE]'))).toBe(true);
    expect(hooks.requests).toHaveLength(1);
    expect(JSON.parse(hooks.requests[0]!.body).data.incident.key).toBe(real.json().key);
  });

  it('is left out of the measures: its response time counts nowhere', async () => {
    const s = await staff();
    const open = (payload: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/incidents',
        headers: s.lead.headers,
        payload: { severity: 'P1', severityOverride: EMERGENCY, ...payload },
      });
    const drill = (
      await open({ title: 'Drill', exercise: { kind: 'drill', scenario: 'x' } })
    ).json();
    const real = (await open({ title: 'Real' })).json();
    // The list says which is the exercise, so no one takes it for the real one.
    const listed = await t.app.inject({ url: '/api/v1/incidents', headers: s.lead.headers });
    const kinds = (listed.json().items as { key: string; exerciseKind: string | null }[]).map(
      (i) => [i.key, i.exerciseKind],
    );
    expect(kinds).toEqual([
      [real.key, null],
      [drill.key, 'drill'],
    ]);
    t.clock.advance(5 * MINUTE);
    for (const key of [drill.key, real.key]) {
      const noted = await t.app.inject({
        method: 'POST',
        url: `/api/v1/incidents/${key}/notes`,
        headers: s.player.headers,
        payload: { text: 'On it' },
      });
      expect(noted.statusCode).toBe(200);
    }
    // The drill's response deadline was met, as the real one's was...
    const deadlines = await t.container.db
      .selectFrom('deadlines')
      .select(['subject_id', 'status'])
      .where('kind', '=', 'response')
      .execute();
    expect(deadlines.map((d) => d.status)).toEqual(['met', 'met']);
    // ...but only the real one is measured.
    const measures = await t.app.inject({
      method: 'GET',
      url: '/api/v1/deadlines/measures',
      headers: s.lead.headers,
    });
    expect(measures.json().timeToRespond).toEqual({
      P1: { count: 1, medianMs: 5 * MINUTE, p90Ms: 5 * MINUTE },
    });
  });

  it('refuses bad input: a kind it does not know, unknown participants, reports on an exercise', async () => {
    const s = await staff();
    const open = (payload: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/incidents',
        headers: s.lead.headers,
        payload: { title: 'Exercise', ...payload },
      });
    const kind = await open({ exercise: { kind: 'fire_drill', scenario: 'x' } });
    expect(kind.statusCode).toBe(400);
    expect(kind.json().errors[0].field).toBe('exercise.kind');
    const who = await open({
      exercise: { kind: 'drill', scenario: 'x' },
      participantIds: ['nobody'],
    });
    expect(who.statusCode).toBe(400);
    expect(who.json().errors).toEqual([
      { field: 'participantIds', message: 'nobody is not an active member of staff' },
    ]);
    const report = await receiveReport(t, 'A real report');
    const withReport = await open({
      exercise: { kind: 'red_team', scenario: 'x' },
      reportIds: [report.id],
    });
    expect(withReport.statusCode).toBe(400);
    expect(withReport.json().errors).toEqual([
      { field: 'reportIds', message: 'must be empty for an exercise' },
    ]);
  });
});

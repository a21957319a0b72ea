// A deadline notice says which incident or report is due: its key and title (a title only to
// those who may see the subject: a restricted incident, and a report that follows one, are named
// to anyone else by key alone), what is due and when, and the link to its page in the console.
// Delivered through a real SMTP server and a Slack receiver.
import type { ParsedMail } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { systemActor } from '../../src/server/domain/actor.ts';
import type { Preferences } from '../../src/server/domain/notifications/index.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { ReportFields } from '../../src/shared/api/reports.ts';
import { createUser } from '../helpers/auth.ts';
import {
  startHttpReceiver,
  startSmtpReceiver,
  smtpWorkerFor,
  type HttpReceiver,
  type SmtpReceiver,
} from '../helpers/delivery.ts';
import { admin, declareOwned, incidentInput } from '../helpers/incidents-context.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let smtp: SmtpReceiver;
let slack: HttpReceiver;

async function start(env: Record<string, string> = {}) {
  t = await createTestApp({ env, clock: new FakeClock('2026-03-02T09:00:00Z') });
  smtp = await startSmtpReceiver();
  slack = await startHttpReceiver();
  await t.container.services.notifications.createEndpoint(systemActor, {
    kind: 'slack',
    name: '#security-oncall',
    url: slack.url,
    eventTypes: ['user.notice'],
  });
}
afterEach(async () => {
  await slack.stop();
  await smtp.stop();
  await t.close();
});

async function person(roles: string[], email: string, prefs: Partial<Preferences> = {}) {
  const user = await createUser(t, { roles, email });
  await t.container.services.notifications.setPreferences(
    { ...admin(user.id), roles },
    { channels: {}, quietHours: null, slackMemberId: null, ...prefs },
  );
  return user;
}

const declare = (ownerId: string, title: string, severity: string, restricted = false) =>
  declareOwned(t, ownerId, title, severity, restricted);

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

/** Delivers everything due; answers the deadline e-mails (not the line stopping) by recipient. */
async function deliverDeadlineMail(): Promise<Map<string, ParsedMail[]>> {
  const worker = smtpWorkerFor(t, smtp);
  const round = await worker.deliverDue(t.clock.now());
  await worker.close();
  expect(round.failed + round.dead).toBe(0);
  const emails = await t.container.db
    .selectFrom('outbox')
    .select('id')
    .where('channel', '=', 'email')
    .execute();
  await smtp.waitFor(emails.length);
  const byRecipient = new Map<string, ParsedMail[]>();
  for (const mail of smtp.received) {
    if (!/^(Reminder|Deadline missed):/.test(mail.subject ?? '')) continue;
    const to = mail.to && 'text' in mail.to ? mail.to.text : '';
    byRecipient.set(to, [...(byRecipient.get(to) ?? []), mail]);
  }
  return byRecipient;
}

/** Everything a reader sees of an e-mail. */
const whole = (m: ParsedMail) => [m.subject, m.text, m.html].join('\n');

describe('deadline notices name what is due', () => {
  it('an owner with two open incidents is told which one each reminder is about, with its link', async () => {
    await start();
    const owner = await person(['responder'], 'owner@example.org', {
      channels: { deadline_reminder: ['email', 'slack'] },
      slackMemberId: 'U0OWNER01',
    });
    t.clock.set('2026-03-02T10:00:00Z');
    const verbose = await declare(owner.id, 'Verbose errors on the billing API', 'P2');
    const fixation = await declare(owner.id, 'Session fixation in the portal', 'P2');
    // P2: respond within 4 h; the first reminder at half the time.
    await tickAt('2026-03-02T12:00:00Z');

    const mail = (await deliverDeadlineMail()).get('owner@example.org') ?? [];
    const base = t.container.config.baseUrl;
    for (const incident of [verbose, fixation]) {
      const link = `${base}/app/incidents/${incident.key}`;
      const about = mail.filter((m) => m.subject!.includes(incident.key));
      expect(about.map((m) => m.subject)).toEqual([
        `Reminder: respond to the incident — ${incident.key} ${incident.title}`,
      ]);
      const [m] = about;
      expect(m!.text).toContain(
        'The deadline to respond to the incident is 2026-03-02T14:00:00.000Z.',
      );
      expect(m!.text).toContain(`Incident ${incident.key}: ${incident.title}`);
      expect(m!.text).toContain(link);
      expect(m!.html).toContain(`<a href="${link}">`);
    }

    // The same on Slack: the @mention names the incident and links to it.
    const posts = slack.requests.map(
      (r) => JSON.parse(r.body) as { text: string; blocks: unknown },
    );
    for (const incident of [verbose, fixation]) {
      const post = posts.find((p) => p.text.includes(incident.key))!;
      expect(post.text).toBe(
        `<@U0OWNER01> Reminder: respond to the incident — ${incident.key} ${incident.title}`,
      );
      expect(JSON.stringify(post.blocks)).toContain(
        `${t.container.config.baseUrl}/app/incidents/${incident.key}`,
      );
    }
  });

  it('a title that carries a web address is repeated with the address defanged: the only link is the console', async () => {
    await start();
    const owner = await person(['responder'], 'owner@example.org');
    t.clock.set('2026-03-02T10:00:00Z');
    const incident = await declare(owner.id, 'Phish at https://evil.example/login\r\nBcc: x', 'P2');
    await tickAt('2026-03-02T12:00:00Z');
    const [m] = (await deliverDeadlineMail()).get('owner@example.org')!;
    expect(m!.subject).toBe(
      `Reminder: respond to the incident — ${incident.key} Phish at https[:]//evil.example/login Bcc: x`,
    );
    const links = [...whole(m!).matchAll(/https?:\/\/[^\s"<>]+/g)].map((x) => x[0]);
    expect(new Set(links)).toEqual(
      new Set([`${t.container.config.baseUrl}/app/incidents/${incident.key}`]),
    );
  });
});

describe('a restricted subject is named by key alone to those who may not see it', () => {
  it.each([
    { requireAdminMfa: 'false', adminSees: true },
    { requireAdminMfa: 'true', adminSees: false },
  ])(
    'restricted incident (STOPLINE_REQUIRE_ADMIN_MFA=$requireAdminMfa): the owner reads its title; a lead outside it reads the key only',
    async ({ requireAdminMfa, adminSees }) => {
      await start({ STOPLINE_REQUIRE_ADMIN_MFA: requireAdminMfa });
      // By e-mail and on Slack; a Slack channel is read by others, so it gets the key only.
      const owner = await person(['responder'], 'owner@example.org', {
        channels: { deadline_reminder: ['email', 'slack'] },
        slackMemberId: 'U0OWNER01',
      });
      await person(['security_lead'], 'lead@example.org');
      // An admin too, but without a second factor: with the requirement on, no admin.
      await person(['security_lead', 'admin'], 'admin-lead@example.org');
      t.clock.set('2026-03-02T10:00:00Z');
      const title = 'Payroll export leaked by a contractor';
      const incident = await declare(owner.id, title, 'P1', true);
      // P1: respond within 1 h; a reminder at 10:30 to the owner, the breach at 11:00 to leads.
      await tickAt('2026-03-02T10:30:00Z', '2026-03-02T11:00:00Z');

      const mail = await deliverDeadlineMail();
      const link = `${t.container.config.baseUrl}/app/incidents/${incident.key}`;
      const ownerMail = mail.get('owner@example.org')!;
      expect(ownerMail.map((m) => m.subject)).toContain(
        `Reminder: respond to the incident — ${incident.key} ${title}`,
      );
      const leadMail = mail.get('lead@example.org')!;
      expect(leadMail.map((m) => m.subject)).toContain(
        `Deadline missed: respond to the incident — ${incident.key} (restricted incident)`,
      );
      for (const m of leadMail) {
        expect(whole(m)).not.toContain('Payroll');
        expect(m.text).toContain(`Incident ${incident.key}: restricted`);
        expect(m.text).toContain(link);
      }
      const posts = slack.requests.map((r) => r.body);
      expect(
        posts.some((p) =>
          p.includes(
            `<@U0OWNER01> Reminder: respond to the incident — ${incident.key} (restricted incident)`,
          ),
        ),
      ).toBe(true);
      for (const p of posts) expect(p).not.toContain('Payroll');
      const adminMail = mail.get('admin-lead@example.org')!;
      expect(adminMail.length).toBeGreaterThan(0);
      for (const m of adminMail) expect(whole(m).includes('Payroll')).toBe(adminSees);
    },
  );

  it('a report: the lead reads its key, summary and link; once it follows a restricted incident, its key only', async () => {
    await start();
    await person(['security_lead'], 'lead@example.org');
    t.clock.set('2026-03-02T09:00:00Z');
    const submit = (summary: string) =>
      t.container.services.reports.submitReport(
        ReportFields.parse({ summary, description: 'What the reporter saw.' }),
        [],
        { ip: '127.0.0.1' },
      );
    const open = await submit('SQL injection in the login form');
    const hidden = await submit('Contractor laptop stolen');
    const hiddenId = (
      await t.container.db
        .selectFrom('reports')
        .select('id')
        .where('key', '=', hidden.key)
        .executeTakeFirstOrThrow()
    ).id;
    await t.container.services.incidents.openIncident(
      admin('opener'),
      incidentInput({ title: 'Stolen laptop', restricted: true, reportIds: [hiddenId] }),
    );
    // Acknowledge within 24 h: the first reminder at 21:00, to the security leads.
    await tickAt('2026-03-02T21:00:00Z');

    const mail = (await deliverDeadlineMail()).get('lead@example.org')!;
    const base = t.container.config.baseUrl;
    const shown = mail.find((m) => m.subject!.includes(open.key))!;
    expect(shown.subject).toBe(
      `Reminder: acknowledge the security report — ${open.key} SQL injection in the login form`,
    );
    expect(shown.text).toContain(`Report ${open.key}: SQL injection in the login form`);
    expect(shown.html).toContain(`<a href="${base}/app/reports/${open.key}">`);
    const keyOnly = mail.find((m) => m.subject!.includes(hidden.key))!;
    expect(keyOnly.subject).toBe(
      `Reminder: acknowledge the security report — ${hidden.key} (restricted report)`,
    );
    expect(whole(keyOnly)).not.toContain('laptop');
    expect(keyOnly.text).toContain(`${base}/app/reports/${hidden.key}`);
  });
});

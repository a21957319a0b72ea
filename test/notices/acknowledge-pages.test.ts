// Acknowledge to stop the ladder (issue 21, item 3): every urgent notice is a page with a one-time
// acknowledge link for each person it reaches; unacknowledged, it climbs the policy's levels
// (notices.escalation) on the scheduler's tick, and an acknowledgment (by the link, the console
// or the API) stops it. Delivered by a real SMTP server; time through the injected clock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReportFields } from '../../src/shared/api/reports.ts';
import { FakeClock } from '../../src/server/clock.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { createUser, signIn } from '../helpers/auth.ts';
import { smtpWorkerFor, startSmtpReceiver, type SmtpReceiver } from '../helpers/delivery.ts';
import { DEFAULT_POLICY_TEXT, writeEditedPolicyFragment } from '../helpers/policies.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let smtp: SmtpReceiver;

// The triage rota is the responders; unacknowledged for 10 minutes a page goes to the security
// lead, 10 minutes later to the admins.
const LADDER = editedTwice(
  ['  newReport: [responder, security_lead]\n', '  newReport: [responder]\n'],
  ['  escalation:\n    after: 5m\n', '  escalation:\n    after: 10m\n'],
);
const MINUTE = 60_000;

function editedTwice(...edits: [string, string][]): string {
  let text = DEFAULT_POLICY_TEXT;
  for (const [from, to] of edits) {
    if (text.split(from).length !== 2) throw new Error(`"${from}" must occur once`);
    text = text.replace(from, to);
  }
  return writeEditedPolicyFragment(text, 'policy.yaml');
}

beforeEach(async () => {
  t = await createTestApp({
    clock: new FakeClock('2026-03-02T03:00:00Z'),
    env: { STOPLINE_POLICY: LADDER },
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
    ana: await make('ana', ['responder']),
    ben: await make('ben', ['responder']),
    lead: await make('lead', ['security_lead']),
    boss: await make('boss', ['admin']),
    viewer: await make('viewer', ['viewer']),
  };
}

/** Delivers everything due now through the SMTP server; answers the messages sent. */
async function deliverAll() {
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
  return smtp.received.slice(before).map((m) => ({
    to: m.to && 'text' in m.to ? m.to.text : '?',
    subject: m.subject ?? '',
    text: m.text ?? '',
    html: typeof m.html === 'string' ? m.html : '',
  }));
}

/** Who got a page (the report's own deadline reminders run beside it and are left out). */
const told = (mails: { to: string; subject: string }[]) =>
  mails
    .filter((m) => m.subject.includes('Emergency security report'))
    .map((m) => `${m.to}: ${m.subject}`)
    .sort();

/** The acknowledge link in a person's mail, as a path on the app. */
function ackLink(mail: { text: string }): string {
  const match = /Acknowledge this page so that it stops escalating: (\S+)/.exec(mail.text);
  if (!match) throw new Error(`no acknowledge link in ${mail.text}`);
  const url = new URL(match[1]!);
  return `${url.pathname}${url.search}`;
}

function emergency(summary: string) {
  return t.container.services.reports.submitReport(
    ReportFields.parse({ summary, description: 'What the reporter saw.', emergency: true }),
    [],
    { ip: '127.0.0.1' },
  );
}

function scheduler() {
  return new Scheduler({
    deadlines: t.container.services.clocks,
    pages: t.container.services.notifications,
    clock: t.clock,
  });
}

/** Moves the clock on and runs the scheduler's tick, as `serve` does every 5 s. */
async function after(ms: number) {
  t.clock.advance(ms);
  await scheduler().tick(t.clock.now());
}

/** Pages waiting to be sent now (the outbox's page notices). */
async function pendingNow(): Promise<number> {
  const rows = await t.container.db
    .selectFrom('outbox')
    .select('id')
    .where('status', '=', 'pending')
    .where('idempotency_key', 'like', 'page:%')
    .execute();
  return rows.length;
}

function confirm(path: string, token: string) {
  return t.app.inject({
    method: 'POST',
    url: path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'sec-fetch-site': 'same-origin',
    },
    payload: `token=${encodeURIComponent(token)}`,
  });
}

const tokenOf = (path: string) => new URL(path, 'http://x').searchParams.get('token')!;

describe('an unacknowledged page', () => {
  it('climbs to the security lead after the policy delay, then to the admins, then stops', async () => {
    await staff();
    const report = await emergency('Customer database is public');
    const first = await deliverAll();
    expect(told(first)).toEqual(
      ['ana', 'ben'].map(
        (n) =>
          `${n}@example.org: Emergency security report: ${report.key} Customer database is public`,
      ),
    );
    // The next step first: the acknowledge link, then the report's page; each person their own.
    const [a, b] = first;
    expect(ackLink(a!)).not.toEqual(ackLink(b!));
    expect(a!.text.indexOf('/ack?token=')).toBeLessThan(
      a!.text.indexOf(`/app/reports/${report.key}`),
    );
    expect(a!.html).toContain('<a href="http://');

    await after(9 * MINUTE);
    expect(await pendingNow()).toBe(0);

    await after(1 * MINUTE);
    const second = (await deliverAll()).filter((m) => m.subject.startsWith('Not acknowledged'));
    expect(told(second)).toEqual([
      `lead@example.org: Not acknowledged: Emergency security report: ${report.key} Customer database is public`,
    ]);
    expect(second[0]!.text).toContain(
      'Nobody acknowledged this page within 10 minutes: you are paged as the next level (security_lead).',
    );
    expect(second[0]!.text).toContain('/ack?token=');

    await after(10 * MINUTE);
    expect(told(await deliverAll())).toEqual([
      `boss@example.org: Not acknowledged: Emergency security report: ${report.key} Customer database is public`,
    ]);

    // No level is left: the page stops climbing.
    await after(60 * MINUTE);
    expect(await pendingNow()).toBe(0);
  });
});

describe('an acknowledged page', () => {
  it('stops climbing when one person acknowledges it by the link in their mail; the link works once', async () => {
    const s = await staff();
    const report = await emergency('Tokens leak in the referrer');
    const first = await deliverAll();
    const benMail = first.find((m) => m.to === 'ben@example.org')!;
    const link = ackLink(benMail);

    // Opening the link (a mail scanner does) acknowledges nothing: it shows a button.
    await after(3 * MINUTE);
    const shown = await t.app.inject({ method: 'GET', url: link });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('Emergency security report');
    expect(shown.body).toContain(report.key);
    expect(shown.body).toContain('<button type="submit">Acknowledge</button>');
    expect(shown.body).toContain('the next level is paged at 2026-03-02T03:10:00.000Z');

    const done = await confirm('/ack', tokenOf(link));
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Acknowledged: the page stops here.');
    expect(done.body).toContain('2026-03-02T03:03:00.000Z');

    // Nobody further is paged, however long it stays open.
    await after(10 * MINUTE);
    await after(60 * MINUTE);
    expect(await pendingNow()).toBe(0);

    // The link again: already acknowledged. Opening it says so, with no button.
    const again = await confirm('/ack', tokenOf(link));
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('already acknowledged');
    const reopened = await t.app.inject({ method: 'GET', url: link });
    expect(reopened.body).toContain('This page is acknowledged.');
    expect(reopened.body).not.toContain('<button');

    // Recorded with its time: who, how, and the time to acknowledge.
    const audit = await t.container.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'page.acknowledge')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_id).toBe(s.ben.id);
    expect(JSON.parse(String(audit[0]!.detail_json))).toMatchObject({
      via: 'link',
      level: 0,
      secondsToAcknowledge: 180,
    });
  });

  it('is acknowledged in the console through the API, by a person it reached only', async () => {
    const s = await staff();
    const report = await emergency('Admin panel open to all');
    const first = await deliverAll();
    const ana = await signIn(t, s.ana.email, s.ana.password);
    const viewer = await signIn(t, s.viewer.email, s.viewer.password);

    const mine = await t.app.inject({ method: 'GET', url: '/api/v1/me/pages', headers: ana });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toEqual([
      {
        id: expect.any(String),
        about: { type: 'report', key: report.key, title: 'Admin panel open to all' },
        headline: 'Emergency security report',
        lines: [expect.stringContaining('Acknowledge it by')],
        level: 0,
        pagedAt: '2026-03-02T03:00:00.000Z',
        acknowledgedAt: null,
        acknowledgedBy: null,
        nextEscalationAt: '2026-03-02T03:10:00.000Z',
      },
    ]);
    const id = mine.json()[0].id as string;

    // Someone the page did not reach may not acknowledge it, and sees no page of theirs.
    const refused = await t.app.inject({
      method: 'POST',
      url: `/api/v1/pages/${id}/acknowledge`,
      headers: viewer,
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me/pages', headers: viewer })).json(),
    ).toEqual([]);
    expect(
      (await t.app.inject({ method: 'POST', url: `/api/v1/pages/${id}/acknowledge` })).statusCode,
    ).toBe(401);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/pages/no-such-page/acknowledge',
          headers: ana,
        })
      ).statusCode,
    ).toBe(404);

    t.clock.advance(2 * MINUTE);
    const acked = await t.app.inject({
      method: 'POST',
      url: `/api/v1/pages/${id}/acknowledge`,
      headers: ana,
    });
    expect(acked.statusCode).toBe(200);
    expect(acked.json()).toMatchObject({
      acknowledgedAt: '2026-03-02T03:02:00.000Z',
      acknowledgedBy: s.ana.id,
      nextEscalationAt: null,
    });

    // Ben's link now says it is done; a second acknowledgment is a conflict.
    const benLink = ackLink(first.find((m) => m.to === 'ben@example.org')!);
    expect((await confirm('/ack', tokenOf(benLink))).statusCode).toBe(409);
    const twice = await t.app.inject({
      method: 'POST',
      url: `/api/v1/pages/${id}/acknowledge`,
      headers: ana,
    });
    expect(twice.statusCode).toBe(409);

    await after(30 * MINUTE);
    expect(await pendingNow()).toBe(0);
  });

  it('is not stopped by a forged, unknown or expired link', async () => {
    await staff();
    await emergency('Signing key in a public repository');
    const first = await deliverAll();
    const link = ackLink(first.find((m) => m.to === 'ana@example.org')!);
    const token = tokenOf(link);

    const forged = await confirm('/ack', `${token.slice(0, -2)}xx`);
    expect(forged.statusCode).toBe(404);
    expect(forged.body).toContain('This acknowledge link is not valid');
    expect((await t.app.inject({ method: 'GET', url: '/ack' })).statusCode).toBe(404);
    // A post from another site is refused before the token is read.
    const crossSite = await t.app.inject({
      method: 'POST',
      url: '/ack',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'sec-fetch-site': 'cross-site',
      },
      payload: `token=${encodeURIComponent(token)}`,
    });
    expect(crossSite.statusCode).toBe(403);

    // None of those stopped it: the lead is paged at 10 minutes.
    await after(10 * MINUTE);
    expect(told(await deliverAll())).toEqual([
      expect.stringMatching(/^lead@example.org: Not acknowledged: /),
    ]);

    // A day later the link has lapsed; the console still acknowledges.
    t.clock.advance(24 * 60 * MINUTE);
    const late = await confirm('/ack', token);
    expect(late.statusCode).toBe(422);
    expect(late.body).toContain('acknowledge the page in the console');
  });

  it('is only for urgent notices: an ordinary report carries no acknowledge link and never climbs', async () => {
    await staff();
    await t.container.services.reports.submitReport(
      ReportFields.parse({ summary: 'Old jQuery', description: 'Version 1.x.', emergency: false }),
      [],
      { ip: '127.0.0.1' },
    );
    const mails = await deliverAll();
    expect(mails).toHaveLength(2);
    for (const m of mails) expect(m.text).not.toContain('/ack?token=');
    await after(60 * MINUTE);
    expect(await pendingNow()).toBe(0);
  });
});

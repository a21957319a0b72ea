// The disclosure clocks (issue 16, item 7): the policy's disclosure promises are deadlines like the
// others. From the policy (disclosure.fixWithin, remindBefore, maxEmbargo, reporterUpdateEvery):
// the fix target of the CVSS rating from acceptance (met when a fixed version is recorded), the
// publication by the agreed date (moving the date moves it and is a recorded decision; the
// scheduler's release meets it; still unpublished at the date it is breached and escalates), the
// longest embargo from the report, reminders to the team before the date, and an update to the
// reporter every so often, met by each piece of news the team sends them. Notices over real SMTP;
// time by the injected clock, on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { ReportFields } from '../../src/shared/api/reports.ts';
import type { DeadlineJson } from '../../src/shared/api/deadlines.ts';
import { permissionsForRoles } from '../../src/server/domain/accounts/index.ts';
import { createUser, signIn } from '../helpers/auth.ts';
import { smtpWorkerFor, startSmtpReceiver, type SmtpReceiver } from '../helpers/delivery.ts';
import { writeEditedPolicy } from '../helpers/policies.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Who = { id: string; headers: Record<string, string> };
let t: TestApp;
let smtp: SmtpReceiver;
let lead: Who, responder: Who;

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-12-04T09:00:00Z');
const url = '/api/v1/vulnerabilities';
const clock = new FakeClock(T0);
const call = (who: Who, method: 'GET' | 'POST' | 'PATCH', path: string, payload?: object) =>
  t.app.inject({ method, url: path, headers: who.headers, ...(payload ? { payload } : {}) });
const iso = (ms: number) => new Date(ms).toISOString();

/** A member of staff with an API token of their roles (a session would lapse as weeks pass). */
async function staff(roles: string[], email: string): Promise<Who> {
  const user = await createUser(t, { roles, email });
  const made = await t.app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers: await signIn(t, user.email, user.password),
    payload: { name: 'clocks test', permissions: [...permissionsForRoles(roles)] },
  });
  expect(made.statusCode, made.body).toBe(201);
  return { id: user.id, headers: { authorization: `Bearer ${made.json().token as string}` } };
}

beforeAll(async () => {
  t = await createTestApp({
    clock,
    // The reporters review the advisory: one they have not approved is not published at the
    // date, so its disclosure deadline is breached.
    env: {
      STOPLINE_POLICY: writeEditedPolicy('  reporterReview: false\n', '  reporterReview: true\n'),
    },
  });
  smtp = await startSmtpReceiver();
  lead = await staff(['security_lead'], 'lead@example.org');
  responder = await staff(['responder'], 'dev@example.org');
});
afterAll(async () => {
  await smtp.stop();
  await t.close();
});

/** The vulnerability's deadlines by kind (the newest of each kind last). */
async function clocksOf(key: string): Promise<Map<string, DeadlineJson[]>> {
  const all = (await call(lead, 'GET', '/api/v1/deadlines?state=all&limit=500')).json()
    .items as DeadlineJson[];
  const byKind = new Map<string, DeadlineJson[]>();
  for (const d of all.filter((d) => d.subjectKey === key)) {
    expect(d.subjectType).toBe('vulnerability');
    byKind.set(d.kind, [...(byKind.get(d.kind) ?? []), d]);
  }
  for (const list of byKind.values()) list.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  return byKind;
}
const latest = (m: Map<string, DeadlineJson[]>, kind: string) => m.get(kind)?.at(-1);

/** The subjects of the e-mails delivered since the last look that name `key`, by recipient. */
async function mailAbout(key: string): Promise<Map<string, string[]>> {
  const worker = smtpWorkerFor(t, smtp);
  await worker.deliverDue(t.clock.now());
  await worker.close();
  const out = new Map<string, string[]>();
  for (const m of smtp.received) {
    const to = m.to && 'text' in m.to ? m.to.text : '';
    if (!(m.subject ?? '').includes(key)) continue;
    out.set(to, [...(out.get(to) ?? []), m.subject ?? '']);
  }
  smtp.received.length = 0;
  return out;
}

async function tick(at: number) {
  clock.set(iso(at));
  await t.container.workers.scheduler.tick(at);
}

async function streamTypes(key: string): Promise<string[]> {
  const { id } = (await call(lead, 'GET', `${url}/${key}`)).json() as { id: string };
  const rows = await t.container.db
    .selectFrom('events')
    .select('type')
    .where('stream_id', '=', id)
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.type);
}

describe('disclosure deadlines', () => {
  it('are planned from the policy, met by what keeps them, breached and escalated when not', async () => {
    const report = await t.container.services.reports.submitReport(
      ReportFields.parse({
        summary: 'Token leaks through the Referer',
        description: 'What I saw.',
        contact: { email: 'vera@reporter.test' },
      }),
      [],
      { ip: '127.0.0.1' },
    );
    const made = await call(responder, 'POST', url, {
      title: 'Reset token leaks through the Referer header',
      reports: [report.key],
      cvss31: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:L/A:N',
    });
    expect(made.statusCode, made.body).toBe(201);
    const key = made.json().key as string;

    // In triage: the longest embargo (90 days from the report) and the reporter update (14 days).
    let clocks = await clocksOf(key);
    expect([...clocks.keys()].sort()).toEqual(['max_embargo', 'reporter_update']);
    expect(latest(clocks, 'max_embargo')).toMatchObject({
      dueAt: iso(T0 + 90 * DAY),
      responsibleId: responder.id,
    });
    expect(latest(clocks, 'reporter_update')!.dueAt).toBe(iso(T0 + 14 * DAY));

    // Accepted (the reporter is told, which meets the update clock and starts the next one);
    // a high rating (8.5) gives 30 days to fix.
    clock.set(iso(T0 + HOUR));
    const accepted = await call(responder, 'POST', `${url}/${key}/status`, {
      to: 'accepted',
      reason: 'Reproduced',
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    clocks = await clocksOf(key);
    expect(clocks.get('reporter_update')!.map((d) => [d.status, d.metBy, d.dueAt])).toEqual([
      ['met', 'vulnerability.reporters_told', iso(T0 + 14 * DAY)],
      ['pending', null, iso(T0 + HOUR + 14 * DAY)],
    ]);
    expect(latest(clocks, 'fix_target')).toMatchObject({
      status: 'pending',
      startedAt: iso(T0 + HOUR),
      dueAt: iso(T0 + HOUR + 30 * DAY),
    });
    // The reporter hears of it (not yet verified: that there is news).
    expect((await mailAbout('')).get('vera@reporter.test')).toEqual([
      `News about your security report (${report.key})`,
    ]);

    // The embargo: publication due at the agreed date; moving it moves the deadline and is a
    // recorded decision.
    const set = await call(lead, 'POST', `${url}/${key}/embargo`, {
      disclosureAt: iso(T0 + 20 * DAY),
      reason: 'Agreed with the reporter',
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(latest(await clocksOf(key), 'disclosure_date')!.dueAt).toBe(iso(T0 + 20 * DAY));
    const moved = await call(lead, 'POST', `${url}/${key}/embargo`, {
      disclosureAt: iso(T0 + 21 * DAY),
      reason: 'The distributor needs a day more',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().decisions.at(-1)).toMatchObject({
      from: 'embargoed',
      to: 'embargoed',
      decidedBy: lead.id,
      reason: `Disclosure date moved from ${iso(T0 + 20 * DAY)} to ${iso(T0 + 21 * DAY)}: The distributor needs a day more`,
    });
    clocks = await clocksOf(key);
    expect(clocks.get('disclosure_date')).toHaveLength(1);
    expect(latest(clocks, 'disclosure_date')!.dueAt).toBe(iso(T0 + 21 * DAY));

    // A fixed version recorded meets the fix target.
    const fixed = await call(responder, 'PATCH', `${url}/${key}`, {
      affected: [
        {
          purl: 'pkg:npm/%40acme/accounts',
          versions: [{ type: 'semver', introduced: '2.0.0', fixed: '2.4.1' }],
        },
      ],
    });
    expect(fixed.statusCode, fixed.body).toBe(200);
    expect(latest(await clocksOf(key), 'fix_target')).toMatchObject({
      status: 'met',
      metBy: 'vulnerability.changed',
      breached: false,
    });
    await mailAbout('');

    // Seven days before the date the team is reminded (the one who recorded it).
    // Before that, the reporter update's own reminders (at 50 % and 80 % of its time).
    await tick(T0 + HOUR + 7 * DAY);
    await tick(T0 + 14 * DAY - 1);
    const title = 'Reset token leaks through the Referer header';
    expect(Object.fromEntries(await mailAbout(key))).toEqual({
      'dev@example.org': [
        `Reminder: update the reporter — ${key} ${title}`,
        `Reminder: update the reporter — ${key} ${title}`,
      ],
    });
    await tick(T0 + 14 * DAY);
    expect(Object.fromEntries(await mailAbout(key))).toEqual({
      'dev@example.org': [
        `Reminder: publish the advisory by the disclosure date — ${key} Reset token leaks through the Referer header`,
      ],
    });

    // Fourteen days without news for the reporter: breached, the security lead is told.
    await tick(T0 + HOUR + 14 * DAY - 1);
    expect(latest(await clocksOf(key), 'reporter_update')!.breached).toBe(false);
    await tick(T0 + HOUR + 14 * DAY);
    expect(latest(await clocksOf(key), 'reporter_update')).toMatchObject({
      status: 'pending',
      breached: true,
    });
    expect((await mailAbout(key)).get('lead@example.org')).toEqual([
      `Deadline missed: update the reporter — ${key} Reset token leaks through the Referer header`,
    ]);
    // News for the reporter (the draft shared for review) meets it late, and starts the next.
    clock.set(iso(T0 + 15 * DAY));
    expect((await call(lead, 'POST', `${url}/${key}/review`)).statusCode).toBe(200);
    expect(
      (await clocksOf(key)).get('reporter_update')!.map((d) => [d.status, d.breached, d.dueAt]),
    ).toEqual([
      ['met', false, iso(T0 + 14 * DAY)],
      ['met', true, iso(T0 + HOUR + 14 * DAY)],
      ['pending', false, iso(T0 + 29 * DAY)],
    ]);

    // The reporter has not approved the draft: at the date it is not published, so the
    // publication deadline is breached and climbs the ladder.
    await tick(T0 + 21 * DAY - 1);
    expect(latest(await clocksOf(key), 'disclosure_date')!.breached).toBe(false);
    await mailAbout(key);
    await tick(T0 + 21 * DAY);
    expect((await call(lead, 'GET', `${url}/${key}`)).json().status).toBe('embargoed');
    expect(latest(await clocksOf(key), 'disclosure_date')).toMatchObject({
      status: 'pending',
      breached: true,
    });
    expect((await mailAbout(key)).get('lead@example.org')).toEqual([
      `Deadline missed: publish the advisory by the disclosure date — ${key} Reset token leaks through the Referer header`,
    ]);
    await tick(T0 + 21 * DAY + 30 * 60 * 1000);
    const types = await streamTypes(key);
    expect(types.filter((type) => type === 'vulnerability.deadline_breached')).toHaveLength(2);
    expect(types).toContain('vulnerability.deadline_escalated');
    expect(types).toContain('vulnerability.deadline_reminded');
    expect(types.filter((type) => type === 'vulnerability.deadline_met')).toHaveLength(3);
  });

  it('are met by the scheduler’s release at the date, and stop when set aside', async () => {
    clock.set(iso(T0 + 40 * DAY));
    const now = clock.now();
    const made = await call(responder, 'POST', url, { title: 'Open redirect on sign-in' });
    const key = made.json().key as string;
    await call(responder, 'POST', `${url}/${key}/status`, { to: 'accepted', reason: 'Real' });
    await call(lead, 'POST', `${url}/${key}/embargo`, {
      disclosureAt: iso(now + 5 * DAY),
      reason: 'Fix ships then',
    });
    // No reporters to keep informed, no rating: the embargo's two clocks.
    let clocks = await clocksOf(key);
    expect([...clocks.keys()].sort()).toEqual(['disclosure_date', 'max_embargo']);

    await tick(now + 5 * DAY);
    expect((await call(lead, 'GET', `${url}/${key}`)).json().status).toBe('published');
    clocks = await clocksOf(key);
    for (const kind of ['disclosure_date', 'max_embargo']) {
      expect(latest(clocks, kind), kind).toMatchObject({
        status: 'met',
        metBy: 'vulnerability.published',
        breached: false,
      });
    }
    expect(
      (await mailAbout(key)).get('lead@example.org')?.filter((s) => s.includes('missed')),
    ).toBeUndefined();

    // Set aside: its clocks stop (cancelled, not met), nothing more fires.
    const other = (await call(responder, 'POST', url, { title: 'Not a bug' })).json().key;
    await call(responder, 'POST', `${url}/${other}/status`, {
      to: 'rejected',
      reason: 'By design',
    });
    expect(latest(await clocksOf(other), 'max_embargo')!.status).toBe('cancelled');
  });
});

// A message to the reporters from the vulnerability (issue 16, items 6 and 7; Kai section 9:
// "keep reporters informed"). The team writes it on the vulnerability (POST …/messages,
// disclosure.manage); each reporter of a linked report reads it on their report page in the portal,
// as text, and is e-mailed that there is a message (an unverified one, under the policy's
// verified-identity rule, only that there is news). It meets the policy's reporter-update deadline
// and starts the next period. Who may only read gets 403; an exercise never reaches a reporter.
// Real SMTP, the injected clock, SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import type { DeadlineJson } from '../../src/shared/api/deadlines.ts';
import { createTokenFor } from '../helpers/auth.ts';
import { smtpWorkerFor, startSmtpReceiver, type SmtpReceiver } from '../helpers/delivery.ts';
import { admin } from '../helpers/incidents-context.ts';
import { reportFromAddress, signIn } from '../helpers/reports.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Who = { userId: string; headers: Record<string, string> };
let t: TestApp;
let smtp: SmtpReceiver;
let lead: Who, responder: Who, comms: Who, readOnlyToken: Who;

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-12-04T09:00:00Z');
const url = '/api/v1/vulnerabilities';
const clock = new FakeClock(T0);
const iso = (ms: number) => new Date(ms).toISOString();
const call = (who: Who, method: 'GET' | 'POST' | 'PATCH', path: string, payload?: object) =>
  t.app.inject({ method, url: path, headers: who.headers, ...(payload ? { payload } : {}) });

beforeAll(async () => {
  t = await createTestApp({ clock });
  smtp = await startSmtpReceiver();
  // API tokens: a session would lapse as the weeks pass.
  lead = await createTokenFor(t, 'security_lead');
  responder = await createTokenFor(t, 'responder');
  comms = await createTokenFor(t, 'comms');
  // A responder whose token may only read vulnerabilities.
  readOnlyToken = await createTokenFor(t, 'responder', ['disclosure.read']);
});
afterAll(async () => {
  await smtp.stop();
  await t.close();
});

const report = (summary: string, email: string) => reportFromAddress(t, summary, email);

/** Each e-mail delivered to a reporter since the last look: its recipient, subject and text. */
async function mail(): Promise<{ to: string; subject: string; text: string }[]> {
  const worker = smtpWorkerFor(t, smtp);
  await worker.deliverDue(t.clock.now());
  await worker.close();
  const got = smtp.received.map((m) => ({
    to: m.to && 'text' in m.to ? m.to.text : '',
    subject: m.subject ?? '',
    text: typeof m.text === 'string' ? m.text : '',
  }));
  smtp.received.length = 0;
  return got.filter((m) => m.to.endsWith('@reporter.test'));
}

async function updateClocks(key: string): Promise<[string, string | null, string, boolean][]> {
  const all = (await call(lead, 'GET', '/api/v1/deadlines?state=all&limit=500')).json()
    .items as DeadlineJson[];
  return all
    .filter((d) => d.subjectKey === key && d.kind === 'reporter_update')
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
    .map((d) => [d.status, d.metBy, d.dueAt, d.breached]);
}

const BODY =
  'We reproduced it on 2.3.\n<b>Patch</b> is due next week. <script>alert(1)</script> <img src=x onerror=alert(2)>';

describe('a message to the reporters', () => {
  it('reaches each reporter’s report page as text, is e-mailed under the verified-identity rule and meets the update clock', async () => {
    const vera = await report('Token leaks through the Referer', 'vera@reporter.test');
    const otto = await report('Same leak, seen from the app', 'otto@reporter.test');
    const stranger = await report('Something else', 'sam@reporter.test');
    // Vera's identity is verified; Otto's is not.
    await t.container.services.reports.recordIdentityVerification(
      { ...admin(lead.userId), roles: ['security_lead'] },
      vera.key,
      { method: 'call_back_public_number' },
    );
    const made = await call(responder, 'POST', url, {
      title: 'Reset token leaks through the Referer header',
      reports: [vera.key, otto.key],
    });
    expect(made.statusCode, made.body).toBe(201);
    const key = made.json().key as string;
    expect(await updateClocks(key)).toEqual([['pending', null, iso(T0 + 14 * DAY), false]]);

    // Three days on, the responder writes to the reporters.
    clock.set(iso(T0 + 3 * DAY));
    const sent = await call(responder, 'POST', `${url}/${key}/messages`, { body: BODY });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json().reporterMessages).toEqual([
      { id: expect.any(String), body: BODY, sentBy: responder.userId, sentAt: iso(T0 + 3 * DAY) },
    ]);

    // It meets the reporter-update deadline and starts the next period from now.
    expect(await updateClocks(key)).toEqual([
      ['met', 'vulnerability.reporters_told', iso(T0 + 14 * DAY), false],
      ['pending', null, iso(T0 + 3 * DAY + 14 * DAY), false],
    ]);

    // E-mailed: the verified reporter that there is a message, the unverified one only that
    // there is news; the text itself stays behind the portal's sign-in.
    const delivered = await mail();
    expect(delivered.map((m) => [m.to, m.subject]).sort()).toEqual([
      ['otto@reporter.test', `News about your security report (${otto.key})`],
      ['vera@reporter.test', `A message about the issue you reported (${vera.key})`],
    ]);
    for (const m of delivered) {
      expect(m.text).not.toContain('reproduced it');
      expect(m.text).toContain('/portal');
    }

    // On the report page: the message as text (markup and script inert), for each reporter of a
    // linked report and no one else.
    for (const filed of [vera, otto]) {
      const page = await (await signIn(t.app, filed.key, filed.accessCode)).page();
      expect(page).toContain('Messages from our security team');
      expect(page).toContain('&lt;b&gt;Patch&lt;/b&gt; is due next week.');
      expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page).not.toContain('<script>alert(1)');
      expect(page).not.toContain('<img src=x');
      expect(page).not.toContain('<b>Patch');
    }
    const other = await (await signIn(t.app, stranger.key, stranger.accessCode)).page();
    expect(other).not.toContain(key);
    expect(other).not.toContain('Patch');

    // Fourteen days without a word: breached; a second message meets it late and starts the next.
    clock.set(iso(T0 + 17 * DAY));
    await t.container.workers.scheduler.tick(clock.now());
    clock.set(iso(T0 + 18 * DAY));
    const late = await call(lead, 'POST', `${url}/${key}/messages`, {
      body: 'The fix ships on Monday.',
    });
    expect(late.statusCode, late.body).toBe(201);
    expect(late.json().reporterMessages.map((m: { body: string }) => m.body)).toEqual([
      BODY,
      'The fix ships on Monday.',
    ]);
    expect(await updateClocks(key)).toEqual([
      ['met', 'vulnerability.reporters_told', iso(T0 + 14 * DAY), false],
      ['met', 'vulnerability.reporters_told', iso(T0 + 17 * DAY), true],
      ['pending', null, iso(T0 + 32 * DAY), false],
    ]);
    await mail();
  });

  it('is refused to who may only read, without a reporter and without text', async () => {
    const filed = await report('A leak', 'rita@reporter.test');
    const made = await call(responder, 'POST', url, { title: 'A leak', reports: [filed.key] });
    const key = made.json().key as string;
    for (const who of [comms, readOnlyToken]) {
      const refused = await call(who, 'POST', `${url}/${key}/messages`, { body: 'Hello' });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().permission).toBe('disclosure.manage');
    }
    // The one who may only read sees the record, with no message on it; nothing was sent.
    expect((await call(comms, 'GET', `${url}/${key}`)).json().reporterMessages).toEqual([]);

    const empty = await call(responder, 'POST', `${url}/${key}/messages`, { body: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors[0].field).toMatch(/body/);
    const blank = await call(responder, 'POST', `${url}/${key}/messages`, { body: '   ' });
    expect(blank.statusCode).toBe(422);
    expect(blank.json().errors).toEqual([{ field: 'body', message: 'must not be empty' }]);

    const alone = await call(responder, 'POST', url, { title: 'Found by us' });
    const noReporter = await call(
      responder,
      'POST',
      `${url}/${alone.json().key as string}/messages`,
      { body: 'Hello' },
    );
    expect(noReporter.statusCode).toBe(422);
    expect(noReporter.json().errors).toEqual([{ field: 'reports', message: 'no linked report' }]);
    expect(await mail()).toEqual([]);
  });

  it('never reaches a reporter from an exercise', async () => {
    const drill = await call(lead, 'POST', '/api/v1/incidents', {
      title: 'Drill: a researcher reports a token leak',
      exercise: { kind: 'drill', scenario: 'A researcher writes to security@.' },
    });
    expect(drill.statusCode, drill.body).toBe(201);
    const exercise = drill.json().key as string;
    const filed = await report('A real report', 'real@reporter.test');

    // A vulnerability handled in the exercise cannot have reports, so no reporter hears of it.
    const both = await call(responder, 'POST', url, {
      title: 'Drill vulnerability',
      incidents: [exercise],
      reports: [filed.key],
    });
    expect(both.statusCode).toBe(422);
    expect(both.json().errors).toEqual([
      {
        field: 'incidents.0',
        message: 'is an exercise; a vulnerability with reports cannot be linked to it',
      },
    ]);
    const made = await call(responder, 'POST', url, {
      title: 'Drill vulnerability',
      incidents: [exercise],
    });
    expect(made.statusCode, made.body).toBe(201);
    const key = made.json().key as string;
    const linked = await call(responder, 'PATCH', `${url}/${key}`, { reports: [filed.key] });
    expect(linked.statusCode).toBe(422);
    expect(linked.json().errors[0].field).toBe('incidents.0');
    // A real vulnerability with the report cannot take the exercise on either.
    const real = await call(responder, 'POST', url, { title: 'Real', reports: [filed.key] });
    const joined = await call(responder, 'PATCH', `${url}/${real.json().key as string}`, {
      incidents: [exercise],
    });
    expect(joined.statusCode).toBe(422);

    const message = await call(responder, 'POST', `${url}/${key}/messages`, { body: 'Hi' });
    expect(message.statusCode).toBe(422);
    expect(message.json().errors).toEqual([{ field: 'reports', message: 'no linked report' }]);
    const page = await (await signIn(t.app, filed.key, filed.accessCode)).page();
    expect(page).not.toContain(key);
    expect((await mail()).filter((m) => m.to === 'real@reporter.test')).toEqual([]);
  });
});

// GET /api/v1/dashboard: the console's first page in one answer. Each part is exactly what its
// own route answers the same caller, null without that route's permission, and a restricted
// incident (with its tasks, deadlines and next steps) reaches only its participants and admins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenFor, createUser, loginAs, signIn } from './helpers/auth.ts';
import { submitReport } from './helpers/reports.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
type Who = { userId: string; headers: Record<string, string> };
let lead: Who;
let rosa: Who;
let insiderKey: string;
let openKey: string;

const get = (headers: Record<string, string>, url: string) =>
  t.app.inject({ method: 'GET', url, headers });

async function dashboard(headers: Record<string, string>) {
  const res = await get(headers, '/api/v1/dashboard');
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** Every key an answer names anywhere (incident keys, titles), for "not in it at all" checks. */
const text = (value: unknown) => JSON.stringify(value);

beforeAll(async () => {
  t = await createTestApp();
  lead = await loginAs(t, 'security_lead');
  rosa = await loginAs(t, 'responder');
  const post = async (who: Who, url: string, payload: object) => {
    const res = await t.app.inject({ method: 'POST', url, headers: who.headers, payload });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json();
  };
  openKey = (await post(rosa, '/api/v1/incidents', { title: 'Token leak in CI logs' })).key;
  await post(rosa, `/api/v1/incidents/${openKey}/tasks`, {
    type: 'contain',
    title: 'Rotate the CI tokens',
    assigneeId: rosa.userId,
    dueAt: new Date(t.clock.now() + 60 * 60_000).toISOString(),
  });
  insiderKey = (
    await post(lead, '/api/v1/incidents', { title: 'Insider copying payroll', restricted: true })
  ).key;
  await post(lead, `/api/v1/incidents/${insiderKey}/tasks`, {
    type: 'other',
    title: 'Pull the badge logs',
    assigneeId: lead.userId,
    dueAt: new Date(t.clock.now() + 30 * 60_000).toISOString(),
  });
  await submitReport(t, 'Reset link leaks to analytics');
});
afterAll(async () => t?.close());

describe('GET /api/v1/dashboard', () => {
  it('answers the session and each list exactly as its own route answers the same caller', async () => {
    const answer = await dashboard(rosa.headers);
    const own = async (url: string) => (await get(rosa.headers, url)).json();
    expect(answer.session).toEqual(await own('/api/v1/session'));
    expect(answer.policy).toEqual(await own('/api/v1/policy'));
    expect(answer.staff).toEqual(await own('/api/v1/staff'));
    expect(answer.openIncidents).toEqual(await own('/api/v1/incidents?open=true&limit=500'));
    expect(answer.nextSteps).toEqual(await own('/api/v1/next-steps'));
    expect(answer.myTasks).toEqual(await own('/api/v1/tasks?assignee=me'));
    expect(answer.nextDeadlines).toEqual(await own('/api/v1/deadlines?state=next&limit=500'));
    expect(answer.breachedDeadlines).toEqual(
      await own('/api/v1/deadlines?state=breached&limit=50'),
    );
    expect(answer.dueSoonDeadlines).toEqual(
      await own('/api/v1/deadlines?state=due_soon&withinMinutes=240&limit=50'),
    );
    expect(answer.reportsAwaiting).toEqual(await own('/api/v1/reports?status=received&limit=50'));
    expect(answer.pages).toEqual(await own('/api/v1/me/pages'));

    // And they hold what the dashboard shows: the open incident, rosa's task due within the
    // hour, her next steps on it, the report waiting.
    expect(answer.openIncidents.items.map((i: { key: string }) => i.key)).toEqual([openKey]);
    expect(answer.myTasks.items).toEqual([
      expect.objectContaining({ incidentKey: openKey, title: 'Rotate the CI tokens' }),
    ]);
    expect(answer.dueSoonDeadlines.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ subjectKey: openKey, taskId: expect.any(String) }),
      ]),
    );
    expect(answer.nextSteps.items).toEqual([expect.objectContaining({ key: openKey })]);
    expect(answer.reportsAwaiting.reports).toEqual([
      expect.objectContaining({ summary: 'Reset link leaks to analytics' }),
    ]);
    expect(answer.session.user.id).toBe(rosa.userId);
  });

  it('keeps a restricted incident, its tasks, deadlines and next steps from a non-participant', async () => {
    const outsider = await dashboard(rosa.headers);
    expect(text(outsider)).not.toContain(insiderKey);
    expect(text(outsider)).not.toContain('Insider copying payroll');
    expect(text(outsider)).not.toContain('Pull the badge logs');

    // Its participant sees it in every list it belongs to.
    const insider = await dashboard(lead.headers);
    const keys = (items: { key?: string; subjectKey?: string; incidentKey?: string }[]) =>
      items.map((i) => i.key ?? i.subjectKey ?? i.incidentKey);
    expect(keys(insider.openIncidents.items)).toContain(insiderKey);
    expect(keys(insider.myTasks.items)).toEqual([insiderKey]);
    expect(keys(insider.nextDeadlines.items)).toContain(insiderKey);
    expect(keys(insider.dueSoonDeadlines.items)).toContain(insiderKey);
    expect(keys(insider.nextSteps.items)).toContain(insiderKey);

    // A colleague made a participant later sees it too; an admin sees every incident.
    const member = await createUser(t, { roles: ['responder'] });
    const added = await t.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${insiderKey}/participants`,
      headers: lead.headers,
      payload: { userId: member.id },
    });
    expect(added.statusCode).toBe(200);
    const memberView = await dashboard(await signIn(t, member.email, member.password));
    expect(keys(memberView.openIncidents.items)).toContain(insiderKey);
    const admin = await loginAs(t, 'admin');
    expect(keys((await dashboard(admin.headers)).openIncidents.items)).toContain(insiderKey);
  });

  it('answers each role the parts its permissions reach', async () => {
    for (const role of ['admin', 'security_lead', 'responder', 'comms', 'legal', 'viewer']) {
      const { headers } = await loginAs(t, role);
      const answer = await dashboard(headers);
      expect(answer.session.user.roles, role).toEqual([role]);
      for (const part of ['policy', 'staff', 'openIncidents', 'nextSteps', 'myTasks'])
        expect(answer[part], `${role} ${part}`).not.toBeNull();
      expect(answer.nextDeadlines, role).not.toBeNull();
      expect(answer.reportsAwaiting, role).not.toBeNull();
      expect(Array.isArray(answer.pages), role).toBe(true);
    }
  });

  it('leaves out, as null, each list whose permission a token lacks, and refuses without one', async () => {
    const narrow = await createTokenFor(t, 'responder', ['account.manage_own']);
    const answer = await dashboard(narrow.headers);
    expect(answer.session.user.id).toBe(narrow.userId);
    for (const part of [
      'policy',
      'staff',
      'openIncidents',
      'nextSteps',
      'myTasks',
      'nextDeadlines',
      'breachedDeadlines',
      'dueSoonDeadlines',
      'reportsAwaiting',
    ])
      expect(answer[part], part).toBeNull();
    expect(answer.pages).toEqual([]);

    const someLists = await createTokenFor(t, 'responder', [
      'account.manage_own',
      'incidents.read',
    ]);
    const partial = await dashboard(someLists.headers);
    expect(partial.openIncidents.items.map((i: { key: string }) => i.key)).toEqual([openKey]);
    expect(partial.nextDeadlines).toBeNull();
    expect(partial.reportsAwaiting).toBeNull();

    expect((await get({}, '/api/v1/dashboard')).statusCode).toBe(401);
    const withoutOwn = await createTokenFor(t, 'responder', ['incidents.read']);
    const refused = await get(withoutOwn.headers, '/api/v1/dashboard');
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});

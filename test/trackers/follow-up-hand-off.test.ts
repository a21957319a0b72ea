// A post-mortem follow-up handed to the team's tracker (issue 18, item 5, "or a follow-up is
// created"): a connection with onFollowUp opens an issue for each new follow-up, through the
// outbox, to local servers that check each REST API's documented shape and authentication. The
// issue says the follow-up's safe summary only; the link and the tracker's state come back onto
// the follow-up, and a closed issue proposes marking it done without doing it. Exercises never
// reach a tracker; a restricted incident's follow-up is named by the incident's key only.
import { afterEach, describe, expect, it } from 'vitest';
import { DAY, MINUTE } from '../../src/server/clock.ts';
import { createUser, loginAs, signIn } from '../helpers/auth.ts';
import { workerFor } from '../helpers/delivery.ts';
import { declareOwned } from '../helpers/incidents-context.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import {
  connectTracker,
  decideNonCritical,
  followUpTrackerEvents,
  REPORTER,
  startGithub,
  startJira,
  type TrackerServer,
} from '../helpers/trackers.ts';

const GITHUB_TOKEN = 'github_pat_11FOLLOWUP0000secretTOKEN';
const JIRA_TOKEN = 'ATATT3xFfGF0-jira-api-token';

let t: TestApp;
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await t?.close();
});

async function tracker(server: Promise<TrackerServer>) {
  const s = await server;
  stops.push(() => s.stop());
  return s;
}

interface FollowUpJson {
  id: string;
  status: string;
  trackerUrl: string | null;
  tracker: { connection: string; key: string; state: string } | null;
  doneProposed: boolean;
}

/** A member of staff by name, signed in. */
async function staff(roles: string[], displayName: string) {
  const user = await createUser(t, { roles, displayName });
  return { id: user.id, headers: await signIn(t, user.email, user.password) };
}

const pm = (key: string) => `/api/v1/incidents/${key}/postmortem`;

async function addFollowUp(
  key: string,
  headers: Record<string, string>,
  body: Record<string, unknown>,
): Promise<FollowUpJson> {
  const started = await t.app.inject({ method: 'POST', url: pm(key), headers });
  expect([201, 409], started.body).toContain(started.statusCode);
  const res = await t.app.inject({
    method: 'POST',
    url: `${pm(key)}/follow-ups`,
    headers,
    payload: { dueAt: new Date(t.clock.now() + 14 * DAY).toISOString(), ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  const followUps = res.json().followUps as (FollowUpJson & { title: string })[];
  return followUps.find((f) => f.title === body.title)!;
}

async function followUpOf(key: string, headers: Record<string, string>, id: string) {
  const res = await t.app.inject({ method: 'GET', url: pm(key), headers });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().followUps as FollowUpJson[]).find((f) => f.id === id)!;
}

const trackerMessages = async () =>
  t.container.db.selectFrom('outbox').select('id').where('channel', '=', 'tracker').execute();

describe('handing a post-mortem follow-up to a tracker', () => {
  it('opens a GitHub issue with the follow-up’s safe summary; the link and the closed state come back onto it, and done is proposed', async () => {
    t = await createTestApp();
    const github = await tracker(startGithub('acme/web', GITHUB_TOKEN));
    const { headers: adminHeaders } = await loginAs(t, 'admin');
    await connectTracker(t, adminHeaders, {
      name: 'web issues',
      kind: 'github',
      baseUrl: github.baseUrl,
      project: 'acme/web',
      credential: GITHUB_TOKEN,
      onFollowUp: true,
    });
    // A report with the reporter's contact data, decided non-critical: issue #1 is the incident's.
    const incident = await decideNonCritical(t);
    const worker = workerFor(t, null);
    stops.push(() => worker.close());
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 1 });

    const owner = await staff(['responder'], 'Olga Owner');
    const dueAt = t.clock.now() + 14 * DAY;
    const added = await addFollowUp(incident.key, owner.headers, {
      title: 'Hide the framework version on every error page',
      ownerId: owner.id,
      type: 'prevent',
    });
    expect(added).toMatchObject({ trackerUrl: null, tracker: null, doneProposed: false });
    // Added at once; the issue waits in the outbox.
    expect(github.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 1 });
    const create = github.requests.filter((r) => r.method === 'POST')[1]!;
    expect(create.url).toBe('/repos/acme/web/issues');
    expect(create.headers.authorization).toBe(`Bearer ${GITHUB_TOKEN}`);
    const body = JSON.parse(create.body) as { title: string; body: string; labels: string[] };
    expect(body.title).toBe(
      `${incident.key} follow-up: Hide the framework version on every error page`,
    );
    expect(body.body).toContain('Type: prevent');
    expect(body.body).toContain(`Due: ${new Date(dueAt).toISOString().slice(0, 10)}`);
    expect(body.body).toContain('Owner: Olga Owner');
    expect(body.body).toContain(`Incident: ${incident.key}`);
    expect(body.body).toContain(`/app/incidents/${incident.key}`);
    expect(body.labels).toEqual(['security']);
    for (const secret of [REPORTER.email, REPORTER.name, 'Found it while testing'])
      expect(create.body).not.toContain(secret);

    // The link is kept on the follow-up (its tracker issue field), shown where follow-ups are.
    const issueUrl = `${github.baseUrl}/acme/web/issues/2`;
    expect(await followUpOf(incident.key, owner.headers, added.id)).toMatchObject({
      trackerUrl: issueUrl,
      tracker: { connection: 'web issues', key: 'acme/web#2', state: 'open' },
      doneProposed: false,
    });
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/follow-ups',
      headers: owner.headers,
    });
    expect(list.json().items).toMatchObject([
      { id: added.id, trackerUrl: issueUrl, tracker: { key: 'acme/web#2' } },
    ]);
    // The incident's own hand-off lists its issue only.
    const handOff = await t.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${incident.key}/tracker-issues`,
      headers: owner.headers,
    });
    expect(handOff.json()).toMatchObject({ closeProposed: false, items: [{ key: 'acme/web#1' }] });
    expect(handOff.json().items).toHaveLength(1);

    // The tracker closes the follow-up's issue; the scheduler reads it back at the next check.
    github.close('2');
    t.clock.advance(11 * MINUTE);
    await t.container.workers.scheduler.tick(t.clock.now());
    const closed = await followUpOf(incident.key, owner.headers, added.id);
    expect(closed).toMatchObject({
      status: 'open',
      tracker: { key: 'acme/web#2', state: 'closed' },
      doneProposed: true,
    });
    // Proposed, not done; and the incident's hand-off is not proposed for closing by it.
    const again = await t.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${incident.key}/tracker-issues`,
      headers: owner.headers,
    });
    expect(again.json().closeProposed).toBe(false);
    // On the post-mortem's record, as the system.
    const postmortemId = (
      await t.container.db
        .selectFrom('postmortems')
        .select('id')
        .where('incident_id', '=', incident.id)
        .executeTakeFirstOrThrow()
    ).id;
    expect(await followUpTrackerEvents(t, postmortemId)).toEqual([
      ['postmortem.follow_up_tracker_linked', null, null],
      ['postmortem.follow_up_tracker_changed', 'closed', null],
    ]);
    // The owner marks it done: nothing more is proposed.
    const done = await t.app.inject({
      method: 'PUT',
      url: `${pm(incident.key)}/follow-ups/${added.id}/status`,
      headers: owner.headers,
      payload: { status: 'done' },
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(await followUpOf(incident.key, owner.headers, added.id)).toMatchObject({
      status: 'done',
      doneProposed: false,
    });
  });

  it('Jira: a restricted incident’s follow-up is named by the key only; exercises, follow-ups already tracked and connections without onFollowUp open nothing', async () => {
    t = await createTestApp();
    const jira = await tracker(startJira('bot@acme.example', JIRA_TOKEN, 'SEC'));
    const { headers: adminHeaders } = await loginAs(t, 'admin');
    const made = await connectTracker(t, adminHeaders, {
      name: 'security board',
      kind: 'jira',
      baseUrl: jira.baseUrl,
      project: 'SEC',
      account: 'bot@acme.example',
      credential: JIRA_TOKEN,
      onFollowUp: true,
    });
    const owner = await staff(['responder'], 'Olga Owner');
    const lead = await staff(['security_lead'], 'Lea Lead');
    const worker = workerFor(t, null);
    stops.push(() => worker.close());

    // An exercise's follow-up never reaches a tracker.
    const declared = await t.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: lead.headers,
      payload: {
        title: 'Tabletop: ransomware on the build farm',
        severity: 'P2',
        severityOverride: EMERGENCY,
        exercise: { kind: 'tabletop', scenario: 'The build farm encrypts itself at 09:00.' },
      },
    });
    expect(declared.statusCode, declared.body).toBe(201);
    await addFollowUp(declared.json().key, lead.headers, {
      title: 'Rehearse restoring the build farm',
      ownerId: lead.id,
      type: 'training',
    });
    // A follow-up already in an outside tracker is not opened again.
    const plain = await declareOwned(t, owner.id, 'Session cookie without Secure', 'P2');
    await addFollowUp(plain.key, owner.headers, {
      title: 'Set Secure on every cookie',
      ownerId: owner.id,
      type: 'prevent',
      trackerUrl: 'https://tracker.example/SEC-7',
    });
    expect(await trackerMessages()).toHaveLength(0);

    // A restricted incident: the issue names its key only, never what the follow-up says.
    const secret = await declareOwned(t, owner.id, 'Payroll export leak', 'P2', true);
    const restricted = await addFollowUp(secret.key, owner.headers, {
      title: 'Rotate the payroll export credentials',
      ownerId: owner.id,
      type: 'mitigate',
    });
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 1 });
    const create = jira.requests.find((r) => r.method === 'POST')!;
    expect(create.url).toBe('/rest/api/3/issue');
    const fields = (JSON.parse(create.body) as { fields: Record<string, unknown> }).fields;
    expect(fields.summary).toBe(`${secret.key} follow-up (restricted incident)`);
    expect(create.body).not.toContain('payroll');
    expect(create.body).not.toContain('Payroll');
    expect(create.body).toContain('Type: mitigate');
    expect(await followUpOf(secret.key, owner.headers, restricted.id)).toMatchObject({
      trackerUrl: `${jira.baseUrl}/browse/SEC-1`,
      tracker: { connection: 'security board', key: 'SEC-1', state: 'open' },
    });
    // Done in Jira (status category done) comes back by polling: done is proposed.
    jira.close('SEC-1');
    t.clock.advance(11 * MINUTE);
    await t.container.workers.scheduler.tick(t.clock.now());
    expect(await followUpOf(secret.key, owner.headers, restricted.id)).toMatchObject({
      tracker: { state: 'closed' },
      doneProposed: true,
    });

    // Switched off for follow-ups: a new follow-up opens nothing more.
    const off = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tracker-connections/${made.connection.id}`,
      headers: adminHeaders,
      payload: { onFollowUp: false },
    });
    expect(off.statusCode, off.body).toBe(200);
    await addFollowUp(plain.key, owner.headers, {
      title: 'Add a cookie check to the CI',
      ownerId: owner.id,
      type: 'detect',
    });
    expect(await trackerMessages()).toHaveLength(1);
  });
});

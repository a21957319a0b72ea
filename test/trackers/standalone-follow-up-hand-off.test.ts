// A stand-alone follow-up handed to the team's tracker (issue 18, item 5, "or a follow-up is
// created"): a tuning proposal taken becomes a follow-up no incident holds, and a connection with
// onFollowUp opens an issue for it through the outbox, as for a post-mortem's follow-up, to a local
// GitHub-shaped server that checks the request. The issue says the follow-up's safe summary (no
// owner, no reasons); the link and the tracker's state (polling, the tracker's webhook) come back
// onto the follow-up, and a closed issue proposes marking it done. An incident's Development
// section never lists it; a generic webhook is told there is no incident. Both databases.
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY, FakeClock, MINUTE } from '../../src/server/clock.ts';
import { listStreamEvents } from '../../src/server/db/event-store.ts';
import { alertmanagerAlert, alertmanagerHook, newSource, sendAlert } from '../helpers/alerts.ts';
import { createTokenFor, loginAs } from '../helpers/auth.ts';
import { startHttpReceiver, workerFor } from '../helpers/delivery.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import {
  connectTracker,
  decideNonCritical,
  startGithub,
  type TrackerServer,
} from '../helpers/trackers.ts';

const GITHUB_TOKEN = 'github_pat_11STANDALONE000secretTOKEN';
type Headers = Record<string, string>;

let t: TestApp;
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await t?.close();
});

interface FollowUpJson {
  id: string;
  title: string;
  status: string;
  incident: unknown;
  trackerUrl: string | null;
  tracker: { connection: string; key: string; state: string } | null;
  doneProposed: boolean;
}

/** Alerts marked as noise, and their tuning proposal taken as a stand-alone follow-up. */
async function takeTuning(admin: Headers, dueAt: string) {
  const { userId: leadId, headers: lead } = await createTokenFor(t, 'security_lead');
  const made = await newSource(t, admin, { name: 'prod-am', kind: 'alertmanager' });
  const sent = await sendAlert(
    t,
    '/api/v1/alert-intake/alertmanager',
    alertmanagerHook(
      ['db-1', 'db-2'].map((i) =>
        alertmanagerAlert({ alertname: 'DiskFull', instance: i }, `fp-${i}`, t.clock.now()),
      ),
    ),
    { authorization: `Bearer ${made.key}` },
  );
  expect(sent.statusCode, sent.body).toBe(202);
  const alerts = (
    await t.app.inject({ method: 'GET', url: '/api/v1/alerts?limit=200', headers: lead })
  ).json().items as { id: string }[];
  const marked = await t.app.inject({
    method: 'POST',
    url: '/api/v1/alerts/noise',
    headers: lead,
    payload: { alertIds: alerts.map((a) => a.id), reason: 'Jane Reporter said backups do this' },
  });
  expect(marked.statusCode, marked.body).toBe(200);
  const proposals = (
    await t.app.inject({ method: 'GET', url: '/api/v1/alerts/tuning-proposals', headers: lead })
  ).json().items as { proposalId: string; title: string }[];
  const proposal = proposals[0]!;
  const taken = await t.app.inject({
    method: 'POST',
    url: `/api/v1/alerts/tuning-proposals/${encodeURIComponent(proposal.proposalId)}/take`,
    headers: lead,
    payload: { ownerId: leadId, dueAt },
  });
  expect(taken.statusCode, taken.body).toBe(201);
  return { lead, title: proposal.title, followUpId: taken.json().answer.followUpId as string };
}

async function followUpOf(headers: Headers, id: string): Promise<FollowUpJson> {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/follow-ups', headers });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().items as FollowUpJson[]).find((f) => f.id === id)!;
}

async function tracker(server: Promise<TrackerServer>) {
  const s = await server;
  stops.push(() => s.stop());
  return s;
}

describe('handing a stand-alone follow-up to a tracker', () => {
  it('opens a GitHub issue for a tuning proposal taken; the link and the closed state come back by polling, done is proposed', async () => {
    t = await createTestApp(); // 2026-03-02T09:00:00Z
    const github = await tracker(startGithub('acme/ops', GITHUB_TOKEN));
    const { headers: admin } = await loginAs(t, 'admin');
    const made = await connectTracker(t, admin, {
      name: 'ops issues',
      kind: 'github',
      baseUrl: github.baseUrl,
      project: 'acme/ops',
      credential: GITHUB_TOKEN,
      onFollowUp: true,
    });
    // An incident decided non-critical: GitHub issue #1 is its hand-off.
    const incident = await decideNonCritical(t);
    const worker = workerFor(t, null);
    stops.push(() => worker.close());
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 1 });

    const { lead, title, followUpId } = await takeTuning(admin, '2026-03-16T09:00:00Z');
    expect(await followUpOf(lead, followUpId)).toMatchObject({
      incident: null,
      trackerUrl: null,
      tracker: null,
    });
    // Taken at once; the issue waits in the outbox.
    expect(github.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 1 });
    const create = github.requests.filter((r) => r.method === 'POST')[1]!;
    expect(create.url).toBe('/repos/acme/ops/issues');
    expect(create.headers.authorization).toBe(`Bearer ${GITHUB_TOKEN}`);
    expect(create.headers.accept).toBe('application/vnd.github+json');
    const body = JSON.parse(create.body) as { title: string; body: string; labels: string[] };
    expect(body.title).toBe(`Follow-up: ${title}`);
    expect(body.body).toContain(`Action: ${title}`);
    expect(body.body).toContain('Type: detect');
    expect(body.body).toContain('Due: 2026-03-16');
    expect(body.body).toContain('2 alerts marked as noise (alert source prod-am)');
    expect(body.body).toContain(`${t.container.config.baseUrl.replace(/\/+$/, '')}/app/follow-ups`);
    expect(body.labels).toEqual(['security']);
    // Owner-free, and never the noise reasons (free text) nor an incident.
    expect(create.body).not.toContain('Owner');
    expect(create.body).not.toContain('Jane Reporter');
    expect(create.body).not.toContain(incident.key);

    // The link is kept on the follow-up, in GET /api/v1/follow-ups.
    const issueUrl = `${github.baseUrl}/acme/ops/issues/2`;
    expect(await followUpOf(lead, followUpId)).toMatchObject({
      trackerUrl: issueUrl,
      tracker: { connection: 'ops issues', key: 'acme/ops#2', state: 'open' },
      doneProposed: false,
    });
    // The incident's Development section lists its own issue only; the connection lists both.
    const handOff = await t.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${incident.key}/tracker-issues`,
      headers: lead,
    });
    expect(handOff.json()).toMatchObject({ closeProposed: false, items: [{ key: 'acme/ops#1' }] });
    expect(handOff.json().items).toHaveLength(1);
    const ofConnection = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tracker-connections/${made.connection.id}/issues`,
      headers: admin,
    });
    expect(ofConnection.statusCode, ofConnection.body).toBe(200);
    expect(
      (ofConnection.json().items as { key: string; incidentKey: string | null }[])
        .map((i) => [i.key, i.incidentKey])
        .sort(),
    ).toEqual([
      ['acme/ops#1', incident.key],
      ['acme/ops#2', null],
    ]);

    // The tracker closes the follow-up's issue; the scheduler reads it back at the next check.
    github.close('2');
    t.clock.advance(11 * MINUTE);
    await t.container.workers.scheduler.tick(t.clock.now());
    expect(await followUpOf(lead, followUpId)).toMatchObject({
      status: 'open',
      tracker: { key: 'acme/ops#2', state: 'closed' },
      doneProposed: true,
    });
    // The incident's hand-off is not proposed for closing by it.
    const again = await t.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${incident.key}/tracker-issues`,
      headers: lead,
    });
    expect(again.json().closeProposed).toBe(false);
    // On the follow-up's own stream, as the system.
    const events = (await listStreamEvents(t.container.db, followUpId)).filter((e) =>
      e.type.startsWith('postmortem.follow_up_tracker'),
    );
    expect(events.map((e) => [e.type, e.data['state'] ?? null, e.actorId])).toEqual([
      ['postmortem.follow_up_tracker_linked', null, null],
      ['postmortem.follow_up_tracker_changed', 'closed', null],
    ]);
    // The owner marks it done: nothing more is proposed.
    const done = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/follow-ups/${followUpId}/status`,
      headers: lead,
      payload: { status: 'done' },
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(await followUpOf(lead, followUpId)).toMatchObject({
      status: 'done',
      doneProposed: false,
    });
  });

  it("GitHub's own webhook brings the closed state back at once", async () => {
    t = await createTestApp();
    const github = await tracker(startGithub('acme/ops', GITHUB_TOKEN));
    const { headers: admin } = await loginAs(t, 'admin');
    const made = await connectTracker(t, admin, {
      name: 'ops issues',
      kind: 'github',
      baseUrl: github.baseUrl,
      project: 'acme/ops',
      credential: GITHUB_TOKEN,
      onFollowUp: true,
    });
    const worker = workerFor(t, null);
    stops.push(() => worker.close());
    const { lead, followUpId } = await takeTuning(admin, '2026-03-16T09:00:00Z');
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 1 });
    expect(await followUpOf(lead, followUpId)).toMatchObject({
      tracker: { key: 'acme/ops#1', state: 'open' },
    });
    const payload = JSON.stringify({
      action: 'closed',
      issue: { number: 1, state: 'closed', html_url: `${github.baseUrl}/acme/ops/issues/1` },
      repository: { full_name: 'acme/ops' },
    });
    const res = await t.app.inject({
      method: 'POST',
      url: new URL(made.connection.webhookUrl!).pathname,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'issues',
        'x-hub-signature-256': `sha256=${createHmac('sha256', made.webhookSecret!).update(payload).digest('hex')}`,
      },
      payload,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ recorded: true });
    expect(await followUpOf(lead, followUpId)).toMatchObject({
      status: 'open',
      tracker: { state: 'closed' },
      doneProposed: true,
    });
  });

  it('a generic webhook is told there is no incident; a connection without onFollowUp opens nothing', async () => {
    // The signed webhook's timestamp is checked against the real time.
    t = await createTestApp({ clock: new FakeClock(Date.now()) });
    const github = await tracker(startGithub('acme/ops', GITHUB_TOKEN));
    const hook = await startHttpReceiver();
    stops.push(() => hook.stop());
    const { headers: admin } = await loginAs(t, 'admin');
    await connectTracker(t, admin, {
      name: 'ops issues',
      kind: 'github',
      baseUrl: github.baseUrl,
      project: 'acme/ops',
      credential: GITHUB_TOKEN,
    });
    const webhook = await connectTracker(t, admin, {
      name: 'backlog bot',
      kind: 'webhook',
      project: hook.url,
      onFollowUp: true,
    });
    const worker = workerFor(t, null);
    stops.push(() => worker.close());
    const dueAt = new Date(t.clock.now() + 14 * DAY).toISOString();
    const { title } = await takeTuning(admin, dueAt);
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 1 });
    expect(github.requests).toHaveLength(0);
    const [sent] = hook.requests;
    const verified = new Webhook(webhook.signingSecret!).verify(sent!.body, {
      'webhook-id': String(sent!.headers['webhook-id']),
      'webhook-timestamp': String(sent!.headers['webhook-timestamp']),
      'webhook-signature': String(sent!.headers['webhook-signature']),
    });
    expect(verified).toMatchObject({
      type: 'tracker.issue_requested',
      incident: null,
      followUp: { url: expect.stringMatching(/\/app\/follow-ups$/) },
      issue: { title: `Follow-up: ${title}`, labels: ['security'] },
    });
    expect(sent!.body).not.toContain('Jane Reporter');
  });
});

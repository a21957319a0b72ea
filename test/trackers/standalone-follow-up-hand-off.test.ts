// A stand-alone follow-up handed to the team's tracker (issue 18, item 5, "or a follow-up is
// created"): a tuning proposal taken becomes a follow-up no incident holds, and a connection with
// onFollowUp opens an issue for it through the outbox, as for a post-mortem's follow-up, to local
// GitHub-, GitLab- and Jira-shaped servers that check each REST API's request shape and
// authentication. The issue says the follow-up's safe summary (no owner, no reasons); the link and
// the tracker's state (polling, the tracker's own webhook) come back onto the follow-up, and a
// closed issue proposes marking it done. An incident's Development section never lists it; a
// generic webhook is told there is no incident. Both databases.
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY, FakeClock, MINUTE } from '../../src/server/clock.ts';
import { alertmanagerAlert, alertmanagerHook, newSource, sendAlert } from '../helpers/alerts.ts';
import { createTokenFor, loginAs } from '../helpers/auth.ts';
import { startHttpReceiver, workerFor } from '../helpers/delivery.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import {
  adfText,
  commonMarkText,
  connectTracker,
  decideNonCritical,
  followUpTrackerEvents,
  startGithub,
  startGitlab,
  startJira,
  type TrackerServer,
} from '../helpers/trackers.ts';

const GITHUB_TOKEN = 'github_pat_11STANDALONE000secretTOKEN';
const GITLAB_TOKEN = 'glpat-standalone-secret-token';
const JIRA_ACCOUNT = 'bot@acme.example';
const JIRA_TOKEN = 'ATATT3xFfGF0-standalone-jira-token';
type Headers = Record<string, string>;
type State = 'open' | 'closed';

const hmac = (secret: string, payload: string) =>
  `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`;

/** One tracker as its REST API and its own webhook are documented. */
interface TrackerCase {
  name: string;
  start(): Promise<TrackerServer>;
  /** The connection's kind, project and credentials. */
  connection: Record<string, unknown>;
  /** Where the issue is opened, and the authentication each request to the tracker carries. */
  createUrl: string;
  auth: Headers;
  /** The issue as the tracker received it (checked against its API's shape). */
  received(body: string): { title: string; text: string; labels: unknown };
  labels: unknown;
  /** The tracker's n-th issue: its link, its key on the follow-up, its id there, where it is read. */
  issue(base: string, n: number): { url: string; key: string; id: string; readUrl: string };
  /** The tracker's own webhook saying issue n is now `state`, authenticated with `secret`. */
  webhook(
    base: string,
    secret: string,
    n: number,
    state: State,
  ): { headers: Headers; payload: string };
}

const TRACKERS: TrackerCase[] = [
  {
    name: 'GitHub',
    start: () => startGithub('acme/ops', GITHUB_TOKEN),
    connection: { kind: 'github', project: 'acme/ops', credential: GITHUB_TOKEN },
    createUrl: '/repos/acme/ops/issues',
    auth: { authorization: `Bearer ${GITHUB_TOKEN}`, accept: 'application/vnd.github+json' },
    received(body) {
      const sent = JSON.parse(body) as { title: string; body: string; labels: string[] };
      return { title: sent.title, text: sent.body, labels: sent.labels };
    },
    labels: ['security'],
    issue: (base, n) => ({
      url: `${base}/acme/ops/issues/${n}`,
      key: `acme/ops#${n}`,
      id: String(n),
      readUrl: `/repos/acme/ops/issues/${n}`,
    }),
    webhook(base, secret, n, state) {
      const payload = JSON.stringify({
        action: state === 'closed' ? 'closed' : 'reopened',
        issue: { number: n, state, html_url: `${base}/acme/ops/issues/${n}` },
        repository: { full_name: 'acme/ops' },
      });
      const headers = { 'x-github-event': 'issues', 'x-hub-signature-256': hmac(secret, payload) };
      return { headers, payload };
    },
  },
  {
    name: 'GitLab',
    start: () => startGitlab('acme/ops', GITLAB_TOKEN),
    connection: { kind: 'gitlab', project: 'acme/ops', credential: GITLAB_TOKEN },
    createUrl: '/api/v4/projects/acme%2Fops/issues',
    auth: { 'private-token': GITLAB_TOKEN },
    received(body) {
      const sent = JSON.parse(body) as { title: string; description: string; labels: string };
      return { title: sent.title, text: commonMarkText(sent.description), labels: sent.labels };
    },
    labels: 'security', // comma-separated
    issue: (base, n) => ({
      url: `${base}/acme/ops/-/issues/${n}`,
      key: `acme/ops#${n}`,
      id: String(n),
      readUrl: `/api/v4/projects/acme%2Fops/issues/${n}`,
    }),
    webhook(base, secret, n, state) {
      const payload = JSON.stringify({
        object_kind: 'issue',
        event_type: 'issue',
        project: { id: 7, name: 'ops', path_with_namespace: 'acme/ops' },
        object_attributes: {
          iid: n,
          state: state === 'closed' ? 'closed' : 'opened',
          action: state === 'closed' ? 'close' : 'reopen',
          url: `${base}/acme/ops/-/issues/${n}`,
        },
      });
      return { headers: { 'x-gitlab-event': 'Issue Hook', 'x-gitlab-token': secret }, payload };
    },
  },
  {
    name: 'Jira',
    start: () => startJira(JIRA_ACCOUNT, JIRA_TOKEN, 'SEC'),
    connection: { kind: 'jira', project: 'SEC', account: JIRA_ACCOUNT, credential: JIRA_TOKEN },
    createUrl: '/rest/api/3/issue',
    auth: {
      authorization: `Basic ${Buffer.from(`${JIRA_ACCOUNT}:${JIRA_TOKEN}`).toString('base64')}`,
    },
    received(body) {
      const { fields } = JSON.parse(body) as { fields: Record<string, unknown> };
      expect(fields).toMatchObject({ project: { key: 'SEC' }, issuetype: { name: 'Task' } });
      return {
        title: fields.summary as string,
        text: adfText(fields.description),
        labels: fields.labels,
      };
    },
    labels: ['security'],
    issue: (base, n) => ({
      url: `${base}/browse/SEC-${n}`,
      key: `SEC-${n}`,
      id: `SEC-${n}`,
      readUrl: `/rest/api/3/issue/SEC-${n}?fields=status`,
    }),
    webhook(_base, secret, n, state) {
      const category = state === 'closed' ? 'done' : 'indeterminate';
      const payload = JSON.stringify({
        webhookEvent: 'jira:issue_updated',
        issue_event_type_name: 'issue_generic',
        issue: {
          key: `SEC-${n}`,
          fields: {
            project: { key: 'SEC' },
            status: {
              name: state === 'closed' ? 'Done' : 'In Progress',
              statusCategory: { key: category },
            },
          },
        },
      });
      return { headers: { 'x-hub-signature': hmac(secret, payload) }, payload };
    },
  },
];

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

/** A connection to `c`'s local server that takes follow-ups. */
async function connectFollowUps(c: TrackerCase, admin: Headers) {
  const server = await tracker(c.start());
  const made = await connectTracker(t, admin, {
    name: 'ops issues',
    baseUrl: server.baseUrl,
    ...c.connection,
    onFollowUp: true,
  });
  return { server, made };
}

/** The tracker's own webhook, delivered to the connection's webhookUrl. */
function sendWebhook(webhookUrl: string, sent: { headers: Headers; payload: string }) {
  return t.app.inject({
    method: 'POST',
    url: new URL(webhookUrl).pathname,
    headers: { 'content-type': 'application/json', ...sent.headers },
    payload: sent.payload,
  });
}

describe.each(TRACKERS.map((c) => [c.name, c] as const))(
  'handing a stand-alone follow-up to %s',
  (_name, c) => {
    it('opens an issue with the safe summary for a tuning proposal taken; the link and the closed state come back by polling, done is proposed', async () => {
      t = await createTestApp(); // 2026-03-02T09:00:00Z
      const { headers: admin } = await loginAs(t, 'admin');
      const { server, made } = await connectFollowUps(c, admin);
      // An incident decided non-critical: the tracker's first issue is its hand-off.
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
      const creates = () => server.requests.filter((r) => r.method === 'POST');
      expect(creates()).toHaveLength(1);
      expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 1 });
      const create = creates()[1]!;
      expect(create.url).toBe(c.createUrl);
      expect(create.headers).toMatchObject(c.auth);
      const issue = c.received(create.body);
      expect(issue.title).toBe(`Follow-up: ${title}`);
      // Each on a line of its own, as the tracker shows it (Jira: hard breaks).
      const lines = issue.text.split('\n');
      expect(lines).toEqual(
        expect.arrayContaining([`Action: ${title}`, 'Type: detect', 'Due: 2026-03-16']),
      );
      expect(issue.text).toContain('2 alerts marked as noise (alert source prod-am)');
      expect(issue.text).toContain(
        `${t.container.config.baseUrl.replace(/\/+$/, '')}/app/follow-ups`,
      );
      expect(issue.labels).toEqual(c.labels);
      // Owner-free, and never the noise reasons (free text) nor an incident.
      expect(create.body).not.toContain('Owner');
      expect(create.body).not.toContain('Jane Reporter');
      expect(create.body).not.toContain(incident.key);

      // The link is kept on the follow-up, in GET /api/v1/follow-ups.
      const [first, second] = [c.issue(server.baseUrl, 1), c.issue(server.baseUrl, 2)];
      expect(await followUpOf(lead, followUpId)).toMatchObject({
        trackerUrl: second.url,
        tracker: { connection: 'ops issues', key: second.key, state: 'open' },
        doneProposed: false,
      });
      // The incident's Development section lists its own issue only; the connection lists both.
      const handOff = await t.app.inject({
        method: 'GET',
        url: `/api/v1/incidents/${incident.key}/tracker-issues`,
        headers: lead,
      });
      expect(handOff.json()).toMatchObject({ closeProposed: false, items: [{ key: first.key }] });
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
        [first.key, incident.key],
        [second.key, null],
      ]);

      // The tracker closes the follow-up's issue; the scheduler reads it back at the next check.
      server.close(second.id);
      t.clock.advance(11 * MINUTE);
      await t.container.workers.scheduler.tick(t.clock.now());
      const read = server.requests.find((r) => r.method === 'GET' && r.url === second.readUrl);
      expect(read?.headers).toMatchObject(c.auth);
      expect(await followUpOf(lead, followUpId)).toMatchObject({
        status: 'open',
        tracker: { key: second.key, state: 'closed' },
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
      expect(await followUpTrackerEvents(t, followUpId)).toEqual([
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

    it("the tracker's own webhook brings the closed state back at once; reopened, done is no longer proposed", async () => {
      t = await createTestApp();
      const { headers: admin } = await loginAs(t, 'admin');
      const { server, made } = await connectFollowUps(c, admin);
      const worker = workerFor(t, null);
      stops.push(() => worker.close());
      const { lead, followUpId } = await takeTuning(admin, '2026-03-16T09:00:00Z');
      expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 1 });
      const issue = c.issue(server.baseUrl, 1);
      expect(await followUpOf(lead, followUpId)).toMatchObject({
        trackerUrl: issue.url,
        tracker: { key: issue.key, state: 'open' },
      });
      const hook = (secret: string, state: State) =>
        sendWebhook(made.connection.webhookUrl!, c.webhook(server.baseUrl, secret, 1, state));
      // Not authenticated with the connection's secret: refused, nothing recorded.
      expect((await hook('not the webhook secret', 'closed')).statusCode).toBe(401);
      expect(await followUpOf(lead, followUpId)).toMatchObject({ doneProposed: false });

      const res = await hook(made.webhookSecret!, 'closed');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ recorded: true });
      expect(await followUpOf(lead, followUpId)).toMatchObject({
        status: 'open',
        tracker: { state: 'closed' },
        doneProposed: true,
      });
      // Reopened in the tracker: open again, nothing proposed.
      expect((await hook(made.webhookSecret!, 'open')).json()).toEqual({ recorded: true });
      expect(await followUpOf(lead, followUpId)).toMatchObject({
        status: 'open',
        tracker: { state: 'open' },
        doneProposed: false,
      });
      // Each change recorded once on the follow-up's own stream, as the system; the refused
      // delivery recorded nothing.
      expect(await followUpTrackerEvents(t, followUpId)).toEqual([
        ['postmortem.follow_up_tracker_linked', null, null],
        ['postmortem.follow_up_tracker_changed', 'closed', null],
        ['postmortem.follow_up_tracker_changed', 'open', null],
      ]);
    });
  },
);

describe('handing a stand-alone follow-up to a tracker', () => {
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

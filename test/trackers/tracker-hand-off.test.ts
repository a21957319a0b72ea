// Kundo step 9 through the team's tracker (issue 18, item 5): an incident the panel decides
// non-critical becomes an issue in each connected tracker, sent by the outbox worker to local
// servers that check each REST API's documented request shape and authentication; the link comes
// back onto the incident, the tracker's state comes back (polling by the scheduler, or the
// tracker's own webhook: GitHub's and Jira's signed, GitLab's token), and a closed issue proposes closing the incident without closing it.
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, MINUTE } from '../../src/server/clock.ts';
import { createTokenFor, loginAs } from '../helpers/auth.ts';
import { startHttpReceiver, workerFor } from '../helpers/delivery.ts';
import { admin } from '../helpers/incidents-context.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import {
  adfText,
  commonMarkText,
  connectTracker,
  decideNonCritical,
  REPORTER,
  startGithub,
  startGitlab,
  startJira,
  type TrackerServer,
} from '../helpers/trackers.ts';

const GITHUB_TOKEN = 'github_pat_11AAAA0000secretTOKENvalue';

let t: TestApp;
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await t?.close();
});

/** `now`: a clock at the real time, so a Standard Webhooks timestamp verifies. */
async function app(now?: 'now') {
  t = await createTestApp(now ? { clock: new FakeClock(Date.now()) } : {});
  return t;
}
async function tracker(server: Promise<TrackerServer>) {
  const s = await server;
  stops.push(() => s.stop());
  return s;
}

const connect = (headers: Record<string, string>, body: Record<string, unknown>) =>
  connectTracker(t, headers, body);

const issuesOf = async (ref: string, headers: Record<string, string>) => {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/incidents/${ref}/tracker-issues`,
    headers,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    closeProposed: boolean;
    items: { status: string; url: string | null; key: string | null; state: string | null }[];
  };
};

const recordTypes = async (incidentId: string) =>
  (
    await t.container.db
      .selectFrom('events')
      .select(['type', 'data_json'])
      .where('stream_id', '=', incidentId)
      .orderBy('seq')
      .execute()
  ).map((e) => ({
    type: e.type,
    data: JSON.parse(String(e.data_json)) as Record<string, unknown>,
  }));

function expectNoReporter(body: string) {
  expect(body).not.toContain(REPORTER.email);
  expect(body).not.toContain(REPORTER.name);
  expect(body).not.toContain('Found it while testing');
}

describe('handing a non-critical incident to a tracker', () => {
  it('opens a GitHub issue with the safe summary; the tracker closes it and closing is proposed', async () => {
    await app();
    const github = await tracker(startGithub('acme/web', GITHUB_TOKEN));
    const { headers } = await loginAs(t, 'admin');
    const made = await connect(headers, {
      name: 'web issues',
      kind: 'github',
      baseUrl: github.baseUrl,
      project: 'acme/web',
      credential: GITHUB_TOKEN,
      labels: ['security', 'from-stopline'],
    });
    expect(made.webhookSecret).toMatch(/^[0-9a-f]{64}$/);

    const incident = await decideNonCritical(t);
    // The decision is recorded at once; the issue waits in the outbox.
    expect(github.requests).toHaveLength(0);
    const worker = workerFor(t, null);
    stops.push(() => worker.close());
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 1 });

    const [create] = github.requests;
    expect(create).toMatchObject({ method: 'POST', url: '/repos/acme/web/issues' });
    expect(create!.headers.authorization).toBe(`Bearer ${GITHUB_TOKEN}`);
    expect(create!.headers.accept).toBe('application/vnd.github+json');
    expect(create!.headers['content-type']).toBe('application/json');
    const body = JSON.parse(create!.body) as { title: string; body: string; labels: string[] };
    expect(body.title).toBe(`${incident.key}: Verbose error page shows framework version`);
    expect(body.body).toContain('The 404 page names the framework and its version.');
    expect(body.body).toContain(`/app/incidents/${incident.key}`);
    expect(body.labels).toEqual(['security', 'from-stopline']);
    expectNoReporter(create!.body);

    // The link is on the incident, as an event, and on its tracker issues.
    const handedOff = (await recordTypes(incident.id)).find(
      (e) => e.type === 'incident.handed_off',
    );
    expect(handedOff?.data).toMatchObject({
      trackerUrl: `${github.baseUrl}/acme/web/issues/1`,
      tracker: { connection: 'web issues', key: 'acme/web#1' },
    });
    const reader = await loginAs(t, 'responder');
    expect(await issuesOf(incident.key, reader.headers)).toMatchObject({
      closeProposed: false,
      items: [{ status: 'created', key: 'acme/web#1', state: 'open' }],
    });

    // Nothing changes before the next check; the tracker closes it; the scheduler reads it back.
    github.close('1');
    await t.container.workers.scheduler.tick(t.clock.now());
    expect((await issuesOf(incident.key, reader.headers)).items[0]?.state).toBe('open');
    t.clock.advance(11 * MINUTE);
    await t.container.workers.scheduler.tick(t.clock.now());
    const read = github.requests.filter((r) => r.method === 'GET');
    expect(read.map((r) => r.url)).toEqual(['/repos/acme/web/issues/1']);
    expect(read[0]!.headers.authorization).toBe(`Bearer ${GITHUB_TOKEN}`);
    expect(await issuesOf(incident.key, reader.headers)).toMatchObject({
      closeProposed: true,
      items: [{ state: 'closed' }],
    });
    const events = await recordTypes(incident.id);
    expect(events.filter((e) => e.type === 'incident.tracker_issue_changed')).toMatchObject([
      { data: { key: 'acme/web#1', state: 'closed', connection: 'web issues' } },
    ]);
    // Proposed, not done: the incident stays where it was.
    const after = await t.container.services.incidents.getIncident(admin('admin'), incident.key);
    expect(after.incident.closedAt).toBeNull();
    expect(after.incident.phase).toBe(incident.phase);
    // The token is sealed: not in the database in clear, not in any answer, not in the log.
    const row = await t.container.db
      .selectFrom('tracker_connections')
      .select('sealed_credential')
      .executeTakeFirstOrThrow();
    expect(row.sealed_credential).not.toContain(GITHUB_TOKEN);
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/tracker-connections', headers });
    expect(list.body).not.toContain(GITHUB_TOKEN);
    expect(t.logs.join('\n')).not.toContain(GITHUB_TOKEN);
  });

  it("takes GitHub's signed webhook: a wrong signature is refused, a closed issue comes back", async () => {
    await app();
    const github = await tracker(startGithub('acme/web', GITHUB_TOKEN));
    const { headers } = await loginAs(t, 'admin');
    const made = await connect(headers, {
      name: 'web issues',
      kind: 'github',
      baseUrl: github.baseUrl,
      project: 'acme/web',
      credential: GITHUB_TOKEN,
    });
    const incident = await decideNonCritical(t);
    const worker = workerFor(t, null);
    stops.push(() => worker.close());
    await worker.deliverDue(t.clock.now());
    const hook = new URL(made.connection.webhookUrl!).pathname;
    const payload = JSON.stringify({
      action: 'closed',
      issue: { number: 1, state: 'closed', html_url: `${github.baseUrl}/acme/web/issues/1` },
      repository: { full_name: 'acme/web' },
    });
    const sign = (secret: string) =>
      `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`;
    const send = (signature: string) =>
      t.app.inject({
        method: 'POST',
        url: hook,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'issues',
          'x-hub-signature-256': signature,
        },
        payload,
      });
    const forged = await send(sign('not the secret'));
    expect(forged.statusCode).toBe(401);
    expect(forged.headers['content-type']).toMatch(/problem\+json/);
    const reader = await loginAs(t, 'responder');
    expect((await issuesOf(incident.key, reader.headers)).closeProposed).toBe(false);

    const real = await send(sign(made.webhookSecret!));
    expect(real.statusCode, real.body).toBe(200);
    expect(real.json()).toEqual({ recorded: true });
    expect(await issuesOf(incident.key, reader.headers)).toMatchObject({
      closeProposed: true,
      items: [{ state: 'closed', key: 'acme/web#1' }],
    });
    // The same delivery again records nothing new.
    expect((await send(sign(made.webhookSecret!))).json()).toEqual({ recorded: false });
  });

  it("takes GitLab's and Jira's own webhooks, authenticated as each documents it; the closed state comes back", async () => {
    await app();
    const gitlab = await tracker(startGitlab('acme/platform', 'glpat-secret-token'));
    const jira = await tracker(startJira('bot@acme.example', 'jira-api-token', 'SEC'));
    const { headers } = await loginAs(t, 'admin');
    const lab = await connect(headers, {
      name: 'platform',
      kind: 'gitlab',
      baseUrl: gitlab.baseUrl,
      project: 'acme/platform',
      credential: 'glpat-secret-token',
    });
    const ji = await connect(headers, {
      name: 'jira',
      kind: 'jira',
      baseUrl: jira.baseUrl,
      project: 'SEC',
      account: 'bot@acme.example',
      credential: 'jira-api-token',
    });
    for (const made of [lab, ji]) {
      expect(made.webhookSecret).toMatch(/^[0-9a-f]{64}$/);
      expect(made.signingSecret).toBeNull();
    }
    expect(lab.connection.webhookUrl).toMatch(/\/api\/v1\/tracker-webhooks\/gitlab\/[0-9a-f-]+$/);
    expect(ji.connection.webhookUrl).toMatch(/\/api\/v1\/tracker-webhooks\/jira\/[0-9a-f-]+$/);
    const incident = await decideNonCritical(t);
    const worker = workerFor(t, null);
    stops.push(() => worker.close());
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 2 });
    const reader = await loginAs(t, 'responder');
    const stateOf = async (key: string) =>
      (await issuesOf(incident.key, reader.headers)).items.find((i) => i.key === key)?.state;

    // GitLab's issue event, as its webhook events page documents it (abridged): the secret token
    // is sent as it is in X-Gitlab-Token.
    const gitlabEvent = (state: 'opened' | 'closed', iid = 1, path = 'acme/platform') =>
      JSON.stringify({
        object_kind: 'issue',
        event_type: 'issue',
        user: { id: 1, name: 'Administrator', username: 'root' },
        project: { id: 7, name: 'platform', path_with_namespace: path },
        object_attributes: {
          id: 301,
          iid,
          title: `${incident.key}: <script>alert(1)</script>`,
          state,
          action: state === 'closed' ? 'close' : 'reopen',
          url: `${gitlab.baseUrl}/${path}/-/issues/${iid}`,
        },
        labels: [{ id: 206, title: 'security' }],
      });
    const toGitlab = (token: string | null, payload: string, event = 'Issue Hook') =>
      t.app.inject({
        method: 'POST',
        url: new URL(lab.connection.webhookUrl!).pathname,
        headers: {
          'content-type': 'application/json',
          'x-gitlab-event': event,
          ...(token === null ? {} : { 'x-gitlab-token': token }),
        },
        payload,
      });
    for (const token of [null, 'not the token', `${lab.webhookSecret!}x`]) {
      const refused = await toGitlab(token, gitlabEvent('closed'));
      expect(refused.statusCode, refused.body).toBe(401);
      expect(refused.headers['content-type']).toMatch(/problem\+json/);
    }
    // GitHub's signature on a GitLab connection is no token.
    const githubStyle = await t.app.inject({
      method: 'POST',
      url: new URL(lab.connection.webhookUrl!).pathname,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': `sha256=${createHmac('sha256', lab.webhookSecret!).update(gitlabEvent('closed')).digest('hex')}`,
      },
      payload: gitlabEvent('closed'),
    });
    expect(githubStyle.statusCode).toBe(401);
    expect(await stateOf('acme/platform#1')).toBe('open');
    // Another project's issue, another issue, another event: nothing recorded.
    const secret = lab.webhookSecret!;
    expect((await toGitlab(secret, gitlabEvent('closed', 1, 'acme/other'))).json()).toEqual({
      recorded: false,
    });
    expect((await toGitlab(secret, gitlabEvent('closed', 9))).json()).toEqual({ recorded: false });
    expect((await toGitlab(secret, gitlabEvent('closed'), 'Push Hook')).json()).toEqual({
      recorded: false,
    });
    const notJson = await toGitlab(secret, '{"object_kind":');
    expect(notJson.statusCode).toBe(400);
    const closed = await toGitlab(secret, gitlabEvent('closed'));
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toEqual({ recorded: true });
    expect(await stateOf('acme/platform#1')).toBe('closed');
    expect((await toGitlab(secret, gitlabEvent('closed'))).json()).toEqual({ recorded: false });

    // Jira Cloud's jira:issue_updated, as its webhooks page documents it (abridged), signed
    // X-Hub-Signature: sha256=<HMAC-SHA256 of the body> with the admin webhook's secret.
    const jiraEvent = (category: 'done' | 'indeterminate', key = 'SEC-1') =>
      JSON.stringify({
        timestamp: t.clock.now(),
        webhookEvent: 'jira:issue_updated',
        issue_event_type_name: 'issue_generic',
        user: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Jira Admin' },
        issue: {
          id: '10001',
          key,
          fields: {
            summary: `${incident.key}: <img src=x onerror=alert(1)>`,
            project: { key: key.split('-')[0] },
            status: {
              name: category === 'done' ? 'Done' : 'In Progress',
              statusCategory: { id: category === 'done' ? 3 : 4, key: category },
            },
          },
        },
        changelog: { id: '10100', items: [{ field: 'status', fieldtype: 'jira' }] },
      });
    const toJira = (signature: string | null, payload: string) =>
      t.app.inject({
        method: 'POST',
        url: new URL(ji.connection.webhookUrl!).pathname,
        headers: {
          'content-type': 'application/json',
          ...(signature === null ? {} : { 'x-hub-signature': signature }),
        },
        payload,
      });
    const sign = (key: string, payload: string) =>
      `sha256=${createHmac('sha256', key).update(payload).digest('hex')}`;
    const done = jiraEvent('done');
    for (const signature of [null, sign('not the secret', done), 'sha256=zz', ji.webhookSecret!]) {
      const refused = await toJira(signature, done);
      expect(refused.statusCode, refused.body).toBe(401);
    }
    // The signature is of the exact bytes: the same JSON spaced differently is refused.
    const respaced = JSON.stringify(JSON.parse(done), null, 1);
    expect((await toJira(sign(ji.webhookSecret!, done), respaced)).statusCode).toBe(401);
    expect(await stateOf('SEC-1')).toBe('open');
    const other = jiraEvent('done', 'OPS-1');
    expect((await toJira(sign(ji.webhookSecret!, other), other)).json()).toEqual({
      recorded: false,
    });
    const accepted = await toJira(sign(ji.webhookSecret!, done), done);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toEqual({ recorded: true });
    const after = await issuesOf(incident.key, reader.headers);
    expect(after.closeProposed).toBe(true);
    expect(await stateOf('SEC-1')).toBe('closed');
    // Reopened in Jira: open again.
    const reopened = jiraEvent('indeterminate');
    expect((await toJira(sign(ji.webhookSecret!, reopened), reopened)).json()).toEqual({
      recorded: true,
    });
    expect(await stateOf('SEC-1')).toBe('open');
    // Each state change is recorded once on the incident's record.
    const changes = (await recordTypes(incident.id)).filter(
      (e) => e.type === 'incident.tracker_issue_changed',
    );
    expect(changes.map((e) => [e.data.key, e.data.state])).toEqual([
      ['acme/platform#1', 'closed'],
      ['SEC-1', 'closed'],
      ['SEC-1', 'open'],
    ]);
    // A rotated secret: the old one stops at once.
    const rotated = await t.app.inject({
      method: 'POST',
      url: `/api/v1/tracker-connections/${lab.connection.id}/secret`,
      headers,
    });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const fresh = rotated.json().secret as string;
    expect((await toGitlab(secret, gitlabEvent('opened'))).statusCode).toBe(401);
    expect((await toGitlab(fresh, gitlabEvent('opened'))).json()).toEqual({ recorded: true });
    // Neither secret is in a log.
    expect(t.logs.join('\n')).not.toContain(secret);
    expect(t.logs.join('\n')).not.toContain(ji.webhookSecret!);
  });

  it('retries a tracker answering 500 through the outbox; the decision never waits', async () => {
    await app();
    const github = await tracker(startGithub('acme/web', GITHUB_TOKEN));
    github.failWith.push(500);
    const { headers } = await loginAs(t, 'admin');
    await connect(headers, {
      name: 'web issues',
      kind: 'github',
      baseUrl: github.baseUrl,
      project: 'acme/web',
      credential: GITHUB_TOKEN,
    });
    const incident = await decideNonCritical(t);
    const worker = workerFor(t, null);
    stops.push(() => worker.close());
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 0, failed: 1 });
    const reader = await loginAs(t, 'responder');
    expect(await issuesOf(incident.key, reader.headers)).toMatchObject({
      items: [{ status: 'failed', url: null }],
    });
    const decided = await t.container.services.incidents.getIncident(admin('a'), incident.key);
    expect(decided.incident.criticality).toBe('non_critical');
    // Not before the backoff; then the tracker answers 201.
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 0, failed: 0 });
    t.clock.advance(MINUTE);
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 1 });
    expect(github.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(await issuesOf(incident.key, reader.headers)).toMatchObject({
      items: [{ status: 'created', key: 'acme/web#1', state: 'open' }],
    });
    const links = (await recordTypes(incident.id)).filter((e) => e.type === 'incident.handed_off');
    expect(links).toHaveLength(1);
  });

  it('gives up at once on refused credentials (a dead letter admins see, never the tracker words or the token); new ones try again', async () => {
    await app();
    const github = await tracker(startGithub('acme/web', GITHUB_TOKEN));
    const { headers } = await loginAs(t, 'admin');
    const made = await connect(headers, {
      name: 'web issues',
      kind: 'github',
      baseUrl: github.baseUrl,
      project: 'acme/web',
      credential: 'github_pat_wrong',
    });
    const incident = await decideNonCritical(t);
    const worker = workerFor(t, null);
    stops.push(() => worker.close());
    // A 401 is not retried: the delivery is a dead letter after one attempt, with the reason.
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ failed: 0, dead: 1 });
    const reason =
      'credentials refused: HTTP 401 from the tracker: the credentials were not accepted';
    const seen = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tracker-connections/${made.connection.id}`,
      headers,
    });
    expect(seen.json()).toMatchObject({ lastError: reason });
    const letter = await t.container.db
      .selectFrom('outbox')
      .select(['status', 'attempts', 'last_error'])
      .where('channel', '=', 'tracker')
      .executeTakeFirstOrThrow();
    expect(letter).toMatchObject({ status: 'dead', last_error: reason });
    expect(Number(letter.attempts)).toBe(1);
    // No further attempt.
    t.clock.advance(90 * MINUTE); // seven retries would have come by now
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ failed: 0, dead: 0 });
    expect(github.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    // Whoever may see the incident sees the hand-off given up on, and why.
    const reader = await loginAs(t, 'responder');
    expect((await issuesOf(incident.key, reader.headers)).items).toMatchObject([
      { status: 'dead', url: null, lastError: reason },
    ]);
    expect(seen.body).not.toContain('github_pat_wrong');
    const issues = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tracker-connections/${made.connection.id}/issues`,
      headers,
    });
    expect(issues.statusCode, issues.body).toBe(200);
    expect(issues.json().items).toMatchObject([{ status: 'dead', attempts: 1, lastError: reason }]);
    expect(t.logs.join('\n')).not.toContain('github_pat_wrong');
    expect(t.logs.join('\n')).not.toContain('Bad credentials');
    // A responder does not see the connection nor its failures.
    const responderCaller = await loginAs(t, 'responder');
    const refused = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tracker-connections/${made.connection.id}`,
      headers: responderCaller.headers,
    });
    expect(refused.statusCode).toBe(403);
    // A new token clears the failure and takes the dead letter up again: the issue is opened.
    const fixed = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tracker-connections/${made.connection.id}`,
      headers,
      payload: { credential: GITHUB_TOKEN },
    });
    expect(fixed.json().lastError).toBeNull();
    expect((await issuesOf(incident.key, reader.headers)).items).toMatchObject([
      { status: 'pending' },
    ]);
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 1 });
    expect((await issuesOf(incident.key, reader.headers)).items).toMatchObject([
      { status: 'created', key: 'acme/web#1', lastError: null },
    ]);
    const audit = await t.container.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'like', 'tracker_connection.%')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'tracker_connection.created',
      'tracker_connection.updated',
    ]);
  });

  it('a 403 is a dead letter at once too; a 404 is kept and tried again', async () => {
    await app();
    const github = await tracker(startGithub('acme/web', GITHUB_TOKEN));
    github.failWith.push(404, 403);
    const { headers } = await loginAs(t, 'admin');
    await connect(headers, {
      name: 'web issues',
      kind: 'github',
      baseUrl: github.baseUrl,
      project: 'acme/web',
      credential: GITHUB_TOKEN,
    });
    const incident = await decideNonCritical(t);
    const worker = workerFor(t, null);
    stops.push(() => worker.close());
    const reader = await loginAs(t, 'responder');
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ failed: 1, dead: 0 });
    expect((await issuesOf(incident.key, reader.headers)).items).toMatchObject([
      { status: 'failed', lastError: expect.stringContaining('HTTP 404') },
    ]);
    t.clock.advance(MINUTE);
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ failed: 0, dead: 1 });
    expect((await issuesOf(incident.key, reader.headers)).items).toMatchObject([
      {
        status: 'dead',
        lastError:
          'credentials refused: HTTP 403 from the tracker: the credentials may not do this',
      },
    ]);
    t.clock.advance(90 * MINUTE); // seven retries would have come by now
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ failed: 0, dead: 0 });
    expect(github.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('speaks GitLab, Jira Cloud and the signed webhook as each documents it', async () => {
    await app('now');
    const gitlab = await tracker(startGitlab('acme/platform', 'glpat-secret-token'));
    const jira = await tracker(startJira('bot@acme.example', 'jira-api-token', 'SEC'));
    const hook = await startHttpReceiver();
    stops.push(() => hook.stop());
    const { headers } = await loginAs(t, 'admin');
    await connect(headers, {
      name: 'platform',
      kind: 'gitlab',
      baseUrl: gitlab.baseUrl,
      project: 'acme/platform',
      credential: 'glpat-secret-token',
    });
    await connect(headers, {
      name: 'jira',
      kind: 'jira',
      baseUrl: jira.baseUrl,
      project: 'SEC',
      account: 'bot@acme.example',
      credential: 'jira-api-token',
    });
    const webhook = await connect(headers, {
      name: 'backlog bot',
      kind: 'webhook',
      project: hook.url,
    });
    expect(webhook.signingSecret).toMatch(/^whsec_/);

    const incident = await decideNonCritical(t);
    const worker = workerFor(t, null);
    stops.push(() => worker.close());
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 3 });

    const [lab] = gitlab.requests;
    expect(lab).toMatchObject({ method: 'POST', url: '/api/v4/projects/acme%2Fplatform/issues' });
    expect(lab!.headers['private-token']).toBe('glpat-secret-token');
    expect(JSON.parse(lab!.body)).toMatchObject({
      title: `${incident.key}: Verbose error page shows framework version`,
      labels: 'security',
    });
    expect(JSON.parse(lab!.body).description).toContain('The 404 page names the framework');
    expectNoReporter(lab!.body);

    const [ji] = jira.requests;
    expect(ji).toMatchObject({ method: 'POST', url: '/rest/api/3/issue' });
    expect(ji!.headers.authorization).toBe(
      `Basic ${Buffer.from('bot@acme.example:jira-api-token').toString('base64')}`,
    );
    const fields = JSON.parse(ji!.body).fields;
    expect(fields).toMatchObject({ project: { key: 'SEC' }, issuetype: { name: 'Task' } });
    // Jira shows the same text as GitLab (valid ADF, each line its own: hard breaks in both).
    expect(adfText(fields.description)).toBe(commonMarkText(JSON.parse(lab!.body).description));
    expectNoReporter(ji!.body);

    const [sent] = hook.requests;
    const verified = new Webhook(webhook.signingSecret!).verify(sent!.body, {
      'webhook-id': String(sent!.headers['webhook-id']),
      'webhook-timestamp': String(sent!.headers['webhook-timestamp']),
      'webhook-signature': String(sent!.headers['webhook-signature']),
    }) as { type: string; incident: { key: string } };
    expect(verified).toMatchObject({
      type: 'tracker.issue_requested',
      incident: { key: incident.key },
    });
    expectNoReporter(sent!.body);

    const reader = await loginAs(t, 'responder');
    const seen = await issuesOf(incident.key, reader.headers);
    expect(seen.items.map((i) => [i.key, i.state])).toEqual(
      expect.arrayContaining([
        ['acme/platform#1', 'open'],
        ['SEC-1', 'open'],
      ]),
    );
    // Jira's state comes back by polling; GitLab's too.
    jira.close('SEC-1');
    gitlab.close('1');
    t.clock.advance(11 * MINUTE);
    await t.container.workers.scheduler.tick(t.clock.now());
    const after = await issuesOf(incident.key, reader.headers);
    expect(after.closeProposed).toBe(true);
    expect(
      after.items
        .filter((i) => i.state === 'closed')
        .map((i) => i.key)
        .sort(),
    ).toEqual(['SEC-1', 'acme/platform#1']);
    expect(jira.requests.at(-1)?.url).toBe('/rest/api/3/issue/SEC-1?fields=status');
  });
});

describe('who may configure trackers', () => {
  it('admins only, per role and per token scope; bad input is named field by field', async () => {
    await app();
    const body = { name: 'gh', kind: 'github', project: 'acme/web', credential: 'x' };
    for (const role of ['responder', 'security_lead', 'communications_lead', 'viewer']) {
      const caller = await loginAs(t, role).catch(() => null);
      if (!caller) continue;
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/tracker-connections',
        headers: caller.headers,
        payload: body,
      });
      expect(res.statusCode, role).toBe(403);
    }
    const narrow = await createTokenFor(t, 'admin', ['incidents.read']);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tracker-connections',
      headers: narrow.headers,
      payload: body,
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().permission).toBe('trackers.manage');
    const scoped = await createTokenFor(t, 'admin', ['trackers.manage']);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tracker-connections',
      headers: scoped.headers,
      payload: { name: 'jira', kind: 'jira', project: 'not a key', credential: 'x' },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['baseUrl']);
    const bad2 = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tracker-connections',
      headers: scoped.headers,
      payload: {
        name: 'jira',
        kind: 'jira',
        baseUrl: 'https://acme.atlassian.net',
        project: 'not a key',
        credential: 'x',
      },
    });
    expect(
      bad2
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['account', 'project']);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tracker-connections',
      headers: scoped.headers,
      payload: body,
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().connection).toMatchObject({ baseUrl: 'https://api.github.com' });
    expect(
      await t.container.db.selectFrom('tracker_connections').select('id').execute(),
    ).toHaveLength(1);
  });
});

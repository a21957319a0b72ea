// Small local stand-ins for the trackers' REST APIs, each answering as its documentation says and
// refusing what the real one would: GitHub Issues (Bearer token, the vnd.github+json media type),
// GitLab Issues (PRIVATE-TOKEN), Jira Cloud (basic auth email:api_token, a description valid
// against the official ADF schema).
// Each keeps the requests it saw, can be told to fail (`failWith`), and can close an issue.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import MarkdownIt from 'markdown-it';
import { expect } from 'vitest';
import { listStreamEvents } from '../../src/server/db/event-store.ts';
import { ReportFields } from '../../src/shared/api/reports.ts';
import { createUser } from './auth.ts';
import { adfErrors } from './official-schemas.ts';
import { admin, incidentInput, responder } from './incidents-context.ts';
import { reproduce } from './reproduce.ts';
import type { TestApp } from './test-app.ts';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface TrackerServer {
  baseUrl: string;
  requests: SeenRequest[];
  /** Statuses to answer the next create requests with before behaving (e.g. [500]). */
  failWith: number[];
  /** The tracker closes issue `n` (GitHub number, GitLab iid, Jira key). */
  close(id: string): void;
  stop(): Promise<void>;
}

interface Handler {
  /** Answers [status, json]; `issues` is the tracker's state. */
  (req: SeenRequest, issues: Map<string, 'open' | 'closed'>, base: string): [number, unknown];
}

async function serve(handle: Handler): Promise<TrackerServer> {
  const requests: SeenRequest[] = [];
  const failWith: number[] = [];
  const issues = new Map<string, 'open' | 'closed'>();
  let base = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(seen);
      const failure = seen.method === 'POST' ? failWith.shift() : undefined;
      const [status, json] = failure
        ? [failure, { message: 'Server Error: internal details here' }]
        : handle(seen, issues, base);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl: base,
    requests,
    failWith,
    close: (id) => issues.set(id, 'closed'),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json = (body: string): Record<string, unknown> => {
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    return {};
  }
};

/** GitHub REST: POST /repos/{owner}/{repo}/issues → 201 {number, html_url, state}. */
export function startGithub(repo: string, token: string): Promise<TrackerServer> {
  return serve((req, issues, base) => {
    if (req.headers.authorization !== `Bearer ${token}`)
      return [401, { message: 'Bad credentials' }];
    if (req.headers.accept !== 'application/vnd.github+json')
      return [415, { message: 'Unsupported media type' }];
    if (req.method === 'POST' && req.url === `/repos/${repo}/issues`) {
      const body = json(req.body);
      if (typeof body.title !== 'string' || !body.title)
        return [422, { message: 'Validation Failed' }];
      const number = String(issues.size + 1);
      issues.set(number, 'open');
      return [
        201,
        { number: Number(number), html_url: `${base}/${repo}/issues/${number}`, state: 'open' },
      ];
    }
    const read = req.url.match(new RegExp(`^/repos/${repo}/issues/(\\d+)$`));
    if (req.method === 'GET' && read && issues.has(read[1]!))
      return [200, { number: Number(read[1]), state: issues.get(read[1]!) }];
    return [404, { message: 'Not Found' }];
  });
}

/** GitLab REST v4: POST /api/v4/projects/{id}/issues → 201 {iid, web_url, state: opened}. */
export function startGitlab(projectId: string, token: string): Promise<TrackerServer> {
  return serve((req, issues, base) => {
    if (req.headers['private-token'] !== token) return [401, { message: '401 Unauthorized' }];
    const path = `/api/v4/projects/${encodeURIComponent(projectId)}/issues`;
    if (req.method === 'POST' && req.url === path) {
      const body = json(req.body);
      if (typeof body.title !== 'string') return [400, { error: 'title is missing' }];
      const iid = String(issues.size + 1);
      issues.set(iid, 'open');
      return [
        201,
        { iid: Number(iid), web_url: `${base}/${projectId}/-/issues/${iid}`, state: 'opened' },
      ];
    }
    const read = req.url.startsWith(`${path}/`) ? req.url.slice(path.length + 1) : null;
    if (req.method === 'GET' && read && issues.has(read))
      return [
        200,
        { iid: Number(read), state: issues.get(read) === 'closed' ? 'closed' : 'opened' },
      ];
    return [404, { message: '404 Not found' }];
  });
}

/** Jira Cloud REST v3: POST /rest/api/3/issue → 201 {id, key, self}; ADF descriptions only. */
export function startJira(email: string, token: string, project: string): Promise<TrackerServer> {
  const auth = `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;
  return serve((req, issues, base) => {
    if (req.headers.authorization !== auth) return [401, { errorMessages: ['Unauthorized'] }];
    if (req.method === 'POST' && req.url === '/rest/api/3/issue') {
      const fields = (json(req.body).fields ?? {}) as Record<string, unknown>;
      const description = fields.description as { type?: string; version?: number } | undefined;
      if ((fields.project as { key?: string } | undefined)?.key !== project)
        return [400, { errors: { project: 'project is required' } }];
      if (description?.type !== 'doc' || description.version !== 1 || adfErrors(description).length)
        return [400, { errors: { description: 'Operation value must be an Atlassian Document' } }];
      const key = `${project}-${issues.size + 1}`;
      issues.set(key, 'open');
      return [
        201,
        { id: String(10000 + issues.size), key, self: `${base}/rest/api/3/issue/${key}` },
      ];
    }
    const read = req.url.match(/^\/rest\/api\/3\/issue\/([A-Z]+-\d+)\?fields=status$/);
    if (req.method === 'GET' && read && issues.has(read[1]!)) {
      const done = issues.get(read[1]!) === 'closed';
      return [
        200,
        {
          key: read[1],
          fields: { status: { statusCategory: { key: done ? 'done' : 'indeterminate' } } },
        },
      ];
    }
    return [404, { errorMessages: ['Issue does not exist'] }];
  });
}

/**
 * The text of a Jira description as Jira shows it: paragraphs (a blank line between) of text
 * nodes, a `hardBreak` a line break. A newline inside a text node would not show as one, so
 * there is none; nor an empty text node.
 */
export function adfText(description: unknown): string {
  expect(adfErrors(description)).toEqual([]);
  const paragraphs = (description as { content: { type: string; content: unknown[] }[] }).content;
  return paragraphs
    .map((p) => {
      expect(p.type).toBe('paragraph');
      return p.content
        .map((node) => {
          if ((node as { type: string }).type === 'hardBreak') return '\n';
          expect(node).toMatchObject({
            type: 'text',
            text: expect.stringMatching(/^[^\n]*\S[^\n]*$/),
          });
          return (node as { text: string }).text;
        })
        .join('');
    })
    .join('\n\n');
}

/**
 * The text of a GitLab description as GitLab shows it: rendered as CommonMark, where a single
 * newline is a soft break (shown as a space) and a hard break a new line; paragraphs a blank line
 * apart. The summaries are paragraphs only.
 */
export function commonMarkText(markdown: string): string {
  const html = new MarkdownIt('commonmark').render(markdown);
  const paragraphs = [...html.matchAll(/<p>([\s\S]*?)<\/p>\n/g)];
  expect(paragraphs.map((p) => p[0]).join('')).toBe(html);
  return paragraphs
    .map(([, inner]) =>
      inner!
        .split('<br />\n')
        .map((line) => line.replace(/\n/g, ' ').replace(/<[^>]+>/g, ''))
        .join('\n'),
    )
    .join('\n\n')
    .replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ENTITIES[e]!);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

/** A reporter whose contact data must never reach a tracker. */
export const REPORTER = {
  name: 'Rita Reporter-Confidential',
  email: 'rita.secret@reporter.example',
};

/** A report with the reporter's contact data, linked to an incident the panel decides minor. */
export async function decideNonCritical(t: TestApp) {
  const s = t.container.services.incidents;
  const receipt = await t.container.services.reports.submitReport(
    ReportFields.parse({
      summary: 'Framework version on the 404 page',
      description: `Found it while testing. Write to ${REPORTER.email}.`,
      contact: REPORTER,
    }),
    [],
    { ip: '127.0.0.1' },
  );
  // The panel is staff who can sit on it: three responders and a security lead.
  const staff = async (role: string) => (await createUser(t, { roles: [role] })).id;
  const [ownerId, devA, devB] = [
    await staff('responder'),
    await staff('responder'),
    await staff('responder'),
  ];
  const leadId = await staff('security_lead');
  const owner = responder(ownerId);
  let incident = await s.openIncident(
    admin('admin'),
    incidentInput({
      title: 'Verbose error page shows framework version',
      summary: 'The 404 page names the framework and its version.',
      reportIds: [receipt.key],
    }),
  );
  await s.assignOwner(owner, incident.key, undefined, ownerId);
  await reproduce(s, owner, incident.key);
  await s.convenePanel(owner, incident.key, undefined, {
    responderIds: [devA, devB],
    securityLeadId: leadId,
  });
  for (const id of [ownerId, devA, devB, leadId]) {
    incident = await s.castVote(responder(id), incident.key, undefined, {
      answers: { specific_circumstances_only: true, customer_data_privacy: false },
      vote: 'non_critical',
      rationale: 'version only',
    });
  }
  expect(incident.criticality).toBe('non_critical');
  return incident;
}

/** Connects a tracker through the API as `headers`' user (an admin); answers the new connection. */
export async function connectTracker(
  t: TestApp,
  headers: Record<string, string>,
  body: Record<string, unknown>,
) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/tracker-connections',
    headers,
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as {
    connection: { id: string; webhookUrl: string | null };
    signingSecret: string | null;
    webhookSecret: string | null;
  };
}

/**
 * The tracker's news of a follow-up as recorded on its stream (a post-mortem's, or a stand-alone
 * follow-up's own): each event's type, the state it says (null for the link) and its actor.
 */
export async function followUpTrackerEvents(t: TestApp, streamId: string) {
  return (await listStreamEvents(t.container.db, streamId))
    .filter((e) => e.type.startsWith('postmortem.follow_up_tracker'))
    .map((e) => [e.type, e.data['state'] ?? null, e.actorId]);
}

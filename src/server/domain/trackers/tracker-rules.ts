// What Stopline says to each kind of tracker and how it reads the answers, as each documents its
// REST API: GitHub Issues (POST /repos/{owner}/{repo}/issues, Bearer token, the
// application/vnd.github+json media type), GitLab Issues (POST /api/v4/projects/{id}/issues,
// PRIVATE-TOKEN), Jira Cloud (POST /rest/api/3/issue, basic auth email:api_token, the description
// in the Atlassian Document Format), and a generic webhook signed with Standard Webhooks. Pure: the
// credentials come in opened, the requests go out as data.
import type { TrackerKind } from '../../../shared/domain/trackers.ts';

/** What an issue says: only what may leave Stopline (never a reporter's contact data). */
export interface IssueContent {
  /** Null for a stand-alone follow-up (no incident holds it). */
  incidentKey: string | null;
  title: string;
  body: string;
  /** The incident in the console, for the team to come back to. */
  link: string;
  labels: readonly string[];
}

/** An incident as the hand-off reads it: the staff's own words, never the report's. */
export interface HandOffCase {
  id: string;
  key: string;
  title: string;
  summary: string;
  severity: string | null;
  restricted: boolean;
}

export interface ConnectionSecrets {
  kind: TrackerKind;
  baseUrl: string;
  project: string;
  account: string | null;
  credential: string;
}

export interface RequestShape {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export type TrackerState = 'open' | 'closed';

export interface CreatedIssue {
  url: string;
  key: string;
  state: TrackerState;
}

/**
 * The safe summary of an incident handed to development: its key, severity, and the title and
 * summary staff wrote; a restricted incident is named by its key only (its participants alone may
 * read what it is about). Nothing a reporter wrote or gave (contact data, the report's text).
 */
export function issueContent(
  c: HandOffCase,
  why: string,
  link: string,
  labels: readonly string[],
): IssueContent {
  const title = c.restricted ? `${c.key} (restricted incident)` : `${c.key}: ${c.title}`;
  const lines = [
    why,
    '',
    `Incident: ${c.key}${c.severity ? ` (${c.severity})` : ''}`,
    ...(c.restricted
      ? ['Restricted: only its participants see what it is about, in Stopline.']
      : c.summary.trim()
        ? ['', c.summary.trim()]
        : []),
    '',
    `In Stopline: ${link}`,
  ];
  return { incidentKey: c.key, title: title.slice(0, 250), body: lines.join('\n'), link, labels };
}

/**
 * A post-mortem follow-up as the hand-off reads it (the learning subject hands it over): what was
 * decided to be done, by whom and when, and the incident it came from. Nothing a reporter wrote.
 */
export interface FollowUpHandOff {
  followUpId: string;
  incident: { id: string; key: string; restricted: boolean; exercise: boolean };
  title: string;
  /** mitigate, prevent, detect, process or training. */
  type: string;
  dueAt: number;
  /** The owner's name (their id when the name is not known). */
  owner: string;
}

/**
 * A follow-up's safe summary: its title, type, due date and owner, and the incident it came from
 * by key. A restricted incident's follow-up is named by the incident's key only: its participants
 * alone may read what it is about.
 */
export function followUpIssueContent(
  f: FollowUpHandOff,
  link: string,
  labels: readonly string[],
): IssueContent {
  const key = f.incident.key;
  const title = f.incident.restricted
    ? `${key} follow-up (restricted incident)`
    : `${key} follow-up: ${f.title}`;
  const lines = [
    `A follow-up action from the post-mortem of ${key}, to be done through the normal development process.`,
    '',
    ...(f.incident.restricted
      ? ['Restricted: only the incident’s participants see what it is about, in Stopline.']
      : [`Action: ${f.title}`]),
    `Type: ${f.type}`,
    `Due: ${new Date(f.dueAt).toISOString().slice(0, 10)}`,
    `Owner: ${f.owner}`,
    `Incident: ${key}`,
    '',
    `In Stopline: ${link}`,
  ];
  return { incidentKey: key, title: title.slice(0, 250), body: lines.join('\n'), link, labels };
}

/**
 * A stand-alone follow-up as the hand-off reads it (no incident, no post-mortem): what was decided
 * to be done and when, and what proposed it. It holds nothing a reporter wrote.
 */
export interface StandaloneFollowUpHandOff {
  followUpId: string;
  title: string;
  /** mitigate, prevent, detect, process or training. */
  type: string;
  dueAt: number;
  /** What proposed it, in words (e.g. tuning the detection rule behind alerts marked as noise). */
  proposedBy: string;
}

/** A stand-alone follow-up's safe summary: its title, type and due date, and what proposed it. */
export function standaloneFollowUpIssueContent(
  f: StandaloneFollowUpHandOff,
  link: string,
  labels: readonly string[],
): IssueContent {
  const lines = [
    'A follow-up action decided in Stopline, to be done through the normal development process.',
    '',
    `Action: ${f.title}`,
    `Type: ${f.type}`,
    `Due: ${new Date(f.dueAt).toISOString().slice(0, 10)}`,
    `Proposed by: ${f.proposedBy}`,
    '',
    `In Stopline: ${link}`,
  ];
  const title = `Follow-up: ${f.title}`.slice(0, 250);
  return { incidentKey: null, title, body: lines.join('\n'), link, labels };
}

const base = (url: string) => url.replace(/\/+$/, '');

/** The GitHub-style owner/repo, each part as GitHub allows it. */
export const GITHUB_REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

function jiraAuth(s: ConnectionSecrets): string {
  return `Basic ${Buffer.from(`${s.account ?? ''}:${s.credential}`).toString('base64')}`;
}

/**
 * Jira Cloud's REST API v3 takes descriptions in the Atlassian Document Format: a paragraph for
 * each block of text (blank lines between), its lines joined by `hardBreak` nodes (a newline
 * inside a text node is not shown as one), and no empty text node (the schema refuses them).
 */
function adf(text: string) {
  const paragraphs = text
    .split(/\r?\n\s*\n/)
    .map((block) => block.split(/\r?\n/).filter((line) => line.trim() !== ''))
    .filter((lines) => lines.length > 0);
  return {
    type: 'doc',
    version: 1,
    content: paragraphs.map((lines) => ({
      type: 'paragraph',
      content: lines.flatMap((text, i) => [
        ...(i > 0 ? [{ type: 'hardBreak' }] : []),
        { type: 'text', text },
      ]),
    })),
  };
}

/**
 * GitLab renders an issue's description as CommonMark, where a single newline is a soft break,
 * shown as a space: each line of the summary is kept on its own with a hard break (two spaces
 * before the newline), as GitHub shows an issue's lines and Jira its hard breaks.
 */
const hardLineBreaks = (text: string) => text.replace(/([^\n])\n(?=[^\n])/g, '$1  \n');

/** The request that opens the issue (not for webhooks: see webhookBody). */
export function createIssueRequest(s: ConnectionSecrets, issue: IssueContent): RequestShape {
  switch (s.kind) {
    case 'github':
      return {
        method: 'POST',
        url: `${base(s.baseUrl)}/repos/${s.project}/issues`,
        headers: {
          authorization: `Bearer ${s.credential}`,
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
        },
        body: JSON.stringify({ title: issue.title, body: issue.body, labels: issue.labels }),
      };
    case 'gitlab':
      return {
        method: 'POST',
        url: `${base(s.baseUrl)}/api/v4/projects/${encodeURIComponent(s.project)}/issues`,
        headers: { 'private-token': s.credential },
        body: JSON.stringify({
          title: issue.title,
          description: hardLineBreaks(issue.body),
          labels: issue.labels.join(','),
        }),
      };
    case 'jira':
      return {
        method: 'POST',
        url: `${base(s.baseUrl)}/rest/api/3/issue`,
        headers: { authorization: jiraAuth(s), accept: 'application/json' },
        body: JSON.stringify({
          fields: {
            project: { key: s.project },
            issuetype: { name: 'Task' },
            summary: issue.title,
            description: adf(issue.body),
            labels: issue.labels.map((l) => l.replace(/\s+/g, '-')),
          },
        }),
      };
    case 'webhook':
      throw new Error('a webhook connection is sent through the signed-webhook path');
  }
}

/**
 * What a generic webhook receives: the issue to open, and the incident it is for (null for a
 * stand-alone follow-up: `followUp` says where it is).
 */
export function webhookBody(issue: IssueContent, deliveryId: string): string {
  const about =
    issue.incidentKey === null
      ? { incident: null, followUp: { url: issue.link } }
      : { incident: { key: issue.incidentKey, url: issue.link } };
  return JSON.stringify({
    type: 'tracker.issue_requested',
    id: deliveryId,
    ...about,
    issue: { title: issue.title, body: issue.body, labels: issue.labels },
  });
}

const record = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** The issue as the tracker's 201 answer names it; null when the answer is not that shape. */
export function readCreated(s: ConnectionSecrets, json: unknown): CreatedIssue | null {
  const a = record(json);
  if (s.kind === 'github') {
    const url = text(a.html_url);
    const n = text(a.number);
    return url && n ? { url, key: `${s.project}#${n}`, state: 'open' } : null;
  }
  if (s.kind === 'gitlab') {
    const url = text(a.web_url);
    const iid = text(a.iid);
    return url && iid ? { url, key: `${s.project}#${iid}`, state: 'open' } : null;
  }
  if (s.kind === 'jira') {
    const key = text(a.key);
    return key ? { url: `${base(s.baseUrl)}/browse/${key}`, key, state: 'open' } : null;
  }
  return null;
}

/** The request that reads an issue's state back (polling). */
export function issueStateRequest(s: ConnectionSecrets, key: string): RequestShape | null {
  const number = key.slice(key.lastIndexOf('#') + 1);
  switch (s.kind) {
    case 'github':
      return {
        method: 'GET',
        url: `${base(s.baseUrl)}/repos/${s.project}/issues/${encodeURIComponent(number)}`,
        headers: {
          authorization: `Bearer ${s.credential}`,
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
        },
      };
    case 'gitlab':
      return {
        method: 'GET',
        url: `${base(s.baseUrl)}/api/v4/projects/${encodeURIComponent(s.project)}/issues/${encodeURIComponent(number)}`,
        headers: { 'private-token': s.credential },
      };
    case 'jira':
      return {
        method: 'GET',
        url: `${base(s.baseUrl)}/rest/api/3/issue/${encodeURIComponent(key)}?fields=status`,
        headers: { authorization: jiraAuth(s), accept: 'application/json' },
      };
    case 'webhook':
      return null;
  }
}

/** open or closed from the tracker's issue; null when the answer does not say. */
export function readState(kind: TrackerKind, json: unknown): TrackerState | null {
  const a = record(json);
  if (kind === 'github')
    return a.state === 'closed' ? 'closed' : a.state === 'open' ? 'open' : null;
  if (kind === 'gitlab')
    return a.state === 'closed' ? 'closed' : a.state === 'opened' ? 'open' : null;
  if (kind === 'jira') {
    const category = record(record(record(a.fields).status).statusCategory).key;
    return category === 'done' ? 'closed' : typeof category === 'string' ? 'open' : null;
  }
  return null;
}

/** GitLab's X-Gitlab-Event values of an issue event. */
const GITLAB_ISSUE_EVENTS = ['Issue Hook', 'Confidential Issue Hook'];
/** Jira's webhookEvent values that carry an issue with its status. */
const JIRA_ISSUE_EVENTS = ['jira:issue_created', 'jira:issue_updated'];

/**
 * A tracker's webhook delivery about an issue of this connection's project: the issue's key as
 * Stopline keeps it and its state now; null for another project, another event or another shape.
 * GitHub `issues` (`repository.full_name`, `issue.number`, `issue.state`); GitLab's issue event
 * (`object_kind: issue`, `project.id` or `project.path_with_namespace`, `object_attributes.iid`
 * and `.state` opened/closed); Jira's `jira:issue_updated` (`issue.key` in the project,
 * `issue.fields.status.statusCategory.key`, done = closed).
 */
export function readWebhookEvent(
  kind: TrackerKind,
  project: string,
  json: unknown,
  event: string | undefined,
): { key: string; state: TrackerState } | null {
  const a = record(json);
  const sameProject = (...names: string[]) =>
    names.some((n) => n !== '' && n.toLowerCase() === project.toLowerCase());
  if (kind === 'github') {
    if (event !== 'issues') return null;
    const issue = record(a.issue);
    const number = text(issue.number);
    const state = readState('github', issue);
    if (!number || !state || !sameProject(text(record(a.repository).full_name))) return null;
    return { key: `${project}#${number}`, state };
  }
  if (kind === 'gitlab') {
    if (!GITLAB_ISSUE_EVENTS.includes(event ?? '') || a.object_kind !== 'issue') return null;
    const p = record(a.project);
    const attributes = record(a.object_attributes);
    const iid = text(attributes.iid);
    const state = readState('gitlab', attributes);
    if (!iid || !state || !sameProject(text(p.id), text(p.path_with_namespace))) return null;
    return { key: `${project}#${iid}`, state };
  }
  if (kind === 'jira') {
    if (!JIRA_ISSUE_EVENTS.includes(text(a.webhookEvent))) return null;
    const issue = record(a.issue);
    const key = text(issue.key);
    const state = readState('jira', issue);
    if (!state || !key.toUpperCase().startsWith(`${project.toUpperCase()}-`)) return null;
    return { key, state };
  }
  return null;
}

/** How an answer counts: done, worth retrying (the tracker is down), or refused (fix the set-up). */
export function answerKind(status: number): 'ok' | 'retry' | 'refused' {
  if (status >= 200 && status <= 299) return 'ok';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'refused';
}

/** The reason a refusal of the credentials is a dead letter at once: retrying cannot mend it. */
export const CREDENTIALS_REFUSED = 'credentials refused';

/**
 * A tracker's answer that did not open the issue. A 401 or 403 refuses the credentials: no
 * attempt follows (the outbox keeps it as a dead letter) until an admin fixes them and retries.
 */
export function failedAnswer(status: number): { failed: string; refused: boolean } {
  const refused = status === 401 || status === 403;
  const described = describeAnswer(status);
  return refused
    ? { failed: `${CREDENTIALS_REFUSED}: ${described}`, refused }
    : { failed: described, refused };
}

/** A failure as admins read it: the status and what it usually means, never the tracker's words. */
export function describeAnswer(status: number): string {
  if (status === 401) return 'HTTP 401 from the tracker: the credentials were not accepted';
  if (status === 403) return 'HTTP 403 from the tracker: the credentials may not do this';
  if (status === 404)
    return 'HTTP 404 from the tracker: no such project (or not visible to the credentials)';
  if (status === 422 || status === 400)
    return `HTTP ${status} from the tracker: the issue was refused`;
  return `HTTP ${status} from the tracker`;
}

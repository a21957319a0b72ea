// Development trackers (Kundo step 9): the connections admins manage (/api/v1/tracker-connections)
// and the issues an incident was handed to (/api/v1/incidents/{ref}/tracker-issues).
import { z } from 'zod';
import { TRACKER_KINDS } from '../domain/trackers.ts';
import { Time } from './times.ts';

export const TrackerKindEnum = z.enum(TRACKER_KINDS);
export const TrackerConnectionRef = z.object({ id: z.string().min(1).max(100) });

export const TrackerConnection = z.object({
  id: z.string(),
  name: z.string(),
  kind: TrackerKindEnum,
  baseUrl: z.string(),
  project: z.string(),
  account: z.string().nullable(),
  labels: z.array(z.string()),
  onFollowUp: z.boolean(),
  enabled: z.boolean(),
  /** GitHub, GitLab, Jira: where the tracker's own webhook sends issue events (state back at once). */
  webhookUrl: z.string().nullable(),
  webhookSecretSet: z.boolean(),
  /** The last failure talking to the tracker (never the tracker's words): fix and it clears. */
  lastError: z.string().nullable(),
  lastErrorAt: Time.nullable(),
  createdAt: Time,
  updatedAt: Time,
});
export const TrackerConnectionList = z.object({ items: z.array(TrackerConnection) });

const name = z.string().trim().min(1, 'must not be empty').max(100);
const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000);
const labels = z.array(z.string().trim().min(1).max(50)).max(20);
const credential = z.string().min(1, 'must not be empty').max(4000);

export const CreateTrackerConnection = z.object({
  name,
  kind: TrackerKindEnum,
  baseUrl: url.optional().meta({
    description:
      'The REST API: https://api.github.com (default; GitHub Enterprise: https://HOST/api/v3), ' +
      'https://gitlab.com (default, or your GitLab), https://SITE.atlassian.net (Jira, required)',
  }),
  project: z.string().trim().min(1).max(2000).meta({
    description:
      'GitHub owner/repo; GitLab project id or path; Jira project key; the webhook URL (webhook)',
  }),
  account: z.string().trim().max(320).optional().meta({
    description: "Jira: the e-mail of the API token's account",
  }),
  credential: credential.optional().meta({
    description:
      'The API token (GitHub fine-grained token with Issues read/write; GitLab token with api scope; Jira API token). Sealed; never shown again.',
  }),
  labels: labels.optional(),
  onFollowUp: z.boolean().optional(),
});

export const TrackerConnectionCreated = z.object({
  connection: TrackerConnection,
  /** Webhook connections: the Standard Webhooks secret (whsec_…), shown in this answer only. */
  signingSecret: z.string().nullable(),
  /** GitHub, GitLab, Jira: the secret to set on the tracker's own webhook, shown in this answer only. */
  webhookSecret: z.string().nullable(),
});

export const UpdateTrackerConnection = z.object({
  name: name.optional(),
  baseUrl: url.optional(),
  project: z.string().trim().min(1).max(2000).optional(),
  account: z.string().trim().max(320).optional(),
  credential: credential.optional(),
  labels: labels.optional(),
  onFollowUp: z.boolean().optional(),
  enabled: z.boolean().optional(),
});

export const TrackerSecret = z.object({ secret: z.string() });

/** failed: tried again later (lastError says why); dead: a dead letter, no attempt follows until
 * an admin retries it (a tracker refusing the credentials: lastError "credentials refused: …"). */
export const TrackerIssueStatusEnum = z.enum(['pending', 'created', 'failed', 'dead']);
export const TrackerStateEnum = z.enum(['open', 'closed']);

export const ConnectionIssue = z.object({
  id: z.string(),
  /** Null for a stand-alone follow-up's issue (no incident holds it). */
  incidentKey: z.string().nullable(),
  status: TrackerIssueStatusEnum,
  url: z.string().nullable(),
  key: z.string().nullable(),
  state: TrackerStateEnum.nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  updatedAt: Time,
});
export const ConnectionIssueList = z.object({ items: z.array(ConnectionIssue) });

export const IncidentTrackerIssue = z.object({
  id: z.string(),
  connection: z.string(),
  kind: z.string(),
  status: TrackerIssueStatusEnum,
  url: z.string().nullable(),
  key: z.string().nullable(),
  state: TrackerStateEnum.nullable(),
  closedAt: Time.nullable(),
  lastError: z.string().nullable(),
  createdAt: Time,
  updatedAt: Time,
});
export const IncidentTrackerIssues = z.object({
  items: z.array(IncidentTrackerIssue),
  /** A tracker closed its issue: closing the incident is proposed (never done by itself). */
  closeProposed: z.boolean(),
});

export const TrackerWebhookAccepted = z.object({ recorded: z.boolean() });

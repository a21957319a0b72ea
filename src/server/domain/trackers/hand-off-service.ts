// Kundo step 9 through the tools teams run: an incident decided non-critical becomes an issue in
// each enabled tracker (through the outbox, so the decision never waits on a tracker), the link
// comes back onto the incident's record, and the tracker's state comes back by polling (the
// scheduler) or the tracker's own webhook (GitHub, GitLab, Jira). A closed issue proposes closing the incident; Stopline
// never closes it by itself. Follow-ups (a post-mortem's, or a stand-alone one with no incident) go
// the same way when their connection has onFollowUp, and their issue's state comes back onto them.
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { TrackerHttp } from '../../integrations/tracker-http.ts';
import { standardWebhookHeaders } from '../../integrations/webhook-sender.ts';
import type { TrackerKind } from '../../../shared/domain/trackers.ts';
import type { Actor } from '../actor.ts';
import type { TrackerSealer } from './connection-service.ts';
import { webhookAuthentic, type WebhookCredentials } from './webhook-auth.ts';
import { DeadLetter, enqueueTrackerIssue, readTrackerMessage } from './tracker-outbox.ts';
import * as repo from './tracker-repository.ts';
import type { TrackerConnectionRecord, TrackerIssueRecord } from './tracker-repository.ts';
import {
  answerKind,
  createIssueRequest,
  followUpIssueContent,
  describeAnswer,
  failedAnswer,
  issueContent,
  issueStateRequest,
  standaloneFollowUpIssueContent,
  readCreated,
  readState,
  readWebhookEvent,
  webhookBody,
  type ConnectionSecrets,
  type CreatedIssue,
  type FollowUpHandOff,
  type HandOffCase,
  type IssueContent,
  type StandaloneFollowUpHandOff,
  type TrackerState,
} from './tracker-rules.ts';

/** Why a webhook's authentication is refused, naming what each tracker sends. */
const WEBHOOK_REFUSED: Record<TrackerKind, string> = {
  github: 'The X-Hub-Signature-256 signature does not match',
  gitlab: 'The X-Gitlab-Token does not match',
  jira: 'The X-Hub-Signature signature does not match',
  webhook: 'This connection takes no webhook',
};

/** An issue in a development tracker, as the incident's record names it. */
export interface TrackerIssueRef {
  /** The tracker connection's name. */
  connection: string;
  /** owner/repo#12, group/project#3, PROJ-42. */
  key: string;
}

/** What the trackers subject needs of the incidents subject, in its own transaction. */
export interface TrackerIncidents {
  recordTrackerIssue(
    tx: Executor,
    incidentId: string,
    issue: TrackerIssueRef & { trackerUrl: string },
    at: number,
  ): Promise<void>;
  recordTrackerState(
    tx: Executor,
    incidentId: string,
    issue: TrackerIssueRef & { trackerUrl: string; state: TrackerState },
    at: number,
  ): Promise<void>;
  /** The incident by id or key, and whether this actor may see it. */
  findIncidentSight(
    executor: Executor,
    actor: Actor,
    ref: string,
  ): Promise<{ id: string; key: string; visible: boolean } | null>;
}

/**
 * What the trackers subject needs of the learning subject, in its own transaction: a follow-up's
 * issue and its state, kept on the follow-up (its incident's post-mortem's, or a stand-alone one's
 * when `incidentId` is null).
 */
export interface TrackerFollowUps {
  recordTrackerIssue(
    tx: Executor,
    incidentId: string | null,
    followUpId: string,
    issue: TrackerIssueRef & { trackerUrl: string },
    at: number,
  ): Promise<void>;
  recordTrackerState(
    tx: Executor,
    incidentId: string | null,
    followUpId: string,
    issue: TrackerIssueRef & { trackerUrl: string; state: TrackerState },
    at: number,
  ): Promise<void>;
}

/** Why an issue was opened: the incident decided non-critical, or a post-mortem follow-up. */
const FOLLOW_UP = 'follow_up';

export interface HandOffDeps {
  db: Db;
  clock: Clock;
  sealer: TrackerSealer;
  /** Where the console is: the issue links back to the incident. */
  baseUrl: string;
  /** How often an open issue's state is read back (default 10 minutes). */
  pollMs?: number;
}

export interface DeliveryDeps {
  incidents: TrackerIncidents;
  followUps: TrackerFollowUps;
  http: TrackerHttp;
}

export const DEFAULT_POLL_MS = 10 * 60_000;

/** A new issue to open for an incident (none: a stand-alone follow-up), waiting in the outbox. */
function newIssue(
  connectionId: string,
  incident: { id: string; key: string } | null,
  cause: string,
  causeId: string,
  at: number,
): TrackerIssueRecord {
  return {
    id: newId(),
    connectionId,
    incidentId: incident?.id ?? null,
    incidentKey: incident?.key ?? null,
    cause,
    causeId,
    status: 'pending',
    url: null,
    externalKey: null,
    state: null,
    lastError: null,
    attempts: 0,
    closedAt: null,
    nextCheckAt: null,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * The first decisions: created before incidents and learning, which call them in their own
 * transactions (IncidentHandOffs, LearningTrackers).
 */
export function createHandOffs(deps: HandOffDeps) {
  const { baseUrl } = deps;
  const site = baseUrl.replace(/\/+$/, '');
  const linkTo = (key: string) => `${site}/app/incidents/${key}`;

  /** Each enabled connection that takes follow-ups opens an issue for this one (outbox). */
  async function followUpIssues(
    tx: Executor,
    incident: { id: string; key: string } | null,
    followUpId: string,
    content: (labels: readonly string[]) => IssueContent,
    at: number,
  ): Promise<void> {
    const connections = (await repo.listConnections(tx)).filter((c) => c.enabled && c.onFollowUp);
    for (const c of connections) {
      const issue = newIssue(c.id, incident, FOLLOW_UP, followUpId, at);
      if (await repo.insertIssue(tx, issue)) {
        await enqueueTrackerIssue(tx, issue.id, content(c.labels), at);
      }
    }
  }

  return {
    async decidedNonCritical(tx: Executor, incident: HandOffCase, at: number): Promise<void> {
      const connections = (await repo.listConnections(tx)).filter((c) => c.enabled);
      const link = linkTo(incident.key);
      const why =
        'The incident response panel decided this security incident is not critical: it goes to the normal development process, prioritised by the head of product or a team lead.';
      for (const c of connections) {
        const issue = newIssue(c.id, incident, 'non_critical', incident.id, at);
        if (await repo.insertIssue(tx, issue)) {
          await enqueueTrackerIssue(tx, issue.id, issueContent(incident, why, link, c.labels), at);
        }
      }
    },

    /**
     * A post-mortem follow-up was just added: each enabled connection that takes follow-ups
     * (onFollowUp) opens an issue for it. An exercise's follow-ups never reach a tracker.
     */
    async followUpAdded(tx: Executor, followUp: FollowUpHandOff, at: number): Promise<void> {
      if (followUp.incident.exercise) return;
      const link = linkTo(followUp.incident.key);
      await followUpIssues(
        tx,
        followUp.incident,
        followUp.followUpId,
        (labels) => followUpIssueContent(followUp, link, labels),
        at,
      );
    },

    /**
     * A stand-alone follow-up was just added (a tuning proposal taken): as a post-mortem's, each
     * enabled connection with onFollowUp opens an issue for it, linking to the Follow-ups page.
     */
    async standaloneFollowUpAdded(
      tx: Executor,
      followUp: StandaloneFollowUpHandOff,
      at: number,
    ): Promise<void> {
      const link = `${site}/app/follow-ups`;
      await followUpIssues(
        tx,
        null,
        followUp.followUpId,
        (labels) => standaloneFollowUpIssueContent(followUp, link, labels),
        at,
      );
    },
  };
}

export interface IncidentTrackerIssue {
  id: string;
  connection: string;
  kind: string;
  status: TrackerIssueRecord['status'];
  url: string | null;
  key: string | null;
  state: TrackerState | null;
  closedAt: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export function createHandOffService(deps: HandOffDeps & DeliveryDeps) {
  const { db, clock, sealer, incidents, followUps, http } = deps;
  const pollMs = deps.pollMs ?? DEFAULT_POLL_MS;

  function secretsOf(c: TrackerConnectionRecord): ConnectionSecrets {
    return {
      kind: c.kind,
      baseUrl: c.baseUrl,
      project: c.project,
      account: c.account,
      credential: sealer.open(c.sealedCredential),
    };
  }

  /** A failed attempt, kept on the issue and the connection; `dead`: no attempt follows (the
   * outbox's last, or a refusal of the credentials, which retrying cannot mend). */
  async function fail(issue: TrackerIssueRecord, error: string, dead: boolean): Promise<never> {
    const at = clock.now();
    await inTransaction(db, async (tx) => {
      await repo.recordAttemptFailed(tx, issue.id, error, dead ? 'dead' : 'failed', at);
      await repo.setConnectionError(tx, issue.connectionId, error, at);
    });
    throw dead ? new DeadLetter(error) : new Error(error);
  }

  /** Opens the issue in the tracker; a refusal or a tracker that is down comes back as `failed`
   * (a network failure throws). */
  async function openIssue(
    c: TrackerConnectionRecord,
    bodyText: string,
    deliveryId: string,
  ): Promise<
    CreatedIssue | { url: null; key: null; state: null } | { failed: string; refused: boolean }
  > {
    const content = readTrackerMessage(bodyText);
    const secrets = secretsOf(c);
    if (c.kind === 'webhook') {
      const body = webhookBody(content, deliveryId);
      const headers = standardWebhookHeaders(
        secrets.credential,
        deliveryId,
        Math.floor(clock.now() / 1000),
        body,
      );
      const answer = await http.send({ method: 'POST', url: c.project, headers, body });
      if (answerKind(answer.status) !== 'ok') return failedAnswer(answer.status);
      // The receiver may say where the issue is: {"url": …, "key": …}.
      const said = answer.json as { url?: unknown; key?: unknown } | null;
      const url = typeof said?.url === 'string' && /^https?:\/\//.test(said.url) ? said.url : null;
      const key = typeof said?.key === 'string' ? said.key.slice(0, 200) : null;
      return url ? { url, key: key ?? url, state: 'open' } : { url: null, key: null, state: null };
    }
    const request = createIssueRequest(secrets, content);
    const answer = await http.send(request);
    if (answerKind(answer.status) !== 'ok') return failedAnswer(answer.status);
    const created = readCreated(secrets, answer.json);
    if (!created)
      return { failed: `HTTP ${answer.status} without the issue in the answer`, refused: false };
    return created;
  }

  /**
   * Records on the incident, again on a CONFLICT: several trackers answer for one incident at
   * once, and each appends to its record.
   */
  async function onIncident<T>(record: (tx: Executor) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(db, record);
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'CONFLICT') || attempt >= 5) throw error;
      }
    }
  }

  /** The tracker's state, as it says it now: recorded, and on the incident when it changed. */
  async function applyState(
    c: TrackerConnectionRecord,
    issue: TrackerIssueRecord,
    state: TrackerState,
  ): Promise<boolean> {
    const at = clock.now();
    return onIncident(async (tx) => {
      if (!(await repo.recordState(tx, issue.id, state, at))) return false;
      if (state === 'closed') await repo.stopChecks(tx, issue.id);
      const changed = {
        connection: c.name,
        key: issue.externalKey ?? '',
        trackerUrl: issue.url ?? '',
        state,
      };
      if (issue.cause === FOLLOW_UP)
        await followUps.recordTrackerState(tx, issue.incidentId, issue.causeId, changed, at);
      else if (issue.incidentId !== null)
        await incidents.recordTrackerState(tx, issue.incidentId, changed, at);
      return true;
    });
  }

  return {
    /**
     * The outbox worker's delivery of a `tracker` message: opens the issue, keeps the link on the
     * issue row and the incident's record. Throws (a failed attempt, retried with backoff) when
     * the tracker is down or refuses; the failure is kept on the connection for admins.
     */
    async deliverIssue(
      issueId: string,
      bodyText: string,
      deliveryId: string,
      last = false,
    ): Promise<void> {
      const issue = await repo.findIssue(db, issueId);
      if (!issue) throw new Error('the tracker issue was removed');
      if (issue.status === 'created') return; // a repeated delivery: opened already
      const c = await repo.findConnection(db, issue.connectionId);
      if (!c) return fail(issue, 'the tracker connection was removed', last);
      if (!c.enabled) return fail(issue, 'the tracker connection is switched off', last);
      let outcome: Awaited<ReturnType<typeof openIssue>>;
      try {
        outcome = await openIssue(c, bodyText, deliveryId);
      } catch (error) {
        const failed = error instanceof Error ? error.message : String(error);
        outcome = { failed, refused: false };
      }
      if ('failed' in outcome) return fail(issue, outcome.failed, last || outcome.refused);
      const created = outcome;
      const at = clock.now();
      // The issue exists now: kept on its row first, so nothing can open it twice.
      const first = await inTransaction(db, async (tx) => {
        const next = created.url && c.kind !== 'webhook' ? at + pollMs : null;
        if (!(await repo.recordCreated(tx, issue.id, created, next, at))) return false;
        await repo.setConnectionError(tx, c.id, null, at);
        return true;
      });
      const { url } = created;
      if (!first || !url) return;
      const ref = { connection: c.name, key: created.key, trackerUrl: url };
      const { incidentId } = issue;
      await onIncident(async (tx) => {
        if (issue.cause === FOLLOW_UP)
          await followUps.recordTrackerIssue(tx, incidentId, issue.causeId, ref, at);
        else if (incidentId !== null) await incidents.recordTrackerIssue(tx, incidentId, ref, at);
      });
    },

    /**
     * Reads back the state of the open issues due a check (the scheduler's tick). Several
     * instances may poll at once: each check is taken by compare-and-set, so one reads it.
     */
    async pollDue(now: number): Promise<number> {
      let changed = 0;
      const connections = new Map<string, TrackerConnectionRecord | null>();
      for (const issue of await repo.listDueChecks(db, now, 50)) {
        if (!(await repo.claimCheck(db, issue, now + pollMs))) continue;
        if (!connections.has(issue.connectionId))
          connections.set(issue.connectionId, await repo.findConnection(db, issue.connectionId));
        const c = connections.get(issue.connectionId);
        if (!c || !c.enabled || !issue.externalKey) continue;
        const request = issueStateRequest(secretsOf(c), issue.externalKey);
        if (!request) continue;
        try {
          const answer = await http.send(request);
          const state = answerKind(answer.status) === 'ok' ? readState(c.kind, answer.json) : null;
          if (state === null) {
            await repo.setConnectionError(db, c.id, describeAnswer(answer.status), now);
            continue;
          }
          if (await applyState(c, issue, state)) changed++;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          await repo.setConnectionError(db, c.id, `reading an issue's state: ${message}`, now);
        }
      }
      return changed;
    },

    /**
     * A tracker's own webhook for a connection (GitHub, GitLab, Jira): its authentication with the
     * connection's webhook secret is checked first (401 when wrong or missing, see
     * webhook-auth.ts); then an issue event of the connection's project records the issue's state.
     * Anything else (another event, project or issue, the same state again) records nothing.
     */
    async receiveWebhook(
      kind: TrackerKind,
      connectionId: string,
      raw: Buffer,
      headers: WebhookCredentials & { event: string | undefined },
    ): Promise<{ recorded: boolean }> {
      const c = await repo.findConnection(db, connectionId);
      if (!c || c.kind !== kind || !c.sealedWebhookSecret) {
        throw new AppError('NOT_FOUND', 'Tracker webhook was not found');
      }
      if (!webhookAuthentic(kind, sealer.open(c.sealedWebhookSecret), raw, headers)) {
        throw new AppError('UNAUTHENTICATED', WEBHOOK_REFUSED[kind]);
      }
      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new AppError('VALIDATION', 'The webhook is not JSON', {
          errors: [{ field: 'body', message: 'must be JSON' }],
        });
      }
      const event = readWebhookEvent(kind, c.project, json, headers.event);
      if (!event) return { recorded: false };
      const issue = await repo.findIssueByKey(db, c.id, event.key);
      if (!issue) return { recorded: false };
      return { recorded: await applyState(c, issue, event.state) };
    },

    /** The issues an incident was handed to, for those who may see the incident. */
    async listIncidentIssues(
      actor: Actor,
      ref: string,
    ): Promise<{ issues: IncidentTrackerIssue[]; closeProposed: boolean }> {
      const sight = await incidents.findIncidentSight(db, actor, ref);
      if (!sight || !sight.visible) throw new AppError('NOT_FOUND', 'Incident was not found');
      const connections = new Map((await repo.listConnections(db)).map((c) => [c.id, c] as const));
      // A follow-up's issue is the follow-up's (shown on it), not the incident's hand-off.
      const handedOff = (await repo.listIssuesOfIncident(db, sight.id)).filter(
        (i) => i.cause !== FOLLOW_UP,
      );
      const issues = handedOff.map((i) => {
        const c = connections.get(i.connectionId);
        return {
          id: i.id,
          connection: c?.name ?? '(removed)',
          kind: c?.kind ?? 'unknown',
          status: i.status,
          url: i.url,
          key: i.externalKey,
          state: i.state,
          closedAt: i.closedAt,
          lastError: i.lastError,
          createdAt: i.createdAt,
          updatedAt: i.updatedAt,
        };
      });
      return { issues, closeProposed: issues.some((i) => i.state === 'closed') };
    },
  };
}

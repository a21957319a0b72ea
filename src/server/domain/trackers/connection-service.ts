// Tracker connections, managed by admins (trackers.manage): where an incident decided non-critical
// is handed to. The credential (a token, or the webhook's signing secret) and the secret the
// tracker's own webhook (GitHub, GitLab, Jira) signs or sends are sealed with the server key, never logged and never shown again
// after the answer that made them. Every change is audited.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError, type FieldError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/index.ts';
import { DEFAULT_BASE_URLS, type TrackerKind } from '../../../shared/domain/trackers.ts';
import { GITHUB_REPO } from './tracker-rules.ts';
import * as repo from './tracker-repository.ts';
import type { TrackerConnectionRecord, TrackerIssueRecord } from './tracker-repository.ts';
import { retryTrackerIssue } from './tracker-outbox.ts';

export interface TrackerSealer {
  seal(plain: string): string;
  open(stored: string): string;
}

export interface ConnectionDeps {
  db: Db;
  clock: Clock;
  sealer: TrackerSealer;
}

/** A connection as admins see it: never its credential or webhook secret. */
export type TrackerConnectionView = Omit<
  TrackerConnectionRecord,
  'sealedCredential' | 'sealedWebhookSecret'
> & { webhookSecretSet: boolean };

export interface ConnectionInput {
  name: string;
  kind: TrackerKind;
  baseUrl?: string | undefined;
  project: string;
  account?: string | undefined;
  /** The API token (GitHub, GitLab, Jira); a webhook connection gets a secret made instead. */
  credential?: string | undefined;
  labels?: string[] | undefined;
  onFollowUp?: boolean | undefined;
}

export interface ConnectionChanges {
  name?: string | undefined;
  baseUrl?: string | undefined;
  project?: string | undefined;
  account?: string | undefined;
  credential?: string | undefined;
  labels?: string[] | undefined;
  onFollowUp?: boolean | undefined;
  enabled?: boolean | undefined;
}

/** A whsec_ secret as the Standard Webhooks specification shows it: 32 random bytes. */
const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
/** The secret a tracker's own webhook is set up with (GitHub, GitLab, Jira), to sign or send. */
const newHookSecret = () => randomBytes(32).toString('hex');

const invalid = (errors: FieldError[]) =>
  new AppError('VALIDATION', 'Some fields are not valid; see errors', { errors });

function httpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** The fields each kind needs, checked together: every problem named at once. */
function checkConnection(c: TrackerConnectionRecord, credentialGiven: boolean): void {
  const errors: FieldError[] = [];
  if (!httpUrl(c.baseUrl)) errors.push({ field: 'baseUrl', message: 'must be an http(s) URL' });
  if (c.kind === 'github' && !GITHUB_REPO.test(c.project))
    errors.push({ field: 'project', message: 'must be owner/repository' });
  if (c.kind === 'gitlab' && !/^(\d+|[\w.-]+(\/[\w.-]+)+)$/.test(c.project))
    errors.push({ field: 'project', message: 'must be a project id or its path (group/project)' });
  if (c.kind === 'jira') {
    if (!/^[A-Z][A-Z0-9_]{0,9}$/.test(c.project))
      errors.push({ field: 'project', message: 'must be a Jira project key (PROJ)' });
    if (!c.account || !/^[^@\s]+@[^@\s]+$/.test(c.account))
      errors.push({ field: 'account', message: 'must be the e-mail of the API token’s account' });
  }
  if (c.kind === 'webhook' && !httpUrl(c.project))
    errors.push({ field: 'project', message: 'must be the http(s) URL the webhook is sent to' });
  if (c.kind !== 'webhook' && !credentialGiven)
    errors.push({ field: 'credential', message: 'is required: the API token' });
  if (errors.length > 0) throw invalid(errors);
}

export function viewConnection(c: TrackerConnectionRecord): TrackerConnectionView {
  const { sealedCredential: _c, sealedWebhookSecret, ...rest } = c;
  return { ...rest, webhookSecretSet: sealedWebhookSecret !== null };
}

export function createConnectionService(deps: ConnectionDeps) {
  const { db, clock, sealer } = deps;

  async function load(tx: Executor, id: string): Promise<TrackerConnectionRecord> {
    const found = await repo.findConnection(tx, id);
    if (!found) throw new AppError('NOT_FOUND', 'Tracker connection was not found');
    return found;
  }

  async function assertNameFree(tx: Executor, name: string, id: string | null) {
    const other = await repo.findConnectionByName(tx, name);
    if (other && other.id !== id) {
      throw new AppError('CONFLICT', `A tracker connection is already named "${name}"`, {
        errors: [{ field: 'name', message: 'is taken by another connection' }],
      });
    }
  }

  const audit = (
    tx: Executor,
    actor: Actor,
    action: string,
    c: TrackerConnectionRecord,
    at: number,
  ) =>
    recordAudit(tx, {
      actor,
      action,
      target: { type: 'tracker_connection', id: c.id },
      at,
      detail: { name: c.name, kind: c.kind, project: c.project },
    });

  return {
    async listConnections(): Promise<TrackerConnectionView[]> {
      return (await repo.listConnections(db)).map(viewConnection);
    },

    async getConnection(id: string): Promise<TrackerConnectionView> {
      return viewConnection(await load(db, id));
    },

    /** The latest issues of a connection, failures first to read: what admins check. */
    async listConnectionIssues(id: string): Promise<TrackerIssueRecord[]> {
      await load(db, id);
      return repo.listIssuesOfConnection(db, id, 100);
    },

    /**
     * A webhook connection's signing secret and the secret a GitHub, GitLab or Jira connection's
     * own webhook is set up with are made here and are in this answer only.
     */
    async createConnection(
      actor: Actor,
      input: ConnectionInput,
    ): Promise<{
      connection: TrackerConnectionView;
      signingSecret: string | null;
      webhookSecret: string | null;
    }> {
      const now = clock.now();
      const signingSecret = input.kind === 'webhook' ? newWebhookSecret() : null;
      const webhookSecret = input.kind === 'webhook' ? null : newHookSecret();
      const baseUrl = input.baseUrl ?? DEFAULT_BASE_URLS[input.kind] ?? '';
      const record: TrackerConnectionRecord = {
        id: newId(),
        name: input.name,
        kind: input.kind,
        baseUrl: input.kind === 'webhook' ? (input.baseUrl ?? input.project) : baseUrl,
        project: input.project,
        account: input.account ?? null,
        sealedCredential: sealer.seal(signingSecret ?? input.credential ?? ''),
        sealedWebhookSecret: webhookSecret === null ? null : sealer.seal(webhookSecret),
        labels: input.labels ?? ['security'],
        onFollowUp: input.onFollowUp ?? false,
        enabled: true,
        lastError: null,
        lastErrorAt: null,
        createdBy: actor.userId,
        createdAt: now,
        updatedAt: now,
      };
      if (input.kind === 'webhook' && input.credential !== undefined)
        throw invalid([
          { field: 'credential', message: 'a webhook connection gets its signing secret made' },
        ]);
      if (input.kind === 'jira' && input.baseUrl === undefined)
        throw invalid([
          { field: 'baseUrl', message: 'is required: your site, https://<site>.atlassian.net' },
        ]);
      checkConnection(record, Boolean(input.credential) || input.kind === 'webhook');
      return inTransaction(db, async (tx) => {
        await assertNameFree(tx, record.name, null);
        await repo.insertConnection(tx, record);
        await audit(tx, actor, 'tracker_connection.created', record, now);
        return { connection: viewConnection(record), signingSecret, webhookSecret };
      });
    },

    async updateConnection(
      actor: Actor,
      id: string,
      changes: ConnectionChanges,
    ): Promise<TrackerConnectionView> {
      return inTransaction(db, async (tx) => {
        const before = await load(tx, id);
        if (before.kind === 'webhook' && changes.credential !== undefined)
          throw invalid([
            { field: 'credential', message: 'a webhook connection’s secret is rotated instead' },
          ]);
        const now = clock.now();
        const after: TrackerConnectionRecord = {
          ...before,
          name: changes.name ?? before.name,
          baseUrl: changes.baseUrl ?? before.baseUrl,
          project: changes.project ?? before.project,
          account: changes.account ?? before.account,
          sealedCredential:
            changes.credential === undefined
              ? before.sealedCredential
              : sealer.seal(changes.credential),
          labels: changes.labels ?? before.labels,
          onFollowUp: changes.onFollowUp ?? before.onFollowUp,
          enabled: changes.enabled ?? before.enabled,
          // New credentials or a new place: the last failure no longer says anything.
          ...(changes.credential !== undefined || changes.baseUrl !== undefined
            ? { lastError: null, lastErrorAt: null }
            : {}),
          updatedAt: now,
        };
        checkConnection(after, true);
        await assertNameFree(tx, after.name, id);
        await repo.saveConnection(tx, after);
        // Issues given up on (the tracker refused the old credentials) are tried again at once.
        if (changes.credential !== undefined || changes.baseUrl !== undefined) {
          for (const dead of await repo.listDeadIssues(tx, id)) {
            if (await retryTrackerIssue(tx, dead.id, now)) await repo.markPending(tx, dead.id, now);
          }
        }
        await recordAudit(tx, {
          actor,
          action: 'tracker_connection.updated',
          target: { type: 'tracker_connection', id },
          at: now,
          detail: {
            name: after.name,
            changed: Object.keys(changes).filter(
              (k) => changes[k as keyof ConnectionChanges] !== undefined,
            ),
          },
        });
        return viewConnection(after);
      });
    },

    /** A new secret: a webhook connection's signing secret, or the secret of the tracker's own webhook. */
    async rotateSecret(actor: Actor, id: string): Promise<{ secret: string }> {
      return inTransaction(db, async (tx) => {
        const c = await load(tx, id);
        const now = clock.now();
        let secret: string;
        if (c.kind === 'webhook') {
          secret = newWebhookSecret();
          c.sealedCredential = sealer.seal(secret);
        } else {
          secret = newHookSecret();
          c.sealedWebhookSecret = sealer.seal(secret);
        }
        await repo.saveConnection(tx, { ...c, updatedAt: now });
        await audit(tx, actor, 'tracker_connection.secret_rotated', c, now);
        return { secret };
      });
    },
  };
}

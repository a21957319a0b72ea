// Notification use cases: enqueue notices inside the caller's transaction (the stop-the-line
// notice), staff preferences, webhook endpoints, and the outbox for admins (list, attempts,
// retry a dead letter). Delivery itself is the outbox worker's job.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { enqueueMessage } from '../../db/outbox.ts';
import {
  findOutboxEntry,
  listAttempts,
  listOutbox,
  retryDeadMessage,
  type OutboxAttempt,
  type OutboxEntry,
} from '../../db/outbox-delivery.ts';
import type { Db, Executor, OutboxStatus } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { redactUrlPassword } from '../../logger.ts';
import type { Permission } from '../../../shared/domain/permissions.ts';
import { can, type Actor } from '../actor.ts';
import { listActiveUsers, recordAudit, type SecretBox } from '../accounts/index.ts';
import * as endpoints from './webhook-endpoints-repository.ts';
import {
  lineStoppedHtml,
  lineStoppedPayload,
  lineStoppedText,
  type LineStoppedNotice,
} from './notices.ts';
import {
  isTimeZone,
  reachableChannels,
  routeNotice,
  type EventKind,
  type Preferences,
} from './preference-rules.ts';
import { findPreferences, replacePreferences } from './preferences-repository.ts';
import type { EndpointKind, WebhookEndpoint } from './webhook-endpoints-repository.ts';

/** Roles told when the line stops: responder and every role above it. */
export const LINE_STOP_ROLES = ['responder', 'security_lead', 'admin'];

export interface NotificationsDeps {
  db: Db;
  clock: Clock;
  baseUrl: string;
  /** Why an endpoint URL may not be used (it points at a non-public address), or null. */
  checkReceiverUrl(url: string): Promise<string | null>;
  /** Signing secrets are stored sealed with the server key, as TOTP secrets are, so a copy of
   * the database is not enough to sign webhooks. */
  secretBox: SecretBox;
}

export interface EndpointInput {
  kind: EndpointKind;
  name: string;
  url: string;
  eventTypes: string[];
  secret?: string | undefined;
  active?: boolean | undefined;
}

function demand(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) {
    throw new AppError('FORBIDDEN', `This needs the ${permission} permission`);
  }
}

/** Notices to one person are @mentions, which only Slack endpoints can carry. */
function checkEventTypes(kind: EndpointKind, eventTypes: readonly string[]): void {
  if (kind !== 'slack' && eventTypes.includes('user.notice')) {
    const message = 'user.notice (an @mention of one person) needs a Slack endpoint';
    throw new AppError('VALIDATION', message, { errors: [{ field: 'eventTypes', message }] });
  }
}

function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Active Slack endpoints that carry notices to single people (event type user.notice). */
async function personalSlackEndpoints(tx: Executor): Promise<WebhookEndpoint[]> {
  return (await endpoints.listEndpoints(tx)).filter(
    (e) => e.active && e.kind === 'slack' && e.eventTypes.includes('user.notice'),
  );
}

/** Enqueues the stop-the-line notice in the caller's transaction: every active responder or
 * higher on all their channels (every e-mail address, and an @mention on Slack endpoints that
 * carry user.notice; quiet hours do not apply), and every active endpoint that subscribed to
 * incident.line_stopped. */
export async function enqueueLineStoppedNotice(
  tx: Executor,
  notice: LineStoppedNotice,
): Promise<void> {
  const { subject, text } = lineStoppedText(notice);
  const html = lineStoppedHtml(notice);
  const base = `line_stopped:${notice.incident.id}:${notice.at}`;
  const people = (await listActiveUsers(tx)).filter((u) =>
    u.roles.some((r) => LINE_STOP_ROLES.includes(r)),
  );
  const mentions: string[] = [];
  for (const person of people) {
    const prefs = await findPreferences(tx, person.id);
    if (prefs.slackMemberId !== null) mentions.push(prefs.slackMemberId);
    const addresses = new Set([
      person.email,
      ...person.contacts.filter((c) => c.kind === 'email').map((c) => c.value),
    ]);
    for (const address of addresses) {
      await enqueueMessage(
        tx,
        {
          channel: 'email',
          recipient: address,
          subject,
          bodyText: text,
          bodyHtml: html,
          idempotencyKey: `${base}:${person.id}:email:${address.toLowerCase()}`,
        },
        notice.at,
      );
    }
  }
  const payload = lineStoppedPayload(notice);
  for (const endpoint of await endpoints.listEndpoints(tx)) {
    if (!endpoint.active) continue;
    // A Slack endpoint that carries user.notice @mentions everyone told, in one message.
    const mentioning = endpoint.kind === 'slack' && endpoint.eventTypes.includes('user.notice');
    const here = mentioning ? mentions : [];
    if (!endpoint.eventTypes.includes('incident.line_stopped') && here.length === 0) continue;
    await enqueueMessage(
      tx,
      {
        channel: endpoint.kind === 'standard' ? 'webhook' : endpoint.kind,
        recipient: endpoint.id,
        subject,
        bodyText: endpoint.kind === 'standard' ? payload : text,
        idempotencyKey: `msg_${base}:${endpoint.id}`.replace(/[^A-Za-z0-9_:.-]/g, '_'),
        mentions: here,
      },
      notice.at,
    );
  }
}

export interface UserNotice {
  /** The person's user id and address (from accounts' listActiveUsers). */
  user: { id: string; email: string };
  kind: EventKind;
  /** The policy says this cannot wait (bypassesQuietHours of the incident's severity). */
  urgent: boolean;
  subject: string;
  text: string;
  html?: string | undefined;
  /** Unique per notice and person; a repeated enqueue with the same key is ignored. */
  idempotencyKey: string;
  at: number;
}

/** Enqueues a notice to one person in the caller's transaction, on the channels they chose
 * for this kind of event (e-mail, and Slack as an @mention on the endpoints that carry
 * user.notice), held back to the end of their quiet hours unless it is urgent.
 * For other subjects (deadlines, escalation): they enqueue; the worker delivers. */
export async function enqueueUserNotice(tx: Executor, notice: UserNotice): Promise<void> {
  const prefs = await findPreferences(tx, notice.user.id);
  const slack = prefs.slackMemberId === null ? [] : await personalSlackEndpoints(tx);
  const route = routeNotice(prefs, notice.kind, {
    urgent: notice.urgent,
    at: notice.at,
    reachable: reachableChannels(prefs, slack.length > 0),
  });
  if (route.channels.includes('email')) {
    await enqueueMessage(
      tx,
      {
        channel: 'email',
        recipient: notice.user.email,
        subject: notice.subject,
        bodyText: notice.text,
        bodyHtml: notice.html,
        idempotencyKey: `${notice.idempotencyKey}:email`,
      },
      notice.at,
      route.notBefore,
    );
  }
  if (route.channels.includes('slack') && prefs.slackMemberId !== null) {
    for (const endpoint of slack) {
      await enqueueMessage(
        tx,
        {
          channel: 'slack',
          recipient: endpoint.id,
          subject: notice.subject,
          bodyText: notice.text,
          idempotencyKey: `${notice.idempotencyKey}:slack:${endpoint.id}`,
          mentions: [prefs.slackMemberId],
        },
        notice.at,
        route.notBefore,
      );
    }
  }
}

export interface EndpointView extends Omit<WebhookEndpoint, 'secret'> {
  /** Only in the answer that created or rotated it; never shown again. */
  secret?: string;
}

/** The URL is shown without its password (user:***@); the secret only when just made. */
function presentEndpoint(e: WebhookEndpoint, withSecret = false): EndpointView {
  const { secret, ...rest } = e;
  const shown = { ...rest, url: redactUrlPassword(e.url) };
  return withSecret && secret ? { ...shown, secret } : shown;
}

export function createNotificationsService(deps: NotificationsDeps) {
  const { db, clock, secretBox } = deps;

  async function checkUrl(url: string): Promise<void> {
    const refusal = await deps.checkReceiverUrl(url);
    if (refusal) {
      throw new AppError('RULE_REFUSED', `The endpoint URL ${refusal}`, {
        errors: [{ field: 'url', message: refusal }],
      });
    }
  }

  async function audit(tx: Executor, actor: Actor, action: string, id: string, detail = {}) {
    await recordAudit(tx, {
      actor,
      action,
      target: { type: action.startsWith('outbox') ? 'outbox_message' : 'webhook_endpoint', id },
      at: clock.now(),
      detail,
    });
  }

  return {
    /** For the delivery worker: the endpoint with its signing secret opened. */
    async findEndpoint(id: string): Promise<WebhookEndpoint | null> {
      const found = await endpoints.findEndpoint(db, id);
      if (!found?.secret) return found;
      return { ...found, secret: secretBox.open(found.secret) };
    },

    /** Seals signing secrets stored in plain text by earlier versions; run at start-up. Each
     * is replaced only if still the plain one, so instances starting together agree. */
    async sealPlainSecrets(): Promise<number> {
      let sealed = 0;
      for (const e of await endpoints.listEndpoints(db)) {
        if (!e.secret?.startsWith('whsec_')) continue;
        if (await endpoints.replaceSecret(db, e.id, e.secret, secretBox.seal(e.secret))) {
          sealed += 1;
        }
      }
      return sealed;
    },

    async getPreferences(actor: Actor): Promise<Preferences> {
      demand(actor, 'account.manage_own');
      if (!actor.userId) throw new AppError('FORBIDDEN', 'Preferences belong to a person');
      return findPreferences(db, actor.userId);
    },

    async setPreferences(actor: Actor, prefs: Preferences): Promise<Preferences> {
      demand(actor, 'account.manage_own');
      const userId = actor.userId;
      if (!userId) throw new AppError('FORBIDDEN', 'Preferences belong to a person');
      if (prefs.quietHours && !isTimeZone(prefs.quietHours.timeZone)) {
        throw new AppError('VALIDATION', 'quietHours.timeZone must be an IANA time zone', {
          field: 'quietHours.timeZone',
        });
      }
      await db.transaction().execute(async (tx) => {
        await replacePreferences(tx, userId, prefs, clock.now());
        await recordAudit(tx, {
          actor,
          action: 'notification_preferences.update',
          target: { type: 'user', id: userId },
          at: clock.now(),
        });
      });
      return findPreferences(db, userId);
    },

    async listEndpoints(actor: Actor): Promise<EndpointView[]> {
      demand(actor, 'webhooks.manage');
      return (await endpoints.listEndpoints(db)).map((e) => presentEndpoint(e));
    },

    async createEndpoint(actor: Actor, input: EndpointInput): Promise<EndpointView> {
      demand(actor, 'webhooks.manage');
      checkEventTypes(input.kind, input.eventTypes);
      await checkUrl(input.url);
      const at = clock.now();
      const secret = input.kind === 'standard' ? (input.secret ?? newSecret()) : null;
      const endpoint: WebhookEndpoint = {
        id: newId(),
        kind: input.kind,
        name: input.name,
        url: input.url,
        secret: secret === null ? null : secretBox.seal(secret),
        eventTypes: input.eventTypes,
        active: input.active ?? true,
        createdAt: at,
        updatedAt: at,
      };
      await db.transaction().execute(async (tx) => {
        await endpoints.insertEndpoint(tx, endpoint);
        await audit(tx, actor, 'webhook_endpoint.create', endpoint.id, {
          kind: endpoint.kind,
          eventTypes: endpoint.eventTypes,
        });
      });
      return presentEndpoint({ ...endpoint, secret }, true);
    },

    async updateEndpoint(
      actor: Actor,
      id: string,
      changes: Partial<Omit<EndpointInput, 'kind' | 'secret'>> & { rotateSecret?: boolean },
    ): Promise<EndpointView> {
      demand(actor, 'webhooks.manage');
      // Checked before the transaction: it may wait for DNS.
      if (changes.url !== undefined) await checkUrl(changes.url);
      return db.transaction().execute(async (tx) => {
        const found = await endpoints.findEndpoint(tx, id);
        if (!found) throw new AppError('NOT_FOUND', 'Webhook endpoint was not found');
        if (changes.eventTypes !== undefined) checkEventTypes(found.kind, changes.eventTypes);
        // The URL as listed (password masked) sent back unchanged keeps the stored one.
        const url =
          changes.url === undefined || changes.url === redactUrlPassword(found.url)
            ? found.url
            : changes.url;
        const rotate = changes.rotateSecret === true && found.kind === 'standard';
        const secret = rotate ? newSecret() : null;
        const next: WebhookEndpoint = {
          ...found,
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          url,
          ...(changes.eventTypes !== undefined ? { eventTypes: changes.eventTypes } : {}),
          ...(changes.active !== undefined ? { active: changes.active } : {}),
          ...(secret ? { secret: secretBox.seal(secret) } : {}),
          updatedAt: clock.now(),
        };
        await endpoints.updateEndpoint(tx, next);
        await audit(tx, actor, 'webhook_endpoint.update', id, { rotatedSecret: rotate });
        return presentEndpoint({ ...next, secret }, rotate);
      });
    },

    async deleteEndpoint(actor: Actor, id: string): Promise<void> {
      demand(actor, 'webhooks.manage');
      await db.transaction().execute(async (tx) => {
        if (!(await endpoints.deleteEndpoint(tx, id))) {
          throw new AppError('NOT_FOUND', 'Webhook endpoint was not found');
        }
        await audit(tx, actor, 'webhook_endpoint.delete', id);
      });
    },

    async listOutbox(
      actor: Actor,
      filter: { status?: OutboxStatus | undefined; limit: number; before?: string | undefined },
    ): Promise<OutboxEntry[]> {
      demand(actor, 'outbox.manage');
      return listOutbox(db, filter);
    },

    async getOutboxMessage(
      actor: Actor,
      id: string,
    ): Promise<OutboxEntry & { attemptLog: OutboxAttempt[] }> {
      demand(actor, 'outbox.manage');
      const entry = await findOutboxEntry(db, id);
      if (!entry) throw new AppError('NOT_FOUND', 'Outbox message was not found');
      return { ...entry, attemptLog: await listAttempts(db, id) };
    },

    async retryOutboxMessage(actor: Actor, id: string): Promise<OutboxEntry> {
      demand(actor, 'outbox.manage');
      // inTransaction: the outbox worker hears of the message due again once this commits.
      return inTransaction(db, async (tx) => {
        const entry = await findOutboxEntry(tx, id);
        if (!entry) throw new AppError('NOT_FOUND', 'Outbox message was not found');
        if (!(await retryDeadMessage(tx, id, clock.now()))) {
          throw new AppError('CONFLICT', 'Only a dead letter can be retried', {
            status: entry.status,
          });
        }
        await audit(tx, actor, 'outbox.retry', id, { previousAttempts: entry.attempts });
        return (await findOutboxEntry(tx, id))!;
      });
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;

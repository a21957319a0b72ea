// Notification use cases: notices other subjects send through their ports (the line stopped,
// news for a reporter), staff preferences, webhook endpoints, and the outbox for admins (list,
// attempts, retry a dead letter). Notices are enqueued by notice-outbox.ts in the caller's
// transaction; delivery itself is the outbox worker's job.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import {
  findDeliveriesByKeys,
  forgetFinishedMessages,
  forgetMessagesTo,
  forgetMessagesWithKeys,
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
import { type Actor, requirePermission } from '../actor.ts';
import { recordAudit, type SecretBox } from '../accounts/index.ts';
import {
  enqueueAffectedPeopleNotices,
  enqueueDeadlineEvent,
  enqueueHookCall,
  enqueueLineStoppedNotice,
  enqueueReporterMessage,
  enqueueReporterNotice,
  enqueueReportReceipt,
  enqueuePlaintextRefusal,
  enqueueUserNotice,
  type AffectedPersonNotice,
  type NoticeStaffMember,
  type UserNotice,
} from './notice-outbox.ts';
import {
  breachNoticeText,
  type BreachNotice,
  type LineStoppedNotice,
  type ReporterMessageNotice,
  type ReporterNotice,
  type ReportReceiptNotice,
  type PlaintextRefusalNotice,
} from './notices.ts';
import { createPagesService, type PagesDeps } from './page-service.ts';
import { createPushService, type PushDeps } from './push-subscription-service.ts';
import { staffNoticeText, type StaffNotice } from './staff-notices.ts';
import type { DeadlineEvent } from './deadline-notices.ts';
import {
  markExercise,
  mayHear,
  outsideMayHear,
  type ExerciseAudience,
  type NoticeExercises,
} from './exercise-gate.ts';
import {
  enqueueCustomerNotice,
  enqueueMaintenanceNotice,
  enqueueStatusUpdate,
  enqueueSubscriptionConfirmation,
  type CustomerUpdateNotice,
  type MaintenanceNotice,
  type StatusRecipient,
  type StatusUpdateNotice,
  type SubscriptionConfirmation,
} from './subscriber-notices.ts';
import * as endpoints from './webhook-endpoint-repository.ts';
import { isTimeZone } from '../time-zones.ts';
import type { Preferences } from './preference-rules.ts';
import {
  findNtfyTopic,
  findPhoneNumber,
  findPreferences,
  replaceNtfyTopic,
  replacePreferences,
  type StoredNtfyTopic,
} from './preference-repository.ts';
import type { EndpointKind, WebhookEndpoint } from './webhook-endpoint-repository.ts';
import type { StatusLanguage } from '../../../shared/domain/status.ts';
import { statusMessages } from '../../../shared/domain/status-messages.ts';

export interface NotificationsDeps {
  db: Db;
  clock: Clock;
  baseUrl: string;
  /** The public status page's language: its subscribers' e-mails speak it. */
  statusLanguage: StatusLanguage;
  /** Why an endpoint URL may not be used (it points at a non-public address), or null. */
  checkReceiverUrl(url: string): Promise<string | null>;
  /** Signing secrets are stored sealed with the server key, as TOTP secrets are, so a copy of
   * the database is not enough to sign webhooks. */
  secretBox: SecretBox;
  /** Who is on the staff (accounts subject), for notices to a role such as the line stopping. */
  staff: NoticeStaff;
  /** The policy's ladder for pages (notices.escalation), read when a page is sent. */
  escalation: PagesDeps['escalation'];
  /** Acknowledge tokens, derived from the server key. */
  ackTokens: PagesDeps['ackTokens'];
  /** Whether an incident is an exercise, and who takes part (incidents subject): the gate. */
  exercises: NoticeExercises;
  /** Who is on call now (on-call subject): the policy names them `on_call` among roles. */
  onCall: NoticeOnCall;
  /** Web Push: which push service URLs may be used, and who runs this server (VAPID `sub`). */
  checkPushEndpoint: PushDeps['checkPushEndpoint'];
  pushContact: string;
}

/** What notifications need of the on-call subject. */
export interface NoticeOnCall {
  /** The people the policy's `on_call` means at an instant, in the caller's transaction. */
  listOnCallIds(tx: Executor, at: number): Promise<string[]>;
}

/** The name the policy gives whoever is on call, where it names people by role. */
export const ON_CALL = 'on_call';

/**
 * The staff as notices see them: whoever is on call now also answers to `on_call`, so the
 * policy's roles (`newReport`, `lineStopped`, the pages' `escalation.levels`) can name them.
 */
function staffOnCall(staff: NoticeStaff, onCall: NoticeOnCall, clock: Clock): NoticeStaff {
  return {
    async listActive(tx) {
      const people = await staff.listActive(tx);
      const onCallIds = await onCall.listOnCallIds(tx, clock.now());
      return people.map((p) =>
        onCallIds.includes(p.id) ? { ...p, roles: [...p.roles, ON_CALL] } : p,
      );
    },
  };
}

/** What notifications need of the accounts subject. */
export interface NoticeStaff {
  /** The active staff, with the roles on their accounts, in the caller's transaction. */
  listActive(tx: Executor): Promise<NoticeStaffMember[]>;
}

export interface EndpointInput {
  kind: EndpointKind;
  name: string;
  url: string;
  eventTypes: string[];
  secret?: string | undefined;
  /** PagerDuty's routing key or Opsgenie's API key (required for those kinds), stored sealed. */
  integrationKey?: string | undefined;
  active?: boolean | undefined;
}

/** Endpoints that are paging services: they hear pages and the line, as alerts. */
const PAGING_KINDS: readonly EndpointKind[] = ['pagerduty', 'opsgenie'];
const PAGING_EVENTS: readonly string[] = ['incident.line_stopped', 'page.opened'];

/** Notices to one person are @mentions, which only Slack endpoints can carry; deadline events
 * are signed JSON, which only Standard Webhooks endpoints receive. */
function checkEventTypes(kind: EndpointKind, eventTypes: readonly string[]): void {
  const refuse = (message: string) => {
    throw new AppError('VALIDATION', message, { errors: [{ field: 'eventTypes', message }] });
  };
  if (kind !== 'slack' && eventTypes.includes('user.notice')) {
    refuse('user.notice (an @mention of one person) needs a Slack endpoint');
  }
  if (PAGING_KINDS.includes(kind)) {
    const other = eventTypes.filter((t) => !PAGING_EVENTS.includes(t));
    if (other.length > 0) refuse(`${other.join(', ')} cannot go to a paging service`);
  } else if (eventTypes.includes('page.opened')) {
    refuse('page.opened needs a pagerduty or opsgenie endpoint');
  }
  const deadlines = eventTypes.filter((t) => t.startsWith('deadline.'));
  if (kind !== 'standard' && deadlines.length > 0) {
    refuse(`${deadlines.join(', ')} (signed JSON) needs a standard endpoint`);
  }
}

/** A person's ntfy topic as they set it: `token` left out keeps the stored one (for the same
 * server), null removes it. */
export interface NtfyTopicInput {
  url: string;
  token?: string | null | undefined;
}

/** Preferences as a person replaces them; without `ntfy`, they have no topic. */
export type PreferencesInput = Omit<Preferences, 'ntfy'> & {
  ntfy?: NtfyTopicInput | null | undefined;
};

function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
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

export function createNotificationsService(given: NotificationsDeps) {
  const deps = { ...given, staff: staffOnCall(given.staff, given.onCall, given.clock) };
  const { db, clock, secretBox } = deps;
  const pages = createPagesService(deps);
  const push = createPushService(deps);
  const statusWords = statusMessages(deps.statusLanguage);

  /** The topic to store: a new token sealed; none given, the stored one if the server is the
   * same (a token is never sent to another server than the one it was given for). */
  function sealTopic(input: NtfyTopicInput, before: StoredNtfyTopic | null): StoredNtfyTopic {
    if (typeof input.token === 'string') {
      return { url: input.url, sealedToken: secretBox.seal(input.token) };
    }
    const sameServer = before !== null && new URL(before.url).origin === new URL(input.url).origin;
    const keep = input.token === undefined && sameServer ? before.sealedToken : null;
    return { url: input.url, sealedToken: keep };
  }

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

  /** The exercise gate: is the incident a notice is about an exercise (null: a real one). */
  const exerciseOf = (tx: Executor, incidentRef: string | null | undefined) =>
    incidentRef ? deps.exercises.find(tx, incidentRef) : Promise.resolve(null);

  /** A notice to one person, unless the incident is an exercise they take no part in. */
  async function tellPersonIn(
    tx: Executor,
    exercise: ExerciseAudience | null,
    notice: UserNotice,
  ): Promise<void> {
    if (!mayHear(exercise, notice.user.id)) return;
    const marked = markExercise(exercise, notice);
    await enqueueUserNotice(tx, {
      ...marked,
      ...(notice.inChannel && { inChannel: markExercise(exercise, notice.inChannel) }),
    });
  }

  return {
    /** The line stopped because of this incident (in the transaction that stopped it): everyone
     * with a role the policy names (`tell`), and the endpoints subscribed to
     * incident.line_stopped, are told; for an exercise, its participants with those roles only. */
    async tellLineStopped(
      tx: Executor,
      notice: Omit<LineStoppedNotice, 'baseUrl'> & { tell: readonly string[] },
    ) {
      const { tell, ...rest } = notice;
      const exercise = await exerciseOf(tx, notice.incident.id);
      const staff = (await deps.staff.listActive(tx)).filter((u) => mayHear(exercise, u.id));
      await enqueueLineStoppedNotice(tx, { ...rest, baseUrl: deps.baseUrl }, staff, tell, exercise);
    },

    /** The incident reached its resolved phase: its alerts on PagerDuty and Opsgenie (its
     * pages', the line's) are resolved, in that transaction. */
    async tellIncidentResolved(tx: Executor, incident: { id: string; key: string }, at: number) {
      await pages.resolveAlertsOf(tx, incident, at);
    },

    /** A notice to one person about an incident or report (deadline reminders and escalations
     * from the clocks), on their channels; an exercise's reaches its participants only. */
    async tellPerson(tx: Executor, notice: UserNotice & { incidentId: string | null }) {
      const { incidentId, ...rest } = notice;
      await tellPersonIn(tx, await exerciseOf(tx, incidentId), rest);
    },

    /** A deadline's step for the signed webhooks subscribed to it; none for an exercise. */
    async tellDeadlineStep(
      tx: Executor,
      step: Omit<DeadlineEvent, 'subject'>,
      findSubject: () => Promise<DeadlineEvent['subject'] | null>,
      incidentId: string | null,
    ) {
      if (!outsideMayHear(await exerciseOf(tx, incidentId))) return;
      await enqueueDeadlineEvent(tx, step, findSubject);
    },

    /** A containment hook's call, sent after commit by the outbox worker. */
    enqueueHookCall,

    /** The people who must act (named by id, or by role) each hear what they must do, on the
     * channels they chose for its kind, in the caller's transaction. An urgent notice is a page:
     * each gets an acknowledge link, and unacknowledged it climbs the policy's ladder. */
    async tellStaff(tx: Executor, notice: StaffNotice) {
      const { to } = notice;
      const exercise = await exerciseOf(
        tx,
        notice.about.type === 'incident' ? notice.about.key : null,
      );
      const people = (await deps.staff.listActive(tx)).filter((u) =>
        'userIds' in to ? to.userIds.includes(u.id) : u.roles.some((r) => to.roles.includes(r)),
      );
      if (notice.urgent) {
        await pages.openPage(tx, notice, people);
        return;
      }
      const inChannel = staffNoticeText(notice, deps.baseUrl, { title: !notice.about.restricted });
      for (const person of people) {
        const words = staffNoticeText(notice, deps.baseUrl, { title: true });
        await tellPersonIn(tx, exercise, {
          user: { id: person.id, email: person.email },
          kind: notice.kind,
          urgent: notice.urgent,
          ...words,
          inChannel: { subject: inChannel.subject, text: inChannel.text },
          idempotencyKey: `${notice.idempotencyKey}:${person.id}`,
          at: notice.at,
        });
      }
    },

    preparePushKeys: push.preparePushKeys,
    listOwnPushDevices: push.listOwnPushDevices,
    subscribePush: push.subscribePush,
    unsubscribePush: push.unsubscribePush,
    findPushTarget: push.findPushTarget,
    forgetPushSubscription: push.forgetPushSubscription,

    escalateDuePages: pages.escalateDuePages,
    findPageByToken: pages.findPageByToken,
    acknowledgeByToken: pages.acknowledgeByToken,
    acknowledgePage: pages.acknowledgePage,
    listOwnPages: pages.listOwnPages,

    /** News for a reporter at the address they gave (in the transaction of the change). */
    tellReporter: (tx: Executor, notice: ReporterNotice) =>
      enqueueReporterNotice(tx, notice, deps.baseUrl),

    /** A breach needs the legal role: every active member of staff with the legal role hears
     * it on their own channels (kind breach_escalation), in the caller's transaction. */
    async tellLegal(tx: Executor, notice: BreachNotice) {
      const { subject, text, html } = breachNoticeText(notice, deps.baseUrl);
      const exercise = await exerciseOf(tx, notice.incidentKey);
      const legal = (await deps.staff.listActive(tx)).filter((u) => u.roles.includes('legal'));
      for (const person of legal) {
        await tellPersonIn(tx, exercise, {
          user: { id: person.id, email: person.email },
          kind: 'breach_escalation',
          urgent: false,
          subject,
          text,
          html,
          idempotencyKey: `${notice.idempotencyKey}:${person.id}`,
          at: notice.at,
        });
      }
    },
    /** A staff message to the reporter of a report that came by e-mail, its text threaded on
     * their mail (in the transaction that records the message). */
    mailReporterMessage: (tx: Executor, notice: ReporterMessageNotice) =>
      enqueueReporterMessage(tx, notice),

    /** The automatic receipt for a report that came by e-mail (in the transaction that files it). */
    sendReportReceipt: (tx: Executor, notice: ReportReceiptNotice) =>
      enqueueReportReceipt(tx, notice, deps.baseUrl, (secret) => secretBox.seal(secret)),

    /** The explanatory answer to a message refused for coming unencrypted (mail subject). */
    refusePlaintext: (tx: Executor, notice: PlaintextRefusalNotice) =>
      enqueuePlaintextRefusal(tx, notice, deps.baseUrl),

    /** For the delivery worker: a secret an e-mail's text carries, opened as it is sent. */
    openSealed: (sealed: string) => secretBox.open(sealed),

    /** The confirmation link to an address that subscribed to the status page (its only mail
     * until it confirms), in the transaction that records the subscription. */
    confirmSubscription: (tx: Executor, c: SubscriptionConfirmation) =>
      enqueueSubscriptionConfirmation(tx, c, deps.baseUrl, statusWords),

    /** An update published on the status page, to its confirmed subscribers and the endpoints
     * subscribed to status.update_published, in the transaction that publishes it. */
    tellStatusSubscribers: (
      tx: Executor,
      notice: StatusUpdateNotice,
      recipients: readonly StatusRecipient[],
    ) => enqueueStatusUpdate(tx, notice, recipients, deps.baseUrl, statusWords),

    /** A scheduled maintenance (announced, soon, updated), to its confirmed subscribers and the
     * endpoints subscribed to status.maintenance_updated, in the transaction that records it. */
    tellMaintenanceSubscribers: (
      tx: Executor,
      notice: MaintenanceNotice,
      recipients: readonly StatusRecipient[],
    ) => enqueueMaintenanceNotice(tx, notice, recipients, deps.baseUrl, statusWords),

    /** A published update to the contacts of a customer that uses an affected component (in the
     * transaction that records it); answers what was sent, or null (nothing) when the incident
     * it speaks for is an exercise. */
    async tellCustomer(
      tx: Executor,
      notice: CustomerUpdateNotice,
      incidentId: string | null,
    ): Promise<{ subject: string; text: string } | null> {
      if (!outsideMayHear(await exerciseOf(tx, incidentId))) return null;
      return enqueueCustomerNotice(tx, notice, deps.baseUrl, statusWords);
    },

    /** A breach notice to the people affected, one e-mail each (in the caller's transaction);
     * none when the incident is an exercise. */
    async tellAffectedPeople(
      tx: Executor,
      incidentId: string,
      notices: readonly AffectedPersonNotice[],
      at: number,
    ) {
      if (!outsideMayHear(await exerciseOf(tx, incidentId))) return;
      await enqueueAffectedPeopleNotices(tx, notices, at);
    },

    /** Where each message stands (pending, sending, delivered, dead), by idempotency key. */
    findDeliveries: (executor: Executor, keys: readonly string[]) =>
      findDeliveriesByKeys(executor, keys),

    /** Delivered or dead messages with these keys lose their address and text (retention). */
    forgetDeliveries: (executor: Executor, keys: readonly string[]) =>
      forgetFinishedMessages(executor, keys),

    /** An erased address: every e-mail to it emptied, one not sent yet given up (never sent). */
    forgetMessagesTo: (executor: Executor, address: string) => forgetMessagesTo(executor, address),

    /** One person's e-mails by their keys: emptied, and one not sent yet never sent. */
    forgetMessages: (executor: Executor, keys: readonly string[]) =>
      forgetMessagesWithKeys(executor, keys),

    /** For the delivery worker: the endpoint with its signing secret opened. */
    async findEndpoint(id: string): Promise<WebhookEndpoint | null> {
      const found = await endpoints.findEndpoint(db, id);
      if (!found?.secret) return found;
      return { ...found, secret: secretBox.open(found.secret) };
    },

    /** For the delivery worker: a person's ntfy topic with its access token opened. */
    async findNtfyTopic(userId: string): Promise<{ url: string; token: string | null } | null> {
      const found = await findNtfyTopic(db, userId);
      if (!found) return null;
      return {
        url: found.url,
        token: found.sealedToken === null ? null : secretBox.open(found.sealedToken),
      };
    },

    /** For the delivery worker: a person's phone number for sms and voice, or null. */
    findPhoneNumber(userId: string): Promise<string | null> {
      return findPhoneNumber(db, userId);
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
      requirePermission(actor, 'account.manage_own');
      if (!actor.userId) throw new AppError('FORBIDDEN', 'Preferences belong to a person');
      return findPreferences(db, actor.userId);
    },

    async setPreferences(actor: Actor, prefs: PreferencesInput): Promise<Preferences> {
      requirePermission(actor, 'account.manage_own');
      const userId = actor.userId;
      if (!userId) throw new AppError('FORBIDDEN', 'Preferences belong to a person');
      if (prefs.quietHours && !isTimeZone(prefs.quietHours.timeZone)) {
        throw new AppError('VALIDATION', 'quietHours.timeZone must be an IANA time zone', {
          field: 'quietHours.timeZone',
        });
      }
      if (prefs.ntfy) {
        const refusal = await deps.checkReceiverUrl(prefs.ntfy.url);
        if (refusal) {
          throw new AppError('RULE_REFUSED', `The ntfy topic URL ${refusal}`, {
            errors: [{ field: 'ntfy.url', message: refusal }],
          });
        }
      }
      const { ntfy, ...rest } = prefs;
      await db.transaction().execute(async (tx) => {
        await replacePreferences(tx, userId, rest, clock.now());
        const before = await findNtfyTopic(tx, userId);
        await replaceNtfyTopic(tx, userId, ntfy ? sealTopic(ntfy, before) : null, clock.now());
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
      requirePermission(actor, 'webhooks.manage');
      return (await endpoints.listEndpoints(db)).map((e) => presentEndpoint(e));
    },

    async createEndpoint(actor: Actor, input: EndpointInput): Promise<EndpointView> {
      requirePermission(actor, 'webhooks.manage');
      checkEventTypes(input.kind, input.eventTypes);
      const paging = PAGING_KINDS.includes(input.kind);
      if (paging !== (input.integrationKey !== undefined)) {
        const message = paging
          ? `a ${input.kind} endpoint needs its integrationKey (the routing key or API key)`
          : 'integrationKey is for pagerduty and opsgenie endpoints only';
        throw new AppError('VALIDATION', message, {
          errors: [{ field: 'integrationKey', message }],
        });
      }
      await checkUrl(input.url);
      const at = clock.now();
      const secret =
        input.kind === 'standard' ? (input.secret ?? newSecret()) : (input.integrationKey ?? null);
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
      return presentEndpoint({ ...endpoint, secret }, input.kind === 'standard');
    },

    async updateEndpoint(
      actor: Actor,
      id: string,
      changes: Partial<Omit<EndpointInput, 'kind' | 'secret'>> & {
        rotateSecret?: boolean | undefined;
      },
    ): Promise<EndpointView> {
      requirePermission(actor, 'webhooks.manage');
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
        if (changes.integrationKey !== undefined && !PAGING_KINDS.includes(found.kind)) {
          const message = 'integrationKey is for pagerduty and opsgenie endpoints only';
          throw new AppError('VALIDATION', message, {
            errors: [{ field: 'integrationKey', message }],
          });
        }
        const secret = rotate ? newSecret() : null;
        const newKey = changes.integrationKey ?? null;
        const next: WebhookEndpoint = {
          ...found,
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          url,
          ...(changes.eventTypes !== undefined ? { eventTypes: changes.eventTypes } : {}),
          ...(changes.active !== undefined ? { active: changes.active } : {}),
          ...(secret ? { secret: secretBox.seal(secret) } : {}),
          ...(newKey ? { secret: secretBox.seal(newKey) } : {}),
          updatedAt: clock.now(),
        };
        await endpoints.updateEndpoint(tx, next);
        await audit(tx, actor, 'webhook_endpoint.update', id, { rotatedSecret: rotate });
        return presentEndpoint({ ...next, secret }, rotate);
      });
    },

    async deleteEndpoint(actor: Actor, id: string): Promise<void> {
      requirePermission(actor, 'webhooks.manage');
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
      requirePermission(actor, 'outbox.manage');
      return listOutbox(db, filter);
    },

    async getOutboxMessage(
      actor: Actor,
      id: string,
    ): Promise<OutboxEntry & { attemptLog: OutboxAttempt[] }> {
      requirePermission(actor, 'outbox.manage');
      const entry = await findOutboxEntry(db, id);
      if (!entry) throw new AppError('NOT_FOUND', 'Outbox message was not found');
      return { ...entry, attemptLog: await listAttempts(db, id) };
    },

    async retryOutboxMessage(actor: Actor, id: string): Promise<OutboxEntry> {
      requirePermission(actor, 'outbox.manage');
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

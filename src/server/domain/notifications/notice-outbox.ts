// Notices into the outbox, in the transaction of the change that causes them: the line stopping
// (everyone with a responder role or higher, and the subscribed endpoints), a notice to one
// person on the channels they chose (deadline reminders and escalations), a deadline's step
// for the signed webhooks subscribed to it, and news for a reporter at the address they gave.
// The outbox worker delivers them after commit. This subject is the only writer of the outbox.
import { enqueueMessage, SEALED_SECRET_MARK, type MailThreading } from '../../db/outbox.ts';
import type { Executor } from '../../db/schema.ts';
import { deadlinePayload, type DeadlineEvent } from './deadline-notices.ts';
import {
  lineStoppedHtml,
  lineStoppedLink,
  lineStoppedPayload,
  lineStoppedText,
  reporterMessageText,
  reporterNoticeText,
  reportReceiptText,
  plaintextRefusalText,
  type PlaintextRefusalNotice,
  type LineStoppedNotice,
  type ReporterMessageNotice,
  type ReporterNotice,
  type ReportReceiptNotice,
} from './notices.ts';
import {
  PERSONAL_CHANNELS,
  reachableChannels,
  routeNotice,
  type EventKind,
  type NoticeLinks,
  type PersonalChannel,
} from './preference-rules.ts';
import { findPreferences } from './preference-repository.ts';
import { listPushSubscriptions } from './push-subscription-repository.ts';
import { markExercise, outsideMayHear, type ExerciseAudience } from './exercise-gate.ts';
import * as endpoints from './webhook-endpoint-repository.ts';
import type { WebhookEndpoint } from './webhook-endpoint-repository.ts';

/** Active Slack endpoints that carry notices to single people (event type user.notice). */
async function personalSlackEndpoints(tx: Executor): Promise<WebhookEndpoint[]> {
  return (await endpoints.listEndpoints(tx)).filter(
    (e) => e.active && e.kind === 'slack' && e.eventTypes.includes('user.notice'),
  );
}

/** What a message on a personal channel (ntfy, sms, voice, push) carries in its body (JSON): the
 * worker makes the channel's request of it (workers/personal-requests.ts) for the person's
 * address as it stands then (their topic, their number, their browser's subscription). */
export interface PersonalNotice {
  title: string;
  message: string;
  urgent: boolean;
  links: NoticeLinks | null;
}

/** A notice on one of a person's own channels (recipient: their user id; for push, each of
 * their browser subscriptions, so that one device's failure is retried or dropped alone). */
async function enqueuePersonal(
  tx: Executor,
  channel: PersonalChannel,
  userId: string,
  notice: PersonalNotice,
  idempotencyKey: string,
  at: number,
  notBefore: number = at,
): Promise<void> {
  if (channel === 'push') {
    for (const device of await listPushSubscriptions(tx, userId)) {
      await enqueueMessage(
        tx,
        {
          channel,
          recipient: device.id,
          subject: notice.title,
          bodyText: JSON.stringify(notice),
          idempotencyKey: `${idempotencyKey}:push:${device.id}`,
        },
        at,
        notBefore,
      );
    }
    return;
  }
  await enqueueMessage(
    tx,
    {
      channel,
      recipient: userId,
      subject: notice.title,
      bodyText: JSON.stringify(notice),
      idempotencyKey: `${idempotencyKey}:${channel}`,
    },
    at,
    notBefore,
  );
}

/** What Stopline tells a paging service (a pagerduty or opsgenie message's body, JSON). */
export interface AlertEvent {
  action: 'trigger' | 'acknowledge' | 'resolve';
  /** The same for every step of one alert: PagerDuty's dedup_key, Opsgenie's alias. */
  key: string;
  /** One line: what it is about (a restricted incident by its key only). */
  summary: string;
  /** The console page it is about. */
  link: string;
}

/** Paging services' endpoints (PagerDuty, Opsgenie) that carry this event type: an alert for each
 * (integrations/paging-sender.ts), its idempotency key the alert's step and the endpoint. */
export async function enqueueAlertEvent(
  tx: Executor,
  eventType: 'incident.line_stopped' | 'page.opened',
  event: AlertEvent,
  idempotencyKey: string,
  at: number,
): Promise<void> {
  for (const endpoint of await endpoints.listEndpoints(tx)) {
    if (!endpoint.active || !endpoint.eventTypes.includes(eventType)) continue;
    if (endpoint.kind !== 'pagerduty' && endpoint.kind !== 'opsgenie') continue;
    await enqueueMessage(
      tx,
      {
        channel: endpoint.kind,
        recipient: endpoint.id,
        subject: `${event.action}: ${event.summary}`.slice(0, 250),
        bodyText: JSON.stringify(event),
        idempotencyKey: `alert:${idempotencyKey}:${event.action}:${endpoint.id}`,
      },
      at,
    );
  }
}

/** The alert of a page (PagerDuty's dedup_key, Opsgenie's alias). */
export const pageAlertKey = (pageId: string) => `stopline-page-${pageId}`;
/** The alert of an incident's line stop. */
export const lineAlertKey = (incidentId: string) => `stopline-line-${incidentId}`;

/** An active staff member as the line-stop notice reaches them (from the accounts subject). */
export interface NoticeStaffMember {
  id: string;
  email: string;
  /** The roles on the account. */
  roles: readonly string[];
  contacts: readonly { kind: string; value: string }[];
}

/** Enqueues the stop-the-line notice in the caller's transaction: every active member of staff
 * with one of the roles the policy names (`roles`; of `staff`, the active staff) on all their
 * channels (every e-mail address, an @mention on Slack endpoints that carry user.notice, their
 * ntfy topic, a text and a call to their phone; quiet hours do not apply), and every active
 * endpoint that subscribed to incident.line_stopped. */
export async function enqueueLineStoppedNotice(
  tx: Executor,
  notice: LineStoppedNotice,
  staff: readonly NoticeStaffMember[],
  roles: readonly string[],
  exercise: ExerciseAudience | null,
): Promise<void> {
  const { subject, text, html } = markExercise(exercise, {
    ...lineStoppedText(notice),
    html: lineStoppedHtml(notice),
  });
  const base = `line_stopped:${notice.incident.id}:${notice.at}`;
  const lineLink = lineStoppedLink(notice);
  const people = staff.filter((u) => u.roles.some((r) => roles.includes(r)));
  const mentions: string[] = [];
  for (const person of people) {
    const prefs = await findPreferences(tx, person.id);
    if (prefs.slackMemberId !== null) mentions.push(prefs.slackMemberId);
    const personal = { title: subject, message: text, urgent: true, links: { open: lineLink } };
    const reachable = reachableChannels(prefs, false);
    for (const channel of PERSONAL_CHANNELS.filter((c) => reachable.includes(c))) {
      await enqueuePersonal(tx, channel, person.id, personal, `${base}:${person.id}`, notice.at);
    }
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
  // Endpoints are outside recipients: an exercise reaches none of them.
  if (!outsideMayHear(exercise)) return;
  const payload = lineStoppedPayload(notice);
  const alert = { key: lineAlertKey(notice.incident.id), summary: subject, link: lineLink };
  await enqueueAlertEvent(
    tx,
    'incident.line_stopped',
    { action: 'trigger', ...alert },
    base,
    notice.at,
  );
  for (const endpoint of await endpoints.listEndpoints(tx)) {
    if (!endpoint.active || endpoint.kind === 'pagerduty' || endpoint.kind === 'opsgenie') continue;
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

/**
 * Enqueues one step of a deadline's ladder, in the firing transaction, for every active Standard
 * Webhooks endpoint subscribed to its type; the subject is looked up only when one is (null: it
 * is gone, nothing is sent). The webhook-id is the deadline, the step and the endpoint: the same
 * on every retry, and a firing repeated after a crash enqueues nothing new.
 */
export async function enqueueDeadlineEvent(
  tx: Executor,
  step: Omit<DeadlineEvent, 'subject'>,
  findSubject: () => Promise<DeadlineEvent['subject'] | null>,
): Promise<void> {
  const subscribed = (await endpoints.listEndpoints(tx)).filter(
    (e) => e.active && e.kind === 'standard' && e.eventTypes.includes(step.type),
  );
  if (subscribed.length === 0) return;
  const subject = await findSubject();
  if (!subject) return;
  const event: DeadlineEvent = { ...step, subject };
  const payload = deadlinePayload(event);
  for (const endpoint of subscribed) {
    await enqueueMessage(
      tx,
      {
        channel: 'webhook',
        recipient: endpoint.id,
        subject: `${event.type} ${event.subject.key}`,
        bodyText: payload,
        idempotencyKey: `msg_deadline_${event.deadline.id}_${event.escalation.stage}_${endpoint.id}`,
      },
      event.at,
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
  /** What the Slack @mention says, when it must say less: it is posted to a channel that others
   * read, so a restricted subject is named there as anyone may see it. Default: subject, text. */
  inChannel?: { subject: string; text: string } | undefined;
  /** Where it leads (the console page; a page's acknowledge link), for ntfy's buttons, texts. */
  links?: NoticeLinks | undefined;
  /** Unique per notice and person; a repeated enqueue with the same key is ignored. */
  idempotencyKey: string;
  at: number;
}

/** Enqueues a notice to one person in the caller's transaction, on the channels they chose
 * for this kind of event (e-mail, Slack as an @mention on the endpoints that carry
 * user.notice, their ntfy topic, a text or a call), held back to the end of their quiet hours unless
 * it is urgent.
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
          subject: notice.inChannel?.subject ?? notice.subject,
          bodyText: notice.inChannel?.text ?? notice.text,
          idempotencyKey: `${notice.idempotencyKey}:slack:${endpoint.id}`,
          mentions: [prefs.slackMemberId],
        },
        notice.at,
        route.notBefore,
      );
    }
  }
  const personal: PersonalNotice = {
    title: notice.subject,
    message: notice.text,
    urgent: notice.urgent,
    links: notice.links ?? null,
  };
  for (const channel of PERSONAL_CHANNELS.filter((c) => route.channels.includes(c))) {
    await enqueuePersonal(
      tx,
      channel,
      notice.user.id,
      personal,
      notice.idempotencyKey,
      notice.at,
      route.notBefore,
    );
  }
}

/**
 * Enqueues news for a reporter at the address they gave, in the caller's transaction: an e-mail
 * that says there is news and where to read it, never the content. The reporter is not a user:
 * no preferences or quiet hours apply, and nothing goes to Slack or webhooks.
 */
export async function enqueueReporterNotice(
  tx: Executor,
  notice: ReporterNotice,
  baseUrl: string,
): Promise<void> {
  await enqueueReporterEmail(tx, notice, reporterNoticeText(notice, baseUrl));
}

/** An e-mail to a reporter: their address only, no preferences, no other channel. */
function enqueueReporterEmail(
  tx: Executor,
  notice: { address: string; idempotencyKey: string; at: number; threading?: MailThreading },
  { subject, text }: { subject: string; text: string },
  extra: { sealedSecret?: string } = {},
): Promise<void> {
  return enqueueMessage(
    tx,
    {
      channel: 'email',
      recipient: notice.address,
      subject,
      bodyText: text,
      idempotencyKey: notice.idempotencyKey,
      threading: notice.threading,
      ...extra,
    },
    notice.at,
  );
}

/**
 * Enqueues the automatic receipt for a report that came by e-mail: its key and when it will be
 * acknowledged, never the report's content.
 */
export async function enqueueReportReceipt(
  tx: Executor,
  notice: ReportReceiptNotice,
  baseUrl: string,
  seal: (secret: string) => string,
): Promise<void> {
  const { accessCode, ...rest } = notice;
  await enqueueReporterEmail(tx, rest, reportReceiptText(rest, baseUrl, SEALED_SECRET_MARK), {
    sealedSecret: seal(accessCode),
  });
}

/** The explanatory answer to a message refused for coming unencrypted. */
export async function enqueuePlaintextRefusal(
  tx: Executor,
  notice: PlaintextRefusalNotice,
  baseUrl: string,
): Promise<void> {
  await enqueueReporterEmail(tx, notice, plaintextRefusalText(notice, baseUrl));
}

/** A message from the security team to a reporter by e-mail, with its text, threaded. */
export async function enqueueReporterMessage(
  tx: Executor,
  notice: ReporterMessageNotice,
): Promise<void> {
  await enqueueReporterEmail(tx, notice, reporterMessageText(notice));
}

/** A notice to one person affected by a personal-data breach, at the address they were listed with. */
export interface AffectedPersonNotice {
  address: string;
  subject: string;
  text: string;
  /** Unique per notice and person; a repeated enqueue with the same key is ignored. */
  idempotencyKey: string;
}

/**
 * Enqueues a breach notice to each person affected, in the caller's transaction: one e-mail each,
 * plain text as approved. They are not users: no preferences, quiet hours, Slack or webhooks.
 */
export async function enqueueAffectedPeopleNotices(
  tx: Executor,
  notices: readonly AffectedPersonNotice[],
  at: number,
): Promise<void> {
  for (const n of notices) {
    await enqueueMessage(
      tx,
      {
        channel: 'email',
        recipient: n.address,
        subject: n.subject,
        bodyText: n.text,
        idempotencyKey: n.idempotencyKey,
      },
      at,
    );
  }
}

/** A containment hook's call (incidents subject), in the action's transaction: the outbox worker
 * sends it to the hook (recipient: the hook's id; subject: the phase) and records each answer on
 * the incident. The idempotency key is the call's webhook-id. */
export async function enqueueHookCall(
  tx: Executor,
  call: { hookId: string; phase: 'apply' | 'revert'; idempotencyKey: string; body: string },
  at: number,
): Promise<void> {
  await enqueueMessage(
    tx,
    {
      channel: 'hook',
      recipient: call.hookId,
      subject: call.phase,
      bodyText: call.body,
      idempotencyKey: call.idempotencyKey,
    },
    at,
  );
}

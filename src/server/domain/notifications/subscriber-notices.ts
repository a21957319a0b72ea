// Notices to the public status page's subscribers, through the outbox like every notice: the
// confirmation an address gets when it subscribes (and nothing else until it confirms), and each
// update published on the page, to the confirmed addresses that follow its components (plain
// text only, with a one-click unsubscribe, RFC 8058) and to the webhook endpoints subscribed to
// status.update_published (Standard Webhooks signed JSON, or a Slack or chat message). Their
// fixed words are the status page's language (its message catalogue; times stay ISO 8601).
import { enqueueMessage } from '../../db/outbox.ts';
import type { Executor } from '../../db/schema.ts';
import type { StatusMessages } from '../../../shared/domain/status-messages.ts';
import type {
  ComponentStatus,
  IncidentImpact,
  MaintenanceStatus,
  PublicIncidentStatus,
} from '../../../shared/domain/status.ts';
import { noticeTitle } from './notice-text.ts';
import * as endpoints from './webhook-endpoint-repository.ts';

/** An update just published on the public page, as anyone may read it. */
export interface StatusUpdateNotice {
  pageName: string;
  incident: { id: string; name: string; impact: IncidentImpact; status: PublicIncidentStatus };
  update: {
    id: string;
    status: PublicIncidentStatus;
    body: string;
    displayAt: number;
    affectedComponents: {
      componentId: string;
      name: string;
      oldStatus: ComponentStatus;
      newStatus: ComponentStatus;
    }[];
  };
  at: number;
}

/** A scheduled maintenance as its subscribers hear of it: announced, soon, or updated. */
export interface MaintenanceNotice {
  pageName: string;
  maintenance: {
    id: string;
    name: string;
    status: MaintenanceStatus;
    scheduledFor: number;
    scheduledUntil: number;
    components: { componentId: string; name: string }[];
  };
  kind: 'scheduled' | 'reminder' | 'updated' | 'rescheduled' | 'cancelled';
  /** The update published; null for the reminder. */
  update: { id: string; status: MaintenanceStatus; body: string } | null;
  at: number;
}

/** A confirmed subscriber the update is for, with the token of their manage and unsubscribe links. */
export interface StatusRecipient {
  subscriberId: string;
  address: string;
  token: string;
}

export interface SubscriptionConfirmation {
  pageName: string;
  subscriberId: string;
  address: string;
  /** Shown only in this e-mail; only its hash is kept. */
  confirmToken: string;
  /** When the link stops working. */
  expiresAt: number;
  at: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function subscriptionLinks(baseUrl: string, token: string) {
  const t = encodeURIComponent(token);
  return {
    manage: `${baseUrl}/status/subscription?token=${t}`,
    unsubscribe: `${baseUrl}/status/subscription/unsubscribe?token=${t}`,
  };
}

function updateLines(n: StatusUpdateNotice, baseUrl: string, m: StatusMessages): string[] {
  const changes = n.update.affectedComponents.map(
    (c) =>
      `- ${noticeTitle(c.name)}: ${m.componentStatus[c.oldStatus]} -> ${m.componentStatus[c.newStatus]}`,
  );
  return [
    `${m.incidentStatus[n.update.status]} (${iso(n.update.displayAt)})`,
    `${m.mail.impact}: ${m.impact[n.incident.impact]}`,
    '',
    n.update.body,
    ...(changes.length ? ['', `${m.mail.components}:`, ...changes] : []),
    '',
    `${m.mail.everyUpdate}: ${baseUrl}/status/incidents/${encodeURIComponent(n.incident.id)}`,
  ];
}

export function statusUpdateSubject(n: StatusUpdateNotice, m: StatusMessages): string {
  return noticeTitle(`[${n.pageName}] ${n.incident.name}: ${m.incidentStatus[n.update.status]}`);
}

/** The signed webhook's JSON: the update as the public page shows it. */
export function statusUpdatePayload(n: StatusUpdateNotice, baseUrl: string): string {
  return JSON.stringify({
    type: 'status.update_published',
    timestamp: iso(n.at),
    data: {
      page: { name: n.pageName, url: `${baseUrl}/status` },
      incident: {
        id: n.incident.id,
        name: n.incident.name,
        impact: n.incident.impact,
        status: n.incident.status,
        url: `${baseUrl}/status/incidents/${encodeURIComponent(n.incident.id)}`,
      },
      update: {
        id: n.update.id,
        status: n.update.status,
        body: n.update.body,
        displayAt: iso(n.update.displayAt),
        affectedComponents: n.update.affectedComponents,
      },
    },
  });
}

/** The confirmation e-mail: the only thing an address gets before it confirms. */
export async function enqueueSubscriptionConfirmation(
  tx: Executor,
  c: SubscriptionConfirmation,
  baseUrl: string,
  m: StatusMessages,
): Promise<void> {
  const link = `${baseUrl}/status/subscription/confirm?token=${encodeURIComponent(c.confirmToken)}`;
  const [asked, toConfirm, ignore] = m.mail.confirmLines(c.pageName, iso(c.expiresAt));
  await enqueueMessage(
    tx,
    {
      channel: 'email',
      recipient: c.address,
      subject: noticeTitle(m.mail.confirmSubject(c.pageName)),
      bodyText: [asked, '', toConfirm, link, '', ignore].join('\n'),
      idempotencyKey: `status_confirm:${c.subscriberId}:${c.at}`,
    },
    c.at,
  );
}

/** One plain-text e-mail to each subscriber, with their manage and one-click unsubscribe links. */
async function enqueueToSubscribers(
  tx: Executor,
  subject: string,
  lines: readonly string[],
  recipients: readonly StatusRecipient[],
  baseUrl: string,
  m: StatusMessages,
  keyFor: (subscriberId: string) => string,
  at: number,
): Promise<void> {
  for (const r of recipients) {
    const links = subscriptionLinks(baseUrl, r.token);
    await enqueueMessage(
      tx,
      {
        channel: 'email',
        recipient: r.address,
        subject,
        bodyText: [
          ...lines,
          '',
          `${m.mail.chooseWhat}: ${links.manage}`,
          `${m.mail.unsubscribe}: ${links.unsubscribe}`,
        ].join('\n'),
        idempotencyKey: keyFor(r.subscriberId),
        listUnsubscribe: links.unsubscribe,
      },
      at,
    );
  }
}

/** To each active endpoint subscribed to the event type: the signed JSON payload to a standard
 * webhook, the plain text to a Slack one. */
async function enqueueToEndpoints(
  tx: Executor,
  eventType: 'status.update_published' | 'status.maintenance_updated',
  message: { subject: string; payload: string; text: string },
  keyFor: (endpointId: string) => string,
  at: number,
): Promise<void> {
  const subscribed = (await endpoints.listEndpoints(tx)).filter(
    (e) => e.active && e.eventTypes.includes(eventType),
  );
  for (const { id, kind } of subscribed) {
    await enqueueMessage(
      tx,
      {
        channel: kind === 'standard' ? 'webhook' : kind,
        recipient: id,
        subject: message.subject,
        bodyText: kind === 'standard' ? message.payload : message.text,
        idempotencyKey: keyFor(id),
      },
      at,
    );
  }
}

/**
 * Enqueues one published update for each confirmed subscriber given (plain text, with their
 * manage and one-click unsubscribe links) and each active endpoint subscribed to
 * status.update_published. The idempotency key is the update and the recipient.
 */
export async function enqueueStatusUpdate(
  tx: Executor,
  n: StatusUpdateNotice,
  recipients: readonly StatusRecipient[],
  baseUrl: string,
  m: StatusMessages,
): Promise<void> {
  const subject = statusUpdateSubject(n, m);
  const lines = updateLines(n, baseUrl, m);
  await enqueueToSubscribers(
    tx,
    subject,
    lines,
    recipients,
    baseUrl,
    m,
    (r) => `status_update:${n.update.id}:${r}`,
    n.at,
  );
  await enqueueToEndpoints(
    tx,
    'status.update_published',
    { subject, payload: statusUpdatePayload(n, baseUrl), text: lines.join('\n') },
    (id) => `msg_status_${n.update.id}_${id}`,
    n.at,
  );
}

const maintenanceUrl = (baseUrl: string, id: string) =>
  `${baseUrl}/status/maintenance/${encodeURIComponent(id)}`;

/** What a maintenance notice says happened, in the page's language. */
function kindWords(n: MaintenanceNotice, w: StatusMessages): string {
  switch (n.kind) {
    case 'scheduled':
      return w.mail.maintenance;
    case 'reminder':
      return w.mail.reminder;
    case 'rescheduled':
      return w.mail.rescheduled;
    case 'cancelled':
      return w.maintenanceStatus.cancelled;
    case 'updated':
      return w.maintenanceStatus[n.maintenance.status];
  }
}

export function maintenanceSubject(n: MaintenanceNotice, w: StatusMessages): string {
  return noticeTitle(`[${n.pageName}] ${n.maintenance.name}: ${kindWords(n, w)}`);
}

function maintenanceLines(n: MaintenanceNotice, baseUrl: string, w: StatusMessages): string[] {
  const m = n.maintenance;
  const names = m.components.map((c) => noticeTitle(c.name));
  const window = `${iso(m.scheduledFor)} ${w.mail.windowTo} ${iso(m.scheduledUntil)}`;
  return [
    n.kind === 'reminder'
      ? w.mail.maintenanceBegins(iso(m.scheduledFor))
      : n.kind === 'rescheduled' || n.kind === 'cancelled'
        ? `${w.mail.maintenance}: ${kindWords(n, w)}`
        : `${w.mail.maintenance}: ${w.maintenanceStatus[m.status]}`,
    `${n.kind === 'cancelled' ? w.mail.windowCalledOff : w.mail.window}: ${window}`,
    ...(names.length ? [`${w.mail.components}: ${names.join(', ')}`] : []),
    ...(n.update ? ['', n.update.body] : []),
    '',
    `${w.mail.details}: ${maintenanceUrl(baseUrl, m.id)}`,
  ];
}

/** The signed webhook's JSON for a maintenance notice. */
export function maintenancePayload(n: MaintenanceNotice, baseUrl: string): string {
  const m = n.maintenance;
  return JSON.stringify({
    type: 'status.maintenance_updated',
    timestamp: iso(n.at),
    data: {
      page: { name: n.pageName, url: `${baseUrl}/status` },
      kind: n.kind,
      maintenance: {
        id: m.id,
        name: m.name,
        status: m.status,
        scheduledFor: iso(m.scheduledFor),
        scheduledUntil: iso(m.scheduledUntil),
        components: m.components,
        url: maintenanceUrl(baseUrl, m.id),
      },
      update: n.update,
    },
  });
}

/** The subscribers a maintenance's notices were sent to (its outbox messages' keys). */
async function toldOf(tx: Executor, maintenanceId: string): Promise<Set<string>> {
  const prefix = `status_maintenance:${maintenanceId}:`;
  const rows = await tx
    .selectFrom('outbox')
    .select('idempotency_key')
    .where('idempotency_key', 'like', `${prefix}%`)
    .execute();
  return new Set(rows.map((r) => r.idempotency_key.slice(r.idempotency_key.lastIndexOf(':') + 1)));
}

/**
 * Enqueues a maintenance notice for each confirmed subscriber given (plain text, with their
 * manage and one-click unsubscribe links) and each active endpoint subscribed to
 * status.maintenance_updated. The idempotency key is the update (or the reminder) and the
 * recipient, so it goes out once.
 */
export async function enqueueMaintenanceNotice(
  tx: Executor,
  n: MaintenanceNotice,
  recipients: readonly StatusRecipient[],
  baseUrl: string,
  m: StatusMessages,
): Promise<void> {
  const subject = maintenanceSubject(n, m);
  const lines = maintenanceLines(n, baseUrl, m);
  // One reminder per window: a rescheduled maintenance is reminded again before its new window.
  const what = n.update?.id ?? `reminder-${n.maintenance.scheduledFor}`;
  const keyOf = (subscriberId: string) =>
    `status_maintenance:${n.maintenance.id}:${what}:${subscriberId}`;
  // A cancellation is news only to whom the maintenance was told of.
  const told = n.kind === 'cancelled' ? await toldOf(tx, n.maintenance.id) : null;
  await enqueueToSubscribers(
    tx,
    subject,
    lines,
    told ? recipients.filter((r) => told.has(r.subscriberId)) : recipients,
    baseUrl,
    m,
    keyOf,
    n.at,
  );
  await enqueueToEndpoints(
    tx,
    'status.maintenance_updated',
    { subject, payload: maintenancePayload(n, baseUrl), text: lines.join('\n') },
    (id) => `msg_maintenance_${n.maintenance.id}_${what}_${id}`,
    n.at,
  );
}

/** A published update sent to the contacts of one customer that uses an affected component. */
export interface CustomerUpdateNotice {
  notice: StatusUpdateNotice;
  customer: { id: string; name: string; components: string[] };
  contacts: readonly { name: string; email: string }[];
}

/** What a customer's contacts are sent: the update as published, and why they get it. */
export function customerNoticeText(
  n: CustomerUpdateNotice,
  baseUrl: string,
  m: StatusMessages,
): { subject: string; text: string } {
  const uses = n.customer.components.map((c) => noticeTitle(c)).join(', ');
  return {
    subject: statusUpdateSubject(n.notice, m),
    text: [
      ...updateLines(n.notice, baseUrl, m),
      '',
      m.mail.customerContact(noticeTitle(n.customer.name), uses),
    ].join('\n'),
  };
}

/** One plain-text e-mail to each contact of the customer; answers the subject and text sent. */
export async function enqueueCustomerNotice(
  tx: Executor,
  n: CustomerUpdateNotice,
  baseUrl: string,
  m: StatusMessages,
): Promise<{ subject: string; text: string }> {
  const words = customerNoticeText(n, baseUrl, m);
  for (const contact of n.contacts) {
    await enqueueMessage(
      tx,
      {
        channel: 'email',
        recipient: contact.email,
        subject: words.subject,
        bodyText: words.text,
        idempotencyKey: `status_customer:${n.notice.update.id}:${n.customer.id}:${contact.email.toLowerCase()}`,
      },
      n.notice.at,
    );
  }
  return words;
}

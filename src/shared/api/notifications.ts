// The HTTP contract for notifications: one's own preferences, webhook endpoints, and the outbox
// with its delivery log for admins.
import { z } from 'zod';
import { SLACK_MEMBER_ID, WEBHOOK_EVENT_TYPES } from '../domain/notifications.ts';
import { Time } from './times.ts';

export const EventKindName = z.enum([
  'line_stopped',
  'incident_assigned',
  'role_assigned',
  'task_assigned',
  'panel_vote',
  'deadline_reminder',
  'deadline_escalation',
  'report_received',
  'breach_escalation',
  'briefing',
  'reporter_action',
]);
/** email: the account address; slack: an @mention on the Slack endpoints that carry user.notice;
 * ntfy: a push to my ntfy topic; sms, voice: a text message or a call to my phone number (voice
 * for urgent notices only); push: a Web Push notification to each browser where I enabled it. */
export const UserChannelName = z.enum(['email', 'slack', 'ntfy', 'sms', 'voice', 'push']);

const minute = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM (24-hour clock)');

const HttpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2000);

export const NotificationPreferencesBody = z.strictObject({
  /** For each kind of event, the channels to use; a kind left out uses every channel. */
  channels: z.partialRecord(EventKindName, z.array(UserChannelName).max(6)).default({}),
  /** Hold back notices between these local times (except the line stopping and severities the
   * policy marks bypassQuietHours). */
  quietHours: z
    .strictObject({
      start: minute,
      end: minute,
      timeZone: z.string().min(1).max(64),
    })
    .nullable()
    .default(null),
  /** My Slack member id (U… or W…), @mentioned on the Slack endpoints that carry user.notice. */
  slackMemberId: z
    .string()
    .regex(SLACK_MEMBER_ID, 'must be a Slack member id such as U024BE7LH')
    .nullable()
    .default(null),
  /** My ntfy topic (https://ntfy.sh/<topic> or a self-hosted server's), pushed to on the channel
   * `ntfy`. `token`: its access token (tk_…), stored sealed and never shown again; left out, the
   * stored one is kept for the same server; null: none. */
  ntfy: z
    .strictObject({
      url: HttpUrl,
      token: z
        .string()
        .regex(
          /^[\x21-\x7e]{1,200}$/,
          'must be an access token such as tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2',
        )
        .nullable()
        .optional(),
    })
    .nullable()
    .default(null),
  /** My phone number in international (E.164) form, for the channels `sms` and `voice`. */
  phone: z
    .string()
    .regex(
      /^\+[1-9]\d{6,14}$/,
      'must be a phone number in international form such as +4915112345678',
    )
    .nullable()
    .default(null),
});
export type NotificationPreferencesBody = z.infer<typeof NotificationPreferencesBody>;

export const NotificationPreferencesView = z.object({
  channels: z.partialRecord(EventKindName, z.array(UserChannelName)),
  quietHours: z.object({ start: z.string(), end: z.string(), timeZone: z.string() }).nullable(),
  slackMemberId: z.string().nullable(),
  /** My ntfy topic; its token is never shown, only whether one is stored. */
  ntfy: z.object({ url: z.string(), hasToken: z.boolean() }).nullable(),
  phone: z.string().nullable(),
  /** How many of my browsers take Web Push (the channel `push`); /api/v1/me/push-subscriptions
   * lists them. */
  pushDevices: z.number().int(),
  /** Kinds nobody can turn off or hold back. */
  mandatory: z.array(EventKindName),
});
export type NotificationPreferencesView = z.infer<typeof NotificationPreferencesView>;

/** user.notice: notices to one person, as a Slack @mention (Slack endpoints only);
 * deadline.*: the steps of a deadline's ladder, signed (Standard Webhooks endpoints only). */
export const WebhookEventTypeName = z.enum(WEBHOOK_EVENT_TYPES);
const EndpointKindName = z.enum(['standard', 'slack', 'chat', 'teams', 'pagerduty', 'opsgenie']);
/** A PagerDuty integration's routing key or an Opsgenie API key: stored sealed, never listed. */
const IntegrationKey = z
  .string()
  .regex(/^[A-Za-z0-9-]{20,64}$/, 'must be a PagerDuty routing key or an Opsgenie API key');

export const CreateWebhookEndpointBody = z.strictObject({
  kind: EndpointKindName,
  name: z.string().trim().min(1).max(200),
  url: HttpUrl,
  eventTypes: z.array(WebhookEventTypeName).max(20),
  /** Standard Webhooks only: a whsec_… secret to use; left out, one is made and shown once. */
  secret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/, 'must be whsec_ followed by base64 (24+ bytes)')
    .optional(),
  /** PagerDuty and Opsgenie only, and required there: the routing key or the API key. */
  integrationKey: IntegrationKey.optional(),
  active: z.boolean().optional(),
});
export type CreateWebhookEndpointBody = z.infer<typeof CreateWebhookEndpointBody>;

export const UpdateWebhookEndpointBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  url: HttpUrl.optional(),
  eventTypes: z.array(WebhookEventTypeName).max(20).optional(),
  active: z.boolean().optional(),
  rotateSecret: z.boolean().optional(),
  /** PagerDuty and Opsgenie: a new routing key or API key. */
  integrationKey: IntegrationKey.optional(),
});

export const WebhookEndpointView = z.object({
  id: z.string(),
  kind: EndpointKindName,
  name: z.string(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  active: z.boolean(),
  createdAt: Time,
  updatedAt: Time,
  /** Only when just created or rotated. */
  secret: z.string().optional(),
});

export const OutboxStatusName = z.enum(['pending', 'sending', 'delivered', 'dead']);

export const OutboxQueryParams = z.strictObject({
  status: OutboxStatusName.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.string().min(1).max(100).optional(),
});

export const OutboxMessageView = z.object({
  id: z.string(),
  channel: z.string(),
  recipient: z.string(),
  subject: z.string(),
  idempotencyKey: z.string(),
  status: OutboxStatusName,
  attempts: z.number(),
  nextAttemptAt: Time,
  lastError: z.string().nullable(),
  createdAt: Time,
  deliveredAt: Time.nullable(),
});

export const OutboxAttemptView = z.object({
  attempt: z.number(),
  startedAt: Time,
  finishedAt: Time,
  outcome: z.enum(['delivered', 'failed']),
  error: z.string().nullable(),
});

export const OutboxMessageDetail = OutboxMessageView.extend({
  attemptLog: z.array(OutboxAttemptView),
});

/** A page (an urgent notice that climbs the policy's ladder until acknowledged) as it reached me. */
export const PageView = z.object({
  id: z.string(),
  about: z.object({
    type: z.enum(['incident', 'report', 'vulnerability']),
    key: z.string(),
    /** Its title; null for a restricted incident (the console names it by key). */
    title: z.string().nullable(),
  }),
  headline: z.string(),
  lines: z.array(z.string()),
  /** The level it reached me at: 0 for the people first told, then one per escalation. */
  level: z.number().int(),
  pagedAt: Time,
  acknowledgedAt: Time.nullable(),
  /** The user who acknowledged it (me or another person it reached). */
  acknowledgedBy: z.string().nullable(),
  /** When it climbs to the next level unless acknowledged; null: no level left, or acknowledged. */
  nextEscalationAt: Time.nullable(),
});
export type PageView = z.infer<typeof PageView>;

/** A browser's push subscription as PushSubscription.toJSON() gives it (RFC 8030, RFC 8291),
 * registered for me (the signed-in person; no other person can be named). */
export const PushSubscriptionBody = z.strictObject({
  /** The push service's URL for this browser: https (plain http only to an address
   * STOPLINE_OUTBOUND_ALLOW allows). */
  endpoint: z
    .url({ protocol: /^https?$/, error: 'must be the https:// URL of a push service' })
    .max(2000),
  /** Ignored by browsers' own toJSON(); accepted as null. */
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({
    /** The browser's P-256 public key: 65 bytes (uncompressed point), base64url. */
    p256dh: z
      .string()
      .regex(/^B[A-Za-z0-9_-]{86}=?$/, 'must be a P-256 public key (65 bytes, base64url)'),
    /** The browser's auth secret: 16 bytes, base64url. */
    auth: z.string().regex(/^[A-Za-z0-9_-]{22}(==)?$/, 'must be 16 bytes, base64url'),
  }),
  /** What to call this device in my list (the console sends the browser's name). */
  device: z.string().trim().min(1).max(100).default('This browser'),
});
export type PushSubscriptionBody = z.infer<typeof PushSubscriptionBody>;

export const PushDeviceView = z.object({
  id: z.string(),
  endpoint: z.string(),
  device: z.string(),
  createdAt: Time,
});
export type PushDeviceView = z.infer<typeof PushDeviceView>;

export const PushSubscriptionsView = z.object({
  /** The server's VAPID public key (uncompressed P-256, base64url): the applicationServerKey
   * to subscribe with. */
  publicKey: z.string(),
  devices: z.array(PushDeviceView),
});
export type PushSubscriptionsView = z.infer<typeof PushSubscriptionsView>;

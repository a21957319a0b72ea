// What server and console agree on about notifications.

/** A Slack member id as Slack shows it in a profile ("Copy member ID"): U… or W…. */
export const SLACK_MEMBER_ID = /^[UW][A-Z0-9]{2,20}$/;

/**
 * What a webhook endpoint can subscribe to. incident.line_stopped: the team's notice (every
 * kind). user.notice (Slack only): notices to one person, with an @mention. deadline.reminded,
 * deadline.breached, deadline.escalated (Standard Webhooks only): each step of a deadline's
 * escalation ladder, as signed JSON. status.update_published (every kind): each update published
 * on the public status page, as the status page's subscribers hear it. status.maintenance_updated
 * (every kind): a scheduled maintenance announced, its reminder, and each update on it.
 * page.opened (PagerDuty and Opsgenie only): a page triggers an alert there, acknowledged and
 * resolved with it; those two kinds take incident.line_stopped too, and nothing else.
 */
export const WEBHOOK_EVENT_TYPES = [
  'incident.line_stopped',
  'user.notice',
  'deadline.reminded',
  'deadline.breached',
  'deadline.escalated',
  'status.update_published',
  'status.maintenance_updated',
  'page.opened',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The deadline events, in the order of the ladder. */
export const DEADLINE_EVENT_TYPES = [
  'deadline.reminded',
  'deadline.breached',
  'deadline.escalated',
] as const satisfies readonly WebhookEventType[];
export type DeadlineEventType = (typeof DEADLINE_EVENT_TYPES)[number];

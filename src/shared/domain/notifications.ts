// What server and console agree on about notifications.

/** A Slack member id as Slack shows it in a profile ("Copy member ID"): U… or W…. */
export const SLACK_MEMBER_ID = /^[UW][A-Z0-9]{2,20}$/;

/**
 * What a webhook endpoint can subscribe to. incident.line_stopped: the team's notice (every
 * kind). user.notice (Slack only): notices to one person, with an @mention. deadline.reminded,
 * deadline.breached, deadline.escalated (Standard Webhooks only): each step of a deadline's
 * escalation ladder, as signed JSON.
 */
export const WEBHOOK_EVENT_TYPES = [
  'incident.line_stopped',
  'user.notice',
  'deadline.reminded',
  'deadline.breached',
  'deadline.escalated',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The deadline events, in the order of the ladder. */
export const DEADLINE_EVENT_TYPES = [
  'deadline.reminded',
  'deadline.breached',
  'deadline.escalated',
] as const satisfies readonly WebhookEventType[];
export type DeadlineEventType = (typeof DEADLINE_EVENT_TYPES)[number];

// Monitoring alerts: the words both the server and the console use.

/** PagerDuty's four severities; every tool's own words are mapped onto them. */
export const ALERT_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** firing until acknowledged or resolved; after resolved, a new trigger is a new alert. */
export const ALERT_STATUSES = ['firing', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** The tools an alert source imitates: each has its own intake endpoint and payload shape. */
export const ALERT_SOURCE_KINDS = ['pagerduty', 'alertmanager', 'grafana', 'generic'] as const;
export type AlertSourceKind = (typeof ALERT_SOURCE_KINDS)[number];

/**
 * What the policy's alert rules decided for a new alert: an incident opened for it, attached to
 * an open incident with the same key, waiting for a person to triage, or ignored.
 */
export const ALERT_DECISIONS = ['opened', 'attached', 'triage', 'ignored'] as const;
export type AlertDecision = (typeof ALERT_DECISIONS)[number];

/**
 * Where an alert stands in the triage queue: `noise` once marked as noise; `resolved` once
 * monitoring resolved it; `snoozed` while a snooze runs; otherwise its status (`firing`,
 * `acknowledged`). `open` (a filter only) is what waits for triage: firing or acknowledged, not
 * snoozed, not noise, in no incident.
 */
export const ALERT_QUEUE_STATUSES = [
  'firing',
  'acknowledged',
  'resolved',
  'snoozed',
  'noise',
] as const;
export type AlertQueueStatus = (typeof ALERT_QUEUE_STATUSES)[number];
export const ALERT_QUEUE_FILTERS = ['open', ...ALERT_QUEUE_STATUSES] as const;
export type AlertQueueFilter = (typeof ALERT_QUEUE_FILTERS)[number];

/** The labels that name the detection rule behind an alert, in the order similar alerts use. */
export const SIMILAR_LABELS = ['alertname', 'class', 'service'] as const;

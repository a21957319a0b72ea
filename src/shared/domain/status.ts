// Words of the public status page that the server and the console share. The values are those of
// Atlassian Statuspage's public API (components, incidents, impact), so its clients read ours.

/** The languages the public status page speaks (STOPLINE_STATUS_LANGUAGE). */
export const STATUS_LANGUAGES = ['en', 'de'] as const;
export type StatusLanguage = (typeof STATUS_LANGUAGES)[number];

/** A component's status, best first (`under_maintenance` is planned, so ranks below degraded). */
export const COMPONENT_STATUSES = [
  'operational',
  'under_maintenance',
  'degraded_performance',
  'partial_outage',
  'major_outage',
] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

export const INCIDENT_IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
export type IncidentImpact = (typeof INCIDENT_IMPACTS)[number];

/** A public incident's status, in the order it usually moves. */
export const PUBLIC_INCIDENT_STATUSES = [
  'investigating',
  'identified',
  'monitoring',
  'resolved',
  'postmortem',
] as const;
export type PublicIncidentStatus = (typeof PUBLIC_INCIDENT_STATUSES)[number];

/** Statuses of an incident that is still going on. */
export const ACTIVE_STATUSES = ['investigating', 'identified', 'monitoring'] as const;

export function isActiveStatus(status: PublicIncidentStatus): boolean {
  return (ACTIVE_STATUSES as readonly string[]).includes(status);
}

/** The overall indicator of the page (Statuspage `status.indicator`). */
export const STATUS_INDICATORS = ['none', 'minor', 'major', 'critical'] as const;
export type StatusIndicator = (typeof STATUS_INDICATORS)[number];

// The English words of these values: the console's, and the page's English catalogue
// (status-messages.ts) takes them from here, so each is written once.
export const COMPONENT_STATUS_WORDS: Record<ComponentStatus, string> = {
  operational: 'Operational',
  under_maintenance: 'Under maintenance',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};

export const INCIDENT_STATUS_WORDS: Record<PublicIncidentStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  postmortem: 'Post-incident report',
};

export const IMPACT_WORDS: Record<IncidentImpact, string> = {
  none: 'No impact',
  minor: 'Minor',
  major: 'Major',
  critical: 'Critical',
};

/** A scheduled maintenance's status, in the order it moves (Statuspage's values). */
export const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'verifying', 'completed'] as const;
export type MaintenanceStatus = (typeof MAINTENANCE_STATUSES)[number];

/** Statuses of a maintenance going on now: its components show `under_maintenance`. */
export const ACTIVE_MAINTENANCE_STATUSES = ['in_progress', 'verifying'] as const;

export const MAINTENANCE_STATUS_WORDS: Record<MaintenanceStatus, string> = {
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
};

// The public status page's words, one catalogue per language (issue 13, item 6): English and
// German, chosen for the page by STOPLINE_STATUS_LANGUAGE. Each language is the same typed object,
// so a key missing in one is a type error, and `missingMessages` (test/status/status-messages.test.ts)
// finds it at run time too. Dates are written with Intl in the page's language, in UTC.
import type {
  ComponentStatus,
  IncidentImpact,
  MaintenanceStatus,
  PublicIncidentStatus,
  StatusIndicator,
  StatusLanguage,
} from '../../../shared/domain/status.ts';

export interface StatusMessages {
  skipLink: string;
  site: string;
  /** The overall status, by Statuspage's indicator; `maintenance` while a window is open. */
  overall: Record<StatusIndicator | 'maintenance', string>;
  componentStatus: Record<ComponentStatus, string>;
  incidentStatus: Record<PublicIncidentStatus, string>;
  impact: Record<IncidentImpact, string>;
  maintenanceStatus: Record<MaintenanceStatus | 'cancelled', string>;
  updated: string;
  activeIncidents: string;
  scheduledMaintenance: string;
  components: string;
  noComponents: string;
  pastIncidents: string;
  noIncidents: string;
  historyByMonth: string;
  follow: string;
  byEmail: string;
  atomFeed: string;
  rssFeed: string;
  asJson: string;
  impactLabel: string;
  maintenancePrefix: string;
  lastDays: (days: number) => string;
  daysWithEvents: (count: number) => string;
  quietDays: (days: number) => string;
  statusLabel: string;
  began: string;
  resolved: string;
  scheduledFor: string;
  until: string;
  windowTo: string;
  affectedComponents: string;
  componentsUnderMaintenance: string;
  updates: string;
  historyTitle: (month: string) => string;
  noIncidentsIn: (month: string) => string;
  months: string;
  older: string;
  newer: string;
  /** Intl locale for dates. */
  locale: string;
}

const en: StatusMessages = {
  skipLink: 'Skip to the content',
  site: 'Status',
  overall: {
    none: 'All Systems Operational',
    minor: 'Minor Service Outage',
    major: 'Partial System Outage',
    critical: 'Major Service Outage',
    maintenance: 'Service Under Maintenance',
  },
  componentStatus: {
    operational: 'Operational',
    under_maintenance: 'Under maintenance',
    degraded_performance: 'Degraded performance',
    partial_outage: 'Partial outage',
    major_outage: 'Major outage',
  },
  incidentStatus: {
    investigating: 'Investigating',
    identified: 'Identified',
    monitoring: 'Monitoring',
    resolved: 'Resolved',
    postmortem: 'Post-incident report',
  },
  impact: { none: 'No impact', minor: 'Minor', major: 'Major', critical: 'Critical' },
  maintenanceStatus: {
    scheduled: 'Scheduled',
    in_progress: 'In progress',
    verifying: 'Verifying',
    completed: 'Completed',
    cancelled: 'Cancelled',
  },
  updated: 'Updated',
  activeIncidents: 'Active incidents',
  scheduledMaintenance: 'Scheduled maintenance',
  components: 'Components',
  noComponents: 'No components are listed yet.',
  pastIncidents: 'Past incidents',
  noIncidents: 'No incidents reported.',
  historyByMonth: 'Incident history by month',
  follow: 'Follow',
  byEmail: 'by e-mail',
  atomFeed: 'Atom feed',
  rssFeed: 'RSS feed',
  asJson: 'this page as JSON',
  impactLabel: 'Impact',
  maintenancePrefix: 'Maintenance',
  lastDays: (days) => `the last ${days} days`,
  daysWithEvents: (count) =>
    `${count === 1 ? '1 day' : `${count} days`} with incidents or maintenance`,
  quietDays: (days) => `No incidents in the last ${days} days.`,
  statusLabel: 'Status',
  began: 'Began',
  resolved: 'Resolved',
  scheduledFor: 'Scheduled for',
  until: 'Until',
  windowTo: 'to',
  affectedComponents: 'Affected components',
  componentsUnderMaintenance: 'Components under maintenance',
  updates: 'Updates',
  historyTitle: (month) => `Incident history, ${month}`,
  noIncidentsIn: (month) => `No incidents reported in ${month}.`,
  months: 'Months',
  older: 'Older',
  newer: 'Newer',
  locale: 'en-GB',
};

const de: StatusMessages = {
  skipLink: 'Zum Inhalt springen',
  site: 'Status',
  overall: {
    none: 'Alle Systeme funktionieren',
    minor: 'Geringfügige Störung',
    major: 'Teilweiser Systemausfall',
    critical: 'Schwerer Dienstausfall',
    maintenance: 'Dienst in Wartung',
  },
  componentStatus: {
    operational: 'Funktioniert',
    under_maintenance: 'In Wartung',
    degraded_performance: 'Eingeschränkte Leistung',
    partial_outage: 'Teilweiser Ausfall',
    major_outage: 'Schwerer Ausfall',
  },
  incidentStatus: {
    investigating: 'Wird untersucht',
    identified: 'Ursache gefunden',
    monitoring: 'Wird beobachtet',
    resolved: 'Behoben',
    postmortem: 'Abschlussbericht',
  },
  impact: { none: 'Keine Auswirkung', minor: 'Gering', major: 'Erheblich', critical: 'Kritisch' },
  maintenanceStatus: {
    scheduled: 'Geplant',
    in_progress: 'Läuft',
    verifying: 'Wird überprüft',
    completed: 'Abgeschlossen',
    cancelled: 'Abgesagt',
  },
  updated: 'Aktualisiert',
  activeIncidents: 'Aktuelle Störungen',
  scheduledMaintenance: 'Geplante Wartung',
  components: 'Komponenten',
  noComponents: 'Noch keine Komponenten eingetragen.',
  pastIncidents: 'Frühere Störungen',
  noIncidents: 'Keine Störungen gemeldet.',
  historyByMonth: 'Störungsverlauf nach Monat',
  follow: 'Verfolgen',
  byEmail: 'per E-Mail',
  atomFeed: 'Atom-Feed',
  rssFeed: 'RSS-Feed',
  asJson: 'diese Seite als JSON',
  impactLabel: 'Auswirkung',
  maintenancePrefix: 'Wartung',
  lastDays: (days) => `die letzten ${days} Tage`,
  daysWithEvents: (count) =>
    `${count === 1 ? '1 Tag' : `${count} Tage`} mit Störungen oder Wartung`,
  quietDays: (days) => `Keine Störungen in den letzten ${days} Tagen.`,
  statusLabel: 'Status',
  began: 'Begonnen',
  resolved: 'Behoben',
  scheduledFor: 'Geplant für',
  until: 'Bis',
  windowTo: 'bis',
  affectedComponents: 'Betroffene Komponenten',
  componentsUnderMaintenance: 'Komponenten in Wartung',
  updates: 'Meldungen',
  historyTitle: (month) => `Störungsverlauf, ${month}`,
  noIncidentsIn: (month) => `Keine Störungen im ${month} gemeldet.`,
  months: 'Monate',
  older: 'Älter',
  newer: 'Neuer',
  locale: 'de-DE',
};

export const STATUS_CATALOGUE: Record<StatusLanguage, StatusMessages> = { en, de };

export function statusMessages(language: StatusLanguage): StatusMessages {
  return STATUS_CATALOGUE[language];
}

/**
 * The keys (nested ones as `overall.none`) a language lacks or leaves empty, measured against
 * English: what the catalogue test asks to be empty for every language.
 */
export function missingMessages(reference: object, language: object, prefix = ''): string[] {
  const missing: string[] = [];
  const other = language as Record<string, unknown>;
  for (const [key, value] of Object.entries(reference)) {
    const path = `${prefix}${key}`;
    const theirs = other[key];
    if (value !== null && typeof value === 'object') {
      if (theirs === null || typeof theirs !== 'object') missing.push(path);
      else missing.push(...missingMessages(value, theirs, `${path}.`));
    } else if (typeof value === 'function') {
      if (typeof theirs !== 'function') missing.push(path);
    } else if (typeof theirs !== 'string' || theirs.trim() === '') missing.push(path);
  }
  return missing;
}

/** A time in the page's language, in UTC (the page says so). */
export function formatStatusTime(ms: number, m: StatusMessages): string {
  const text = new Intl.DateTimeFormat(m.locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  }).format(ms);
  return `${text} UTC`;
}

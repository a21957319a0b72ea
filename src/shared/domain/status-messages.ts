// The public status page's words, one catalogue per language (issue 13, item 6): English and
// German, chosen for the page by STOPLINE_STATUS_LANGUAGE. The page, its subscription pages, its
// Atom and RSS feeds and the e-mails to its subscribers take their fixed words from here; the
// English status words are the console's (COMPONENT_STATUS_WORDS, ... in status.ts), written once.
// Each language is the same typed object, so a key missing in one is a type error, and
// `missingMessages` (test/status/status-messages.test.ts) finds it at run time too. Dates are
// written with Intl in the page's language, in UTC.
import {
  COMPONENT_STATUS_WORDS,
  IMPACT_WORDS,
  INCIDENT_STATUS_WORDS,
  MAINTENANCE_STATUS_WORDS,
  type ComponentStatus,
  type IncidentImpact,
  type MaintenanceStatus,
  type PublicIncidentStatus,
  type StatusIndicator,
  type StatusLanguage,
} from './status.ts';

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
  /** The subscription pages (subscribe, confirm, the subscriber's own page, unsubscribe). */
  subscription: SubscriptionMessages;
  /** The Atom and RSS feeds of the history. */
  feed: { title: (pageName: string) => string };
  /** The e-mails to subscribers (and to customers' contacts). */
  mail: MailMessages;
  /** The status site's error pages: a title and what to do, by HTTP status. */
  errors: ErrorMessages;
  /** A published security advisory's entry on the page (disclosure), recorded as written. */
  advisory: AdvisoryMessages;
}

export interface AdvisoryMessages {
  name: (key: string, title: string) => string;
  /** The entry's one update, Markdown: the key, the CVE id when there is one, the link. */
  body: (key: string, cveId: string | null, url: string) => string;
  /** Put before the entry's name when the advisory is withdrawn. */
  withdrawnPrefix: string;
}

export interface ErrorMessages {
  /** 400: a form or link that could not be read. */
  unreadable: [string, string];
  /** 404: no such page, or a link that is not valid (used, expired or mistyped). */
  notFound: [string, string];
  /** 422: a change the page could not accept. */
  refused: [string, string];
  /** 429: too many attempts. */
  tooMany: [string, string];
  /** Anything else. */
  failed: [string, string];
  /** What to tell us if it keeps happening: the words before and after the reference. */
  reference: [string, string];
  back: string;
}

export interface SubscriptionMessages {
  required: string;
  optional: string;
  errorPrefix: string;
  problem: string;
  subscribeTitle: string;
  subscribeIntro: string;
  emailLabel: string;
  emailInvalid: string;
  unknownComponent: string;
  componentsHint: string;
  subscribe: string;
  checkMailTitle: string;
  checkMail: string;
  confirmTitle: string;
  confirmQuestion: (pageName: string) => [string, string];
  confirm: string;
  manageTitle: string;
  subscribed: string;
  saved: string;
  noticesGoTo: (pageName: string) => [string, string];
  save: string;
  unsubscribe: string;
  unsubscribeQuestion: (pageName: string) => [string, string];
  unsubscribedTitle: string;
  unsubscribed: string;
}

export interface MailMessages {
  confirmSubject: (pageName: string) => string;
  confirmLines: (pageName: string, expires: string) => [string, string, string];
  impact: string;
  components: string;
  everyUpdate: string;
  chooseWhat: string;
  unsubscribe: string;
  maintenance: string;
  maintenanceBegins: (at: string) => string;
  reminder: string;
  rescheduled: string;
  window: string;
  windowCalledOff: string;
  windowTo: string;
  details: string;
  customerContact: (customer: string, components: string) => string;
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
  componentStatus: COMPONENT_STATUS_WORDS,
  incidentStatus: INCIDENT_STATUS_WORDS,
  impact: IMPACT_WORDS,
  maintenanceStatus: { ...MAINTENANCE_STATUS_WORDS, cancelled: 'Cancelled' },
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
  subscription: {
    required: 'required',
    optional: 'optional',
    errorPrefix: 'Error',
    problem: 'There is a problem',
    subscribeTitle: 'Subscribe to updates',
    subscribeIntro:
      'We e-mail you when we publish news about an incident. You first get a message with a link to confirm; nothing else is sent until you do.',
    emailLabel: 'Your e-mail address',
    emailInvalid: 'Enter an e-mail address, like name@example.com',
    unknownComponent: 'no such component on this page',
    componentsHint: 'Choose the parts you use. Choose none to hear about every one.',
    subscribe: 'Subscribe',
    checkMailTitle: 'Check your mailbox',
    checkMail:
      'If this address can be subscribed, a message with a link to confirm is on its way. The link works for 48 hours.',
    confirmTitle: 'Confirm your subscription',
    confirmQuestion: (pageName) => [`Send notices from ${pageName} to `, '?'],
    confirm: 'Confirm',
    manageTitle: 'Your subscription',
    subscribed: 'You are subscribed. You can choose what you hear about here at any time.',
    saved: 'Saved.',
    noticesGoTo: (pageName) => [`Notices from ${pageName} go to `, '.'],
    save: 'Save',
    unsubscribe: 'Unsubscribe',
    unsubscribeQuestion: (pageName) => [`Stop sending notices from ${pageName} to `, '?'],
    unsubscribedTitle: 'You are unsubscribed',
    unsubscribed: 'We will send no more notices to this address, and we no longer keep it.',
  },
  feed: { title: (pageName) => `${pageName}: incident history` },
  mail: {
    confirmSubject: (pageName) => `Confirm your subscription to ${pageName}`,
    confirmLines: (pageName, expires) => [
      `Someone, probably you, asked to receive notices from ${pageName} at this address.`,
      `To confirm, open this link before ${expires}:`,
      'If you did not ask for this, ignore this message: nothing more will be sent.',
    ],
    impact: 'Impact',
    components: 'Components',
    everyUpdate: 'Every update',
    chooseWhat: 'Choose what you hear about',
    unsubscribe: 'Unsubscribe',
    maintenance: 'Scheduled maintenance',
    maintenanceBegins: (at) => `Scheduled maintenance begins at ${at}.`,
    reminder: 'Maintenance begins soon',
    rescheduled: 'Rescheduled',
    window: 'Window',
    windowCalledOff: 'Window (called off)',
    windowTo: 'to',
    details: 'Details',
    customerContact: (customer, components) =>
      `You receive this as a contact of ${customer}, which uses: ${components}.`,
  },
  errors: {
    unreadable: ['The form could not be read', 'Go back and try again.'],
    notFound: [
      'Page not found',
      'This page or link is not valid. A link in our e-mails works until it is used or expires.',
    ],
    refused: ['That could not be done', 'Go back, check what you entered and try again.'],
    tooMany: ['Too many attempts', 'Wait a few minutes, then try again.'],
    failed: ['Something went wrong', 'Please try again later.'],
    reference: ['If this keeps happening, tell us the reference ', '.'],
    back: 'Back to the status page',
  },
  advisory: {
    name: (key, title) => `Security advisory ${key}: ${title}`,
    body: (key, cveId, url) =>
      `We published security advisory ${key}${cveId ? ` (${cveId})` : ''}. [Read the advisory](${url}) to see what is affected and what to do.`,
    withdrawnPrefix: 'Withdrawn: ',
  },
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
  subscription: {
    required: 'Pflichtfeld',
    optional: 'freiwillig',
    errorPrefix: 'Fehler',
    problem: 'Es gibt ein Problem',
    subscribeTitle: 'Meldungen abonnieren',
    subscribeIntro:
      'Wir schreiben Ihnen, wenn wir Neues zu einer Störung veröffentlichen. Zuerst erhalten Sie eine Nachricht mit einem Bestätigungslink; bis Sie bestätigen, senden wir nichts anderes.',
    emailLabel: 'Ihre E-Mail-Adresse',
    emailInvalid: 'Geben Sie eine E-Mail-Adresse ein, etwa name@example.com',
    unknownComponent: 'diese Komponente gibt es auf dieser Seite nicht',
    componentsHint:
      'Wählen Sie die Teile, die Sie nutzen. Wählen Sie keinen, um von allen zu hören.',
    subscribe: 'Abonnieren',
    checkMailTitle: 'Sehen Sie in Ihr Postfach',
    checkMail:
      'Wenn diese Adresse abonnieren kann, ist eine Nachricht mit einem Bestätigungslink unterwegs. Der Link gilt 48 Stunden.',
    confirmTitle: 'Abonnement bestätigen',
    confirmQuestion: (pageName) => [`Meldungen von ${pageName} an `, ' senden?'],
    confirm: 'Bestätigen',
    manageTitle: 'Ihr Abonnement',
    subscribed: 'Sie haben abonniert. Hier können Sie jederzeit wählen, wovon Sie hören.',
    saved: 'Gespeichert.',
    noticesGoTo: (pageName) => [`Meldungen von ${pageName} gehen an `, '.'],
    save: 'Speichern',
    unsubscribe: 'Abbestellen',
    unsubscribeQuestion: (pageName) => [`Keine Meldungen von ${pageName} mehr an `, ' senden?'],
    unsubscribedTitle: 'Sie haben abbestellt',
    unsubscribed:
      'Wir senden keine Meldungen mehr an diese Adresse und bewahren sie nicht mehr auf.',
  },
  feed: { title: (pageName) => `${pageName}: Störungsverlauf` },
  mail: {
    confirmSubject: (pageName) => `Bestätigen Sie Ihr Abonnement von ${pageName}`,
    confirmLines: (pageName, expires) => [
      `Jemand, vermutlich Sie, möchte Meldungen von ${pageName} an diese Adresse erhalten.`,
      `Zum Bestätigen öffnen Sie diesen Link vor ${expires}:`,
      'Wenn Sie das nicht wollten, beachten Sie diese Nachricht nicht: Es kommt nichts weiter.',
    ],
    impact: 'Auswirkung',
    components: 'Komponenten',
    everyUpdate: 'Alle Meldungen',
    chooseWhat: 'Wählen Sie, wovon Sie hören',
    unsubscribe: 'Abbestellen',
    maintenance: 'Geplante Wartung',
    maintenanceBegins: (at) => `Die geplante Wartung beginnt am ${at}.`,
    reminder: 'Wartung beginnt bald',
    rescheduled: 'Verschoben',
    window: 'Zeitraum',
    windowCalledOff: 'Zeitraum (abgesagt)',
    windowTo: 'bis',
    details: 'Einzelheiten',
    customerContact: (customer, components) =>
      `Sie erhalten dies als Kontakt von ${customer}, das nutzt: ${components}.`,
  },
  errors: {
    unreadable: ['Das Formular war nicht lesbar', 'Gehen Sie zurück und versuchen Sie es erneut.'],
    notFound: [
      'Seite nicht gefunden',
      'Diese Seite oder dieser Link ist nicht gültig. Ein Link aus unseren E-Mails gilt, bis er benutzt wurde oder abläuft.',
    ],
    refused: [
      'Das ging nicht',
      'Gehen Sie zurück, prüfen Sie Ihre Angaben und versuchen Sie es erneut.',
    ],
    tooMany: ['Zu viele Versuche', 'Warten Sie einige Minuten und versuchen Sie es dann erneut.'],
    failed: ['Etwas ist schiefgegangen', 'Bitte versuchen Sie es später erneut.'],
    reference: ['Wenn das wieder passiert, nennen Sie uns die Kennung ', '.'],
    back: 'Zurück zur Statusseite',
  },
  advisory: {
    name: (key, title) => `Sicherheitshinweis ${key}: ${title}`,
    body: (key, cveId, url) =>
      `Wir haben den Sicherheitshinweis ${key}${cveId ? ` (${cveId})` : ''} veröffentlicht. [Lesen Sie den Hinweis](${url}), um zu erfahren, was betroffen ist und was zu tun ist.`,
    withdrawnPrefix: 'Zurückgezogen: ',
  },
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

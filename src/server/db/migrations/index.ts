// Every migration, in order. Listed statically so the set is known at build time and readiness
// can tell whether the database is current.
import type { Kysely, Migration } from 'kysely';
import type { MigrationDialect } from './column-types.ts';
import * as eventLog from './2026-11-25-0001-event-log.ts';
import * as accounts from './2026-11-25-0002-accounts.ts';
import * as policyVersions from './2026-11-25-0003-policy-versions.ts';
import * as incidents from './2026-11-25-0004-incidents.ts';
import * as reports from './2026-11-25-0005-reports.ts';
import * as deadlines from './2026-11-25-0006-deadlines.ts';
import * as delivery from './2026-11-25-0007-delivery.ts';
import * as deadlineSeverity from './2026-11-25-0008-deadline-severity-and-slack.ts';
import * as reportEmergency from './2026-11-25-0009-report-emergency.ts';
import * as statusPage from './2026-12-03-0001-status-page.ts';
import * as breaches from './2026-12-03-0002-breaches.ts';
import * as postmortems from './2026-12-03-0010-postmortems.ts';
import * as followUps from './2026-12-03-0011-follow-ups.ts';
import * as inboundMail from './2026-12-03-0020-inbound-mail.ts';
import * as breachNotices from './2026-12-03-0021-breach-notices.ts';
import * as statusDrafts from './2026-12-03-0030-status-drafts.ts';
import * as mailThreading from './2026-12-03-0031-mail-threading.ts';
import * as statusSubscribers from './2026-12-03-0045-status-subscribers.ts';
import * as mailOpenPgp from './2026-12-03-0050-mail-openpgp.ts';
import * as postmortemReview from './2026-12-03-0055-postmortem-review.ts';
import * as alerts from './2026-12-04-0080-alerts.ts';
import * as mailImap from './2026-12-04-0081-mail-imap.ts';
import * as statusMaintenance from './2026-12-04-0082-status-maintenance.ts';
import * as vulnerabilities from './2026-12-04-0083-vulnerabilities.ts';
import * as pages from './2026-12-04-0085-pages.ts';
import * as exercises from './2026-12-04-0086-exercises.ts';
import * as statusCustomers from './2026-12-04-0095-status-customers.ts';
import * as postmortemTimeline from './2026-12-04-0105-postmortem-timeline.ts';
import * as outboxSealedSecret from './2026-12-04-0106-outbox-sealed-secret.ts';
import * as statusBriefings from './2026-12-04-0107-status-briefings.ts';
import * as leases from './2026-12-04-0110-leases.ts';
import * as followUpProposals from './2026-12-04-0111-follow-up-proposals.ts';
import * as declinedProposals from './2026-12-04-0310-declined-proposals.ts';
import * as containmentHooks from './2026-12-04-0130-containment-hooks.ts';
import * as globalSequence from './2026-12-04-0150-global-sequence.ts';
import * as maintenanceCancelled from './2026-12-04-0181-maintenance-cancelled.ts';
import * as files from './2026-12-04-0280-files.ts';
import * as ntfyTopics from './2026-12-04-0360-ntfy-topics.ts';
import * as alertTriage from './2026-12-04-0151-alert-triage.ts';
import * as programmeActivities from './2026-12-04-0171-programme-activities.ts';
import * as followUpTracker from './2026-12-04-0200-follow-up-tracker.ts';
import * as exerciseReports from './2026-12-04-0240-exercise-reports.ts';
import * as calendarFeeds from './2026-12-04-0300-calendar-feeds.ts';
import * as storedObjects from './2026-12-04-0340-stored-objects.ts';
import * as trackers from './2026-12-04-0125-trackers.ts';
import * as oncallSchedules from './2026-12-04-0350-oncall-schedules.ts';
import * as changesRequested from './2026-12-04-0380-changes-requested.ts';
import * as redactions from './2026-12-05-0150-redactions.ts';
import * as phoneNumbers from './2026-12-05-0300-phone-numbers.ts';
import * as pushSubscriptions from './2026-12-05-0440-push-subscriptions.ts';
import * as standaloneFollowUps from './2026-12-06-0100-standalone-follow-ups.ts';
import * as standaloneTrackerIssues from './2026-12-06-0500-standalone-tracker-issues.ts';
import * as breachContactTombstones from './2026-12-07-0190-breach-contact-tombstones.ts';
import * as breachContactTombstoneLines from './2026-12-07-0200-breach-contact-tombstone-lines.ts';
import * as alertNoiseIndex from './2026-12-07-0210-alert-noise-index.ts';

/** Every migration can be undone (`migrateTo` in db/migrate.ts): `down` is not optional. */
interface DialectMigration {
  up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void>;
  down(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void>;
}

const MIGRATIONS: Record<string, DialectMigration> = {
  '2026-11-25-0001-event-log': eventLog,
  '2026-11-25-0002-accounts': accounts,
  '2026-11-25-0003-policy-versions': policyVersions,
  '2026-11-25-0004-incidents': incidents,
  '2026-11-25-0005-reports': reports,
  '2026-11-25-0006-deadlines': deadlines,
  '2026-11-25-0007-delivery': delivery,
  '2026-11-25-0008-deadline-severity-and-slack': deadlineSeverity,
  '2026-11-25-0009-report-emergency': reportEmergency,
  '2026-12-03-0001-status-page': statusPage,
  '2026-12-03-0002-breaches': breaches,
  '2026-12-03-0010-postmortems': postmortems,
  '2026-12-03-0011-follow-ups': followUps,
  '2026-12-03-0020-inbound-mail': inboundMail,
  '2026-12-03-0021-breach-notices': breachNotices,
  '2026-12-03-0030-status-drafts': statusDrafts,
  '2026-12-03-0031-mail-threading': mailThreading,
  '2026-12-03-0045-status-subscribers': statusSubscribers,
  '2026-12-03-0050-mail-openpgp': mailOpenPgp,
  '2026-12-03-0055-postmortem-review': postmortemReview,
  '2026-12-04-0080-alerts': alerts,
  '2026-12-04-0081-mail-imap': mailImap,
  '2026-12-04-0082-status-maintenance': statusMaintenance,
  '2026-12-04-0083-vulnerabilities': vulnerabilities,
  '2026-12-04-0085-pages': pages,
  '2026-12-04-0086-exercises': exercises,
  '2026-12-04-0095-status-customers': statusCustomers,
  '2026-12-04-0105-postmortem-timeline': postmortemTimeline,
  '2026-12-04-0106-outbox-sealed-secret': outboxSealedSecret,
  '2026-12-04-0107-status-briefings': statusBriefings,
  '2026-12-04-0110-leases': leases,
  '2026-12-04-0111-follow-up-proposals': followUpProposals,
  '2026-12-04-0130-containment-hooks': containmentHooks,
  '2026-12-04-0150-global-sequence': globalSequence,
  '2026-12-04-0151-alert-triage': alertTriage,
  '2026-12-04-0171-programme-activities': programmeActivities,
  '2026-12-04-0125-trackers': trackers,
  '2026-12-04-0181-maintenance-cancelled': maintenanceCancelled,
  '2026-12-04-0200-follow-up-tracker': followUpTracker,
  '2026-12-04-0280-files': files,
  '2026-12-04-0240-exercise-reports': exerciseReports,
  '2026-12-04-0300-calendar-feeds': calendarFeeds,
  '2026-12-04-0310-declined-proposals': declinedProposals,
  '2026-12-04-0350-oncall-schedules': oncallSchedules,
  '2026-12-04-0360-ntfy-topics': ntfyTopics,
  '2026-12-04-0340-stored-objects': storedObjects,
  '2026-12-04-0380-changes-requested': changesRequested,
  '2026-12-05-0150-redactions': redactions,
  '2026-12-05-0300-phone-numbers': phoneNumbers,
  '2026-12-05-0440-push-subscriptions': pushSubscriptions,
  '2026-12-06-0100-standalone-follow-ups': standaloneFollowUps,
  '2026-12-06-0500-standalone-tracker-issues': standaloneTrackerIssues,
  '2026-12-07-0190-breach-contact-tombstones': breachContactTombstones,
  '2026-12-07-0200-breach-contact-tombstone-lines': breachContactTombstoneLines,
  '2026-12-07-0210-alert-noise-index': alertNoiseIndex,
};

export const MIGRATION_NAMES = Object.keys(MIGRATIONS).sort();

export function migrationsFor(dialect: MigrationDialect): Record<string, Migration> {
  return Object.fromEntries(
    Object.entries(MIGRATIONS).map(([name, m]) => [
      name,
      { up: (db) => m.up(db, dialect), down: (db) => m.down(db, dialect) },
    ]),
  );
}

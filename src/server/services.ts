// The subjects, as the entry points (http, cli, workers) are handed them: each built by its
// index.ts's createXModule in container.ts. Types only, so http/ can name what a route needs
// without importing the composition root.
import type { AccountsModule } from './domain/accounts/index.ts';
import type { AlertsModule } from './domain/alerts/index.ts';
import type { AuditModule } from './domain/audit/index.ts';
import type { BreachModule } from './domain/breach/index.ts';
import type { CalendarModule } from './domain/calendar/index.ts';
import type { ClocksModule } from './domain/clocks/index.ts';
import type { ContinuityModule } from './domain/continuity/index.ts';
import type { DisclosureModule } from './domain/disclosure/index.ts';
import type { IncidentsModule } from './domain/incidents/index.ts';
import type { LearningModule } from './domain/learning/index.ts';
import type { LiveModule } from './domain/live/index.ts';
import type { MailModule } from './domain/mail/index.ts';
import type { NotificationsModule } from './domain/notifications/index.ts';
import type { OnCallModule } from './domain/oncall/index.ts';
import type { PolicyModule } from './domain/policy/index.ts';
import type { ReportsModule } from './domain/reports/index.ts';
import type { StatusModule } from './domain/status/index.ts';
import type { TrackersModule } from './domain/trackers/index.ts';

/** Every subject, each built by its index.ts's createXModule from the ports it declares. */
export interface Services {
  /** The policy in force and its history. */
  policy: PolicyModule;
  /** The audit trail: written in each use case's transaction, read by admins. */
  audit: AuditModule;
  /** Staff, sessions, API tokens, the second factor, roles. */
  accounts: AccountsModule;
  /** Staff preferences, webhook endpoints, the outbox for admins. */
  notifications: NotificationsModule;
  /** On-call schedules: rotations, overrides, who is on call now. */
  oncall: OnCallModule;
  incidents: IncidentsModule;
  /** Private intake of security reports: form, API, portal, staff triage. */
  reports: ReportsModule;
  /** The policy's time limits as live deadlines, fired by the scheduler. */
  clocks: ClocksModule;
  /** Notices of what changed, for the live stream (replay after a reconnect). */
  live: LiveModule;
  /** The public status page: components, public incidents and their updates. */
  status: StatusModule;
  /** Personal-data breach records and the regulator clocks of the policy's regimes. */
  breach: BreachModule;
  /** Post-mortems from the policy's template, their review and approval. */
  learning: LearningModule;
  /** A person's iCalendar feed of what is due (deadlines, follow-ups, the schedule). */
  calendar: CalendarModule;
  /** Security reports by e-mail: inbound messages stored raw, authenticated, filed as reports. */
  mail: MailModule;
  /** Monitoring alerts: the sources that send them, the alerts, and what the policy routes. */
  alerts: AlertsModule;
  /** Coordinated disclosure: vulnerabilities, their embargo, advisory and credit. */
  disclosure: DisclosureModule;
  /** Development trackers: connections, the issues incidents are handed to, their state. */
  trackers: TrackersModule;
  /** The offline copy of the policy, its runbooks and the on-call contact tree. */
  continuity: ContinuityModule;
}

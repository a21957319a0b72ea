// The background work of one instance, built in one place: the scheduler fires deadlines, the
// outbox worker delivers notices, the live feed fans committed changes out to open streams (and
// wakes the outbox worker), housekeeping sweeps expired credentials, breach contact lists and
// reporters' personal data past retention. `serve` starts them once the
// server listens and stops them after the last request; tests drive them directly (tick,
// deliverDue, subscribe) without starting the loops. The inbound SMTP listener (when
// STOPLINE_SMTP_IN_PORT is set) starts with `listen`; the IMAP poller (when STOPLINE_IMAP_HOST is
// set) with `start`.
import { join } from 'node:path';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db, Dialect } from '../db/schema.ts';
import type { AccountsModule } from '../domain/accounts/index.ts';
import type { BreachModule } from '../domain/breach/index.ts';
import type { ClocksModule } from '../domain/clocks/index.ts';
import { systemActor } from '../domain/actor.ts';
import { refreshOfflineCopy, type ContinuityModule } from '../domain/continuity/index.ts';
import type { DisclosureModule } from '../domain/disclosure/index.ts';
import type { IncidentsModule } from '../domain/incidents/index.ts';
import type { LiveModule } from '../domain/live/index.ts';
import type { MailModule } from '../domain/mail/index.ts';
import type { ReportsModule } from '../domain/reports/index.ts';
import { ImapPoller } from '../integrations/imap-poller.ts';
import type { StatusModule } from '../domain/status/index.ts';
import type { TrackersModule } from '../domain/trackers/index.ts';
import { SmtpListener } from '../integrations/smtp-listener.ts';
import type { NotificationsModule } from '../domain/notifications/index.ts';
import type { HttpPoster } from '../integrations/outbound-http.ts';
import type { Mailer } from '../integrations/smtp-mailer.ts';
import type { Logger } from '../logger.ts';
import { LiveFeed } from './live-feed.ts';
import { OutboxWorker } from './outbox-worker.ts';
import { createPersonalRequests, twilioSettingsOf } from './personal-requests.ts';
import { Scheduler } from './scheduler.ts';
import { SingletonLease } from './singleton-lease.ts';

export interface WorkersPorts {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  logger: Logger;
  config: Pick<
    Config,
    | 'baseUrl'
    | 'databaseUrl'
    | 'pgSchema'
    | 'deliveryMaxAttempts'
    | 'deliveryRetrySeconds'
    | 'deliveryRetryMaxSeconds'
    | 'outboxPollSeconds'
    | 'twilioApiUrl'
    | 'twilioAccountSid'
    | 'twilioAuthToken'
    | 'twilioFrom'
    | 'smtpInPort'
    | 'smtpInHost'
    | 'smtpInMaxBytes'
    | 'smtpInTlsCert'
    | 'smtpInTlsKey'
    | 'securityEmail'
    | 'imapHost'
    | 'imapPort'
    | 'imapSecurity'
    | 'imapUser'
    | 'imapPassword'
    | 'imapMailbox'
    | 'imapAfter'
    | 'imapMoveTo'
    | 'imapPollSeconds'
    | 'dataDir'
  >;
  /** Unset when no SMTP server is configured: e-mail then waits in the outbox. */
  mailer: Mailer | null;
  http: HttpPoster;
  clocks: Pick<ClocksModule, 'claimDue' | 'fireClaimed' | 'planSchedule'>;
  live: Pick<LiveModule, 'noticesAt' | 'noticesAfter' | 'latestPosition'>;
  notifications: Pick<
    NotificationsModule,
    | 'findEndpoint'
    | 'findNtfyTopic'
    | 'findPhoneNumber'
    | 'findPushTarget'
    | 'forgetPushSubscription'
    | 'escalateDuePages'
    | 'openSealed'
  >;
  accounts: Pick<AccountsModule, 'sweepExpired'>;
  /** Containment hooks' calls: the hook, and each answer recorded on its incident. */
  incidents: Pick<IncidentsModule, 'findContainmentHookForCall' | 'recordHookAnswer'>;
  mail: Pick<
    MailModule,
    | 'receiveMessage'
    | 'checkSender'
    | 'encryptFor'
    | 'claimMailbox'
    | 'releaseMailbox'
    | 'findMailboxCursor'
    | 'advanceMailboxCursor'
    | 'sweepMailRetention'
  >;
  /** Breach contact lists past the policy's retention are deleted. */
  breach: Pick<BreachModule, 'sweepContacts'>;
  /** Reporters' contact details and files past the policy's retention are redacted. */
  reports: Pick<ReportsModule, 'sweepRetention'>;
  /** Scheduled maintenance moves at its window's edges (by the scheduler holding its lease). */
  status: Pick<StatusModule, 'runDueMaintenance' | 'runDueBriefings'>;
  /** Embargoes are released at their disclosure date (by the scheduler holding its lease). */
  disclosure: Pick<DisclosureModule, 'releaseDueEmbargoes' | 'hasDueEmbargo'>;
  /** Issues handed to development trackers (outbox) and their state read back (scheduler). */
  trackers: Pick<TrackersModule, 'deliverIssue' | 'pollDue'>;
  /** The offline copy, kept fresh in `$STOPLINE_DATA_DIR/offline/` by housekeeping. */
  continuity: Pick<ContinuityModule, 'offlineCopyAs'>;
}

/** Housekeeping runs at start and then this often, on the instance holding its lease. */
const HOUSEKEEPING_EVERY_MS = 60 * 60 * 1000;
/** Every instance beats this often; a lease not renewed for SINGLETON_LEASE_MS is taken over. */
const LEASE_HEARTBEAT_MS = 30_000;
export const SINGLETON_LEASE_MS = 90_000;

export function createWorkers(ports: WorkersPorts) {
  const { db, clock, logger, config } = ports;
  const liveFeed = new LiveFeed({
    db,
    live: ports.live,
    logger,
    postgres:
      ports.dialect === 'postgres' && config.databaseUrl
        ? { url: config.databaseUrl, schema: config.pgSchema }
        : null,
  });
  const outbox = new OutboxWorker({
    db,
    clock,
    logger,
    mailer: ports.mailer,
    http: ports.http,
    findEndpoint: ports.notifications.findEndpoint,
    personal: createPersonalRequests({
      notifications: ports.notifications,
      twilio: twilioSettingsOf(config),
      clock,
    }),
    encryptFor: (address, body) => ports.mail.encryptFor(address, body),
    openSealed: (sealed) => ports.notifications.openSealed(sealed),
    hooks: {
      find: ports.incidents.findContainmentHookForCall,
      answered: ports.incidents.recordHookAnswer,
    },
    deliverTrackerIssue: (id, body, deliveryId, last) =>
      ports.trackers.deliverIssue(id, body, deliveryId, last),
    hearCommits: (wake) => liveFeed.onOutboxCommitted(wake),
    settings: {
      maxAttempts: config.deliveryMaxAttempts,
      baseDelayMs: config.deliveryRetrySeconds * 1000,
      maxDelayMs: config.deliveryRetryMaxSeconds * 1000,
      leaseMs: 5 * 60_000,
      batchSize: 50,
      concurrency: 4,
      pollMs: config.outboxPollSeconds * 1000,
      messageIdDomain: new URL(config.baseUrl).hostname,
    },
  });
  // The singleton duties: of several instances on one database, one runs each (see
  // singleton-lease.ts). The scheduler's duties beat their lease on every tick too.
  const lease = (name: string) =>
    new SingletonLease({ db, clock, name, ttlMs: SINGLETON_LEASE_MS });
  const leases = {
    housekeeping: lease('housekeeping'),
    maintenance: lease('maintenance'),
    embargoRelease: lease('embargo-release'),
  };
  const scheduler = new Scheduler({
    deadlines: ports.clocks,
    schedule: ports.clocks,
    maintenance: {
      runDueMaintenance: async (now) =>
        (await leases.maintenance.beat()) ? ports.status.runDueMaintenance(now) : 0,
    },
    briefings: ports.status,
    pages: ports.notifications,
    embargoes: {
      release: async (now) =>
        (await leases.embargoRelease.beat())
          ? { released: await ports.disclosure.releaseDueEmbargoes(now), waiting: false }
          : { released: 0, waiting: await ports.disclosure.hasDueEmbargo(now) },
    },
    trackers: ports.trackers,
    clock,
    logger,
  });
  const smtpIn =
    config.smtpInPort !== undefined && config.securityEmail
      ? new SmtpListener({
          logger,
          receive: (raw, envelope) => ports.mail.receiveMessage(raw, envelope),
          checkSender: (sender) => ports.mail.checkSender(sender),
          settings: {
            host: config.smtpInHost,
            port: config.smtpInPort,
            maxBytes: config.smtpInMaxBytes,
            tls:
              config.smtpInTlsCert && config.smtpInTlsKey
                ? { certFile: config.smtpInTlsCert, keyFile: config.smtpInTlsKey }
                : null,
            address: config.securityEmail,
            serverName: new URL(config.baseUrl).hostname,
          },
        })
      : null;
  const imap =
    config.imapHost && config.imapUser && config.imapPassword && config.securityEmail
      ? new ImapPoller({
          logger,
          mailboxes: ports.mail,
          receive: (raw, envelope) => ports.mail.receiveMessage(raw, envelope),
          settings: {
            host: config.imapHost,
            port: config.imapPort,
            security: config.imapSecurity,
            user: config.imapUser,
            password: config.imapPassword,
            mailbox: config.imapMailbox,
            after: config.imapAfter,
            moveTo: config.imapMoveTo,
            pollMs: config.imapPollSeconds * 1000,
            leaseMs: 3 * config.imapPollSeconds * 1000,
            maxBytes: config.smtpInMaxBytes,
          },
        })
      : null;
  let housekeeping: NodeJS.Timeout[] = [];
  const housekeepingLease = leases.housekeeping;

  /** Expired sessions, sign-in flows, links and counters are deleted (see accounts), and breach
   * contact lists past their retention (see breach), by the one instance holding the lease. */
  function startHousekeeping(): NodeJS.Timeout[] {
    const sweep = () =>
      housekeepingLease
        .runIfHeld(async () => {
          const removed = await ports.accounts.sweepExpired();
          logger.info({ removed }, 'housekeeping: expired credentials removed');
          const people = await ports.breach.sweepContacts();
          logger.info({ people }, 'housekeeping: breach contact lists past retention removed');
          const redacted = await ports.reports.sweepRetention();
          logger.info(redacted, 'housekeeping: personal data past retention redacted');
          const mail = await ports.mail.sweepMailRetention();
          logger.info(mail, 'housekeeping: e-mail as received past retention redacted');
          const copy = await ports.continuity.offlineCopyAs(systemActor);
          const folder = join(config.dataDir, 'offline');
          if (refreshOfflineCopy(folder, copy) === 'written')
            logger.info({ folder, etag: copy.etag }, 'housekeeping: offline copy written');
        })
        .catch((error: unknown) => logger.error({ err: error }, 'housekeeping failed'));
    const heartbeat = () =>
      Promise.all(
        Object.values(leases).map((held) =>
          held
            .beat()
            .catch((error: unknown) =>
              logger.error({ err: error, lease: held.name }, 'lease heartbeat failed'),
            ),
        ),
      );
    void sweep();
    const timers = [
      setInterval(() => void sweep(), HOUSEKEEPING_EVERY_MS),
      setInterval(() => void heartbeat(), LEASE_HEARTBEAT_MS),
    ];
    for (const timer of timers) timer.unref();
    return timers;
  }

  /** Stops the loops; each finishes the round it is in. */
  async function stop(): Promise<void> {
    for (const timer of housekeeping) clearInterval(timer);
    housekeeping = [];
    await smtpIn?.close();
    await imap?.stop();
    await outbox.stop();
    await scheduler.stop();
    // Every lease this instance holds (a test's tick takes them too) goes at once to another.
    for (const held of Object.values(leases))
      await held
        .release()
        .catch((error: unknown) =>
          logger.warn({ err: error, lease: held.name }, 'lease not released'),
        );
  }

  return {
    /** This instance's fan-out of committed changes to its open streams. */
    liveFeed,
    /** Delivers the outbox; tests call deliverDue(now). */
    outbox,
    /** Fires due deadlines and moves scheduled maintenance; tests call tick(now). */
    scheduler,
    /** The inbound SMTP listener, or null when STOPLINE_SMTP_IN_PORT is unset. */
    smtpIn,
    /** The IMAP poller, or null when STOPLINE_IMAP_HOST is unset; tests call pollOnce(). */
    imap,
    /** Who runs housekeeping among the instances: tests call beat() with a fake clock. */
    housekeepingLease,
    /** Who moves scheduled maintenance and who releases embargoes among the instances. */
    maintenanceLease: leases.maintenance,
    embargoReleaseLease: leases.embargoRelease,
    /** `serve`, before the workers start: the inbound SMTP listener, when configured. */
    async listen(): Promise<void> {
      await smtpIn?.listen();
    },
    /** `serve`, once the server listens: deliver, fire deadlines, read the mailbox, sweep hourly. */
    start(): void {
      outbox.start();
      scheduler.start();
      imap?.start();
      if (housekeeping.length === 0) housekeeping = startHousekeeping();
    },
    stop,
    /** Stops the loops and lets go of the LISTEN connection and the mail and HTTP clients. */
    async close(): Promise<void> {
      await stop();
      await liveFeed.close();
      await outbox.close();
    },
  };
}

export type Workers = ReturnType<typeof createWorkers>;

import { createHash } from 'node:crypto';
// Composition root: builds the database, clock and services from the configuration. Tests pass
// overrides (a fake clock) instead of branching inside src/.
import { createHmac } from 'node:crypto';
import { promises as dnsPromises } from 'node:dns';
import { hostname } from 'node:os';
import type { KyselyPlugin } from 'kysely';
import type { Config } from './config.ts';
import { canonicalJson } from './db/hash-chain.ts';
import { systemClock, type Clock } from './clock.ts';
import { createDatabase, type DatabaseHandle } from './db/database.ts';
import {
  createAccountsModule,
  createSecretBox,
  permissionsForRoles,
  recordAudit,
  type OidcProvider,
} from './domain/accounts/index.ts';
import { createAuditModule } from './domain/audit/index.ts';
import { migrateToLatest, migrationAppliedAt } from './db/migrate.ts';
import { loadSecretKey } from './secret-key.ts';
import type { Db, Dialect } from './db/schema.ts';
import { createOidcClient } from './integrations/oidc-client.ts';
import { AppError } from './errors.ts';
import { createLogger, type Logger } from './logger.ts';
import { createPolicyModule, loadPolicyFile, type PolicyInForce } from './domain/policy/index.ts';
import {
  createIncidentsModule,
  createIncidentsReader,
  type IncidentsPorts,
} from './domain/incidents/index.ts';
import { createAdvisoryEntries, createStatusModule } from './domain/status/index.ts';
import { systemActor, type Actor } from './domain/actor.ts';
import { createBreachModule, createBreachReader } from './domain/breach/index.ts';
import {
  createLearningModule,
  createPostmortemRequirement,
  createFollowUpRecord,
  createProgrammeRecord,
} from './domain/learning/index.ts';
import { createClocksModule, createClocksPlanner } from './domain/clocks/index.ts';
import { createCalendarModule } from './domain/calendar/index.ts';
import { createDisclosureModule } from './domain/disclosure/index.ts';
import { createNotificationsModule } from './domain/notifications/index.ts';
import { createOnCallModule } from './domain/oncall/index.ts';
import { createContinuityModule } from './domain/continuity/index.ts';
import { createSmtpMailer, type Mailer } from './integrations/smtp-mailer.ts';
import { createHttpPoster, type HttpPoster } from './integrations/outbound-http.ts';
import {
  checkPushServiceUrl,
  checkReceiverUrl,
  parseAllowList,
} from './integrations/outbound-address.ts';
import { createWorkers, type Workers } from './workers/index.ts';
import type { Services } from './services.ts';
import { createLiveModule } from './domain/live/index.ts';
import { createFileStore, s3SettingsOf } from './db/file-store.ts';
import { createReportLinks, createReportsModule } from './domain/reports/index.ts';
import { createMailModule, createMailThreads, createReporterKeys } from './domain/mail/index.ts';
import { createAlertsModule } from './domain/alerts/index.ts';
import { createHandOffs, createTrackersModule } from './domain/trackers/index.ts';
import { createTrackerHttp } from './integrations/tracker-http.ts';
import { createMailAuthenticator, type DNSResolver } from './integrations/mail-authentication.ts';
import { createOpenPgp } from './integrations/openpgp.ts';

/** The migration that created the status page's tables: the page exists since it ran. */
const STATUS_PAGE_MIGRATION = '2026-12-03-0001-status-page';

export interface Container {
  config: Config;
  db: Db;
  dialect: Dialect;
  clock: Clock;
  logger: Logger;
  /** The policy in force (STOPLINE_POLICY, default policies/default.yaml). */
  policy: PolicyInForce;
  services: Services;
  /** The scheduler, the outbox worker, the live feed, housekeeping: `serve` starts them. */
  workers: Workers;
  close(): Promise<void>;
}

export interface ContainerOverrides {
  clock?: Clock;
  /** Stand-in for the OpenID Connect provider. */
  oidc?: OidcProvider | null;
  logger?: Logger;
  /**
   * Apply pending migrations while starting (default true). With false the database must already
   * be current: start-up still records the policy in force in policy_versions.
   */
  migrate?: boolean;
  /** A policy other than the configured file (tests of custom policies). */
  policy?: PolicyInForce;
  /** Who automatic owner assignment may pick (tests; accounts provides it otherwise). */
  findAvailableResponders?: () => Promise<{ id: string }[]>;
  /**
   * Who is on the staff for an incident's seats (tests that act as people without accounts;
   * accounts provides it otherwise).
   */
  incidentStaff?: IncidentsPorts['staff'];
  /** E-mail sender in place of SMTP from the configuration (null: no e-mail). */
  mailer?: Mailer | null;
  /** HTTP client for webhooks, Slack and chat. */
  http?: HttpPoster;
  /** DNS for SPF, DKIM and DMARC of inbound mail (tests publish their own records). */
  dnsResolver?: DNSResolver;
  /** Kysely plugins on every query (bench/incident-statements.ts counts statements with one). */
  databasePlugins?: KyselyPlugin[];
}

/**
 * Opens the database and builds every subject and worker on it. Whatever fails after the database
 * is open (migrations, the policy record, sealing secrets) closes it again before the error
 * leaves, so a failed start holds no connection.
 */
export async function createContainer(
  config: Config,
  overrides: ContainerOverrides = {},
): Promise<Container> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const policy = overrides.policy ?? loadPolicyFile(config.policyFile);
  const clock = overrides.clock ?? systemClock;
  // Before the database opens: an unreadable key stops the start with nothing to close.
  const secretKey = loadSecretKey(config);
  const secretBox = createSecretBox(secretKey);
  const handle: DatabaseHandle = await createDatabase(config, overrides.databasePlugins);
  try {
    return await assemble(config, overrides, {
      logger,
      policy,
      clock,
      secretBox,
      secretKey,
      handle,
    });
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function assemble(
  config: Config,
  overrides: ContainerOverrides,
  base: {
    logger: Logger;
    policy: PolicyInForce;
    clock: Clock;
    secretBox: ReturnType<typeof createSecretBox>;
    secretKey: string | Buffer;
    handle: DatabaseHandle;
  },
): Promise<Container> {
  const { logger, policy, clock, secretBox, secretKey, handle } = base;
  const { db, dialect } = handle;
  if (overrides.migrate ?? true) {
    const { applied } = await migrateToLatest(db, dialect, config.pgSchema);
    if (applied.length > 0) logger.info({ applied }, 'database migrations applied');
  }
  const policyModule = createPolicyModule({ db, clock, policy });
  // Attachments and raw mail: the database or the bucket (every instance serves every file), or
  // the data folder.
  const files = createFileStore(config.fileStore, {
    db,
    clock,
    dataDir: config.dataDir,
    s3: s3SettingsOf(config),
  });
  // The history must hold every policy an incident can be handled under, so record it before
  // anything can use it.
  const version = await policyModule.recordInForce();
  logger.info(
    { policy: version.name, revision: version.revision, hash: version.hash, path: policy.path },
    'policy in force',
  );
  const audit = createAuditModule({ db, clock });
  const accounts = createAccountsModule({
    db,
    clock,
    config,
    secretBox,
    oidc: overrides.oidc ?? oidcFrom(config),
  });
  const outboundAllow = parseAllowList(config.outboundAllow);
  // Who is on call: asked by notifications (the policy's `on_call` among the roles it names: a new
  // report, pages), the clocks (a level of escalation) and incidents (the automatic owner).
  const oncall = createOnCallModule({
    db,
    clock,
    policy: () => policy.policy.notices.onCall,
    staff: { listActive: (tx) => accounts.users.listActive(tx) },
  });
  const incidentsReader = createIncidentsReader({ db });
  const notifications = createNotificationsModule({
    db,
    clock,
    baseUrl: config.baseUrl,
    statusLanguage: config.statusLanguage,
    checkReceiverUrl: (url) => checkReceiverUrl(url, outboundAllow),
    secretBox,
    staff: { listActive: (tx) => accounts.users.listActive(tx) },
    escalation: () => policy.policy.notices.escalation,
    // 256 bits from the server key per page and person: unguessable, never stored.
    ackTokens: {
      tokenFor: (pageId, userId) =>
        createHmac('sha256', secretKey).update(`page-ack:${pageId}:${userId}`).digest('base64url'),
    },
    // The exercise gate: the incidents' reader needs only the database, so it comes first.
    exercises: { find: incidentsReader.findExercise },
    onCall: { listOnCallIds: oncall.listOnCallIds },
    checkPushEndpoint: (url) => checkPushServiceUrl(url, outboundAllow),
    pushContact: pushContactOf(config),
  });
  // Web Push's VAPID key pair: made at the first start, the same for every instance after it.
  await notifications.preparePushKeys();
  const sealed = await notifications.sealPlainSecrets();
  if (sealed > 0) logger.info({ sealed }, 'webhook signing secrets sealed with the server key');

  // The clocks plan incidents' and reports' deadlines inside their transactions; the rest of the
  // clocks (firing, lists, visibility) reads incidents and reports, so it is built after them.
  // A schedule item's deadline steps go on its stream (learning); that part needs nothing else.
  const programmeRecord = createProgrammeRecord();
  // A stand-alone follow-up's due clock steps go on its own stream (learning), named by its title.
  const followUpRecord = createFollowUpRecord();
  const planner = createClocksPlanner({ policy: () => policy.policy, programme: programmeRecord });
  // The reports own the incident–report link; its records need only the clocks' planner, so they
  // come before incidents, and the rest of the reports (which read incidents) after them.
  const reportLinks = createReportLinks({
    clock,
    clocks: planner,
    notices: { tellReporter: notifications.tellReporter },
  });
  // Whether an incident needs a post-mortem before it closes (and its draft clock), asked in the
  // incidents' transactions: it needs only the clocks' planner and the breach records' reader.
  const breachReader = createBreachReader();
  const postmortemRequirement = createPostmortemRequirement({
    breaches: breachReader,
    clocks: planner,
  });
  // The hand-off to development trackers is enqueued in the incidents' transactions; it needs
  // only the database, so it comes before incidents, and the rest of the trackers after them.
  const handOffs = createHandOffs({ db, clock, sealer: secretBox, baseUrl: config.baseUrl });
  const incidentsModule = createIncidentsModule({
    clocks: { afterChange: planner.afterIncidentChange },
    db,
    clock,
    policy,
    findPolicyText: (hash) =>
      policyModule.getVersion(hash).then(
        (found) => found.text,
        (error: unknown) => {
          if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
          throw error;
        },
      ),
    findAvailableResponders:
      overrides.findAvailableResponders ??
      (() => accounts.users.listActive(db, { role: 'responder', availableAt: clock.now() })),
    // The automatic owner is whoever is on call, when the policy says so and they are available.
    onCall: { listOnCallIds: oncall.listOnCallIds },
    // The report side of the links: the reports' link records, built before incidents.
    reports: reportLinks,
    // Every notice to a person or a channel goes through notifications (the only outbox writer).
    notices: {
      tellLineStopped: notifications.tellLineStopped,
      tellStaff: notifications.tellStaff,
      tellIncidentResolved: notifications.tellIncidentResolved,
    },
    postmortems: postmortemRequirement,
    handOffs,
    // Who is on the staff, with what their roles give: each seat on an incident needs its part.
    staff: overrides.incidentStaff ?? {
      listActive: async (tx) =>
        (await accounts.users.listActive(tx)).map((u) => ({
          id: u.id,
          displayName: u.displayName,
          permissions: permissionsForRoles(u.roles),
        })),
    },
    // Containment hooks: secrets sealed as webhook secrets are, calls sent through the outbox.
    containmentHooks: {
      sealer: secretBox,
      checkUrl: (url) => checkReceiverUrl(url, outboundAllow),
      calls: { enqueueHookCall: notifications.enqueueHookCall },
    },
  });
  // 128 bits from the server key: unguessable, the same on every instance, never stored.
  const mailTokens = {
    tokenFor: (reportId: string) =>
      createHmac('sha256', secretKey).update(`mail-reply:${reportId}`).digest('hex').slice(0, 32),
    codeFor: (reportId: string) =>
      createHmac('sha256', secretKey)
        .update(`mail-message-id:${reportId}`)
        .digest('hex')
        .slice(0, 32),
  };
  // The threading of mail to reporters (mail subject), built before reports, which send by it.
  const mailThreads = createMailThreads({
    address: config.securityEmail ?? null,
    encryption: config.mailEncryption,
    domain: new URL(config.baseUrl).hostname,
    replyTokens: mailTokens,
  });
  const mailPgp = createOpenPgp();
  // A reporter's key from the form is kept by the mail subject (built before reports).
  const reporterKeys = createReporterKeys({ pgp: mailPgp });
  // A tombstone's record of what it removed: keyed, so a guess cannot confirm an address.
  const redactionHash = (removed: unknown) =>
    createHmac('sha256', secretKey)
      .update(`redaction:${canonicalJson(removed)}`)
      .digest('hex');
  const reports = createReportsModule({
    db,
    clock,
    recordAudit,
    openIncident: (tx, actor, report) => incidentsModule.openFromReport(tx, actor, report),
    policy: () => policy.policy,
    clocks: planner,
    // Need-to-know: a report linked to an incident follows the incident's visibility.
    incidents: {
      findSight: (tx, actor, ref) => incidentsModule.findIncidentSight(tx, actor, ref),
      listHiddenIds: (tx, actor) => incidentsModule.listHiddenIncidentIds(actor, tx),
      linkReport: async (actor, incidentId, reportId) => {
        await incidentsModule.linkReports(actor, incidentId, undefined, [reportId]);
      },
      unlinkReport: async (actor, incidentId, reportId) => {
        await incidentsModule.unlinkReports(actor, incidentId, undefined, [reportId]);
      },
    },
    notices: {
      tellReporter: notifications.tellReporter,
      mailReporterMessage: notifications.mailReporterMessage,
      sendReportReceipt: notifications.sendReportReceipt,
      tellStaff: notifications.tellStaff,
      forgetMessagesTo: notifications.forgetMessagesTo,
    },
    // A report that came by e-mail is answered by e-mail, threaded by the mail subject.
    mail: {
      threadingFor: mailThreads.threadingFor,
      keepReporterKey: reporterKeys.keepReporterKey,
      keepPortalKey: reporterKeys.keepPortalKey,
    },
    dataDir: config.dataDir,
    files,
    redactionHash,
    settings: {
      baseUrl: config.baseUrl,
      attachmentMaxBytes: config.attachmentMaxBytes,
      attachmentMaxCount: config.attachmentMaxCount,
      intakeRateLimit: config.intakeRateLimit,
    },
  });
  // Status subscribers hear of published updates through notifications, the one writer of the
  // outbox; their manage and unsubscribe token is 256 bits from the server key: unguessable, the
  // same on every instance, never stored.
  const statusNotices = {
    confirmSubscription: notifications.confirmSubscription,
    tellStatusSubscribers: notifications.tellStatusSubscribers,
    tellMaintenanceSubscribers: notifications.tellMaintenanceSubscribers,
    tellCustomer: notifications.tellCustomer,
    briefStakeholders: notifications.tellStaff,
  };
  const subscriberTokens = {
    tokenFor: (id: string) =>
      createHmac('sha256', secretKey).update(`status-subscriber:${id}`).digest('base64url'),
  };
  // The part of the status page disclosure needs (an advisory's entry), built before disclosure.
  const advisoryEntries = createAdvisoryEntries({
    pageName: config.statusPageName,
    language: config.statusLanguage,
    notices: statusNotices,
    subscriberTokens,
  });
  // Disclosure needs incidents, reports and the clocks' planner; the clocks' firing names and
  // records on its vulnerabilities, so it comes before the clocks module.
  const disclosure = createDisclosureModule({
    db,
    clock,
    publisher: {
      name: config.advisoryPublisher ?? new URL(config.baseUrl).hostname,
      baseUrl: config.baseUrl,
      cveOrgId: config.cveOrgId ?? null,
    },
    maxEmbargo: () => policy.policy.disclosure.maxEmbargo,
    reporterReview: () => policy.policy.disclosure.reporterReview,
    ownerGone: () => policy.policy.disclosure.ownerGone,
    // Its disclosure deadlines are planned in its own transactions, as incidents' are.
    clocks: { afterVulnerabilityChange: planner.afterVulnerabilityChange },
    // A published advisory has its entry on the public status page, made in the same transaction.
    statusPage: advisoryEntries,
    // Its owner (an active member of staff, with the roles they have now) hears what a reporter
    // did in the portal, through the one notice path.
    staff: {
      findActive: async (tx, userId) => {
        const found = (await accounts.users.listActive(tx, {}, { rolesNow: true })).find(
          (u) => u.id === userId,
        );
        if (!found) return null;
        const actor: Actor = {
          kind: 'user',
          userId: found.id,
          roles: found.roles,
          permissions: permissionsForRoles(found.roles),
        };
        return actor;
      },
      tellStaff: notifications.tellStaff,
    },
    // Reporters hear of their vulnerability's news as of other results: verified-identity rule.
    reporters: {
      tell: (tx, ids, news) =>
        reportLinks.tellReporters(tx, ids, news, {
          verifiedOnly: policy.policy.reporters.verifyIdentityBeforeSharingResults,
        }),
    },
    // A vulnerability follows the visibility of the incidents and reports it is linked to.
    incidents: {
      findSight: (tx, actor, ref) => incidentsModule.findIncidentSight(tx, actor, ref),
      listHiddenIds: (tx, actor) => incidentsModule.listHiddenIncidentIds(actor, tx),
    },
    reports: {
      resolveRefs: (tx, actor, refs) =>
        reportLinks.resolveRefs(tx, actor, refs, {
          findSight: (ex, who, ref) => incidentsModule.findIncidentSight(ex, who, ref),
        }),
      findKeys: (tx, ids) => reportLinks.findKeys(tx, ids),
      findCreditChoices: (tx, ids) => reportLinks.findCreditChoices(tx, ids),
      findFirstReceivedAt: (tx, ids) => reportLinks.findFirstReceivedAt(tx, ids),
      listHiddenIds: (actor) => reports.listHiddenReportIds(actor),
    },
  });
  const clocks = createClocksModule({
    db,
    dialect,
    clock,
    policy: () => policy.policy,
    // With the roles each person acts with now: a notice names only what they may see.
    listUsers: async (tx, role) =>
      (
        await accounts.users.listActive(tx, role === undefined ? {} : { role }, { rolesNow: true })
      ).map((u) => ({ id: u.id, email: u.email, roles: u.roles })),
    baseUrl: config.baseUrl,
    incidents: {
      findVisible: async (actor, ref) => (await incidentsModule.getIncident(actor, ref)).incident,
      findPolicy: (id) => incidentsModule.findIncidentPolicy(id),
      listHiddenIds: (actor) => incidentsModule.listHiddenIncidentIds(actor),
      findNoticeHeadline: (tx, id, reader) => incidentsModule.findNoticeHeadline(tx, id, reader),
      listRoleHolderIds: (tx, id, role) => incidentsModule.listRoleHolderIds(tx, id, role),
      recordClockEvents: (tx, id, events, at) =>
        incidentsModule.recordClockEvents(tx, id, events, at),
      findKeys: (ids) => incidentsModule.findKeys(ids),
      listExerciseIds: () => incidentsReader.listExerciseIds(),
    },
    programme: programmeRecord,
    followUps: followUpRecord,
    // A report's deadlines are seen by those who may see the report.
    reports: {
      assertVisible: (actor, reportId) => reports.assertReportVisible(actor, reportId),
      listHiddenIds: (actor) => reports.listHiddenReportIds(actor),
      findNoticeHeadline: (tx, id, reader) => reports.findNoticeHeadline(tx, id, reader),
      recordClockEvents: (tx, id, events, at) => reports.recordClockEvents(tx, id, events, at),
      findKeys: (ids) => reports.findKeys(ids),
    },
    // A vulnerability's disclosure deadlines are seen by those who may see it.
    vulnerabilities: {
      assertVisible: (actor, id) => disclosure.assertVisible(actor, id),
      listHiddenIds: (actor) => disclosure.listHiddenIds(actor),
      findNoticeHeadline: (tx, id, reader) => disclosure.findNoticeHeadline(tx, id, reader),
      recordClockEvents: (tx, id, events, at) => disclosure.recordClockEvents(tx, id, events, at),
      findKeys: (ids) => disclosure.findKeys(ids),
    },
    // Reminders and escalations through the one notice path (and its exercise gate).
    notices: {
      tellPerson: notifications.tellPerson,
      tellDeadlineStep: notifications.tellDeadlineStep,
    },
    // The ladder's level `on_call`: whoever is on call when the step fires.
    onCall: { listOnCallIds: oncall.listOnCallIds },
  });
  const status = createStatusModule({
    db,
    clock,
    pageName: config.statusPageName,
    notices: statusNotices,
    subscriberTokens,
    // The page exists since its tables do: what a page nothing was ever recorded on was updated.
    pageCreatedAt: async () =>
      (await migrationAppliedAt(db, dialect, STATUS_PAGE_MIGRATION, config.pgSchema)) ??
      clock.now(),
    policy: () => policy.policy,
    // Staff see a public incident's link to an internal one only where they may see that one.
    // Briefings read the open incidents, and name each to a stakeholder as they may see it.
    incidents: {
      findSight: (tx, actor, ref) => incidentsModule.findIncidentSight(tx, actor, ref),
      listOpen: async () =>
        (await incidentsModule.listIncidents(systemActor, { open: true, limit: 1000, offset: 0 }))
          .items,
      findHeadline: (tx, id, reader) => incidentsModule.findNoticeHeadline(tx, id, reader),
    },
    // A published update is a notice to the customers of the internal incident it speaks for.
    clocks: { customerNoticePublished: clocks.customerNoticePublished },
    // An approved post-incident report records the incident's final-report step, when not yet.
    finalReports: {
      published: async (id, markdown) => {
        const { incident } = await incidentsModule.getIncident(systemActor, id);
        if (incident.closedAt !== null) return;
        if (incident.milestones.includes('final_report_step_recorded')) return;
        const sha256 = createHash('sha256').update(markdown).digest('hex');
        await incidentsModule.recordMilestone(
          systemActor,
          id,
          undefined,
          'final_report_step_recorded',
          `External final report approved on the status page (SHA-256 ${sha256})`,
        );
      },
    },
    // The stakeholder list holds active members of staff.
    staff: { listActive: (tx) => accounts.users.listActive(tx) },
  });
  const breach = createBreachModule({
    db,
    clock,
    policy: () => policy.policy,
    // Breach records follow their incident's visibility.
    incidents: {
      findSight: (tx, actor, ref) => incidentsModule.findIncidentSight(tx, actor, ref),
      listHiddenIds: (tx, actor) => incidentsModule.listHiddenIncidentIds(actor, tx),
      findKeys: (tx, ids) => incidentsModule.findKeys(ids, tx),
      recordDecision: (tx, id, decision, actorId, at) =>
        incidentsModule.recordOutsideDecision(tx, id, decision, actorId, at),
    },
    // The stages that have started are the incident's deadlines: reminders, escalation, dashboard.
    clocks: { setBreachStages: clocks.setBreachStages },
    // The legal role hears of a suspected breach through notifications (the only outbox writer).
    notices: { tellLegal: notifications.tellLegal },
    // Notices to the people affected are e-mailed by notifications' outbox, after their approval.
    mail: {
      tellAffectedPeople: notifications.tellAffectedPeople,
      findDeliveries: notifications.findDeliveries,
      forgetDeliveries: notifications.forgetDeliveries,
      forgetMessages: notifications.forgetMessages,
    },
    redactionHash,
  });
  const live = createLiveModule({
    db,
    subjects: {
      incidentAudiences: (ids) => incidentsModule.findAudiences(ids),
      reportLinks: (ids) => reports.findLinks(ids),
      breachIncidents: (ids) => breach.findIncidentIds(ids),
    },
  });
  const learning = createLearningModule({
    db,
    clock,
    policy: () => policy,
    // A post-mortem is seen by those who may see its incident (restricted ones stay restricted).
    incidents: {
      findSight: (tx, actor, ref) => incidentsModule.findIncidentSight(tx, actor, ref),
      listHiddenIds: (tx, actor) => incidentsModule.listHiddenIncidentIds(actor, tx),
      findCase: (tx, id) => incidentsModule.findPostmortemCase(tx, id),
      findHandOffSight: (tx, id) => incidentsModule.findHandOffSight(tx, id),
      findPolicy: (id) => incidentsModule.findIncidentPolicy(id),
      // The timeline reads the record as the caller may (the incident's own read).
      listRecord: async (actor, id, types) =>
        (await incidentsModule.timeline(actor, id, { limit: 10_000, types: [...types] })).items,
      listRecords: (actor, ids, types) => incidentsModule.listRecords(actor, ids, types, 10_000),
      findReportIncident: async (actor, id) =>
        (await incidentsModule.getIncident(actor, id)).incident,
      // Publishing the external report is the policy's final-report step (meets its clock).
      recordFinalReportStep: async (actor, id, note) => {
        await incidentsModule.recordMilestone(
          actor,
          id,
          undefined,
          'final_report_step_recorded',
          note,
        );
      },
    },
    requirement: postmortemRequirement,
    // The final reports say what the law requires when personal data was breached.
    breaches: breachReader,
    // A new follow-up goes to the trackers that take follow-ups (enqueued in its transaction).
    trackers: {
      followUpAdded: handOffs.followUpAdded,
      standaloneFollowUpAdded: handOffs.standaloneFollowUpAdded,
    },
    // The external final report is posted as the status page's post-incident report.
    statusPage: { postFinalReport: status.postFinalReport },
    // Sending the draft to review (or skipping it) meets its clock.
    // Follow-ups are deadlines too: reminders to their owners, escalation when overdue.
    clocks: {
      postmortemDraftIn: clocks.postmortemDraftIn,
      startFollowUpDue: clocks.startFollowUpDue,
      followUpClosed: clocks.followUpClosed,
      // Recording a review, training or test meets its period of the policy's schedule.
      scheduleHeld: clocks.scheduleHeld,
      listSchedule: clocks.listSchedule,
    },
    // A follow-up is owned by an active member of staff.
    staff: {
      isActive: async (tx, userId) =>
        (await accounts.users.listActive(tx)).some((u) => u.id === userId),
      listNames: async () =>
        new Map((await accounts.users.listActive()).map((u) => [u.id, u.displayName])),
    },
  });
  // A person's iCalendar feed: what they may see of the deadlines, follow-ups and the schedule.
  const calendar = createCalendarModule({
    clock,
    baseUrl: config.baseUrl,
    feeds: accounts.calendarFeeds,
    deadlines: { listForCalendar: clocks.listForCalendar },
    learning: {
      listFollowUps: (actor, filter) => learning.listFollowUps(actor, filter),
      listSchedule: async (actor) => (await learning.programme.view(actor)).items,
    },
    listExerciseIds: () => incidentsReader.listExerciseIds(),
  });
  const mail = createMailModule({
    db,
    clock,
    files,
    pgp: mailPgp,
    sealer: secretBox,
    authenticator: createMailAuthenticator({
      resolver:
        overrides.dnsResolver ??
        ((domain, rrtype) => dnsPromises.resolve(domain, rrtype) as Promise<string[][] | string[]>),
      mta: new URL(config.baseUrl).hostname || hostname(),
    }),
    // A new message becomes a report through the reports subject's own use case.
    reports: {
      submitMailedReport: (input) => reports.submitMailedReport(input),
      addMailedReply: (input) => reports.addMailedReply(input),
      findReportRef: (actor, key) => reports.findReportRef(actor, key),
      recordRawMailRead: (actor, key) => reports.recordRawMailRead(actor, key),
    },
    limits: {
      attachmentMaxBytes: config.attachmentMaxBytes,
      attachmentMaxCount: config.attachmentMaxCount,
      senderPerHour: config.smtpInSenderLimit,
    },
    address: config.securityEmail ?? null,
    replyTokens: mailTokens,
    threads: mailThreads,
    encryption: config.mailEncryption,
    // A message refused for coming unencrypted is answered through the notifications outbox.
    notices: { refusePlaintext: notifications.refusePlaintext },
    // Messages as received go the policy's mailDays after their report (and incident) close.
    retention: {
      mailDays: () => policy.policy.retention.mailDays,
      reports: { retentionStartOf: (id) => reports.retentionStartOf(id) },
      redactionHash,
      recordAudit,
    },
  });
  const alerts = createAlertsModule({
    db,
    dialect,
    clock,
    // Signing secrets are sealed with the server key, as webhook secrets are.
    sealer: secretBox,
    policy: () => policy,
    // An alert rule opens or joins incidents through the incidents' own use cases.
    incidents: {
      openFromAlert: (tx, opening) => incidentsModule.openFromAlert(tx, opening),
      attachAlert: (tx, id, alert, ruleId, at) =>
        incidentsModule.attachAlert(tx, id, alert, ruleId, at),
      listHiddenIds: (actor) => incidentsModule.listHiddenIncidentIds(actor),
      recordAlertResolved: (tx, id, alert, resolvedAt, at) =>
        incidentsModule.recordAlertResolved(tx, id, alert, resolvedAt, at),
      // A person triaging opens or joins incidents as themselves, with their permissions.
      openFromTriage: (tx, actor, evidence, opening) =>
        incidentsModule.openFromTriage(tx, actor, evidence, opening),
      attachFromTriage: (tx, actor, ref, evidence) =>
        incidentsModule.attachFromTriage(tx, actor, ref, evidence),
    },
    // Taking a tuning proposal makes a stand-alone follow-up, in the answer's transaction.
    followUps: { addStandaloneFollowUp: learning.addStandaloneFollowUp },
  });
  const trackerHttp = createTrackerHttp({ allow: outboundAllow });
  const trackers = createTrackersModule({
    db,
    clock,
    // Tokens are sealed with the server key, as alert sources' signing secrets are.
    sealer: secretBox,
    baseUrl: config.baseUrl,
    http: trackerHttp,
    incidents: {
      recordTrackerIssue: (tx, id, issue, at) =>
        incidentsModule.recordTrackerIssue(tx, id, issue, at),
      recordTrackerState: (tx, id, issue, at) =>
        incidentsModule.recordTrackerState(tx, id, issue, at),
      findIncidentSight: (ex, actor, ref) => incidentsModule.findIncidentSight(ex, actor, ref),
    },
    // A follow-up's issue and its state are kept on the follow-up.
    followUps: {
      recordTrackerIssue: learning.recordTrackerIssue,
      recordTrackerState: learning.recordTrackerState,
    },
  });
  // The offline copy reads the policy in force, the schedules, staff contacts and open incidents.
  const continuity = createContinuityModule({
    clock,
    policy: () => policy.policy,
    schedules: oncall,
    staff: { listActive: () => accounts.users.listActive() },
    incidents: {
      listOpen: async () =>
        (
          await incidentsModule.listIncidents(systemActor, { open: true, limit: 1000, offset: 0 })
        ).items.map((i) => ({ ...i, exercise: i.exerciseKind !== null })),
    },
  });
  const services: Services = {
    policy: policyModule,
    audit,
    accounts,
    notifications,
    oncall,
    incidents: incidentsModule,
    reports,
    clocks,
    live,
    status,
    breach,
    learning,
    calendar,
    mail,
    alerts,
    disclosure,
    trackers,
    continuity,
  };

  const workers = createWorkers({
    db,
    dialect,
    clock,
    logger,
    config,
    mailer: overrides.mailer === undefined ? mailerFrom(config, logger) : overrides.mailer,
    http: overrides.http ?? createHttpPoster({ allow: outboundAllow }),
    clocks,
    live,
    notifications,
    accounts,
    incidents: incidentsModule,
    mail,
    breach,
    reports,
    status,
    disclosure,
    trackers,
    continuity,
  });
  let closed = false;
  return {
    config,
    db,
    dialect,
    clock,
    logger,
    policy,
    services,
    workers,
    async close() {
      if (closed) return;
      closed = true;
      await workers.close();
      trackerHttp.close();
      await handle.close();
    },
  };
}

function mailerFrom(config: Config, logger: Logger): Mailer | null {
  if (!config.smtpHost || !config.mailFrom) return null;
  if (config.smtpSecurity === 'none' && config.smtpUser) {
    // Allowed only with STOPLINE_SMTP_ALLOW_PLAINTEXT_AUTH=true (config.ts refuses it otherwise).
    logger.warn(
      { smtpHost: config.smtpHost, smtpPort: config.smtpPort },
      'SMTP: STOPLINE_SMTP_SECURITY=none with STOPLINE_SMTP_ALLOW_PLAINTEXT_AUTH=true sends the SMTP user name and password unencrypted',
    );
  }
  return createSmtpMailer({
    host: config.smtpHost,
    port: config.smtpPort,
    security: config.smtpSecurity,
    user: config.smtpUser,
    password: config.smtpPassword,
    from: config.mailFrom,
  });
}

function oidcFrom(config: Config): OidcProvider | null {
  const { oidcIssuer: issuer, oidcClientId: clientId, oidcClientSecret: clientSecret } = config;
  return issuer && clientId && clientSecret
    ? createOidcClient({ issuer, clientId, clientSecret })
    : null;
}

/** Who runs this server, as push services are told (VAPID `sub`, RFC 8292): the security
 * contact's address, else the console's https origin, else an address at its host. */
function pushContactOf(config: Pick<Config, 'securityEmail' | 'baseUrl'>): string {
  if (config.securityEmail) return `mailto:${config.securityEmail}`;
  const base = new URL(config.baseUrl);
  return base.protocol === 'https:' ? base.origin : `mailto:security@${base.hostname}`;
}

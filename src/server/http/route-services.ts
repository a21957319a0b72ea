// What each route plugin is handed of the services: the modules it declares, and of a module it
// declares narrowly (`Pick<AccountsModule, 'users'>`) an object with those keys and nothing else,
// so a route cannot reach the rest at run time, not even through a cast. The same for the
// settings: a plugin that declares `Pick<Config, …>` gets those keys of the config only.
import type { Config } from '../config.ts';
import type { Services } from '../services.ts';

/**
 * A frozen object with `keys` of `module` and no others; its functions stay bound to `module`
 * (a use case may call another through `this`).
 */
export function only<M extends object, K extends keyof M>(
  module: M,
  keys: readonly K[],
): Readonly<Pick<M, K>> {
  const narrowed: Partial<Pick<M, K>> = {};
  for (const key of keys) {
    const value = module[key];
    if (value === undefined) throw new Error(`the module has no ${String(key)}`);
    narrowed[key] = typeof value === 'function' ? value.bind(module) : value;
  }
  return Object.freeze(narrowed as Pick<M, K>);
}

/** The narrowed services of the plugins that declare part of a module (http/app.ts hands them). */
export function routeServices(services: Services) {
  const {
    accounts,
    incidents,
    reports,
    clocks,
    live,
    mail,
    status,
    alerts,
    notifications,
    disclosure,
    learning,
    trackers,
  } = services;
  return {
    auth: { accounts: only(accounts, ['sessions']) },
    session: { accounts: only(accounts, ['sessions', 'users', 'mfa', 'passwords']) },
    oidc: { accounts: only(accounts, ['oidc']) },
    users: { accounts: only(accounts, ['users', 'mfa', 'listRoles']) },
    staff: { accounts: only(accounts, ['users']) },
    dashboard: {
      accounts: only(accounts, ['sessions', 'users']),
      incidents: only(incidents, ['listIncidents', 'listTasks', 'listNextSteps']),
      clocks: only(clocks, ['list', 'subjectKeys']),
      reports: only(reports, ['listReportQueue']),
      notifications: only(notifications, ['listOwnPages']),
    },
    line: { incidents: only(incidents, ['getLine', 'lineHistory']) },
    deadlines: {
      clocks: only(clocks, ['list', 'listForIncident', 'markMet', 'subjectKeys', 'measures']),
    },
    metrics: { clocks: only(clocks, ['measures']) },
    reportIntake: { reports: only(reports, ['checkIntakeAllowed', 'submitReport']) },
    stream: { accounts: only(accounts, ['sessions']), live: only(live, ['noticesAfter']) },
    publicSite: {
      accounts: only(accounts, ['users']),
      notifications: only(notifications, ['findPageByToken', 'acknowledgeByToken']),
      disclosure: only(disclosure, [
        'listPublishedAdvisories',
        'getPublishedAdvisory',
        'exportAdvisory',
        'describeCsafProvider',
        'listForReporter',
        'proposeDateAsReporter',
        'acceptDateAsReporter',
        'chooseCreditAsReporter',
        'answerReviewAsReporter',
      ]),
    },
    openPgpKey: { mail: only(mail, ['findPublishedKey', 'findWkdKey']) },
    reportMail: { mail: only(mail, ['listReportMail', 'getReportMailRaw']) },
    statusSubscribers: {
      status: only(status, [
        'listSubscribers',
        'removeSubscriber',
        'importSubscribers',
        'exportSubscribers',
      ]),
    },
    statusStakeholders: {
      status: only(status, ['listStakeholders', 'putStakeholder', 'removeStakeholder']),
    },
    statusCustomers: {
      status: only(status, [
        'listCustomers',
        'getCustomer',
        'addCustomer',
        'changeCustomer',
        'removeCustomer',
        'notifyAffectedCustomers',
      ]),
    },
    alertIntake: { alerts: only(alerts, ['receive']) },
    finalReports: {
      learning: only(learning, ['writeFinalReport', 'publishExternalReport', 'postExternalReport']),
    },
    programme: { learning: only(learning, ['programme']) },
    exerciseReport: {
      learning: only(learning, [
        'getExerciseReport',
        'addExerciseObjective',
        'assessExerciseObjective',
        'completeExerciseReport',
        'reopenExerciseReport',
        'writeExerciseReport',
      ]),
    },
    learningTimeline: {
      learning: only(learning, [
        'getTimeline',
        'markTimelineEvent',
        'addTimelineEntry',
        'removeTimelineEntry',
      ]),
    },
    alerts: {
      alerts: only(alerts, [
        'listSources',
        'getSource',
        'createSource',
        'updateSource',
        'rotateKey',
        'rotateSigningSecret',
        'removeSigningSecret',
        'listAlerts',
        'getAlert',
        'getPayload',
        'listSimilarGroups',
        'acknowledgeAlerts',
        'snoozeAlerts',
        'markNoise',
        'openIncident',
        'attachToIncident',
        'listTuningProposals',
        'takeTuningProposal',
        'declineTuningProposal',
      ]),
    },
    trackers: {
      trackers: only(trackers, [
        'listConnections',
        'getConnection',
        'createConnection',
        'updateConnection',
        'rotateSecret',
        'listConnectionIssues',
        'listIncidentIssues',
      ]),
    },
    trackerWebhooks: { trackers: only(trackers, ['receiveWebhook']) },
    statusMaintenance: {
      status: only(status, [
        'scheduleMaintenance',
        'publishMaintenanceUpdate',
        'rescheduleMaintenance',
        'cancelMaintenance',
        'getMaintenance',
        'listMaintenances',
      ]),
    },
  };
}

/**
 * A frozen object with `keys` of the config (or of a part of it) and no others; an optional
 * setting may be unset.
 */
export function settings<C extends Partial<Config>, K extends keyof C>(
  config: C,
  keys: readonly K[],
): Readonly<Pick<C, K>> {
  const picked: Partial<Pick<C, K>> = {};
  for (const key of keys) picked[key] = config[key];
  return Object.freeze(picked as Pick<C, K>);
}

/** The settings of the plugins that declare `Pick<Config, …>` (http/app.ts hands them). */
export function routeConfig(config: Config) {
  const baseUrl = settings(config, ['baseUrl']);
  return {
    auth: baseUrl,
    session: baseUrl,
    oidc: baseUrl,
    setup: baseUrl,
    reportIntake: settings(config, ['baseUrl', 'attachmentMaxBytes', 'attachmentMaxCount']),
    stream: settings(config, ['streamHeartbeatSeconds', 'streamMaxPerCaller']),
    publicSite: settings(config, [
      'baseUrl',
      'securityEmail',
      'securityPgpKeyUrl',
      'preferredLanguages',
      'attachmentMaxBytes',
      'attachmentMaxCount',
      'statusPageName',
      'statusLanguage',
    ]),
    openPgpKey: settings(config, ['securityEmail']),
  };
}

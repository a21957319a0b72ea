// Builds the Fastify application from its services. Never listens: `serve` does, tests inject.
import { createServer, type IncomingMessage } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db, Dialect } from '../db/schema.ts';
import type { PolicyInForce } from '../domain/policy/index.ts';
import type { Logger } from '../logger.ts';
import type { Services } from '../services.ts';
import type { LiveFeed } from '../workers/live-feed.ts';
import { newId } from '../ids.ts';
import { auditRoutes } from './api/audit-routes.ts';
import { breachRoutes } from './api/breach-routes.ts';
import { breachNoticeRoutes } from './api/breach-notice-routes.ts';
import { healthRoutes } from './api/health-routes.ts';
import { incidentLifecycleRoutes } from './api/incident-lifecycle-routes.ts';
import { containmentHookRoutes } from './api/containment-hook-routes.ts';
import { incidentsRoutes } from './api/incidents-routes.ts';
import { lineRoutes } from './api/line-routes.ts';
import { notificationRoutes } from './api/notification-routes.ts';
import { onCallRoutes } from './api/oncall-routes.ts';
import { continuityRoutes } from './api/continuity-routes.ts';
import { deadlinesRoutes } from './api/deadlines-routes.ts';
import { dashboardRoutes } from './api/dashboard-routes.ts';
import { policyRoutes } from './api/policy-routes.ts';
import { oidcRoutes } from './api/oidc-routes.ts';
import { sessionRoutes } from './api/session-routes.ts';
import { staffRoutes } from './api/staff-routes.ts';
import { setupRoutes } from './api/setup-routes.ts';
import { streamRoutes } from './api/stream-routes.ts';
import { statusDraftRoutes } from './api/status-draft-routes.ts';
import { alertIntakeRoutes } from './api/alert-intake-routes.ts';
import { alertRoutes } from './api/alert-routes.ts';
import { trackerRoutes } from './api/tracker-routes.ts';
import { trackerWebhookRoutes } from './api/tracker-webhook-routes.ts';
import { statusRoutes } from './api/status-routes.ts';
import { statusMaintenanceRoutes } from './api/status-maintenance-routes.ts';
import { statusSubscriberRoutes } from './api/status-subscriber-routes.ts';
import { statusCustomerRoutes } from './api/status-customer-routes.ts';
import { statusStakeholderRoutes } from './api/status-stakeholder-routes.ts';
import { statuspageRoutes } from './api/statuspage-routes.ts';
import { learningRoutes } from './api/learning-routes.ts';
import { learningTimelineRoutes } from './api/learning-timeline-routes.ts';
import { programmeRoutes } from './api/programme-routes.ts';
import { finalReportRoutes } from './api/final-report-routes.ts';
import { exerciseReportRoutes } from './api/exercise-report-routes.ts';
import { tokensRoutes } from './api/tokens-routes.ts';
import { calendarRoutes } from './api/calendar-routes.ts';
import { usersRoutes } from './api/users-routes.ts';
import { vulnerabilityRoutes } from './api/vulnerability-routes.ts';
import { authPlugin } from './plugins/auth-plugin.ts';
import { openApiPlugin } from './plugins/openapi-plugin.ts';
import { reportIntakeRoutes } from './api/report-intake-routes.ts';
import { reportRoutes } from './api/report-routes.ts';
import { reportMailRoutes } from './api/report-mail-routes.ts';
import { consoleApp } from './console-app.ts';
import { publicSite } from './public/public-site.ts';
import { sendNotFoundPage } from './public/respond.ts';
import { jsonBodyPlugin } from './plugins/json-body-plugin.ts';
import { problemPlugin } from './plugins/problem-plugin.ts';
import { REFERRER_POLICY, securityHeadersPlugin } from './plugins/security-headers-plugin.ts';
import { metricsRoutes } from './metrics-routes.ts';
import { routeConfig, routeServices } from './route-services.ts';
import { openPgpKeyRoutes } from './public/openpgp-key-routes.ts';
import { createStatusCache } from './status-cache.ts';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** A caller's request id when it is plainly an id; otherwise a new one. */
function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : newId();
}

/** `/` (with or without a query) on the status host is the status page; anything else stays. */
export function statusRoot(url: string, host: string | undefined, statusHost?: string): string {
  if (!statusHost || !host) return url;
  const hostname = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  if (hostname !== statusHost) return url;
  return url === '/' || url.startsWith('/?') ? `/status${url.slice(1)}` : url;
}

/** What the app is built from (the container has it all); each plugin is handed its part. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  /** The readiness probe asks the database itself. */
  db: Db;
  dialect: Dialect;
  /** The policy in force (STOPLINE_POLICY). */
  policy: PolicyInForce;
  services: Services;
  workers: { liveFeed: LiveFeed };
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, clock, services } = deps;
  const { accounts, incidents, reports } = services;
  // A plugin that declares part of a module is handed only that part (route-services.ts).
  const narrowed = routeServices(services);
  const settings = routeConfig(config);
  // The status page's answers, kept while nothing changes; a GET of one is answered before
  // Fastify (status-cache.ts), with the headers the route sent with it. The live feed says when
  // something was recorded; the position is read when it did, or when it cannot be trusted.
  // The day is part of the version: the 90-day bars move on at midnight (UTC) with nothing recorded.
  const day = () => String(Math.floor(clock.now() / 86_400_000));
  const statusAnswers = createStatusCache({
    version: async () => `${await services.status.pageVersion()}@${day()}`,
    period: day,
    now: () => clock.now(),
    feed: deps.workers.liveFeed,
  });
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    // Accept a caller's request id when it is plainly an id; otherwise make one.
    genReqId: requestIdOf,
    // The status page's own host name (STOPLINE_STATUS_HOST) shows the status page at its root.
    rewriteUrl: (req) => statusRoot(req.url ?? '/', req.headers.host, config.statusHost),
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // A client that sends its headers or body too slowly is answered 408 and cut off, so slow
    // bodies cannot hold connections (or a shutdown) open. Node checks every second.
    requestTimeout: config.requestTimeoutSeconds * 1000,
    http: {
      requestTimeout: config.requestTimeoutSeconds * 1000,
      headersTimeout: config.headersTimeoutSeconds * 1000,
      connectionsCheckingInterval: 1000,
    },
    // Fastify's own HTTP/1 server, with the status page's fast path in front of it.
    serverFactory: (handler, options) => {
      const server = createServer(options.http ?? {}, (req, res) => {
        if (req.method !== 'GET') return handler(req, res);
        const url = statusRoot(req.url ?? '/', req.headers.host, config.statusHost);
        if (!url.startsWith('/status') && !url.startsWith('/api/v2/')) return handler(req, res);
        const done = statusAnswers.answerKept(req, res, url, requestIdOf(req));
        if (done === true) return;
        if (done === false) return handler(req, res);
        void done.then((answered) => {
          if (!answered) handler(req, res);
        });
      });
      // As Fastify sets up its own (its defaults; the request timeout above).
      server.keepAliveTimeout = 72_000;
      server.requestTimeout = config.requestTimeoutSeconds * 1000;
      server.setTimeout(0);
      return server;
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.addHook('preClose', async () => statusAnswers.close());

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Links in reports must never tell a third party where the reader came from.
    reply.header('referrer-policy', REFERRER_POLICY);
  });

  await app.register(problemPlugin, { notFoundPage: sendNotFoundPage });
  await app.register(jsonBodyPlugin);
  await app.register(securityHeadersPlugin, { https: config.baseUrl.startsWith('https:') });
  await app.register(authPlugin, { ...narrowed.auth, config: settings.auth });
  await app.register(openApiPlugin);
  await app.register(healthRoutes, {
    db: deps.db,
    dialect: deps.dialect,
    pgSchema: config.pgSchema,
    clock,
    maxLagSeconds: config.readyMaxLagSeconds,
  });
  await app.register(policyRoutes, { prefix: '/api/v1', policy: services.policy });
  await app.register(sessionRoutes, { ...narrowed.session, clock, config: settings.session });
  await app.register(oidcRoutes, { ...narrowed.oidc, clock, config: settings.oidc });
  await app.register(setupRoutes, { users: accounts.users, config: settings.setup });
  await app.register(usersRoutes, narrowed.users);
  await app.register(tokensRoutes, { tokens: accounts.tokens });
  await app.register(auditRoutes, { audit: services.audit });
  await app.register(incidentsRoutes, { incidents });
  await app.register(staffRoutes, { ...narrowed.staff, clock });
  await app.register(dashboardRoutes, { ...narrowed.dashboard, policy: services.policy, clock });
  await app.register(incidentLifecycleRoutes, { incidents });
  await app.register(containmentHookRoutes, { incidents });
  await app.register(lineRoutes, narrowed.line);
  await app.register(notificationRoutes, { notifications: services.notifications });
  await app.register(onCallRoutes, { oncall: services.oncall, clock, baseUrl: config.baseUrl });
  await app.register(continuityRoutes, { continuity: services.continuity });
  await app.register(deadlinesRoutes, { ...narrowed.deadlines, clock });
  await app.register(breachRoutes, { breach: services.breach, policy: () => deps.policy.policy });
  await app.register(breachNoticeRoutes, {
    breach: services.breach,
    policy: () => deps.policy.policy,
  });
  await app.register(metricsRoutes, { ...narrowed.metrics, clock });
  await app.register(reportIntakeRoutes, {
    ...narrowed.reportIntake,
    config: settings.reportIntake,
  });
  await app.register(reportRoutes, { reports });
  await app.register(reportMailRoutes, narrowed.reportMail);
  await app.register(streamRoutes, {
    ...narrowed.stream,
    liveFeed: deps.workers.liveFeed,
    clock,
    config: settings.stream,
  });
  await app.register(statusRoutes, { status: services.status, baseUrl: config.baseUrl });
  await app.register(statusDraftRoutes, { status: services.status, baseUrl: config.baseUrl });
  await app.register(statusSubscriberRoutes, narrowed.statusSubscribers);
  await app.register(statusCustomerRoutes, narrowed.statusCustomers);
  await app.register(statusStakeholderRoutes, narrowed.statusStakeholders);
  await app.register(statusMaintenanceRoutes, {
    ...narrowed.statusMaintenance,
    baseUrl: config.baseUrl,
  });
  await app.register(statuspageRoutes, {
    status: services.status,
    answers: statusAnswers,
    baseUrl: config.baseUrl,
    pageName: config.statusPageName,
  });
  await app.register(learningRoutes, { learning: services.learning, clock });
  await app.register(learningTimelineRoutes, narrowed.learningTimeline);
  await app.register(programmeRoutes, narrowed.programme);
  await app.register(calendarRoutes, {
    calendar: services.calendar,
    feeds: accounts.calendarFeeds,
    clock,
    baseUrl: config.baseUrl,
  });
  await app.register(finalReportRoutes, narrowed.finalReports);
  await app.register(exerciseReportRoutes, { ...narrowed.exerciseReport, clock });
  await app.register(alertIntakeRoutes, narrowed.alertIntake);
  await app.register(alertRoutes, { ...narrowed.alerts, baseUrl: config.baseUrl });
  await app.register(trackerRoutes, { ...narrowed.trackers, baseUrl: config.baseUrl });
  await app.register(trackerWebhookRoutes, narrowed.trackerWebhooks);
  await app.register(vulnerabilityRoutes, { disclosure: services.disclosure });
  await app.register(publicSite, {
    ...narrowed.publicSite,
    reports,
    status: services.status,
    statusAnswers,
    config: settings.publicSite,
  });
  await app.register(openPgpKeyRoutes, {
    ...narrowed.openPgpKey,
    config: settings.openPgpKey,
  });
  await app.register(consoleApp);
  return app;
}

// The public status page's routes: /status and one page per public incident. Registered inside
// the public site (its CSP allows no script, errors are HTML pages). Cacheable briefly, with an
// ETag, like the JSON under /api/v2.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { StatusModule } from '../../domain/status/index.ts';
import { STATUS_MAX_AGE } from '../api/statuspage-routes.ts';
import { conditionalGet, keepSentHeaders } from '../conditional-get.ts';
import type { StatusCache } from '../status-cache.ts';
import { only } from '../route-services.ts';
import { sendErrorPage, sendHtml } from './respond.ts';
import { historyFeed } from './status-feeds.ts';
import {
  historyPage,
  incidentPage,
  maintenancePage,
  statusErrorPage,
  statusPage,
  type StatusSite,
} from './status-pages.ts';
import { monthOf, monthRange, shiftMonth } from '../../domain/status/index.ts';
import { statusSubscriptionRoutes } from './status-subscription-routes.ts';

const IncidentParams = z.object({ id: z.string().min(1).max(100) });
const HistoryQuery = z.object({
  month: z
    .string()
    .refine((m) => monthRange(m) !== null && m >= '1970-01', 'A month as YYYY-MM')
    .optional(),
});

export async function statusSite(
  app: FastifyInstance,
  opts: {
    status: StatusModule;
    /** The page's name and language. */
    site: StatusSite;
    baseUrl: string;
    answers: StatusCache;
    now: () => number;
  },
) {
  const { status, site, baseUrl, answers } = opts;
  // Its errors speak the page's language and lead back to the status page, not the report form.
  app.setErrorHandler((error, request, reply) =>
    sendErrorPage(request, reply, error, (code, requestId) =>
      statusErrorPage(site, code, requestId),
    ),
  );
  const cacheable = { config: { public: true }, onSend: conditionalGet };
  const cache = `public, max-age=${STATUS_MAX_AGE}, must-revalidate`;

  const kept = { config: { public: true }, onSend: [conditionalGet, keepSentHeaders(answers)] };

  app.get('/status', kept, async (_request, reply) => {
    const made = await answers.answer('/status', async () => {
      const [view, recent, days] = await Promise.all([
        status.readPage(),
        status.listPublicIncidents(20),
        status.readDays(90),
      ]);
      return {
        body: statusPage(site, view, recent, days.days, monthOf(days.now)),
        contentType: 'text/html',
      };
    });
    reply.header('cache-control', cache).header('etag', made.etag);
    return reply.status(200).type('text/html; charset=utf-8').send(made.body);
  });

  app.get(
    '/status/history',
    { ...cacheable, schema: { querystring: HistoryQuery, hide: true } },
    async (request, reply) => {
      const now = monthOf(opts.now());
      const month = (request.query as z.infer<typeof HistoryQuery>).month ?? now;
      const range = monthRange(month)!;
      const incidents = await status.listPublicIncidentsBetween(range[0], range[1]);
      const newer = month < now ? shiftMonth(month, 1) : null;
      reply.header('cache-control', cache);
      return sendHtml(
        reply,
        200,
        historyPage(site, month, incidents, newer, shiftMonth(month, -1)),
      );
    },
  );

  app.get(
    '/status/incidents/:id',
    { ...cacheable, schema: { params: IncidentParams, hide: true } },
    async (request, reply) => {
      const { id } = request.params as z.infer<typeof IncidentParams>;
      const [incident, view] = await Promise.all([status.getPublicIncident(id), status.readPage()]);
      reply.header('cache-control', cache);
      return sendHtml(reply, 200, incidentPage(site, incident, view.components));
    },
  );

  app.get(
    '/status/maintenance/:id',
    { ...cacheable, schema: { params: IncidentParams, hide: true } },
    async (request, reply) => {
      const { id } = request.params as z.infer<typeof IncidentParams>;
      const [maintenance, view] = await Promise.all([
        status.getPublicMaintenance(id),
        status.readPage(),
      ]);
      reply.header('cache-control', cache);
      return sendHtml(reply, 200, maintenancePage(site, maintenance, view.components));
    },
  );

  await app.register(statusSubscriptionRoutes, {
    status: only(status, [
      'listComponents',
      'subscribe',
      'findPendingSubscription',
      'confirmSubscription',
      'findOwnSubscription',
      'chooseFollowedComponents',
      'unsubscribe',
    ]),
    site,
    baseUrl,
  });

  const historyFeedNow = async () => {
    const [incidents, page] = await Promise.all([
      status.listPublicIncidents(50),
      status.readPage(),
    ]);
    return historyFeed(site, baseUrl, incidents, page.updatedAt);
  };

  app.get('/status/history.atom', cacheable, async (_request, reply) => {
    const feed = await historyFeedNow();
    return reply
      .header('cache-control', cache)
      .type('application/atom+xml; charset=utf-8')
      .send(feed.atom1());
  });

  app.get('/status/history.rss', cacheable, async (_request, reply) => {
    const feed = await historyFeedNow();
    return reply
      .header('cache-control', cache)
      .type('application/rss+xml; charset=utf-8')
      .send(feed.rss2());
  });
}

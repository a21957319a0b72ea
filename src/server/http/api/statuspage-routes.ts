// /api/v2: the public status page as read-only JSON in Atlassian Statuspage's shapes, so its
// clients, widgets and monitors read Stopline unchanged. Open to any origin (CORS), cacheable
// briefly, with an ETag so a poller that already holds the answer gets 304.
import type { FastifyInstance, FastifySchema } from 'fastify';
import type { z } from 'zod';
import {
  SpComponents,
  SpIncidents,
  SpScheduledMaintenances,
  SpStatusAnswer,
  SpSummary,
} from '../../../shared/api/statuspage.ts';
import type { StatusModule } from '../../domain/status/index.ts';
import { conditionalGet, keepSentHeaders } from '../conditional-get.ts';
import type { StatusCache } from '../status-cache.ts';
import {
  inPageOrder,
  pageIdentity,
  presentSpComponent,
  presentSpIncident,
  presentSpMaintenance,
  presentSpPage,
} from './statuspage-presenters.ts';

/** How long a client may use an answer without asking again (seconds). */
export const STATUS_MAX_AGE = 10;

export async function statuspageRoutes(
  app: FastifyInstance,
  opts: { status: StatusModule; baseUrl: string; pageName: string; answers: StatusCache },
) {
  const { status, baseUrl } = opts;
  const page = pageIdentity(baseUrl, opts.pageName);
  const tags = ['public status (Statuspage-compatible)'];

  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.url.startsWith('/api/v2/')) return payload;
    reply.header('access-control-allow-origin', '*');
    reply.header('access-control-expose-headers', 'ETag');
    if (reply.statusCode === 200) {
      reply.header('cache-control', `public, max-age=${STATUS_MAX_AGE}, must-revalidate`);
    }
    return payload;
  });

  async function snapshot() {
    const view = await status.readPage();
    const components = inPageOrder(view.components);
    return {
      view,
      components,
      page: presentSpPage(page, view.updatedAt),
      incidents: (list: typeof view.unresolved) =>
        list.map((i) => presentSpIncident(i, components, page, baseUrl)),
      maintenances: (list: typeof view.maintenances) =>
        list.map((m) => presentSpMaintenance(m, components, page, baseUrl)),
    };
  }

  const cache = opts.answers;
  const route = <S extends z.ZodType>(
    url: string,
    summary: string,
    response: S,
    answer: () => Promise<z.input<S>>,
  ) => {
    const schema: FastifySchema = { summary, tags, response: { 200: response } };
    app.get(
      url,
      { config: { public: true }, onSend: [conditionalGet, keepSentHeaders(cache)], schema },
      async (_r, reply) => {
        // Made once per change to the page (the schema describes it; the bytes are kept).
        const made = await cache.answer(url, async () => ({
          body: JSON.stringify(await answer()),
          contentType: 'application/json; charset=utf-8',
        }));
        return reply.type(made.contentType).header('etag', made.etag).send(made.body);
      },
    );
  };

  route(
    '/api/v2/summary.json',
    'The overall status, every component, the unresolved incidents',
    SpSummary,
    async () => {
      const s = await snapshot();
      return {
        page: s.page,
        status: s.view.overall,
        components: s.components.map((c) => presentSpComponent(c, s.components, page.id)),
        incidents: s.incidents(s.view.unresolved),
        scheduled_maintenances: s.maintenances(s.view.maintenances),
      };
    },
  );
  route('/api/v2/status.json', 'The overall status indicator', SpStatusAnswer, async () => {
    const s = await snapshot();
    return { page: s.page, status: s.view.overall };
  });
  route('/api/v2/components.json', 'Every component and its status', SpComponents, async () => {
    const s = await snapshot();
    return {
      page: s.page,
      components: s.components.map((c) => presentSpComponent(c, s.components, page.id)),
    };
  });
  route(
    '/api/v2/incidents/unresolved.json',
    'Incidents still investigating, identified or monitoring',
    SpIncidents,
    async () => {
      const s = await snapshot();
      return { page: s.page, incidents: s.incidents(s.view.unresolved) };
    },
  );
  route(
    '/api/v2/incidents.json',
    'The 50 most recent incidents, resolved ones included',
    SpIncidents,
    async () => {
      const s = await snapshot();
      return { page: s.page, incidents: s.incidents(await status.listPublicIncidents(50)) };
    },
  );
  const maintenances = (filter: 'all' | 'upcoming' | 'active') => async () => {
    const s = await snapshot();
    return {
      page: s.page,
      scheduled_maintenances: s.maintenances(await status.listPublicMaintenances(filter, 50)),
    };
  };
  route(
    '/api/v2/scheduled-maintenances.json',
    'The 50 most recent scheduled maintenances, completed ones included, cancelled ones left out',
    SpScheduledMaintenances,
    maintenances('all'),
  );
  route(
    '/api/v2/scheduled-maintenances/upcoming.json',
    'Scheduled maintenances still in the scheduled state, soonest first',
    SpScheduledMaintenances,
    maintenances('upcoming'),
  );
  route(
    '/api/v2/scheduled-maintenances/active.json',
    'Scheduled maintenances in progress or verifying',
    SpScheduledMaintenances,
    maintenances('active'),
  );
}

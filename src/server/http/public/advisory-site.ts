// The public advisory routes: /advisories (the list), /advisories.atom (its feed),
// /advisories/{id} (one advisory) and /advisories/{id}.json (its published bytes, whose SHA-256
// is on the record). Registered inside the public site (no script, errors are HTML pages). Only
// released advisories exist here: before its date an advisory is a 404 like one that never was.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { DisclosureModule } from '../../domain/disclosure/index.ts';
import { conditionalGet } from '../conditional-get.ts';
import { advisoryFeed, advisoryListPage, advisoryPage } from './advisory-pages.ts';
import { sendHtml } from './respond.ts';

const AdvisoryParams = z.object({ id: z.string().min(1).max(100) });
/** Short: the scheduler releases at the date, and a withdrawal should show soon. */
const CACHE = 'public, max-age=60, must-revalidate';

export async function advisorySite(
  app: FastifyInstance,
  opts: {
    disclosure: Pick<DisclosureModule, 'listPublishedAdvisories' | 'getPublishedAdvisory'>;
    baseUrl: string;
    now: () => number;
  },
) {
  const { disclosure, baseUrl } = opts;
  const cacheable = { config: { public: true }, onSend: conditionalGet };

  app.get('/advisories', cacheable, async (_request, reply) => {
    const advisories = await disclosure.listPublishedAdvisories();
    reply.header('cache-control', CACHE);
    return sendHtml(reply, 200, advisoryListPage(advisories));
  });

  app.get('/advisories.atom', cacheable, async (_request, reply) => {
    const feed = advisoryFeed(baseUrl, await disclosure.listPublishedAdvisories(), opts.now());
    return reply
      .header('cache-control', CACHE)
      .type('application/atom+xml; charset=utf-8')
      .send(feed.atom1());
  });

  app.get(
    '/advisories/:id',
    { ...cacheable, schema: { params: AdvisoryParams, hide: true } },
    async (request, reply) => {
      const { id } = request.params as z.infer<typeof AdvisoryParams>;
      const json = id.endsWith('.json');
      // Throws NOT_FOUND (a 404 page, not kept by caches) until the advisory is released.
      const advisory = await disclosure.getPublishedAdvisory(json ? id.slice(0, -5) : id);
      reply.header('cache-control', CACHE);
      if (json) return reply.type('application/json; charset=utf-8').send(advisory.bytes);
      return sendHtml(reply, 200, advisoryPage(advisory));
    },
  );
}

// The public advisory routes: /advisories (the list), /advisories.atom (its feed),
// /advisories/{id} (one advisory) and /advisories/{id}.json (its published bytes, whose SHA-256
// is on the record). Registered inside the public site (no script, errors are HTML pages). Only
// released advisories exist here: before its date an advisory is a 404 like one that never was.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  EXPORT_FORMATS,
  type DisclosureModule,
  type PublishedAdvisory,
} from '../../domain/disclosure/index.ts';
import { notFound } from '../../errors.ts';
import { conditionalGet } from '../conditional-get.ts';
import { advisoryFeed, advisoryListPage, advisoryPage } from './advisory-pages.ts';
import { sendHtml } from './respond.ts';

const AdvisoryParams = z.object({ id: z.string().min(1).max(100) });
const ExportParams = z.object({ id: z.string().min(1).max(100), format: z.enum(EXPORT_FORMATS) });
const CsafParams = z.object({
  year: z.string().regex(/^[0-9]{4}$/),
  file: z.string().regex(/^[+\-a-z0-9_]+\.json(\.sha256|\.sha512)?$/),
});
const yearOf = (a: PublishedAdvisory) => new Date(a.document.publishedAt).getUTCFullYear();
const sha = (algorithm: 'sha256' | 'sha512', bytes: string) =>
  createHash(algorithm).update(bytes, 'utf8').digest('hex');
/** Short: the scheduler releases at the date, and a withdrawal should show soon. */
const CACHE = 'public, max-age=60, must-revalidate';

export async function advisorySite(
  app: FastifyInstance,
  opts: {
    disclosure: Pick<
      DisclosureModule,
      'listPublishedAdvisories' | 'getPublishedAdvisory' | 'exportAdvisory' | 'describeCsafProvider'
    >;
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
      const formats = EXPORT_FORMATS.filter((f) => disclosure.exportAdvisory(advisory, f));
      return sendHtml(reply, 200, advisoryPage(advisory, formats));
    },
  );

  app.get(
    '/advisories/:id/:format.json',
    { ...cacheable, schema: { params: ExportParams, hide: true } },
    async (request, reply) => {
      const { id, format } = request.params as z.infer<typeof ExportParams>;
      const made = disclosure.exportAdvisory(await disclosure.getPublishedAdvisory(id), format);
      if (!made) throw notFound(`A ${format.toUpperCase()} record of advisory ${id}`);
      return reply
        .header('cache-control', CACHE)
        .type('application/json; charset=utf-8')
        .send(made.bytes);
    },
  );

  // CSAF 2.0's provider layout (sections 7.1.1, 7.1.11-7.1.14, 7.1.18): the provider metadata, one
  // folder per year of TLP:WHITE documents, each with its .sha256 and .sha512, index.txt and
  // changes.csv, newest first.
  const csafDocuments = async () =>
    (await disclosure.listPublishedAdvisories()).map((advisory) => {
      const made = disclosure.exportAdvisory(advisory, 'csaf')!;
      return { advisory, path: `${yearOf(advisory)}/${made.fileName}`, ...made };
    });

  app.get('/.well-known/csaf/provider-metadata.json', cacheable, async (_request, reply) => {
    const documents = await csafDocuments();
    const lastUpdated = Math.max(
      0,
      ...documents.map((d) => d.advisory.withdrawnAt ?? d.advisory.document.publishedAt),
    );
    return reply
      .header('cache-control', CACHE)
      .type('application/json; charset=utf-8')
      .send(disclosure.describeCsafProvider(lastUpdated || opts.now()));
  });

  app.get('/.well-known/csaf/white/index.txt', cacheable, async (_request, reply) => {
    const lines = (await csafDocuments()).map((d) => `${d.path}\n`).join('');
    return reply.header('cache-control', CACHE).type('text/plain; charset=utf-8').send(lines);
  });

  app.get('/.well-known/csaf/white/changes.csv', cacheable, async (_request, reply) => {
    const lines = (await csafDocuments())
      .map((d) => {
        const changed = d.advisory.withdrawnAt ?? d.advisory.document.publishedAt;
        return `"${d.path}","${new Date(changed).toISOString()}"\n`;
      })
      .join('');
    return reply.header('cache-control', CACHE).type('text/csv; charset=utf-8').send(lines);
  });

  app.get(
    '/.well-known/csaf/white/:year/:file',
    { ...cacheable, schema: { params: CsafParams, hide: true } },
    async (request, reply) => {
      const { year, file } = request.params as z.infer<typeof CsafParams>;
      const name = file.replace(/\.sha(256|512)$/, '');
      const found = (await csafDocuments()).find((d) => d.path === `${year}/${name}`);
      if (!found) throw notFound(`There is no CSAF document ${year}/${file}`);
      reply.header('cache-control', CACHE);
      if (file.endsWith('.json')) {
        return reply.type('application/json; charset=utf-8').send(found.bytes);
      }
      const algorithm = file.endsWith('.sha256') ? 'sha256' : 'sha512';
      return reply
        .type('text/plain; charset=utf-8')
        .send(`${sha(algorithm, found.bytes)}  ${name}\n`);
    },
  );
}

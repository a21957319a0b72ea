// /api/v1/status/subscribers: admins (status.manage) see who subscribed to the public status
// page by e-mail, confirmed or not, remove an address, and move the list in and out as CSV.
// Subscribing, confirming and leaving are the subscriber's own, on the public pages
// (status-subscription-routes.ts).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  StatusSubscriberList,
  StatusSubscriberRef,
  SubscriberImportQuery,
  SubscriberImportResponse,
  type StatusSubscriber,
} from '../../../shared/api/status.ts';
import type { StatusModule, StatusSubscriber as Subscriber } from '../../domain/status/index.ts';
import { AppError } from '../../errors.ts';
import { actorOf } from './incident-commands.ts';

/** A subscriber file is at most this large (10,000 lines with room to spare). */
const IMPORT_MAX_BYTES = 2 * 1024 * 1024;

const tags = ['status page'];
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function presentSubscriber(s: Subscriber): StatusSubscriber {
  return {
    id: s.id,
    email: s.email,
    componentIds: s.componentIds,
    confirmed: s.confirmedAt !== null,
    confirmedAt: iso(s.confirmedAt),
    createdAt: iso(s.createdAt)!,
  };
}

export async function statusSubscriberRoutes(
  app: FastifyInstance,
  opts: {
    status: Pick<
      StatusModule,
      'listSubscribers' | 'removeSubscriber' | 'importSubscribers' | 'exportSubscribers'
    >;
  },
) {
  const { status } = opts;
  // The file arrives as itself, kept as bytes (its encoding is checked by the import).
  app.addContentTypeParser(
    'text/csv',
    { parseAs: 'buffer', bodyLimit: IMPORT_MAX_BYTES },
    (_request, body, done) => done(null, body),
  );
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    '/api/v1/status/subscribers/export',
    {
      config: { permission: 'status.manage' },
      schema: {
        summary: 'Every e-mail subscriber as CSV',
        description:
          'Columns `email`, `components` (names, separated by ";"; empty: every component), ' +
          '`confirmed` (yes/no), `confirmed_at`, `subscribed_at`. Every cell a spreadsheet would ' +
          'run as a formula (starting with =, +, -, @) is prefixed with a quote. Audited.',
        tags,
        response: { 200: z.string() },
      },
    },
    async (request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="stopline-status-subscribers.csv"')
        .send(await status.exportSubscribers(actorOf(request))),
  );

  typed.post(
    '/api/v1/status/subscribers/import',
    {
      config: { permission: 'status.manage' },
      schema: {
        summary: 'Import e-mail subscribers from a CSV file (all or nothing)',
        description:
          'Send the file itself as `text/csv` (UTF-8, at most 2 MiB, 10,000 lines): a header ' +
          'line with an `email` column and, if wanted, `components` (component names or ids, ' +
          'separated by ";"; empty: every component); other columns, such as those of the ' +
          'export, are ignored. A file with any bad line is refused whole with a 400 naming ' +
          'each (`line.3.email`, `line.7.components`), and an address repeated in the file is ' +
          'refused on its second line. An address already subscribed is left as it is and ' +
          'listed in `existing`. Each new address gets a confirmation link and nothing else ' +
          'until it confirms, unless `confirmed=true` says the addresses confirmed elsewhere.',
        tags,
        querystring: SubscriberImportQuery,
        response: { 200: SubscriberImportResponse },
      },
    },
    async (request) => {
      if (!Buffer.isBuffer(request.body)) {
        throw new AppError('VALIDATION', 'The file must be sent as text/csv', {
          errors: [{ field: 'file', message: 'must be the CSV file itself, sent as text/csv' }],
        });
      }
      return status.importSubscribers(actorOf(request), request.body, {
        confirmed: request.query.confirmed === 'true',
      });
    },
  );

  typed.get(
    '/api/v1/status/subscribers',
    {
      config: { permission: 'status.manage' },
      schema: {
        summary: 'E-mail subscribers of the public status page, newest first',
        tags,
        response: { 200: StatusSubscriberList },
      },
    },
    async () => ({ items: (await status.listSubscribers()).map(presentSubscriber) }),
  );

  typed.delete(
    '/api/v1/status/subscribers/:id',
    {
      config: { permission: 'status.manage' },
      schema: {
        summary: 'Remove a subscriber: the address hears nothing more and is not kept',
        tags,
        params: StatusSubscriberRef,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await status.removeSubscriber(request.params.id);
      return reply.status(204).send(null);
    },
  );
}

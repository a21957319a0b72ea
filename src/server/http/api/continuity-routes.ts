// /api/v1/continuity/offline-copy: the offline copy of the policy, its runbooks and the on-call
// contact tree as one static HTML file (docs/operations.md#the-offline-copy), for those who
// respond (continuity.offline: it holds staff contact details). Its ETag is its content's hash,
// so a sync job that sends If-None-Match gets a 304 until something in it changes.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ContinuityModule } from '../../domain/continuity/index.ts';
import { etagMatches } from '../status-cache.ts';
import { actorOf } from './incident-commands.ts';

export async function continuityRoutes(
  app: FastifyInstance,
  opts: { continuity: ContinuityModule },
) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/continuity/offline-copy',
    {
      config: { permission: 'continuity.offline' },
      schema: {
        summary:
          'The offline copy: policy, runbooks and on-call contact tree as one HTML file (text/html)',
        description:
          'A self-contained page (no script, inline CSS) for when Stopline is down: who is on ' +
          'call and the escalation ladders with each person’s contact channels, the open ' +
          'incidents (not exercises, not restricted ones) with their owners, the manual ' +
          'fallback procedures, containment kinds and the policy. Sent as an attachment with ' +
          'a strong `ETag` over its content (the "generated at" stamp aside): `If-None-Match` ' +
          'with it answers 304 until the policy, a schedule, who is on call, a contact or an ' +
          'open incident changes.',
        tags: ['continuity'],
      },
    },
    async (request, reply) => {
      const copy = await opts.continuity.offlineCopyAs(actorOf(request));
      reply.header('etag', copy.etag).header('cache-control', 'private, no-cache');
      if (etagMatches(request.headers['if-none-match'], copy.etag)) return reply.code(304).send();
      return reply
        .type('text/html; charset=utf-8')
        .header('content-disposition', 'attachment; filename="stopline-offline-copy.html"')
        .send(copy.html);
    },
  );
}

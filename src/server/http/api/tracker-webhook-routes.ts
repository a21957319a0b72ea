// /api/v1/tracker-webhooks/github/{connection id}: where a repository's GitHub webhook sends
// `issues` events, so a closed issue comes back at once. Public: the X-Hub-Signature-256 HMAC of
// the exact bytes, with the connection's webhook secret, authenticates it.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { problemResponse } from '../../../shared/api/problems.ts';
import { TrackerConnectionRef, TrackerWebhookAccepted } from '../../../shared/api/trackers.ts';
import type { TrackersModule } from '../../domain/trackers/index.ts';

/** GitHub caps webhook payloads at 25 MB; an issues event is a few KB. */
const BODY_LIMIT = 1024 * 1024;

export async function trackerWebhookRoutes(
  app: FastifyInstance,
  opts: { trackers: Pick<TrackersModule, 'receiveGithubWebhook'> },
) {
  const { trackers } = opts;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const header = (value: string | string[] | undefined) =>
    Array.isArray(value) ? value[0] : value;

  typed.post(
    '/api/v1/tracker-webhooks/github/:id',
    {
      config: { public: true },
      bodyLimit: BODY_LIMIT,
      schema: {
        summary: "A GitHub repository's webhook (issues events): the tracker's state comes back",
        description:
          'Signed with X-Hub-Signature-256 (HMAC-SHA256 of the body with the webhook secret ' +
          'Stopline gave). `X-GitHub-Event: issues`: a closed issue proposes closing its incident.',
        tags: ['trackers'],
        params: TrackerConnectionRef,
        response: {
          200: TrackerWebhookAccepted,
          401: problemResponse('The signature is missing or does not match'),
          404: problemResponse('No GitHub connection with a webhook secret has this id'),
        },
      },
    },
    async (request) =>
      trackers.receiveGithubWebhook(
        request.params.id,
        Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        {
          signature: header(request.headers['x-hub-signature-256']),
          event: header(request.headers['x-github-event']),
        },
      ),
  );
}

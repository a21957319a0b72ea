// /api/v1/tracker-webhooks/{github|gitlab|jira}/{connection id}: where a tracker's own webhook
// sends its issue events, so a closed issue comes back at once instead of at the next poll.
// Public: each is authenticated as its tracker documents it, with the secret Stopline made for the
// connection: GitHub's X-Hub-Signature-256 and Jira's X-Hub-Signature (HMAC-SHA256 of the exact
// bytes), GitLab's X-Gitlab-Token (the secret token itself).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { problemResponse } from '../../../shared/api/problems.ts';
import { TrackerConnectionRef, TrackerWebhookAccepted } from '../../../shared/api/trackers.ts';
import type { TrackerKind } from '../../../shared/domain/trackers.ts';
import type { TrackersModule } from '../../domain/trackers/index.ts';

/** GitHub caps webhook payloads at 25 MB; an issue event is a few KB (Jira's with its fields, more). */
const BODY_LIMIT = 1024 * 1024;

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** Each tracker's webhook: how it is documented, and the headers it authenticates with. */
const HOOKS: {
  kind: Exclude<TrackerKind, 'webhook'>;
  summary: string;
  description: string;
  unauthenticated: string;
  read(request: FastifyRequest): {
    signature: string | undefined;
    token: string | undefined;
    event: string | undefined;
  };
}[] = [
  {
    kind: 'github',
    summary: "A GitHub repository's webhook (issues events): the tracker's state comes back",
    description:
      'Signed with X-Hub-Signature-256 (HMAC-SHA256 of the body with the webhook secret ' +
      'Stopline gave). `X-GitHub-Event: issues`: a closed issue proposes closing its incident.',
    unauthenticated: 'The signature is missing or does not match',
    read: (r) => ({
      signature: header(r.headers['x-hub-signature-256']),
      token: undefined,
      event: header(r.headers['x-github-event']),
    }),
  },
  {
    kind: 'gitlab',
    summary: "A GitLab project's webhook (issue events): the tracker's state comes back",
    description:
      'Authenticated by X-Gitlab-Token, the secret token Stopline gave, set on the webhook. ' +
      '`X-Gitlab-Event: Issue Hook` with `object_attributes.state` closed proposes closing its incident.',
    unauthenticated: 'The X-Gitlab-Token is missing or does not match',
    read: (r) => ({
      signature: undefined,
      token: header(r.headers['x-gitlab-token']),
      event: header(r.headers['x-gitlab-event']),
    }),
  },
  {
    kind: 'jira',
    summary: "A Jira Cloud admin webhook (issue events): the tracker's state comes back",
    description:
      'Signed with X-Hub-Signature (`sha256=`, HMAC-SHA256 of the body with the secret Stopline ' +
      'gave, set as the webhook’s Secret). `jira:issue_updated` with the status category `done` ' +
      'proposes closing its incident.',
    unauthenticated: 'The signature is missing or does not match',
    read: (r) => ({
      signature: header(r.headers['x-hub-signature']),
      token: undefined,
      event: undefined,
    }),
  },
];

export async function trackerWebhookRoutes(
  app: FastifyInstance,
  opts: { trackers: Pick<TrackersModule, 'receiveWebhook'> },
) {
  const { trackers } = opts;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
  const typed = app.withTypeProvider<ZodTypeProvider>();

  for (const hook of HOOKS) {
    typed.post(
      `/api/v1/tracker-webhooks/${hook.kind}/:id`,
      {
        config: { public: true },
        bodyLimit: BODY_LIMIT,
        schema: {
          summary: hook.summary,
          description: hook.description,
          tags: ['trackers'],
          params: TrackerConnectionRef,
          response: {
            200: TrackerWebhookAccepted,
            401: problemResponse(hook.unauthenticated),
            404: problemResponse(`No ${hook.kind} connection with a webhook secret has this id`),
          },
        },
      },
      async (request) =>
        trackers.receiveWebhook(
          hook.kind,
          request.params.id,
          Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
          hook.read(request),
        ),
    );
  }
}

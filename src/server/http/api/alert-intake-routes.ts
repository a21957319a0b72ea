// /api/v1/alert-intake/...: where monitoring tools send alerts, each answering as the tool it
// imitates expects. Public routes: the source's key authenticates (PagerDuty's routing_key in
// the event; a webhook's Authorization, Bearer or Basic with the key as password). The body is
// taken as bytes, so the service stores and hashes it exactly as sent before parsing it.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  AlertmanagerWebhookBody,
  PagerDutyAccepted,
  PagerDutyEventBody,
  WebhookAccepted,
} from '../../../shared/api/alerts.ts';
import { problemResponse, rateLimitedResponse } from '../../../shared/api/problems.ts';
import type { AlertSourceKind } from '../../../shared/domain/alerts.ts';
import type { AlertsModule } from '../../domain/alerts/index.ts';

const tags = ['alerts'];
/** PagerDuty refuses events over 512 KB; Alertmanager groups may hold thousands of alerts. */
const PAGERDUTY_BODY_LIMIT = 512 * 1024;
const WEBHOOK_BODY_LIMIT = 8 * 1024 * 1024;

const answers = {
  404: problemResponse('No enabled source of this kind has this key (only a counter is kept)'),
  401: problemResponse("The payload's signature does not match (a source with a signing secret)"),
  413: problemResponse('The payload is larger than this endpoint accepts'),
  429: rateLimitedResponse('The source sent more than its rate this minute'),
};

/** The key of a webhook: `Authorization: Bearer <key>`, or Basic with the key as the password. */
export function webhookKey(authorization: string | undefined): string | null {
  if (!authorization) return null;
  const [scheme, value] = authorization.trim().split(/\s+/, 2);
  if (!value) return null;
  if (scheme?.toLowerCase() === 'bearer') return value;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) || null : null;
  }
  return null;
}

export async function alertIntakeRoutes(
  app: FastifyInstance,
  opts: { alerts: Pick<AlertsModule, 'receive'> },
) {
  const { alerts } = opts;
  // The body is handed over as the bytes that arrived, whatever its type says.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
  const typed = app.withTypeProvider<ZodTypeProvider>();
  // The schema describes the body for the OpenAPI description; the service checks it field by
  // field after the bytes are stored.
  const described = () => (data: unknown) => ({ value: data });

  const intake = (request: FastifyRequest, kind: AlertSourceKind) =>
    alerts.receive({
      kind,
      key: webhookKey(request.headers.authorization),
      raw: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
      contentType: request.headers['content-type'] ?? null,
      header: (name) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      },
    });

  typed.post(
    '/api/v1/alert-intake/pagerduty/v2/enqueue',
    {
      config: { public: true },
      bodyLimit: PAGERDUTY_BODY_LIMIT,
      validatorCompiler: described,
      schema: {
        summary: 'Send an alert as a PagerDuty Events API v2 event (trigger, acknowledge, resolve)',
        description:
          "Compatible with PagerDuty's `POST /v2/enqueue`: the `routing_key` is the source's key. " +
          '`202` with the `dedup_key` (made when a trigger sends none); a trigger with the dedup ' +
          'key of an open alert updates it; after a resolve the next trigger is a new alert.',
        tags,
        body: PagerDutyEventBody,
        response: { 202: PagerDutyAccepted, ...answers },
      },
    },
    async (request, reply) => {
      const result = await intake(request, 'pagerduty');
      return reply.status(202).send({
        status: 'success',
        message: 'Event processed',
        dedup_key: result.results[0]!.dedupKey,
      });
    },
  );

  for (const kind of ['alertmanager', 'grafana', 'generic'] as const) {
    typed.post(
      `/api/v1/alert-intake/${kind}`,
      {
        config: { public: true },
        bodyLimit: WEBHOOK_BODY_LIMIT,
        validatorCompiler: described,
        schema: {
          summary:
            kind === 'alertmanager'
              ? 'Send alerts as a Prometheus Alertmanager webhook (version 4)'
              : kind === 'grafana'
                ? "Send alerts as Grafana alerting's webhook"
                : "Send alerts as JSON read through the source's mapping",
          description:
            "Authorization: Bearer with the source's key (or Basic, the key as password). One " +
            'alert per fingerprint (dedup key): firing creates or re-fires it, resolved resolves it.',
          tags,
          ...(kind === 'generic' ? {} : { body: AlertmanagerWebhookBody }),
          response: { 202: WebhookAccepted, ...answers },
        },
      },
      async (request, reply) => {
        const result = await intake(request, kind);
        return reply.status(202).send({
          status: 'success',
          payloadId: result.payloadId,
          alerts: result.results.length,
          results: result.results,
        });
      },
    );
  }
}

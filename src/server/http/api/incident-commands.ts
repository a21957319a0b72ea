// Shared shape of the incident routes: who is calling, which version they saw (If-Match or
// `expectedVersion`), and one helper that turns "parse → call one service method → answer" into
// a single line per route.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { Incident, IncidentRef } from '../../../shared/api/incidents.ts';
import type { Permission } from '../../../shared/domain/permissions.ts';
import type { Actor } from '../../domain/actor.ts';
import type { IncidentState } from '../../domain/incidents/index.ts';
import { AppError } from '../../errors.ts';

export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('UNAUTHENTICATED', 'Sign in to do this');
  return request.actor;
}

/** `If-Match: "7"` (or W/"7", or 7) wins over `expectedVersion` in the body. */
export function versionOf(
  request: FastifyRequest,
  fromBody: number | undefined,
): number | undefined {
  const header = request.headers['if-match'];
  if (typeof header !== 'string' || header.trim() === '*') return fromBody;
  const match = /^\s*(?:W\/)?"?(\d{1,12})"?\s*$/.exec(header);
  if (!match) {
    throw new AppError('VALIDATION', 'If-Match must be the incident version, e.g. "7"', {
      errors: [{ field: 'headers.if-match', message: 'must be a version number' }],
    });
  }
  return Number(match[1]);
}

export function sendIncident(reply: FastifyReply, incident: IncidentState, status = 200) {
  return reply.status(status).header('etag', `"${incident.version}"`).send(incident);
}

type Body = z.ZodType<{ expectedVersion?: number | undefined }>;

/** POST/PATCH/DELETE on one incident that answers with the incident after the change. */
export function incidentCommand<B extends Body>(
  app: FastifyInstance,
  route: {
    method: 'POST' | 'PATCH' | 'DELETE';
    url: string;
    permission: Permission;
    summary: string;
    body?: B;
    params?: z.ZodObject;
  },
  run: (
    actor: Actor,
    ref: string,
    version: number | undefined,
    body: Omit<z.output<B>, 'expectedVersion'>,
    params: Record<string, string>,
  ) => Promise<IncidentState>,
): void {
  app.withTypeProvider<ZodTypeProvider>().route({
    method: route.method,
    url: route.url,
    config: { permission: route.permission },
    schema: {
      summary: route.summary,
      tags: ['incidents'],
      params: route.params ?? IncidentRef,
      ...(route.body ? { body: route.body } : {}),
      response: { 200: Incident },
    },
    handler: async (request, reply) => {
      const params = request.params as Record<string, string> & { ref: string };
      const { expectedVersion, ...body } = (request.body ?? {}) as z.output<B>;
      const incident = await run(
        actorOf(request),
        params.ref,
        versionOf(request, expectedVersion),
        body as Omit<z.output<B>, 'expectedVersion'>,
        params,
      );
      return sendIncident(reply, incident);
    },
  });
}

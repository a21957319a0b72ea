// Shared shape of the incident routes: who is calling, which version they saw (If-Match or
// `expectedVersion`), and one helper that turns "parse → call one service method → answer" into
// a single line per route.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { Created, Incident, IncidentRef } from '../../../shared/api/incidents.ts';
import type { problemResponse } from '../../../shared/api/problems.ts';
import type { Permission } from '../../../shared/domain/permissions.ts';
import type { Actor } from '../../domain/actor.ts';
import type { IncidentView } from '../../domain/incidents/index.ts';
import { AppError } from '../../errors.ts';
import { presentIncident } from './incident-presenters.ts';

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

export function sendIncident(reply: FastifyReply, incident: IncidentView, status = 200) {
  return reply
    .status(status)
    .header('etag', `"${incident.version}"`)
    .send(presentIncident(incident));
}

/** Where an incident lives in the API: its key, the way people say it. */
export const incidentLocation = (incident: Pick<IncidentView, 'key'>) =>
  `/api/v1/incidents/${encodeURIComponent(incident.key)}`;

/** A newly opened incident, however it was opened: 201, its version and its Location. */
export function sendOpenedIncident(reply: FastifyReply, incident: IncidentView) {
  return sendIncident(reply.header('location', incidentLocation(incident)), incident, 201);
}

type Body = z.ZodType<{ expectedVersion?: number | undefined }>;

interface CommandRoute<B extends Body> {
  method: 'POST' | 'PATCH' | 'DELETE';
  url: string;
  permission: Permission;
  summary: string;
  /** What else the OpenAPI description says (the 400s a field can bring). */
  description?: string;
  body?: B;
  params?: z.ZodObject;
  /** The 422 answer when the policy can refuse this step, as the OpenAPI description shows it. */
  refusal?: ReturnType<typeof problemResponse>;
}

type Run<B extends Body, R> = (
  actor: Actor,
  ref: string,
  version: number | undefined,
  body: Omit<z.output<B>, 'expectedVersion'>,
  params: Record<string, string>,
) => Promise<R>;

function register<B extends Body, R>(
  app: FastifyInstance,
  route: CommandRoute<B>,
  response: Record<number, z.ZodType>,
  run: Run<B, R>,
  answer: (reply: FastifyReply, result: R) => FastifyReply,
): void {
  app.withTypeProvider<ZodTypeProvider>().route({
    method: route.method,
    url: route.url,
    config: { permission: route.permission },
    schema: {
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: ['incidents'],
      params: route.params ?? IncidentRef,
      ...(route.body ? { body: route.body } : {}),
      response: { ...response, ...(route.refusal ? { 422: route.refusal } : {}) },
    },
    handler: async (request, reply) => {
      const params = request.params as Record<string, string> & { ref: string };
      const { expectedVersion, ...body } = (request.body ?? {}) as z.output<B>;
      const result = await run(
        actorOf(request),
        params.ref,
        versionOf(request, expectedVersion),
        body as Omit<z.output<B>, 'expectedVersion'>,
        params,
      );
      return answer(reply, result);
    },
  });
}

/** A change to one incident that answers with the incident after the change. */
export function incidentCommand<B extends Body>(
  app: FastifyInstance,
  route: CommandRoute<B>,
  run: Run<B, IncidentView>,
): void {
  register(app, route, { 200: Incident }, run, (reply, incident) => sendIncident(reply, incident));
}

/** A change that creates a part of the incident (task, containment action): 201 with its id. */
export function incidentPartCommand<B extends Body>(
  app: FastifyInstance,
  route: CommandRoute<B>,
  run: Run<B, { id: string; incident: IncidentView }>,
): void {
  register(app, route, { 201: Created }, run, (reply, result) =>
    reply
      .status(201)
      .header('etag', `"${result.incident.version}"`)
      .send({ id: result.id, incident: presentIncident(result.incident) }),
  );
}

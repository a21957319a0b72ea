// /api/v1/tracker-connections: admins (trackers.manage) connect the development trackers an
// incident decided non-critical is handed to, and see what failed; /api/v1/incidents/{ref}/
// tracker-issues: who may read the incident sees its issues and the proposal to close it.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { IncidentRef } from '../../../shared/api/incidents.ts';
import {
  ConnectionIssueList,
  CreateTrackerConnection,
  IncidentTrackerIssues,
  TrackerConnection,
  TrackerConnectionCreated,
  TrackerConnectionList,
  TrackerConnectionRef,
  TrackerSecret,
  UpdateTrackerConnection,
} from '../../../shared/api/trackers.ts';
import type { TrackerConnectionView, TrackersModule } from '../../domain/trackers/index.ts';
import { actorOf } from './incident-commands.ts';
import { presentTime } from './time-presenter.ts';

const tags = ['trackers'];

export function presentConnection(c: TrackerConnectionView, baseUrl: string) {
  return {
    ...c,
    webhookUrl:
      c.kind === 'webhook'
        ? null
        : `${baseUrl.replace(/\/+$/, '')}/api/v1/tracker-webhooks/${c.kind}/${c.id}`,
    lastErrorAt: presentTime(c.lastErrorAt),
    createdAt: presentTime(c.createdAt),
    updatedAt: presentTime(c.updatedAt),
  };
}

export async function trackerRoutes(
  app: FastifyInstance,
  opts: {
    trackers: Pick<
      TrackersModule,
      | 'listConnections'
      | 'getConnection'
      | 'createConnection'
      | 'updateConnection'
      | 'rotateSecret'
      | 'listConnectionIssues'
      | 'listIncidentIssues'
    >;
    baseUrl: string;
  },
) {
  const { trackers, baseUrl } = opts;
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const present = (c: TrackerConnectionView) => presentConnection(c, baseUrl);
  const manage = { permission: 'trackers.manage' as const };

  typed.get(
    '/api/v1/tracker-connections',
    {
      config: manage,
      schema: {
        summary: 'Tracker connections, by name',
        tags,
        response: { 200: TrackerConnectionList },
      },
    },
    async () => ({ items: (await trackers.listConnections()).map(present) }),
  );

  typed.post(
    '/api/v1/tracker-connections',
    {
      config: manage,
      schema: {
        summary: 'Connect a tracker: GitHub Issues, GitLab Issues, Jira Cloud or a signed webhook',
        description:
          'The credential is sealed with the server key and never shown again; a webhook ' +
          "connection's signing secret and the secret for a GitHub, GitLab or Jira webhook are in this answer only.",
        tags,
        body: CreateTrackerConnection,
        response: { 201: TrackerConnectionCreated },
      },
    },
    async (request, reply) => {
      const made = await trackers.createConnection(actorOf(request), request.body);
      reply.header('cache-control', 'no-store');
      return reply.status(201).send({ ...made, connection: present(made.connection) });
    },
  );

  typed.get(
    '/api/v1/tracker-connections/:id',
    {
      config: manage,
      schema: {
        summary: 'A tracker connection, with its last failure',
        tags,
        params: TrackerConnectionRef,
        response: { 200: TrackerConnection },
      },
    },
    async (request) => present(await trackers.getConnection(request.params.id)),
  );

  typed.patch(
    '/api/v1/tracker-connections/:id',
    {
      config: manage,
      schema: {
        summary: 'Change a tracker connection (a new credential replaces the sealed one)',
        tags,
        params: TrackerConnectionRef,
        body: UpdateTrackerConnection,
        response: { 200: TrackerConnection },
      },
    },
    async (request) =>
      present(await trackers.updateConnection(actorOf(request), request.params.id, request.body)),
  );

  typed.post(
    '/api/v1/tracker-connections/:id/secret',
    {
      config: manage,
      schema: {
        summary:
          "A new secret: a webhook connection's signing secret, or the secret of a GitHub, GitLab or Jira connection's own webhook",
        tags,
        params: TrackerConnectionRef,
        response: { 200: TrackerSecret },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return trackers.rotateSecret(actorOf(request), request.params.id);
    },
  );

  typed.get(
    '/api/v1/tracker-connections/:id/issues',
    {
      config: manage,
      schema: {
        summary: 'The latest issues handed to this tracker, with their attempts and last failure',
        tags,
        params: TrackerConnectionRef,
        response: { 200: ConnectionIssueList },
      },
    },
    async (request) => ({
      items: (await trackers.listConnectionIssues(request.params.id)).map((i) => ({
        id: i.id,
        incidentKey: i.incidentKey,
        status: i.status,
        url: i.url,
        key: i.externalKey,
        state: i.state,
        attempts: i.attempts,
        lastError: i.lastError,
        updatedAt: presentTime(i.updatedAt),
      })),
    }),
  );

  typed.get(
    '/api/v1/incidents/:ref/tracker-issues',
    {
      config: { permission: 'incidents.read' },
      schema: {
        summary: 'The tracker issues an incident was handed to, and whether closing it is proposed',
        tags: ['incidents', ...tags],
        params: IncidentRef,
        response: { 200: IncidentTrackerIssues },
      },
    },
    async (request) => {
      const found = await trackers.listIncidentIssues(actorOf(request), request.params.ref);
      return {
        closeProposed: found.closeProposed,
        items: found.issues.map((i) => ({
          ...i,
          closedAt: presentTime(i.closedAt),
          createdAt: presentTime(i.createdAt),
          updatedAt: presentTime(i.updatedAt),
        })),
      };
    },
  );
}

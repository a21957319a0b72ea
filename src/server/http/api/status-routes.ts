// /api/v1/status: staff manage the components of the public status page (status.manage) and
// publish public incidents and their updates (status.publish, the communications lead). Every
// published text is recorded as an event; see docs/status-page.md.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponse } from '../../../shared/api/problems.ts';
import {
  CreatePublicIncident,
  CreateStatusComponent,
  PublicIncident,
  PublicIncidentList,
  PublicIncidentListQuery,
  PublicIncidentRef,
  PublishUpdate,
  StatusComponent,
  StatusComponentList,
  StatusComponentRef,
  UpdatePublicIncident,
  UpdateStatusComponent,
} from '../../../shared/api/status.ts';
import type { StaffIncidentView, StatusModule } from '../../domain/status/index.ts';
import { actorOf, versionOf } from './incident-commands.ts';
import { presentStaffIncident, presentStatusComponent } from './status-presenters.ts';

const tags = ['status page'];
const refused = problemResponse(
  'The change is refused (e.g. an update to a resolved incident without reopening it)',
);
const conflict = problemResponse('The public incident changed since the version given');

export async function statusRoutes(
  app: FastifyInstance,
  opts: { status: StatusModule; baseUrl: string },
) {
  const { status, baseUrl } = opts;
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const sendIncident = (reply: FastifyReply, view: StaffIncidentView, code = 200) =>
    reply
      .status(code)
      .header('etag', `"${view.incident.version}"`)
      .send(presentStaffIncident(view, baseUrl));

  typed.get(
    '/api/v1/status/components',
    {
      config: { permission: 'status.read' },
      schema: {
        summary: 'The components of the public status page, with the status the page shows',
        tags,
        response: { 200: StatusComponentList },
      },
    },
    async () => ({ items: (await status.listComponents()).map(presentStatusComponent) }),
  );

  typed.post(
    '/api/v1/status/components',
    {
      config: { permission: 'status.manage' },
      schema: {
        summary: 'Add a component (or a group of components) to the public status page',
        tags,
        body: CreateStatusComponent,
        response: { 201: StatusComponent },
      },
    },
    async (request, reply) => {
      const component = await status.addComponent(actorOf(request), request.body);
      return reply.status(201).send(presentStatusComponent(component));
    },
  );

  typed.patch(
    '/api/v1/status/components/:id',
    {
      config: { permission: 'status.manage' },
      schema: {
        summary: 'Rename, describe, move or regroup a component, or set its status by hand',
        tags,
        params: StatusComponentRef,
        body: UpdateStatusComponent,
        response: { 200: StatusComponent, 422: refused },
      },
    },
    async (request) =>
      presentStatusComponent(
        await status.changeComponent(actorOf(request), request.params.id, request.body),
      ),
  );

  typed.delete(
    '/api/v1/status/components/:id',
    {
      config: { permission: 'status.manage' },
      schema: {
        summary: 'Take a component off the page (a group only once it is empty)',
        tags,
        params: StatusComponentRef,
        response: { 204: z.null(), 422: refused },
      },
    },
    async (request, reply) => {
      await status.removeComponent(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  typed.get(
    '/api/v1/status/incidents',
    {
      config: { permission: 'status.read' },
      schema: {
        summary: 'Public incidents, newest first',
        tags,
        querystring: PublicIncidentListQuery,
        response: { 200: PublicIncidentList },
      },
    },
    async (request) => ({
      items: (await status.listIncidents(actorOf(request), request.query.limit)).map((v) =>
        presentStaffIncident(v, baseUrl),
      ),
    }),
  );

  typed.post(
    '/api/v1/status/incidents',
    {
      config: { permission: 'status.publish' },
      schema: {
        summary: 'Publish a public incident with its first update',
        description:
          'Answers `201` with the incident, its version in `ETag` and its address in `Location`. ' +
          'The link to an internal incident (`internalIncident`) is kept for staff who may see ' +
          'that incident and never shown publicly.',
        tags,
        body: CreatePublicIncident,
        response: { 201: PublicIncident },
      },
    },
    async (request, reply) => {
      const view = await status.openIncident(actorOf(request), request.body);
      reply.header('location', `/api/v1/status/incidents/${view.incident.id}`);
      return sendIncident(reply, view, 201);
    },
  );

  typed.get(
    '/api/v1/status/incidents/:id',
    {
      config: { permission: 'status.read' },
      schema: {
        summary: 'A public incident with every update, and who published each',
        tags,
        params: PublicIncidentRef,
        response: { 200: PublicIncident },
      },
    },
    async (request, reply) =>
      sendIncident(reply, await status.getIncident(actorOf(request), request.params.id)),
  );

  typed.patch(
    '/api/v1/status/incidents/:id',
    {
      config: { permission: 'status.publish' },
      schema: {
        summary: 'Rename a public incident, change its impact, or link it to an internal incident',
        tags,
        params: PublicIncidentRef,
        body: UpdatePublicIncident,
        response: { 200: PublicIncident, 409: conflict },
      },
    },
    async (request, reply) => {
      const { expectedVersion, ...changes } = request.body;
      const view = await status.changeIncident(
        actorOf(request),
        request.params.id,
        changes,
        versionOf(request, expectedVersion),
      );
      return sendIncident(reply, view);
    },
  );

  typed.post(
    '/api/v1/status/incidents/:id/updates',
    {
      config: { permission: 'status.publish' },
      schema: {
        summary: 'Publish an update: status, Markdown text, and the components it affects',
        description:
          'A resolved incident takes a `postmortem` update, or an active status with ' +
          '`reopen: true`; anything else is refused with 422.',
        tags,
        params: PublicIncidentRef,
        body: PublishUpdate,
        response: { 201: PublicIncident, 409: conflict, 422: refused },
      },
    },
    async (request, reply) => {
      const { expectedVersion, ...input } = request.body;
      const view = await status.publishUpdate(
        actorOf(request),
        request.params.id,
        input,
        versionOf(request, expectedVersion),
      );
      reply.header('location', `/api/v1/status/incidents/${view.incident.id}`);
      return sendIncident(reply, view, 201);
    },
  );
}

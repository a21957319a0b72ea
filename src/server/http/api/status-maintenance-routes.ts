// /api/v1/status/maintenances: the communications lead (status.publish) announces scheduled
// maintenance on the public status page and publishes updates on it; every role reads. The
// scheduler moves each maintenance at its window's edges (see docs/status-page.md).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { problemResponse } from '../../../shared/api/problems.ts';
import {
  CancelMaintenance,
  CreateMaintenance,
  Maintenance,
  MaintenanceList,
  MaintenanceListQuery,
  MaintenanceRef,
  PublishMaintenanceUpdate,
  RescheduleMaintenance,
} from '../../../shared/api/status.ts';
import type { StatusModule } from '../../domain/status/index.ts';
import { actorOf, versionOf } from './incident-commands.ts';
import { presentMaintenance } from './status-presenters.ts';

const tags = ['status page'];
const refused = problemResponse(
  'The update is refused (the maintenance is completed, or the status would move back)',
);
const notBegun = problemResponse(
  'Refused: the maintenance’s window has opened, or it is completed or cancelled',
);
const conflict = problemResponse('The maintenance changed since the version given');

export type MaintenanceRoutesStatus = Pick<
  StatusModule,
  | 'scheduleMaintenance'
  | 'publishMaintenanceUpdate'
  | 'rescheduleMaintenance'
  | 'cancelMaintenance'
  | 'getMaintenance'
  | 'listMaintenances'
>;

export async function statusMaintenanceRoutes(
  app: FastifyInstance,
  opts: { status: MaintenanceRoutesStatus; baseUrl: string },
) {
  const { status, baseUrl } = opts;
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    '/api/v1/status/maintenances',
    {
      config: { permission: 'status.read' },
      schema: {
        summary: 'Scheduled maintenance (upcoming and active soonest first; all newest first)',
        tags,
        querystring: MaintenanceListQuery,
        response: { 200: MaintenanceList },
      },
    },
    async (request) => ({
      items: (await status.listMaintenances(request.query.filter, request.query.limit)).map((m) =>
        presentMaintenance(m, baseUrl),
      ),
    }),
  );

  typed.post(
    '/api/v1/status/maintenances',
    {
      config: { permission: 'status.publish' },
      schema: {
        summary: 'Announce a scheduled maintenance: its window, components and first text',
        description:
          'Subscribers who follow one of its components hear of it now, again before the ' +
          'window opens (`noticeBeforeMinutes`, or the policy’s ' +
          '`communications.maintenance.noticeBefore`), and at each move. A window that ends ' +
          'before it starts, or in the past, and an unknown component are a 400 naming the field.',
        tags,
        body: CreateMaintenance,
        response: { 201: Maintenance },
      },
    },
    async (request, reply) => {
      const { noticeBeforeMinutes, ...rest } = request.body;
      const m = await status.scheduleMaintenance(actorOf(request), {
        ...rest,
        noticeBeforeMs: noticeBeforeMinutes === null ? null : noticeBeforeMinutes * 60_000,
      });
      return reply
        .status(201)
        .header('location', `/api/v1/status/maintenances/${m.id}`)
        .header('etag', `"${m.version}"`)
        .send(presentMaintenance(m, baseUrl));
    },
  );

  typed.get(
    '/api/v1/status/maintenances/:id',
    {
      config: { permission: 'status.read' },
      schema: {
        summary: 'A scheduled maintenance with every update, and who published each',
        tags,
        params: MaintenanceRef,
        response: { 200: Maintenance },
      },
    },
    async (request, reply) => {
      const m = await status.getMaintenance(request.params.id);
      return reply.header('etag', `"${m.version}"`).send(presentMaintenance(m, baseUrl));
    },
  );

  typed.post(
    '/api/v1/status/maintenances/:id/updates',
    {
      config: { permission: 'status.publish' },
      schema: {
        summary: 'Publish an update on a maintenance, optionally moving it forward',
        tags,
        params: MaintenanceRef,
        body: PublishMaintenanceUpdate,
        response: { 201: Maintenance, 409: conflict, 422: refused },
      },
    },
    async (request, reply) => {
      const { expectedVersion, status: moveTo, body } = request.body;
      const m = await status.publishMaintenanceUpdate(
        actorOf(request),
        request.params.id,
        { status: moveTo ?? null, body },
        versionOf(request, expectedVersion),
      );
      return reply
        .status(201)
        .header('etag', `"${m.version}"`)
        .send(presentMaintenance(m, baseUrl));
    },
  );

  typed.post(
    '/api/v1/status/maintenances/:id/reschedule',
    {
      config: { permission: 'status.publish' },
      schema: {
        summary: 'Move the window of a maintenance that has not begun',
        description:
          'Recorded as `status.maintenance_rescheduled` with the old and the new window and the ' +
          'text. Subscribers who follow one of its components hear that it was rescheduled; the ' +
          'reminder comes again before the new window, once (not when the new window is already ' +
          'within its notice time: this notice is the reminder). A window that ends before it ' +
          'starts, or in the past, is a 400 naming `scheduledUntil`; the same window a 400 naming ' +
          '`scheduledFor`; a maintenance in progress, completed or cancelled a 422.',
        tags,
        params: MaintenanceRef,
        body: RescheduleMaintenance,
        response: { 200: Maintenance, 409: conflict, 422: notBegun },
      },
    },
    async (request, reply) => {
      const { expectedVersion, noticeBeforeMinutes, ...rest } = request.body;
      const m = await status.rescheduleMaintenance(
        actorOf(request),
        request.params.id,
        {
          ...rest,
          ...(noticeBeforeMinutes === undefined
            ? {}
            : {
                noticeBeforeMs: noticeBeforeMinutes === null ? null : noticeBeforeMinutes * 60_000,
              }),
        },
        versionOf(request, expectedVersion),
      );
      return reply.header('etag', `"${m.version}"`).send(presentMaintenance(m, baseUrl));
    },
  );

  typed.post(
    '/api/v1/status/maintenances/:id/cancel',
    {
      config: { permission: 'status.publish' },
      schema: {
        summary: 'Call off a maintenance before its window opens',
        description:
          'Recorded as `status.maintenance_cancelled` with the text; the maintenance ends ' +
          '(`status` completed, `cancelledAt` set; Statuspage’s JSON shows it completed) and ' +
          'takes nothing down. The subscribers who were told of it hear that it is cancelled. A ' +
          'maintenance in progress, completed or already cancelled is a 422.',
        tags,
        params: MaintenanceRef,
        body: CancelMaintenance,
        response: { 200: Maintenance, 409: conflict, 422: notBegun },
      },
    },
    async (request, reply) => {
      const m = await status.cancelMaintenance(
        actorOf(request),
        request.params.id,
        request.body.body,
        versionOf(request, request.body.expectedVersion),
      );
      return reply.header('etag', `"${m.version}"`).send(presentMaintenance(m, baseUrl));
    },
  );
}

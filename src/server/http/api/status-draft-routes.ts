// /api/v1/status/drafts: four-eyes publishing on the public status page. One member of staff who
// may publish writes a draft; another approves it (which publishes it exactly as written) or
// rejects it with a reason. Drafts are never public. See docs/status-page.md.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { problemResponse } from '../../../shared/api/problems.ts';
import {
  ApprovedStatusDraft,
  CreateStatusDraft,
  RejectStatusDraft,
  StatusDraft,
  StatusDraftList,
  StatusDraftListQuery,
  StatusDraftRef,
} from '../../../shared/api/status.ts';
import type { StatusModule } from '../../domain/status/index.ts';
import { actorOf } from './incident-commands.ts';
import { presentStaffIncident, presentStatusDraft } from './status-presenters.ts';

const tags = ['status page'];
const refused = problemResponse(
  'Refused: the draft was already decided, or its writer tries to approve it',
);
const conflict = problemResponse('The public incident changed since the draft was written');

export async function statusDraftRoutes(
  app: FastifyInstance,
  opts: {
    status: Pick<
      StatusModule,
      'writeDraft' | 'getDraft' | 'listDrafts' | 'approveDraft' | 'rejectDraft'
    >;
    baseUrl: string;
  },
) {
  const { status, baseUrl } = opts;
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.post(
    '/api/v1/status/drafts',
    {
      config: { permission: 'status.publish' },
      schema: {
        summary:
          'Write a draft (a new public incident, or an update) for a second person to approve',
        description:
          'Checked as publishing it now would be (a `400` names each bad field, a `422` refuses ' +
          'what the incident cannot take), then recorded internally: nothing of a draft is ' +
          'public until another member of staff who may publish approves it.',
        tags,
        body: CreateStatusDraft,
        response: { 201: StatusDraft, 422: refused },
      },
    },
    async (request, reply) => {
      const { publicIncidentId, name, impact, startedAt, internalIncident, ...update } =
        request.body;
      const draft = await status.writeDraft(actorOf(request), {
        publicIncidentId,
        name,
        impact,
        startedAt,
        internalIncident,
        update,
      });
      reply.header('location', `/api/v1/status/drafts/${draft.id}`);
      return reply.status(201).send(presentStatusDraft(draft));
    },
  );

  typed.get(
    '/api/v1/status/drafts',
    {
      config: { permission: 'status.publish' },
      schema: {
        summary: 'Drafts, newest first (stage=pending: those waiting for approval)',
        tags,
        querystring: StatusDraftListQuery,
        response: { 200: StatusDraftList },
      },
    },
    async (request) => ({
      items: (await status.listDrafts(actorOf(request), request.query)).map(presentStatusDraft),
    }),
  );

  typed.get(
    '/api/v1/status/drafts/:id',
    {
      config: { permission: 'status.publish' },
      schema: { summary: 'A draft', tags, params: StatusDraftRef, response: { 200: StatusDraft } },
    },
    async (request) =>
      presentStatusDraft(await status.getDraft(actorOf(request), request.params.id)),
  );

  typed.post(
    '/api/v1/status/drafts/:id/approve',
    {
      config: { permission: 'status.publish' },
      schema: {
        summary: 'Approve a draft: it is published now, exactly as written',
        description:
          'By someone other than its writer (`422` otherwise), while the public incident is as ' +
          'it was when the draft was written (`409` otherwise: reject it and write it again).',
        tags,
        params: StatusDraftRef,
        response: { 200: ApprovedStatusDraft, 409: conflict, 422: refused },
      },
    },
    async (request) => {
      const { draft, incident } = await status.approveDraft(actorOf(request), request.params.id);
      return {
        draft: presentStatusDraft(draft),
        incident: presentStaffIncident(incident, baseUrl),
      };
    },
  );

  typed.post(
    '/api/v1/status/drafts/:id/reject',
    {
      config: { permission: 'status.publish' },
      schema: {
        summary: 'Send a draft back with a reason (its writer may withdraw it the same way)',
        tags,
        params: StatusDraftRef,
        body: RejectStatusDraft,
        response: { 200: StatusDraft, 422: refused },
      },
    },
    async (request) =>
      presentStatusDraft(
        await status.rejectDraft(actorOf(request), request.params.id, request.body.reason),
      ),
  );
}

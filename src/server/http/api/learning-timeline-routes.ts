// /api/v1/incidents/{ref}/postmortem/timeline: the post-mortem's timeline drawn from the incident's
// record (decisions, phase moves, notices, deadlines met and breached, containment, the line),
// with the durations measured from it; those who write the post-mortem mark events important,
// annotate them and add entries the record does not hold (in draft). See docs/learning.md.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  AddTimelineEntry,
  MarkTimelineEvent,
  PostmortemStep,
  PostmortemTimeline,
  PostmortemTimelineEntryRef,
  PostmortemTimelineEventRef,
  PostmortemTimelineQuery,
} from '../../../shared/api/learning.ts';
import { IncidentRef } from '../../../shared/api/incidents.ts';
import { problemResponse } from '../../../shared/api/problems.ts';
import type { LearningModule, PostmortemTimeline as View } from '../../domain/learning/index.ts';
import { actorOf, versionOf } from './incident-commands.ts';
import { presentTimeline } from './learning-presenters.ts';

const tags = ['learning'];
const refused = problemResponse('Refused: the post-mortem is not in draft');
const conflict = problemResponse('The post-mortem changed since the version given');
const path = '/api/v1/incidents/:ref/postmortem/timeline';

export async function learningTimelineRoutes(
  app: FastifyInstance,
  opts: {
    learning: Pick<
      LearningModule,
      'getTimeline' | 'markTimelineEvent' | 'addTimelineEntry' | 'removeTimelineEntry'
    >;
  },
) {
  const { learning } = opts;
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const send = (reply: FastifyReply, view: View, code = 200) =>
    reply
      .status(code)
      .header('etag', `"${view.postmortem.version}"`)
      .send(presentTimeline(view, { important: false }));

  typed.get(
    path,
    {
      config: { permission: 'learning.read' },
      schema: {
        summary:
          "The post-mortem's timeline from the incident's record, and the measured durations",
        description:
          'Drawn from the record, never typed in: decisions, phase moves, notices, deadlines met ' +
          'and breached, containment and the line, with the marks and entries the post-mortem ' +
          'adds; `important=true` keeps only what is marked important. 404 when the incident has ' +
          'no post-mortem.',
        tags,
        params: IncidentRef,
        querystring: PostmortemTimelineQuery,
        response: { 200: PostmortemTimeline },
      },
    },
    async (request, reply) => {
      const view = await learning.getTimeline(actorOf(request), request.params.ref);
      return reply
        .header('etag', `"${view.postmortem.version}"`)
        .send(presentTimeline(view, { important: request.query.important === 'true' }));
    },
  );

  typed.put(
    `${path}/events/:seq`,
    {
      config: { permission: 'learning.write' },
      schema: {
        summary: 'Mark an event of the record important (or not), with an optional note',
        description: '404 for a sequence number that is not on the timeline; 422 unless in draft.',
        tags,
        params: PostmortemTimelineEventRef,
        body: MarkTimelineEvent,
        response: { 200: PostmortemTimeline, 409: conflict, 422: refused },
      },
    },
    async (request, reply) => {
      const { important, note, expectedVersion } = request.body;
      const view = await learning.markTimelineEvent(
        actorOf(request),
        request.params.ref,
        request.params.seq,
        { important, note },
        versionOf(request, expectedVersion),
      );
      return send(reply, view);
    },
  );

  typed.post(
    `${path}/entries`,
    {
      config: { permission: 'learning.write' },
      schema: {
        summary: 'Add an entry the record does not hold (a call, a discovery) to the timeline',
        description: '400 for a time in the future; 422 unless in draft.',
        tags,
        params: IncidentRef,
        body: AddTimelineEntry,
        response: { 201: PostmortemTimeline, 409: conflict, 422: refused },
      },
    },
    async (request, reply) => {
      const { expectedVersion, ...entry } = request.body;
      const view = await learning.addTimelineEntry(
        actorOf(request),
        request.params.ref,
        entry,
        versionOf(request, expectedVersion),
      );
      return send(reply, view, 201);
    },
  );

  typed.delete(
    `${path}/entries/:entryId`,
    {
      config: { permission: 'learning.write' },
      schema: {
        summary: 'Remove an entry written into the timeline (the record keeps that it was there)',
        tags,
        params: PostmortemTimelineEntryRef,
        body: PostmortemStep,
        response: { 200: PostmortemTimeline, 409: conflict, 422: refused },
      },
    },
    async (request, reply) => {
      const view = await learning.removeTimelineEntry(
        actorOf(request),
        request.params.ref,
        request.params.entryId,
        versionOf(request, request.body?.expectedVersion),
      );
      return send(reply, view);
    },
  );
}

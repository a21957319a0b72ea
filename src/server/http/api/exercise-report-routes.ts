// /api/v1/incidents/{ref}/exercise-report: an exercise ends with a report (issue 14, item 7): its
// objectives each judged met or not with a note, the follow-ups its post-mortem raised, the
// durations measured from its record and who took part; Markdown or PDF for download. Everything
// in it says EXERCISE. See docs/learning.md.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AddExerciseObjective,
  AssessExerciseObjective,
  CompleteExerciseReport,
  ExerciseObjectiveRef,
  ExerciseReport,
  ReopenExerciseReport,
} from '../../../shared/api/learning.ts';
import { IncidentRef } from '../../../shared/api/incidents.ts';
import { problemResponse } from '../../../shared/api/problems.ts';
import type { Clock } from '../../clock.ts';
import type { ExerciseReportView, LearningModule } from '../../domain/learning/index.ts';
import { actorOf, versionOf } from './incident-commands.ts';
import { presentExerciseReport } from './learning-presenters.ts';
import { renderReportPdf } from './final-report-pdf.ts';

const tags = ['learning'];
const path = '/api/v1/incidents/:ref/exercise-report';
const notFound = problemResponse(
  'No such incident (or not yours to see), the incident is not an exercise, or no such objective',
);
const refused = problemResponse(
  'Refused: the report is completed (reopen it first), or an objective is not judged yet ' +
    '(`errors` naming each as `objectives.<id>`)',
);
const conflict = problemResponse('The report changed since the version given');

export async function exerciseReportRoutes(
  app: FastifyInstance,
  opts: {
    learning: Pick<
      LearningModule,
      | 'getExerciseReport'
      | 'addExerciseObjective'
      | 'assessExerciseObjective'
      | 'completeExerciseReport'
      | 'reopenExerciseReport'
      | 'writeExerciseReport'
    >;
    clock: Clock;
  },
) {
  const { learning, clock } = opts;
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const send = (reply: FastifyReply, view: ExerciseReportView) =>
    reply.header('etag', `"${view.report.version}"`).send(presentExerciseReport(view, clock.now()));

  typed.get(
    path,
    {
      config: { permission: 'learning.read' },
      schema: {
        summary:
          "The exercise's report: objectives met or not, follow-ups, durations, participants",
        description:
          'Until someone writes it (version 0) its objectives are those entered at declaration ' +
          '(`exercise.objectives`), else the list under an "Objectives" heading of the scenario. ' +
          '404 for an incident that is not an exercise.',
        tags,
        params: IncidentRef,
        response: { 200: ExerciseReport, 404: notFound },
      },
    },
    async (request, reply) =>
      send(reply, await learning.getExerciseReport(actorOf(request), request.params.ref)),
  );

  typed.post(
    `${path}/objectives`,
    {
      config: { permission: 'learning.write' },
      schema: {
        summary: 'Add an objective to the exercise report',
        tags,
        params: IncidentRef,
        body: AddExerciseObjective,
        response: { 200: ExerciseReport, 404: notFound, 409: conflict, 422: refused },
      },
    },
    async (request, reply) => {
      const { text, expectedVersion } = request.body;
      const actor = actorOf(request);
      const version = versionOf(request, expectedVersion);
      return send(
        reply,
        await learning.addExerciseObjective(actor, request.params.ref, text, version),
      );
    },
  );

  typed.put(
    `${path}/objectives/:objectiveId`,
    {
      config: { permission: 'learning.write' },
      schema: {
        summary: 'Judge an objective met or not met, with a note',
        tags,
        params: ExerciseObjectiveRef,
        body: AssessExerciseObjective,
        response: { 200: ExerciseReport, 404: notFound, 409: conflict, 422: refused },
      },
    },
    async (request, reply) => {
      const { met, note, expectedVersion } = request.body;
      const { ref, objectiveId } = request.params;
      const version = versionOf(request, expectedVersion);
      const view = await learning.assessExerciseObjective(
        actorOf(request),
        ref,
        objectiveId,
        { met, note },
        version,
      );
      return send(reply, view);
    },
  );

  typed.post(
    `${path}/complete`,
    {
      config: { permission: 'learning.write' },
      schema: {
        summary: 'Complete the exercise report (every objective judged)',
        description:
          'With `learning.exercises.reportRequiredToClose` (the default) the exercise does not ' +
          'close until this is done.',
        tags,
        params: IncidentRef,
        body: CompleteExerciseReport,
        response: { 200: ExerciseReport, 404: notFound, 409: conflict, 422: refused },
      },
    },
    async (request, reply) => {
      const { summary, expectedVersion } = request.body;
      const version = versionOf(request, expectedVersion);
      return send(
        reply,
        await learning.completeExerciseReport(
          actorOf(request),
          request.params.ref,
          summary,
          version,
        ),
      );
    },
  );

  typed.post(
    `${path}/reopen`,
    {
      config: { permission: 'learning.approve' },
      schema: {
        summary: 'Reopen a completed exercise report, with a reason',
        tags,
        params: IncidentRef,
        body: ReopenExerciseReport,
        response: { 200: ExerciseReport, 404: notFound, 409: conflict, 422: refused },
      },
    },
    async (request, reply) => {
      const { reason, expectedVersion } = request.body;
      const version = versionOf(request, expectedVersion);
      return send(
        reply,
        await learning.reopenExerciseReport(actorOf(request), request.params.ref, reason, version),
      );
    },
  );

  typed.get(
    `${path}/:file`,
    {
      config: { permission: 'learning.read' },
      schema: {
        summary: "Download the exercise's report, Markdown or PDF",
        description:
          'Typed text is escaped: no raw HTML in the Markdown, none interpreted in the PDF.',
        tags,
        params: IncidentRef.extend({ file: z.enum(['report.md', 'report.pdf']) }),
        response: { 404: notFound },
      },
    },
    async (request, reply) => {
      const report = await learning.writeExerciseReport(actorOf(request), request.params.ref);
      const format = request.params.file === 'report.md' ? 'md' : 'pdf';
      const name = `${report.incidentKey}-EXERCISE-report.${format}`;
      reply.header('content-disposition', `attachment; filename="${name}"`);
      if (format === 'md') return reply.type('text/markdown; charset=utf-8').send(report.markdown);
      return reply
        .type('application/pdf')
        .send(await renderReportPdf(report.markdown, report.title));
    },
  );
}

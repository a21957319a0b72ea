// /api/v1/incidents/{ref}/final-reports: the incident's final reports, written from the incident,
// its post-mortem and its record, as Markdown or PDF for download: internal (for staff) and
// external (for customers and the public: only what was published and the sections the policy
// lists). Publishing the external one records the final-report step (its 72-hour clock is met);
// nothing is sent anywhere by it. See docs/learning.md.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IncidentRef } from '../../../shared/api/incidents.ts';
import { problemResponse } from '../../../shared/api/problems.ts';
import type { LearningModule } from '../../domain/learning/index.ts';
import { actorOf } from './incident-commands.ts';
import { renderReportPdf } from './final-report-pdf.ts';

const tags = ['learning'];
const FILES = ['internal.md', 'internal.pdf', 'external.md', 'external.pdf'] as const;

const FinalReportPosted = z.object({
  incidentKey: z.string(),
  publicIncidentId: z.string(),
  /** Published now; false: a draft waits for a second person. */
  published: z.boolean(),
  draftId: z.string().nullable(),
  /** The final-report step was recorded with it now (false: it already was, or a draft). */
  finalReportStepRecorded: z.boolean(),
  markdown: z.string(),
});

export async function finalReportRoutes(
  app: FastifyInstance,
  opts: {
    learning: Pick<
      LearningModule,
      'writeFinalReport' | 'publishExternalReport' | 'postExternalReport'
    >;
  },
) {
  const { learning } = opts;
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    '/api/v1/incidents/:ref/final-reports/:file',
    {
      config: { permission: 'learning.read' },
      schema: {
        summary: "Download the incident's internal or external final report, Markdown or PDF",
        description:
          '`internal.md`, `internal.pdf`: the facts, the measured durations, the timeline (the ' +
          'moments marked important), every section of the post-mortem and the follow-ups. ' +
          '`external.md`, `external.pdf`: the dates, the durations, the public notices and the ' +
          'post-mortem sections the policy lists (`learning.finalReports.externalSections`); never ' +
          "the incident's title, summary, people or internal notes. When personal data was " +
          'breached, both hold the GDPR Art. 33(3) section from the breach record (the internal ' +
          'one only says there is one to those without `breach.read`). Untrusted text is escaped: no ' +
          'raw HTML in the Markdown, none interpreted in the PDF.',
        tags,
        params: IncidentRef.extend({ file: z.enum(FILES) }),
      },
    },
    async (request, reply) => {
      const [audience, format] = request.params.file.split('.') as [
        'internal' | 'external',
        'md' | 'pdf',
      ];
      const report = await learning.writeFinalReport(
        actorOf(request),
        request.params.ref,
        audience,
      );
      const name = `${report.incidentKey}-${audience}-report.${format}`;
      reply.header('content-disposition', `attachment; filename="${name}"`);
      if (format === 'md') return reply.type('text/markdown; charset=utf-8').send(report.markdown);
      return reply
        .type('application/pdf')
        .send(await renderReportPdf(report.markdown, report.title));
    },
  );

  typed.post(
    '/api/v1/incidents/:ref/final-reports/external/publish',
    {
      config: { permission: 'learning.approve' },
      schema: {
        summary: 'Publish the external final report: records the final-report step',
        description:
          "Records the policy's final-report step on the incident with the report's SHA-256, " +
          'which meets the final report clock (`clocks.finalReportWithin`). Sends nothing: a ' +
          "public copy goes out only through the status page's publish gate. 422 once recorded.",
        tags,
        params: IncidentRef,
        response: {
          200: z.object({ incidentKey: z.string(), title: z.string(), markdown: z.string() }),
          422: problemResponse(
            'The final-report step is already recorded, or the incident is closed',
          ),
        },
      },
    },
    async (request) => {
      const { incidentKey, title, markdown } = await learning.publishExternalReport(
        actorOf(request),
        request.params.ref,
      );
      return { incidentKey, title, markdown };
    },
  );

  typed.post(
    '/api/v1/incidents/:ref/final-reports/external/status-page',
    {
      config: { permission: 'learning.approve' },
      schema: {
        summary: 'Post the external final report on the status page, through its publish gate',
        description:
          'Posts the external report (Markdown) as the post-incident report (`postmortem`) of the ' +
          'newest public incident that speaks for this incident; needs `status.publish` too. ' +
          'When the policy lets one person publish alone (`communications.publishing`) it is ' +
          'published at once (200): that meets the final report clock (`clocks.finalReportWithin`), ' +
          'and the final-report step is recorded if it was not (it meets nothing again). When the ' +
          'four-eyes rule asks for a second person, a status page draft is written instead (202, ' +
          '`draftId`): approving it publishes the report and meets the clock. 422 for an exercise, ' +
          'with no public incident speaking for it, or while that public incident is not resolved. ' +
          "Never the incident's title, summary, people or internal notes.",
        tags,
        params: IncidentRef,
        response: {
          200: FinalReportPosted,
          202: FinalReportPosted,
          422: problemResponse(
            'An exercise, no public incident speaks for it, or the public incident is not resolved',
          ),
        },
      },
    },
    async (request, reply) => {
      const { report, posting, stepRecorded } = await learning.postExternalReport(
        actorOf(request),
        request.params.ref,
      );
      return reply.code(posting.published ? 200 : 202).send({
        incidentKey: report.incidentKey,
        publicIncidentId: posting.publicIncidentId,
        published: posting.published,
        draftId: posting.draftId,
        finalReportStepRecorded: stepRecorded,
        markdown: report.markdown,
      });
    },
  );
}

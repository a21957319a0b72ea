// POST /api/v1/reports: the JSON intake for tools and scripts. Public and rate-limited per IP
// (checked before the body is read); attachments travel as base64 in the JSON body (see
// docs/reporting.md).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { rateLimitedResponse } from '../../../shared/api/problems.ts';
import { ReportReceiptJson, ReportSubmissionJson } from '../../../shared/api/reports.ts';
import { portalUrl } from '../../../shared/domain/console-paths.ts';
import type { Config } from '../../config.ts';
import type { ReportsModule } from '../../domain/reports/index.ts';
import { presentTime } from './time-presenter.ts';

/** Text budget plus every attachment at its largest, base64-encoded. */
export function intakeBodyLimit(maxBytes: number, maxCount: number): number {
  return 4 * 1024 * 1024 + maxCount * Math.ceil((maxBytes * 4) / 3 + 1024);
}

export async function reportIntakeRoutes(
  app: FastifyInstance,
  opts: {
    reports: Pick<ReportsModule, 'checkIntakeAllowed' | 'submitReport'>;
    config: Pick<Config, 'baseUrl' | 'attachmentMaxBytes' | 'attachmentMaxCount'>;
  },
) {
  const { config, reports } = opts;
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/reports',
    {
      config: { public: true },
      bodyLimit: intakeBodyLimit(config.attachmentMaxBytes, config.attachmentMaxCount),
      // A sender over the hourly limit is refused before the body is read.
      onRequest: async (request) => reports.checkIntakeAllowed({ ip: request.ip }),
      schema: {
        body: ReportSubmissionJson,
        response: {
          201: ReportReceiptJson,
          429: rateLimitedResponse(
            'This address sent more reports this hour than allowed (refused before the body is read)',
          ),
        },
      },
    },
    async (request, reply) => {
      const { attachments, ...fields } = request.body;
      const files = attachments.map((a) => ({
        name: a.name,
        claimedType: a.contentType,
        bytes: Buffer.from(a.contentBase64, 'base64'),
      }));
      const receipt = await reports.submitReport(fields, files, { ip: request.ip });
      reply.header('cache-control', 'no-store');
      return reply.status(201).send({
        key: receipt.key,
        accessCode: receipt.accessCode,
        portalUrl: portalUrl(config.baseUrl),
        receivedAt: presentTime(receipt.receivedAt),
        acknowledgeBy: presentTime(receipt.acknowledgeDueAt),
      });
    },
  );
}

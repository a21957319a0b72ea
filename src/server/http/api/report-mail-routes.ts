// The e-mails of a report as received, for staff: their hashes, SPF/DKIM/DMARC and OpenPGP
// verdicts (reports.read), and each one's raw bytes with every header (reports.read_contact, as
// they name the reporter; each read is in the report's access log). The raw message is served as
// a text/plain download, never inline and never as HTML, whatever it holds.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ReportMailList } from '../../../shared/api/reports.ts';
import type { Actor } from '../../domain/actor.ts';
import type { MailModule } from '../../domain/mail/index.ts';
import { AppError } from '../../errors.ts';
import { presentTime } from './time-presenter.ts';

const KeyParams = z.object({ key: z.string().regex(/^RPT-\d{4,}$/i, 'must be a report key') });

function actorOf(request: FastifyRequest): Actor {
  const actor = request.actor;
  if (!actor) throw new AppError('UNAUTHENTICATED', 'Sign in to see reports');
  return { ...actor, ip: actor.ip ?? request.ip };
}

export async function reportMailRoutes(
  base: FastifyInstance,
  opts: { mail: Pick<MailModule, 'listReportMail' | 'getReportMailRaw'> },
) {
  const { mail } = opts;
  const app = base.withTypeProvider<ZodTypeProvider>();
  const prefix = '/api/v1/reports';

  app.get(
    `${prefix}/:key/mail`,
    {
      config: { permission: 'reports.read' },
      schema: { params: KeyParams, response: { 200: ReportMailList } },
    },
    async (request) => {
      const { reportKey, messages } = await mail.listReportMail(
        actorOf(request),
        request.params.key,
      );
      return {
        messages: messages.map((m) => ({
          id: m.id,
          via: m.via === 'imap' ? ('imap' as const) : ('smtp' as const),
          receivedAt: presentTime(m.receivedAt),
          sha256: m.sha256,
          redactedAt: m.redactedAt === null ? null : presentTime(m.redactedAt),
          size: m.size,
          status: m.status,
          authentication: m.authentication as ReportMailList['messages'][number]['authentication'],
          forged: m.forged,
          openpgp: m.pgp,
          problem: m.problem,
          rawUrl: `${prefix}/${reportKey}/mail/${m.id}/raw`,
        })),
      };
    },
  );

  app.get(
    `${prefix}/:key/mail/:mailId/raw`,
    {
      config: { permission: 'reports.read_contact' },
      schema: { params: KeyParams.extend({ mailId: z.string().min(1).max(64) }) },
    },
    async (request, reply) => {
      const { key, mailId } = request.params;
      const { message, bytes } = await mail.getReportMailRaw(actorOf(request), key, mailId);
      // The bytes as received, as text to read: never rendered, never sniffed, a download.
      return reply
        .header('content-type', 'text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="${message.id}.eml.txt"`)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', 'no-store')
        .header('digest', `sha-256=${Buffer.from(message.sha256, 'hex').toString('base64')}`)
        .header('x-stopline-sha256', message.sha256)
        .send(bytes);
    },
  );
}

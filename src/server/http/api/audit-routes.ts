// /api/v1/audit: read, filter and export the audit trail.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AuditEntryView,
  AuditQueryParams,
  AuditVerification,
} from '../../../shared/api/accounts.ts';
import type { AuditModule } from '../../domain/audit/index.ts';
import type { AuditQuery } from '../../domain/audit/index.ts';
import { caller } from './session-routes.ts';
import { presentTime } from './time-presenter.ts';

const tags = ['audit'];

function toQuery(params: AuditQueryParams): AuditQuery {
  const { from, to, ...rest } = params;
  return {
    ...rest,
    ...(from ? { from: Date.parse(from) } : {}),
    ...(to ? { to: Date.parse(to) } : {}),
  };
}

export async function auditRoutes(app: FastifyInstance, opts: { audit: AuditModule }) {
  const { audit } = opts;
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/v1/audit',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags,
        summary: 'Audit entries, newest first; page with beforeSeq',
        querystring: AuditQueryParams,
        response: { 200: z.array(AuditEntryView) },
      },
    },
    async (request) => audit.listEntries(caller(request).actor, toQuery(request.query)),
  );

  api.get(
    '/api/v1/audit/verify',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags,
        summary:
          'Recompute the audit trail’s hash chain (as `stopline verify` does): intact, or the first entry that was edited or removed',
        response: { 200: AuditVerification },
      },
    },
    async (request) => {
      const { entries, broken, checkedAt } = await audit.verifyChain(caller(request).actor);
      return { entries, intact: broken === null, broken, checkedAt: presentTime(checkedAt) };
    },
  );

  api.get(
    '/api/v1/audit/export',
    {
      config: { permission: 'audit.export' },
      schema: {
        tags,
        summary: 'Export the matching audit entries, oldest first, as CSV or JSON',
        querystring: AuditQueryParams.omit({ beforeSeq: true, limit: true }).extend({
          format: z.enum(['csv', 'json']).default('json'),
        }),
      },
    },
    async (request, reply) => {
      const { format, ...params } = request.query;
      const body = await audit.exportEntries(caller(request).actor, toQuery(params), format);
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="stopline-audit.${format}"`)
        .send(body);
    },
  );
}

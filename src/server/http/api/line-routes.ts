// /api/v1/line: whether the line runs, for dashboards and `stopline gate --url`.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LineHistory, LineState } from '../../../shared/api/line.ts';
import type { IncidentsModule } from '../../domain/incidents/index.ts';
import { presentLine, presentLineHistory } from './incident-presenters.ts';

export async function lineRoutes(
  app: FastifyInstance,
  opts: { incidents: Pick<IncidentsModule, 'getLine' | 'lineHistory'> },
) {
  const { incidents } = opts;
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/api/v1/line',
    {
      config: { permission: 'line.read' },
      schema: {
        summary: 'Running or stopped, since when, and by which incidents',
        tags: ['line'],
        response: { 200: LineState },
      },
    },
    async () => presentLine(await incidents.getLine()),
  );
  typed.get(
    '/api/v1/line/history',
    {
      config: { permission: 'line.read' },
      schema: {
        summary: 'Every stop and resume, newest first',
        tags: ['line'],
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: LineHistory },
      },
    },
    async (request) => presentLineHistory(await incidents.lineHistory(request.query.limit)),
  );
}

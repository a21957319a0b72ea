// /api/v1/deadlines: what is due soon, breached and met, globally and per incident; marking a
// deadline met by hand, with the reason on the record.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  DeadlineJson,
  DeadlineList,
  DeadlineMeasuresJson,
  DeadlineQuery,
  MeasuresQuery,
  MarkDeadlineMet,
} from '../../../shared/api/deadlines.ts';
import { IncidentRef } from '../../../shared/api/incidents.ts';
import type { Clock } from '../../clock.ts';
import type { ClocksModule } from '../../domain/clocks/index.ts';
import type { DeadlineRecord } from '../../domain/clocks/index.ts';
import type { Actor } from '../../domain/actor.ts';
import { actorOf } from './incident-commands.ts';
import { presentTime as iso } from './time-presenter.ts';

/** GET /api/v1/deadlines's answer (also parts of GET /api/v1/dashboard). */
export async function listDeadlinesAnswer(
  deadlines: Pick<ClocksModule, 'list' | 'subjectKeys'>,
  actor: Actor,
  q: z.infer<typeof DeadlineQuery>,
  now: number,
): Promise<z.infer<typeof DeadlineList>> {
  const items = await deadlines.list(actor, {
    state: q.state,
    soonWithin: q.withinMinutes * 60_000,
    limit: q.limit,
  });
  const keys = await deadlines.subjectKeys(items);
  return { items: items.map((d) => presentDeadline(d, now, keys)) };
}

export function presentDeadline(
  d: DeadlineRecord,
  now: number,
  keys: ReadonlyMap<string, string>,
): DeadlineJson {
  return {
    id: d.id,
    subjectType: d.subjectType,
    subjectId: d.subjectId,
    subjectKey: keys.get(d.subjectId) ?? null,
    kind: d.kind,
    taskId: d.kind === 'task_due' && d.ref !== '' ? d.ref : null,
    breachStage: d.kind === 'breach_stage' ? d.ref : null,
    status: d.status,
    breached:
      d.breachedAt !== null ||
      ((d.status === 'pending' || d.status === 'paused') && d.dueAt <= now),
    startedAt: iso(d.startedAt),
    dueAt: iso(d.dueAt),
    nextFireAt: iso(d.nextFireAt),
    responsibleId: d.responsibleId,
    metAt: iso(d.metAt),
    metBy: d.metBy,
    metReason: d.metReason,
  };
}

export async function deadlinesRoutes(
  app: FastifyInstance,
  opts: {
    clocks: Pick<ClocksModule, 'list' | 'listForIncident' | 'markMet' | 'subjectKeys' | 'measures'>;
    clock: Clock;
  },
) {
  const { clocks: deadlines, clock } = opts;
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['deadlines'];
  typed.get(
    '/api/v1/deadlines',
    {
      config: { permission: 'deadlines.read' },
      schema: {
        summary: 'Deadlines: open, due soon, breached or met, soonest first (met: latest first)',
        tags,
        querystring: DeadlineQuery,
        response: { 200: DeadlineList },
      },
    },
    async (request) => listDeadlinesAnswer(deadlines, actorOf(request), request.query, clock.now()),
  );
  typed.get(
    '/api/v1/incidents/:ref/deadlines',
    {
      config: { permission: 'deadlines.read' },
      schema: {
        summary: "An incident's deadlines, met and open, by due time",
        tags,
        params: IncidentRef,
        response: { 200: DeadlineList },
      },
    },
    async (request) => {
      const items = await deadlines.listForIncident(actorOf(request), request.params.ref);
      const keys = await deadlines.subjectKeys(items);
      return { items: items.map((d) => presentDeadline(d, clock.now(), keys)) };
    },
  );
  typed.post(
    '/api/v1/deadlines/:id/met',
    {
      config: { permission: 'deadlines.manage' },
      schema: {
        summary: 'Mark a deadline met by hand; the reason is recorded on the incident or report',
        tags,
        params: z.object({ id: z.string().min(1).max(100) }),
        body: MarkDeadlineMet,
        response: { 200: DeadlineJson },
      },
    },
    async (request) => {
      const met = await deadlines.markMet(actorOf(request), request.params.id, request.body.reason);
      return presentDeadline(met, clock.now(), await deadlines.subjectKeys([met]));
    },
  );

  typed.get(
    '/api/v1/deadlines/measures',
    {
      config: { permission: 'deadlines.read' },
      schema: {
        summary:
          'Time to acknowledge, time to respond per severity, share met on time per kind and month',
        tags,
        querystring: MeasuresQuery,
        response: { 200: DeadlineMeasuresJson },
      },
    },
    async (request) => {
      const { query } = request;
      const to = query.to ? Date.parse(query.to) : clock.now();
      const from = query.from ? Date.parse(query.from) : to - 365 * 24 * 3_600_000;
      const m = await deadlines.measures({ from, to });
      return { from: iso(from), to: iso(to), ...m };
    },
  );
}

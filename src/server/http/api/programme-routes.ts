// /api/v1/programme: the policy's schedule of exercises and reviews (Kai section 10) as it stands
// against its deadlines, what is overdue, and the record of process reviews, staff training and
// external tests (issue 14, item 7). See docs/learning.md.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Activity, Programme, RecordActivity } from '../../../shared/api/programme.ts';
import { problemResponse } from '../../../shared/api/problems.ts';
import type { LearningModule, ActivityRecord } from '../../domain/learning/index.ts';
import { actorOf } from './incident-commands.ts';

const tags = ['learning'];
const iso = (ms: number) => new Date(ms).toISOString();

function presentActivity(a: ActivityRecord) {
  return { ...a, heldAt: iso(a.heldAt), recordedAt: iso(a.recordedAt) };
}

export async function programmeRoutes(
  app: FastifyInstance,
  opts: { learning: Pick<LearningModule, 'programme'> },
) {
  const { programme } = opts.learning;
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    '/api/v1/programme',
    {
      config: { permission: 'learning.read' },
      schema: {
        summary: "The policy's schedule of exercises and reviews: scheduled, done and overdue",
        description:
          'Each item of `learning.schedule` with its periods (newest first), each a deadline ' +
          'that reminds and escalates like any other; `overdue` lists the items past due.',
        tags,
        response: { 200: Programme },
      },
    },
    async (request) => {
      const view = await programme.view(actorOf(request));
      return {
        items: view.items.map((i) => ({
          ...i,
          dueAt: i.dueAt === null ? null : iso(i.dueAt),
          periods: i.periods.map((p) => ({
            deadlineId: p.deadlineId,
            period: p.period,
            startedAt: iso(p.startedAt),
            dueAt: iso(p.dueAt),
            state: p.state,
            metAt: p.metAt === null ? null : iso(p.metAt),
            metBy: p.metBy,
          })),
        })),
        overdue: view.overdue,
        activities: view.activities.map(presentActivity),
      };
    },
  );

  typed.post(
    '/api/v1/programme/activities',
    {
      config: { permission: 'learning.write' },
      schema: {
        summary: 'Record a process review, staff training or external test',
        description:
          'Meets the open period of every schedule item of its kind that had begun when it was ' +
          'held, and starts the next period.',
        tags,
        body: RecordActivity,
        response: { 201: Activity, 400: problemResponse('A field is missing or not valid') },
      },
    },
    async (request, reply) => {
      const recorded = await programme.recordActivity(actorOf(request), request.body);
      return reply.status(201).send(presentActivity(recorded));
    },
  );
}

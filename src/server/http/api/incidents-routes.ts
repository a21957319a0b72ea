// /api/v1/incidents: open, list, read and edit incidents, their owner, notes, decision log and
// timeline; /api/v1/tasks: tasks across incidents. The lifecycle steps live in
// incident-lifecycle-routes.ts.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  AddNote,
  AddParticipant,
  AssignOwner,
  ContinuityChecklist,
  ContinuityStepRef,
  CreateIncident,
  Decisions,
  IncidentDetail,
  IncidentList,
  IncidentRef,
  Incident,
  NextStepList,
  LinkReports,
  ListIncidentsQuery,
  LogDecision,
  Timeline,
  TimelineQuery,
  UntickContinuityStep,
  UpdateIncident,
} from '../../../shared/api/incidents.ts';
import { PolicyRefusal, problemResponse } from '../../../shared/api/problems.ts';
import { TaskList, TaskListQuery } from '../../../shared/api/tasks.ts';
import type { z } from 'zod';
import type { Actor } from '../../domain/actor.ts';
import type { IncidentsModule } from '../../domain/incidents/index.ts';
import { actorOf, incidentCommand, sendOpenedIncident } from './incident-commands.ts';
import {
  presentContinuity,
  presentDecisions,
  presentIncidentDetail,
  presentIncidentList,
  presentTaskList,
  presentTimeline,
} from './incident-presenters.ts';

/** GET /api/v1/incidents's answer (also a part of GET /api/v1/dashboard). */
export async function listIncidentsAnswer(
  incidents: Pick<IncidentsModule, 'listIncidents'>,
  actor: Actor,
  query: z.infer<typeof ListIncidentsQuery>,
) {
  const { owner, q, open, limit, offset, ...filter } = query;
  const page = await incidents.listIncidents(actor, {
    ...filter,
    ownerId: owner,
    text: q,
    open: open === undefined ? undefined : open === 'true',
    limit,
    offset,
  });
  return presentIncidentList(page, { limit, offset });
}

/** GET /api/v1/tasks's answer (also a part of GET /api/v1/dashboard). */
export async function listTasksAnswer(
  incidents: Pick<IncidentsModule, 'listTasks'>,
  actor: Actor,
  query: z.infer<typeof TaskListQuery>,
) {
  const { assignee, status, limit } = query;
  return presentTaskList(
    await incidents.listTasks(actor, { assignee, openOnly: status === 'open', limit }),
  );
}

export async function incidentsRoutes(app: FastifyInstance, opts: { incidents: IncidentsModule }) {
  const { incidents } = opts;
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['incidents'];

  typed.post(
    '/api/v1/incidents',
    {
      config: { permission: 'incidents.create' },
      schema: {
        summary: 'Open an incident, from scratch or from reports',
        description:
          'Answers `201` with the incident (its `INC-…` key and id among its fields), its version ' +
          'in `ETag` and its address in `Location` (`/api/v1/incidents/INC-…`).',
        tags,
        body: CreateIncident,
        response: {
          201: Incident,
          422: problemResponse(
            'A severity before verify & reproduce without the emergency override; `failedChecks` names the missing step',
            PolicyRefusal,
          ),
        },
      },
    },
    async (request, reply) => {
      const incident = await incidents.openIncident(actorOf(request), request.body);
      return sendOpenedIncident(reply, incident);
    },
  );

  typed.get(
    '/api/v1/incidents',
    {
      config: { permission: 'incidents.read' },
      schema: {
        summary:
          'List incidents, newest first, filtered by phase, severity, owner, criticality, open or closed, or text',
        tags,
        querystring: ListIncidentsQuery,
        response: { 200: IncidentList },
      },
    },
    async (request) => listIncidentsAnswer(incidents, actorOf(request), request.query),
  );

  typed.get(
    '/api/v1/tasks',
    {
      config: { permission: 'incidents.read' },
      schema: {
        summary: 'Tasks across the incidents the caller may see, e.g. ?assignee=me',
        tags,
        querystring: TaskListQuery,
        response: { 200: TaskList },
      },
    },
    async (request) => listTasksAnswer(incidents, actorOf(request), request.query),
  );

  typed.get(
    '/api/v1/next-steps',
    {
      config: { permission: 'incidents.read' },
      schema: {
        summary:
          'What the caller must do now across the open incidents they take part in (votes, tasks, blockers, role duties)',
        tags,
        response: { 200: NextStepList },
      },
    },
    async (request) => ({ items: await incidents.listNextSteps(actorOf(request)) }),
  );

  typed.get(
    '/api/v1/incidents/:ref',
    {
      config: { permission: 'incidents.read' },
      schema: {
        summary: 'An incident (by id or key) with its flags, assessment and open exit checks',
        tags,
        params: IncidentRef,
        response: { 200: IncidentDetail },
      },
    },
    async (request, reply) => {
      const detail = await incidents.getIncident(actorOf(request), request.params.ref);
      return reply
        .header('etag', `"${detail.incident.version}"`)
        .send(presentIncidentDetail(detail));
    },
  );

  incidentCommand(
    app,
    {
      method: 'PATCH',
      url: '/api/v1/incidents/:ref',
      permission: 'incidents.update',
      summary: 'Edit title, summary, times, systems, restriction',
      body: UpdateIncident,
    },
    (actor, ref, v, body) => incidents.updateIncident(actor, ref, v, body),
  );
  incidentCommand(
    app,
    {
      method: 'POST',
      url: '/api/v1/incidents/:ref/reports',
      permission: 'incidents.update',
      summary: 'Link reports',
      body: LinkReports,
    },
    (actor, ref, v, body) => incidents.linkReports(actor, ref, v, body.reportIds),
  );
  incidentCommand(
    app,
    {
      method: 'POST',
      url: '/api/v1/incidents/:ref/participants',
      permission: 'incidents.update',
      summary: 'Add a participant (who may see a restricted incident)',
      body: AddParticipant,
    },
    (actor, ref, v, body) => incidents.addParticipant(actor, ref, v, body.userId),
  );
  incidentCommand(
    app,
    {
      method: 'POST',
      url: '/api/v1/incidents/:ref/owner',
      permission: 'incidents.update',
      summary: 'Assign the owner, by hand or automatically (omit userId)',
      description:
        '400 naming `userId` for someone who cannot own an incident (incidents.update; a read-only viewer never can: `seats` in GET /api/v1/staff) or who is not active staff.',
      body: AssignOwner,
    },
    (actor, ref, v, body) => incidents.assignOwner(actor, ref, v, body.userId),
  );
  incidentCommand(
    app,
    {
      method: 'POST',
      url: '/api/v1/incidents/:ref/notes',
      permission: 'incidents.communicate',
      summary: 'Add a note to the timeline',
      body: AddNote,
    },
    (actor, ref, v, body) => incidents.addNote(actor, ref, v, body.text, body.visibility),
  );
  incidentCommand(
    app,
    {
      method: 'POST',
      url: '/api/v1/incidents/:ref/decisions',
      permission: 'incidents.update',
      summary: 'Record a decision: what, why, alternatives, who decided',
      body: LogDecision,
    },
    (actor, ref, v, body) => incidents.logDecision(actor, ref, v, body),
  );

  typed.get(
    '/api/v1/incidents/:ref/continuity',
    {
      config: { permission: 'incidents.read' },
      schema: {
        summary:
          'The manual fallback procedures for the systems the incident affects, as a checklist',
        description:
          "The policy's `continuity.procedures` that cover one of the incident's affected systems " +
          '(compared without regard to case), each step ticked or not, by whom and when. Empty ' +
          'when none covers them.',
        tags,
        params: IncidentRef,
        response: { 200: ContinuityChecklist },
      },
    },
    async (request) =>
      presentContinuity(await incidents.continuityChecklist(actorOf(request), request.params.ref)),
  );

  typed.post(
    '/api/v1/incidents/:ref/continuity/:procedureId/steps/:step/tick',
    {
      config: { permission: 'incidents.update' },
      schema: {
        summary: 'Tick a step of a fallback procedure: done, by the caller, now',
        description:
          'Recorded on the incident as `incident.continuity_step_ticked`; a step already ticked ' +
          'stays as it was. Answers the checklist.',
        tags,
        params: ContinuityStepRef,
        response: {
          200: ContinuityChecklist,
          404: problemResponse('No such incident, procedure on its checklist, or step'),
        },
      },
    },
    async (request) => {
      const { ref, procedureId, step } = request.params;
      return presentContinuity(
        await incidents.tickContinuityStep(actorOf(request), ref, procedureId, step),
      );
    },
  );

  typed.post(
    '/api/v1/incidents/:ref/continuity/:procedureId/steps/:step/untick',
    {
      config: { permission: 'incidents.update' },
      schema: {
        summary: 'Untick a ticked step of a fallback procedure, with the reason',
        description:
          'Recorded on the incident as `incident.continuity_step_unticked`. Answers the checklist.',
        tags,
        params: ContinuityStepRef,
        body: UntickContinuityStep,
        response: {
          200: ContinuityChecklist,
          404: problemResponse('No such incident, procedure on its checklist, or step'),
          409: problemResponse('The step is not ticked'),
        },
      },
    },
    async (request) => {
      const { ref, procedureId, step } = request.params;
      return presentContinuity(
        await incidents.untickContinuityStep(
          actorOf(request),
          ref,
          procedureId,
          step,
          request.body.reason,
        ),
      );
    },
  );

  typed.get(
    '/api/v1/incidents/:ref/decisions',
    {
      config: { permission: 'incidents.read' },
      schema: {
        summary: 'The decision log',
        tags,
        params: IncidentRef,
        response: { 200: Decisions },
      },
    },
    async (request) =>
      presentDecisions(await incidents.listDecisions(actorOf(request), request.params.ref)),
  );

  typed.get(
    '/api/v1/incidents/:ref/timeline',
    {
      config: { permission: 'incidents.read' },
      schema: {
        summary: 'Every event on the incident, oldest first, a page at a time',
        tags,
        params: IncidentRef,
        querystring: TimelineQuery,
        response: { 200: Timeline },
      },
    },
    async (request) => {
      const { after, limit, type } = request.query;
      const types = type
        ? type
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : undefined;
      const page = await incidents.timeline(actorOf(request), request.params.ref, {
        afterSeq: after,
        limit,
        types,
      });
      return presentTimeline(page);
    },
  );
}

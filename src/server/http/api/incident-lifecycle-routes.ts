// /api/v1/incidents/:ref/...: the lifecycle steps the policy drives — reproduce, panel, severity,
// roles, tasks, containment, de-escalation, hand-off, phases, milestones.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  AssignRole,
  CastVote,
  ConvenePanel,
  CreateTask,
  DeEscalate,
  FinalCall,
  HandOff,
  IncidentRef,
  KeepContainment,
  MovePhase,
  RecordContainment,
  RecordMilestone,
  RecordReproduction,
  ReopenDecision,
  RevertContainment,
  SetSeverity,
  UpdateTask,
} from '../../../shared/api/incidents.ts';
import { PhaseRefusal, PolicyRefusal, problemResponse } from '../../../shared/api/problems.ts';
import type { IncidentsModule } from '../../domain/incidents/index.ts';
import {
  incidentCommand as command,
  incidentPartCommand as partCommand,
} from './incident-commands.ts';

/** Every lifecycle step is refused (422) on a closed incident, and some by the policy's order. */
const refused = problemResponse('Refused by the policy; `detail` says why', PolicyRefusal);
const phaseRefused = problemResponse(
  'The move is refused; `failedChecks` lists every reason, each with a code',
  PhaseRefusal,
);

const TaskParams = IncidentRef.extend({ taskId: z.string().min(1).max(100) });
const ActionParams = IncidentRef.extend({ actionId: z.string().min(1).max(100) });
const RoleParams = IncidentRef.extend({
  role: z.string().min(1).max(40),
  userId: z.string().min(1).max(100),
});

export async function incidentLifecycleRoutes(
  app: FastifyInstance,
  opts: { incidents: IncidentsModule },
) {
  const s = opts.incidents;
  const url = (path: string) => `/api/v1/incidents/:ref/${path}`;
  const post = 'POST' as const;
  const incidentCommand: typeof command = (a, route, run) =>
    command(a, { refusal: refused, ...route }, run);
  const incidentPartCommand: typeof partCommand = (a, route, run) =>
    partCommand(a, { refusal: refused, ...route }, run);

  incidentCommand(
    app,
    {
      method: post,
      url: url('reproduction'),
      permission: 'incidents.update',
      summary: 'Record reproduction steps, result and evidence',
      body: RecordReproduction,
    },
    (actor, ref, v, body) => s.recordReproduction(actor, ref, v, body),
  );
  incidentCommand(
    app,
    {
      method: post,
      url: url('panel'),
      permission: 'incidents.assess',
      summary: 'Convene the assessment panel',
      description:
        '400 naming `responderIds.N` for someone who cannot sit on the panel (incidents.assess; a read-only viewer never can: `seats` in GET /api/v1/staff) or who is not active staff. `securityLeadId` likewise for the security lead (incidents.decide).',
      body: ConvenePanel,
    },
    (actor, ref, v, body) => s.convenePanel(actor, ref, v, body),
  );
  incidentCommand(
    app,
    {
      method: post,
      url: url('votes'),
      permission: 'incidents.assess',
      summary: 'A panel member answers the criteria and votes',
      body: CastVote,
    },
    (actor, ref, v, body) => s.castVote(actor, ref, v, body),
  );
  incidentCommand(
    app,
    {
      method: post,
      url: url('final-call'),
      permission: 'incidents.decide',
      summary: "The security lead's final call",
      body: FinalCall,
    },
    (actor, ref, v, body) => s.recordFinalCall(actor, ref, v, body),
  );
  incidentCommand(
    app,
    {
      method: post,
      url: url('decision/reopen'),
      permission: 'incidents.decide',
      summary: 'Reopen the critical/non-critical decision (new facts)',
      body: ReopenDecision,
    },
    (actor, ref, v, body) => s.reopenDecision(actor, ref, v, body.reason),
  );
  incidentCommand(
    app,
    {
      method: post,
      url: url('severity'),
      permission: 'incidents.update',
      summary:
        'Set the severity with a rationale; before verify & reproduce only as an emergency override',
      body: SetSeverity,
    },
    (actor, ref, v, body) =>
      s.setSeverity(actor, ref, v, body.severity, body.rationale, body.override),
  );
  incidentCommand(
    app,
    {
      method: post,
      url: url('roles'),
      permission: 'incidents.update',
      summary:
        "Assign an incident role, or hand it over (replacesUserId); needs incidents.manage_roles, or incidents.command as the incident's commander",
      description:
        '400 naming `userId` for someone who cannot hold an incident role (incidents.update, incidents.communicate or breach.manage; a read-only viewer never can: `seats` in GET /api/v1/staff) or who is not active staff.',
      body: AssignRole,
    },
    (actor, ref, v, body) => s.assignRole(actor, ref, v, body),
  );
  incidentCommand(
    app,
    {
      method: 'DELETE',
      url: url('roles/:role/:userId'),
      permission: 'incidents.update',
      summary:
        "Release an incident role; needs incidents.manage_roles, or incidents.command as the incident's commander",
      params: RoleParams,
    },
    (actor, ref, v, _body, params) => s.releaseRole(actor, ref, v, params.role!, params.userId!),
  );
  incidentCommand(
    app,
    {
      method: 'PATCH',
      url: url('tasks/:taskId'),
      permission: 'incidents.update',
      summary: 'Update a task (status, assignee, due time...)',
      description:
        '400 naming `assigneeId` for someone who cannot carry a task (the role seat; a read-only viewer never can: `seats` in GET /api/v1/staff) or who is not active staff.',
      body: UpdateTask,
      params: TaskParams,
    },
    (actor, ref, v, body, params) => s.updateTask(actor, ref, v, params.taskId!, body),
  );
  incidentCommand(
    app,
    {
      method: post,
      url: url('containment/:actionId/revert'),
      permission: 'incidents.update',
      summary: 'Revert a containment action',
      body: RevertContainment,
      params: ActionParams,
    },
    (actor, ref, v, body, params) =>
      s.revertContainment(actor, ref, v, params.actionId!, body.note),
  );
  incidentCommand(
    app,
    {
      method: post,
      url: url('containment/:actionId/keep'),
      permission: 'incidents.update',
      summary: 'Keep a containment action, with a justification',
      body: KeepContainment,
      params: ActionParams,
    },
    (actor, ref, v, body, params) =>
      s.keepContainment(actor, ref, v, params.actionId!, body.justification),
  );
  incidentCommand(
    app,
    {
      method: post,
      url: url('de-escalate'),
      permission: 'incidents.decide',
      summary:
        'De-escalate a contained critical incident; the root-cause fix becomes a follow-up task',
      body: DeEscalate,
    },
    (actor, ref, v, body) => s.deEscalate(actor, ref, v, body),
  );
  incidentCommand(
    app,
    {
      method: post,
      url: url('hand-off'),
      permission: 'incidents.update',
      summary: 'Hand a non-critical incident to normal development (tracker link)',
      body: HandOff,
    },
    (actor, ref, v, body) => s.handOffToDevelopment(actor, ref, v, body.trackerUrl),
  );
  incidentCommand(
    app,
    {
      method: post,
      url: url('phase'),
      permission: 'incidents.update',
      summary:
        "Move to a later phase; 422 lists every reason it is refused in failedChecks. Closing needs incidents.close, or incidents.command as the incident's commander",
      body: MovePhase,
      refusal: phaseRefused,
    },
    (actor, ref, v, body) => s.movePhase(actor, ref, v, body.phase),
  );
  incidentCommand(
    app,
    {
      method: post,
      url: url('milestones'),
      permission: 'incidents.update',
      summary: 'Record a step: root cause fixed, reporter informed, post-mortem...',
      body: RecordMilestone,
    },
    (actor, ref, v, body) => s.recordMilestone(actor, ref, v, body.milestone, body.note),
  );

  incidentPartCommand(
    app,
    {
      method: post,
      url: url('tasks'),
      permission: 'incidents.update',
      summary: 'Add a task',
      description:
        '400 naming `assigneeId` for someone who cannot carry a task (the role seat; a read-only viewer never can: `seats` in GET /api/v1/staff) or who is not active staff.',
      body: CreateTask,
    },
    (actor, ref, v, body) => s.addTask(actor, ref, v, body),
  );
  incidentPartCommand(
    app,
    {
      method: post,
      url: url('containment'),
      permission: 'incidents.update',
      summary: 'Record a containment action (what was limited)',
      body: RecordContainment,
    },
    (actor, ref, v, body) => s.recordContainment(actor, ref, v, body),
  );
}

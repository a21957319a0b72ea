// /api/v1/incidents/:ref/breach: the incident's personal-data breach record (issue 15). Reading
// needs incidents.read (details only with breach.read); opening, changing and determinations
// need breach.manage (the legal role and admins).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  BreachResponse,
  OpenBreach,
  RecordDetermination,
  RecordSubmission,
  UpdateBreach,
} from '../../../shared/api/breach.ts';
import { IncidentRef } from '../../../shared/api/incidents.ts';
import { problemResponse } from '../../../shared/api/problems.ts';
import type { Actor } from '../../domain/actor.ts';
import type { BreachModule, BreachView } from '../../domain/breach/index.ts';
import type { Policy } from '../../domain/policy/index.ts';
import { presentBreach } from './breach-presenter.ts';
import { actorOf } from './incident-commands.ts';

export async function breachRoutes(
  app: FastifyInstance,
  opts: { breach: BreachModule; policy: () => Policy },
) {
  const { breach, policy } = opts;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['breach'];
  const url = '/api/v1/incidents/:ref/breach';
  const refused = problemResponse('Refused: `detail` says why (a closed record, nothing changed)');
  /** The one handler of the commands that create: 201 with the record after the command. */
  const created =
    <Body>(command: (actor: Actor, ref: string, body: Body) => Promise<BreachView>) =>
    async (
      request: FastifyRequest & { params: { ref: string }; body: Body },
      reply: FastifyReply,
    ) => {
      const view = await command(actorOf(request), request.params.ref, request.body);
      return reply.code(201).send(presentBreach(view, policy()));
    };

  api.get(
    url,
    {
      config: { permission: 'incidents.read' },
      schema: {
        summary: "The incident's breach record and its regulator clocks",
        description:
          'Everyone who may see the incident sees that a record exists and its clocks; `details` ' +
          "(the record, its determinations, notices, submissions and the contact list's " +
          'tombstones in `contactRedactions`: erasures on request and the retention rule, with ' +
          'how many lines went, the reason and time, never who) only with `breach.read` (the legal role, admins), ' +
          'otherwise null. 404 when the incident has no breach record.',
        tags,
        params: IncidentRef,
        response: { 200: BreachResponse },
      },
    },
    async (request) =>
      presentBreach(await breach.getBreach(actorOf(request), request.params.ref), policy()),
  );

  api.get(
    `${url}/what-if`,
    {
      config: { permission: 'incidents.read' },
      schema: {
        summary: 'When each stage would fall due if its determination were recorded now',
        description:
          'The regimes with their stages as if every determination not yet recorded as yes were ' +
          'recorded now (and every stage another follows were submitted now); what is recorded ' +
          'stays. `details` is always null here.',
        tags,
        params: IncidentRef,
        response: { 200: BreachResponse },
      },
    },
    async (request) =>
      presentBreach(await breach.whatIf(actorOf(request), request.params.ref), policy()),
  );

  api.post(
    url,
    {
      config: { permission: 'breach.manage' },
      schema: {
        summary: 'Open the breach record of an incident (one per incident)',
        tags,
        params: IncidentRef,
        body: OpenBreach,
        response: {
          201: BreachResponse,
          409: problemResponse('The incident already has a breach record'),
        },
      },
    },
    created((actor, ref, body: OpenBreach) => breach.openBreach(actor, ref, body)),
  );

  api.post(
    `${url}/suspicion`,
    {
      config: { permission: 'incidents.assess' },
      schema: {
        summary: 'Raise a suspected personal-data breach on the incident',
        description:
          'For anyone who assesses the incident: opens its breach record as `suspected`, with ' +
          'nothing else on it, and tells everyone with the legal role (by the incident key, on ' +
          'their own channels), who own the record from then on. 409 when it already has one.',
        tags,
        params: IncidentRef,
        response: {
          201: BreachResponse,
          409: problemResponse('The incident already has a breach record'),
        },
      },
    },
    created((actor, ref) => breach.raiseSuspicion(actor, ref)),
  );

  api.patch(
    url,
    {
      config: { permission: 'breach.manage' },
      schema: {
        summary: "Change the breach record's fields or status",
        description:
          'Only the fields sent change. A status of `not_a_breach` or `closed` needs ' +
          '`statusReason`.',
        tags,
        params: IncidentRef,
        body: UpdateBreach,
        response: { 200: BreachResponse, 422: refused },
      },
    },
    async (request) =>
      presentBreach(
        await breach.updateBreach(actorOf(request), request.params.ref, request.body),
        policy(),
      ),
  );

  api.post(
    `${url}/determinations`,
    {
      config: { permission: 'breach.manage' },
      schema: {
        summary: 'Record a determination: a decision with its moment and rationale',
        description:
          'Personal data involved, became aware, high risk, significant (NIS2), material (SEC): ' +
          "yes or no, the moment it refers to (`at`, not in the future; left out: now) and why. The policy's " +
          'regimes start their clocks from these. A later determination of a kind replaces the ' +
          'one in force; both stay on the record.',
        tags,
        params: IncidentRef,
        body: RecordDetermination,
        response: { 201: BreachResponse, 422: refused },
      },
    },
    created((actor, ref, body: RecordDetermination) =>
      breach.recordDetermination(actor, ref, body),
    ),
  );

  api.post(
    `${url}/submissions`,
    {
      config: { permission: 'breach.manage' },
      schema: {
        summary: "Record a stage's submission with a frozen copy of what was sent",
        description:
          'Meets the stage (its deadline) as of `submittedAt`. The copy is stored and its SHA-256 ' +
          'kept on the record. Refused (400, naming the field) before the stage started, in the ' +
          'future, without a copy, or late without `delayReasons`; refused (422) for a stage ' +
          'whose determination is not recorded, or a second submission of a stage that is not ' +
          'phased.',
        tags,
        params: IncidentRef,
        body: RecordSubmission,
        response: { 201: BreachResponse, 422: refused },
      },
    },
    created((actor, ref, body: RecordSubmission) => breach.recordSubmission(actor, ref, body)),
  );

  api.get(
    '/api/v1/breaches/register',
    {
      config: { permission: 'breach.read' },
      schema: {
        summary: 'Export the breach register as JSON or CSV',
        description:
          'Every breach record of the incidents the caller may see, notified or not (GDPR Art. ' +
          '33(5)): the facts, every determination with its rationale, and for each regime ' +
          "whether it applies (and why not), each stage's due time, submission, reference, " +
          'lateness with its reasons and the hash of the copy sent. CSV cells that a spreadsheet ' +
          'would run as a formula are made inert.',
        tags,
        querystring: z.object({ format: z.enum(['csv', 'json']).default('json') }),
      },
    },
    async (request, reply) => {
      const entries = await breach.exportRegister(actorOf(request));
      const { format } = request.query;
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="stopline-breach-register.${format}"`)
        .send(
          format === 'csv' ? breach.registerCsv(entries) : JSON.stringify({ breaches: entries }),
        );
    },
  );
}

// /api/v1/incidents/{ref}/postmortem: the incident's post-mortem from the policy's template.
// Those who handled it write it (learning.write) and send it to review once every required
// section is answered; a security lead approves it or sends it back (learning.approve). A
// restricted incident's post-mortem is seen only by those who may see the incident. Every change
// is an event on the record; see docs/learning.md.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  AcceptProposal,
  ChangeFollowUp,
  CreateFollowUp,
  DeclineProposal,
  FollowUpInList,
  FollowUpList,
  FollowUpListQuery,
  FollowUpRef,
  Postmortem,
  PolicyChangeList,
  PostmortemFollowUpRef,
  PostmortemProposalRef,
  PostmortemSectionRef,
  PostmortemStep,
  RequestPostmortemChanges,
  SetFollowUpStatus,
  SetPostmortemOwner,
  SetPostmortemReviewers,
  SkipPostmortem,
  WritePostmortemSection,
} from '../../../shared/api/learning.ts';
import { IncidentRef } from '../../../shared/api/incidents.ts';
import { problemResponse } from '../../../shared/api/problems.ts';
import type { Clock } from '../../clock.ts';
import type {
  FollowUpChange,
  FollowUpInList as FollowUpListed,
  LearningModule,
  PostmortemView,
} from '../../domain/learning/index.ts';
import { actorOf, versionOf } from './incident-commands.ts';
import { presentFollowUp, presentPostmortem } from './learning-presenters.ts';
import { presentTime } from './time-presenter.ts';

const tags = ['learning'];
const refused = problemResponse(
  'Refused: the post-mortem is not in the state the step needs, or required sections are ' +
    'unanswered (`missingSections`, and `errors` naming each as `sections.<id>`)',
);
const conflict = problemResponse(
  'The post-mortem changed since the version given, or the incident already has one',
);
const path = '/api/v1/incidents/:ref/postmortem';
const notFound = problemResponse(
  'No such incident (or not yours to see), no post-mortem, or no such proposal on its record',
);
const answered = problemResponse(
  'The post-mortem changed since the version given, or the proposal was already answered: ' +
    'taken as a follow-up, or declined (the message names the first answer)',
);

export async function learningRoutes(
  app: FastifyInstance,
  opts: { learning: LearningModule; clock: Clock },
) {
  const { learning, clock } = opts;
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const listed = ({ incidentId, incidentKey, version, ...f }: FollowUpListed, now: number) => ({
    ...presentFollowUp(f, now),
    version,
    incident:
      incidentId !== null && incidentKey !== null ? { id: incidentId, key: incidentKey } : null,
  });
  const send = (reply: FastifyReply, view: PostmortemView, code = 200) =>
    reply
      .status(code)
      .header('etag', `"${view.postmortem.version}"`)
      .send(presentPostmortem(view, clock.now()));

  typed.get(
    path,
    {
      config: { permission: 'learning.read' },
      schema: {
        summary: "The incident's post-mortem, its sections rendered and what keeps it from review",
        tags,
        params: IncidentRef,
        response: { 200: Postmortem },
      },
    },
    async (request, reply) =>
      send(reply, await learning.getPostmortem(actorOf(request), request.params.ref)),
  );

  typed.post(
    path,
    {
      config: { permission: 'learning.write' },
      schema: {
        summary: "Start the incident's post-mortem from the template of the policy in force",
        description:
          'Answers `201` with the post-mortem in draft, its version in `ETag`; `409` when the ' +
          'incident already has one.',
        tags,
        params: IncidentRef,
        response: { 201: Postmortem, 409: conflict },
      },
    },
    async (request, reply) => {
      const view = await learning.startPostmortem(actorOf(request), request.params.ref);
      reply.header('location', `/api/v1/incidents/${view.postmortem.incidentKey}/postmortem`);
      return send(reply, view, 201);
    },
  );

  typed.put(
    `${path}/sections/:sectionId`,
    {
      config: { permission: 'learning.write' },
      schema: {
        summary: 'Write one section (the whole Markdown text) of a post-mortem in draft',
        tags,
        params: PostmortemSectionRef,
        body: WritePostmortemSection,
        response: { 200: Postmortem, 409: conflict, 422: refused },
      },
    },
    async (request, reply) => {
      const { ref, sectionId } = request.params;
      const view = await learning.writeSection(
        actorOf(request),
        ref,
        sectionId,
        request.body.body,
        versionOf(request, request.body?.expectedVersion),
      );
      return send(reply, view);
    },
  );

  const steps = [
    {
      name: 'submit',
      permission: 'learning.write',
      summary: 'Send a post-mortem to review (every required section answered)',
      description: 'Refused with `422` naming each unanswered required section.',
      run: learning.submitPostmortem,
    },
    {
      name: 'approve',
      permission: 'learning.approve',
      summary: 'Approve a post-mortem in review (one approval; the policy says how many)',
      description:
        'Refused with `403` when the policy asks for someone other than whoever sent it to ' +
        'review (`learning.postmortem.authorMayApprove: false`), or when reviewers are named ' +
        'and the caller is not one of them; `422` for a second approval by the same person.',
      run: learning.approvePostmortem,
    },
  ] as const;
  for (const step of steps) {
    typed.post(
      `${path}/${step.name}`,
      {
        config: { permission: step.permission },
        schema: {
          summary: step.summary,
          description: step.description,
          tags,
          params: IncidentRef,
          body: PostmortemStep,
          response: { 200: Postmortem, 409: conflict, 422: refused },
        },
      },
      async (request, reply) => {
        const view = await step.run(
          actorOf(request),
          request.params.ref,
          versionOf(request, request.body?.expectedVersion),
        );
        return send(reply, view);
      },
    );
  }

  typed.put(
    `${path}/owner`,
    {
      config: { permission: 'learning.write' },
      schema: {
        summary: 'Name who answers for the post-mortem (reminded by its draft clock)',
        description: '400 for someone who is not an active member of staff.',
        tags,
        params: IncidentRef,
        body: SetPostmortemOwner,
        response: { 200: Postmortem, 409: conflict, 422: refused },
      },
    },
    async (request, reply) => {
      const { ref } = request.params;
      const { ownerId, expectedVersion } = request.body;
      const version = versionOf(request, expectedVersion);
      return send(reply, await learning.setOwner(actorOf(request), ref, ownerId, version));
    },
  );

  typed.put(
    `${path}/reviewers`,
    {
      config: { permission: 'learning.write' },
      schema: {
        summary: 'Name the reviewers in advance: once named, only they approve',
        description:
          '400 for someone who is not an active member of staff, fewer reviewers than the ' +
          "policy's approvals, or (when the policy forbids approving one's own) whoever sent " +
          'it to review.',
        tags,
        params: IncidentRef,
        body: SetPostmortemReviewers,
        response: { 200: Postmortem, 409: conflict, 422: refused },
      },
    },
    async (request, reply) => {
      const { ref } = request.params;
      const { reviewerIds, expectedVersion } = request.body;
      const version = versionOf(request, expectedVersion);
      return send(reply, await learning.setReviewers(actorOf(request), ref, reviewerIds, version));
    },
  );

  typed.post(
    `${path}/skip`,
    {
      config: { permission: 'learning.approve' },
      schema: {
        summary: 'Hold no post-mortem for the incident, with the reason recorded',
        description:
          "Allowed as the policy's `learning.postmortem.mayBeSkipped` says: `403` naming the " +
          'rule (and `requiredBecause`) otherwise. Starts the record when there was none; meets ' +
          "the draft's clock.",
        tags,
        params: IncidentRef,
        body: SkipPostmortem,
        response: { 200: Postmortem, 422: refused },
      },
    },
    async (request, reply) =>
      send(
        reply,
        await learning.skipPostmortem(actorOf(request), request.params.ref, request.body.reason),
      ),
  );

  typed.post(
    `${path}/request-changes`,
    {
      config: { permission: 'learning.approve' },
      schema: {
        summary: 'Send a post-mortem in review back to draft, with what should change',
        tags,
        params: IncidentRef,
        body: RequestPostmortemChanges,
        response: { 200: Postmortem, 409: conflict, 422: refused },
      },
    },
    async (request, reply) => {
      const view = await learning.requestChanges(
        actorOf(request),
        request.params.ref,
        request.body.reason,
        versionOf(request, request.body?.expectedVersion),
      );
      return send(reply, view);
    },
  );
  typed.post(
    `${path}/follow-ups`,
    {
      config: { permission: 'learning.write' },
      schema: {
        summary: 'Add a follow-up action: owner, due date, priority, type, tracker issue',
        description:
          'A follow-up of type `process` may name the policy section it proposes to change ' +
          '(`policySection`); those are the changes proposed by post-mortems ' +
          '(`GET /api/v1/follow-ups?type=process`). 400 for an owner who is not active staff ' +
          'or a due date not in the future; 409 for a `proposalId` already answered (taken or ' +
          'declined), naming the first answer.',
        tags,
        params: IncidentRef,
        body: CreateFollowUp,
        response: { 201: Postmortem, 409: answered },
      },
    },
    async (request, reply) => {
      const { expectedVersion, ...input } = request.body;
      const view = await learning.addFollowUp(
        actorOf(request),
        request.params.ref,
        input,
        versionOf(request, expectedVersion),
      );
      return send(reply, view, 201);
    },
  );

  typed.put(
    `${path}/follow-ups/:followUpId/status`,
    {
      config: { permission: 'learning.write' },
      schema: {
        summary: 'Mark a follow-up done, not doing (with the reason), or open again',
        tags,
        params: PostmortemFollowUpRef,
        body: SetFollowUpStatus,
        response: { 200: Postmortem, 409: conflict },
      },
    },
    async (request, reply) => {
      const { expectedVersion, ...to } = request.body;
      const view = await learning.setFollowUpStatus(
        actorOf(request),
        request.params.ref,
        request.params.followUpId,
        to,
        versionOf(request, expectedVersion),
      );
      return send(reply, view);
    },
  );

  typed.patch(
    `${path}/follow-ups/:followUpId`,
    {
      config: { permission: 'learning.write' },
      schema: {
        summary: "Change a follow-up's owner, due date or status",
        description:
          'Each field left out stays as it is. 400 naming `ownerId` for someone who is not an ' +
          'active member of staff, `dueAt` for a time not in the future, `reason` for not ' +
          "doing without one; 404 for an unknown follow-up. An open follow-up's clock starts " +
          'again for the new owner and due date (`postmortem.follow_up_changed`).',
        tags,
        params: PostmortemFollowUpRef,
        body: ChangeFollowUp,
        response: { 200: Postmortem, 404: notFound, 409: conflict },
      },
    },
    async (request, reply) => {
      const { expectedVersion, ...to } = request.body;
      const { ref, followUpId } = request.params;
      const version = versionOf(request, expectedVersion);
      const view = await learning.changeFollowUp(actorOf(request), ref, followUpId, to, version);
      return send(reply, view);
    },
  );

  typed.post(
    `${path}/proposals/:proposalId/accept`,
    {
      config: { permission: 'learning.write' },
      schema: {
        summary: "Take a proposal of the incident's record as it is: a follow-up of type process",
        description:
          "The follow-up has the proposal's title and policy section and answers it " +
          '(`proposalId`); the owner is the caller unless `ownerId` names another active member ' +
          'of staff (400 naming `ownerId` otherwise); `dueAt` in the future (400 naming it). ' +
          '404 for a proposal the record does not make; 409 when it was already taken or ' +
          'declined, naming the first answer.',
        tags,
        params: PostmortemProposalRef,
        body: AcceptProposal,
        response: { 201: Postmortem, 404: notFound, 409: answered },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { ref, proposalId } = request.params;
      const { expectedVersion, ownerId, ...rest } = request.body;
      const acceptance = { ...rest, ownerId: ownerId ?? actor.userId ?? '' };
      const version = versionOf(request, expectedVersion);
      const view = await learning.acceptProposal(actor, ref, proposalId, acceptance, version);
      return send(reply, view, 201);
    },
  );

  typed.post(
    `${path}/proposals/:proposalId/decline`,
    {
      config: { permission: 'learning.write' },
      schema: {
        summary: "Decline a proposal of the incident's record, with the reason why",
        description:
          'Recorded on the post-mortem (`postmortem.proposal_declined`): the proposal is no ' +
          'longer proposed, and the policy page lists it as declined with the reason. 400 ' +
          'without a reason; 404 for a proposal the record does not make; 409 when it was ' +
          'already taken or declined, naming the first answer.',
        tags,
        params: PostmortemProposalRef,
        body: DeclineProposal,
        response: { 200: Postmortem, 404: notFound, 409: answered },
      },
    },
    async (request, reply) => {
      const { ref, proposalId } = request.params;
      const { reason, expectedVersion } = request.body;
      const version = versionOf(request, expectedVersion);
      const view = await learning.declineProposal(
        actorOf(request),
        ref,
        proposalId,
        reason,
        version,
      );
      return send(reply, view);
    },
  );

  typed.get(
    '/api/v1/policy/proposed-changes',
    {
      config: { permission: 'learning.read' },
      schema: {
        summary:
          'The changes to the policy proposed by post-mortems, across the incidents you may see',
        description:
          "Each breached deadline and departure from the policy in an incident's record proposes " +
          'a follow-up naming a policy section (`proposed` until it is taken or declined), and ' +
          'each process follow-up written in a post-mortem may name one (`taken`). Waiting ' +
          'ones first, then the newest; from the 200 most recently changed post-mortems.',
        tags: [...tags, 'policy'],
        response: { 200: PolicyChangeList },
      },
    },
    async (request) => {
      const now = clock.now();
      const changes = await learning.listPolicyChanges(actorOf(request));
      return {
        items: changes.map(({ incidentId, incidentKey, followUp, declined, ...c }) => ({
          ...c,
          incident: { id: incidentId, key: incidentKey },
          proposedAt: presentTime(c.proposedAt),
          followUp: followUp ? presentFollowUp(followUp, now) : null,
          declined: declined ? { ...declined, at: presentTime(declined.at) } : null,
        })),
      };
    },
  );

  typed.get(
    '/api/v1/follow-ups',
    {
      config: { permission: 'learning.read' },
      schema: {
        summary:
          'Follow-ups across the incidents you may see, and the stand-alone ones, soonest due first',
        description:
          '`status=open` for what is still to do (each says whether it is overdue); ' +
          '`type=process` for the changes to the policy proposed by post-mortems. A stand-alone ' +
          'follow-up (no post-mortem holds it, such as tuning a detection rule taken from alerts ' +
          'marked as noise) has `incident` null and `source` saying what proposed it; it is seen ' +
          'by everyone who may read follow-ups.',
        tags,
        querystring: FollowUpListQuery,
        response: { 200: FollowUpList },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { owner, ...filter } = request.query;
      const now = clock.now();
      const items = await learning.listFollowUps(actor, {
        ...filter,
        ownerId: owner === 'me' ? (actor.userId ?? '') : owner,
      });
      return { items: items.map((f) => listed(f, now)) };
    },
  );

  const byId = {
    permission: 'learning.write',
    notFound: problemResponse(
      'No such follow-up, or one of a post-mortem whose incident is not yours to see',
    ),
    conflict: problemResponse('The follow-up changed since the version given'),
  } as const;

  /** Either route's change: the body's fields but the version (body or If-Match), which guards it. */
  const changeById = async (
    request: FastifyRequest,
    reply: FastifyReply,
    followUpId: string,
    body: FollowUpChange & { expectedVersion?: number | undefined },
  ) => {
    const { expectedVersion, ...to } = body;
    const version = versionOf(request, expectedVersion);
    const f = await learning.changeFollowUpById(actorOf(request), followUpId, to, version);
    return reply.header('etag', `"${f.version}"`).send(listed(f, clock.now()));
  };

  typed.patch(
    '/api/v1/follow-ups/:followUpId',
    {
      config: { permission: byId.permission },
      schema: {
        summary: "Change a follow-up's owner, due date or status, by its id",
        description:
          "For a stand-alone follow-up (and a post-mortem's, as its incident's post-mortem is " +
          'changed). Each field left out stays as it is. 400 naming `ownerId` for someone who ' +
          'is not an active member of staff, `dueAt` for a time not in the future, `reason` ' +
          'for not doing without one; 404 for an unknown follow-up; 409 when `expectedVersion` ' +
          "(or `If-Match`) is not the follow-up's `version` as listed: someone changed it (or " +
          "its post-mortem) since. An open follow-up's clock starts again for the new owner " +
          'and due date; done meets it, not doing cancels it. The answer carries the new ' +
          '`version` (and ETag).',
        tags,
        params: FollowUpRef,
        body: ChangeFollowUp,
        response: { 200: FollowUpInList, 404: byId.notFound, 409: byId.conflict },
      },
    },
    async (request, reply) => changeById(request, reply, request.params.followUpId, request.body),
  );

  typed.put(
    '/api/v1/follow-ups/:followUpId/status',
    {
      config: { permission: byId.permission },
      schema: {
        summary: 'Mark a follow-up done, not doing (with the reason), or open again, by its id',
        description:
          'Done meets its clock; not doing (400 naming `reason` without one) cancels it; open ' +
          'again starts it for its due date. 404 for an unknown follow-up; 409 for a stale ' +
          '`expectedVersion` or `If-Match`, as for the change above.',
        tags,
        params: FollowUpRef,
        body: SetFollowUpStatus,
        response: { 200: FollowUpInList, 404: byId.notFound, 409: byId.conflict },
      },
    },
    async (request, reply) => changeById(request, reply, request.params.followUpId, request.body),
  );
}

// /api/v1/alert-sources: admins (alerts.manage) add the monitoring tools that may send alerts,
// get each one's key once, rotate it, turn on the signature check; /api/v1/alerts: staff who
// triage (alerts.read) read the alerts, similar ones grouped, their record and the payloads as
// they arrived; with alerts.triage they acknowledge, snooze, mark as noise, open an incident for
// the alerts selected or attach them to one.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AlertDetail,
  AlertGroupList,
  AlertGroupQuery,
  AlertList,
  AlertListQuery,
  AlertRef,
  AlertSelection,
  AlertsInIncident,
  AttachAlerts,
  MarkAlertsNoise,
  OpenIncidentFromAlerts,
  SnoozeAlerts,
  TriagedAlerts,
  TuningProposalList,
  TuningProposalJson,
  TuningProposalRef,
  TakeTuningProposal,
  DeclineTuningProposal,
  AlertSource,
  AlertSourceCreated,
  AlertSourceKey,
  AlertSourceList,
  AlertSourceRef,
  AlertSourceSigningSecret,
  CreateAlertSource,
  UpdateAlertSource,
} from '../../../shared/api/alerts.ts';
import {
  TUNING_PROPOSALS_LISTED,
  type AlertsModule,
  type TuningProposal,
} from '../../domain/alerts/index.ts';
import { problemResponse } from '../../../shared/api/problems.ts';
import { actorOf } from './incident-commands.ts';
import { presentAlert, presentAlertDetail, presentAlertSource } from './alert-presenters.ts';
import { presentTime } from './time-presenter.ts';

const tags = ['alerts'];

function presentTuning(p: TuningProposal) {
  return {
    ...p,
    lastMarkedAt: presentTime(p.lastMarkedAt),
    reasons: p.reasons.map((r) => ({ ...r, at: presentTime(r.at) })),
    answer: p.answer && { ...p.answer, at: presentTime(p.answer.at) },
  };
}

export async function alertRoutes(
  app: FastifyInstance,
  opts: {
    alerts: Pick<
      AlertsModule,
      | 'listSources'
      | 'getSource'
      | 'createSource'
      | 'updateSource'
      | 'rotateKey'
      | 'rotateSigningSecret'
      | 'removeSigningSecret'
      | 'listAlerts'
      | 'getAlert'
      | 'getPayload'
      | 'listSimilarGroups'
      | 'acknowledgeAlerts'
      | 'snoozeAlerts'
      | 'markNoise'
      | 'openIncident'
      | 'attachToIncident'
      | 'listTuningProposals'
      | 'takeTuningProposal'
      | 'declineTuningProposal'
    >;
    baseUrl: string;
  },
) {
  const { alerts, baseUrl } = opts;
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const present = (s: Parameters<typeof presentAlertSource>[0]) => presentAlertSource(s, baseUrl);

  typed.get(
    '/api/v1/alert-sources',
    {
      config: { permission: 'alerts.manage' },
      schema: { summary: 'Alert sources, by name', tags, response: { 200: AlertSourceList } },
    },
    async () => ({ items: (await alerts.listSources()).map(present) }),
  );

  typed.post(
    '/api/v1/alert-sources',
    {
      config: { permission: 'alerts.manage' },
      schema: {
        summary: 'Add an alert source: its key (and signing secret) are shown in this answer only',
        tags,
        body: CreateAlertSource,
        response: { 201: AlertSourceCreated },
      },
    },
    async (request, reply) => {
      const made = await alerts.createSource(actorOf(request), request.body);
      reply.header('cache-control', 'no-store');
      return reply.status(201).send({ ...made, source: present(made.source) });
    },
  );

  typed.get(
    '/api/v1/alert-sources/:id',
    {
      config: { permission: 'alerts.manage' },
      schema: {
        summary: 'One alert source',
        tags,
        params: AlertSourceRef,
        response: { 200: AlertSource },
      },
    },
    async (request) => present(await alerts.getSource(request.params.id)),
  );

  typed.patch(
    '/api/v1/alert-sources/:id',
    {
      config: { permission: 'alerts.manage' },
      schema: {
        summary: 'Rename, turn off or on, change the rate, the signature header or the mapping',
        tags,
        params: AlertSourceRef,
        body: UpdateAlertSource,
        response: { 200: AlertSource },
      },
    },
    async (request) =>
      present(await alerts.updateSource(actorOf(request), request.params.id, request.body)),
  );

  typed.post(
    '/api/v1/alert-sources/:id/key',
    {
      config: { permission: 'alerts.manage' },
      schema: {
        summary: 'A new key for the source, shown once; the old key stops working at once',
        tags,
        params: AlertSourceRef,
        response: { 200: AlertSourceKey },
      },
    },
    async (request, reply) => {
      const made = await alerts.rotateKey(actorOf(request), request.params.id);
      reply.header('cache-control', 'no-store');
      return { ...made, source: present(made.source) };
    },
  );

  typed.post(
    '/api/v1/alert-sources/:id/signing-secret',
    {
      config: { permission: 'alerts.manage' },
      schema: {
        summary: 'A new signing secret, shown once: every payload must then carry its signature',
        tags,
        params: AlertSourceRef,
        response: { 200: AlertSourceSigningSecret },
      },
    },
    async (request, reply) => {
      const made = await alerts.rotateSigningSecret(actorOf(request), request.params.id);
      reply.header('cache-control', 'no-store');
      return { ...made, source: present(made.source) };
    },
  );

  typed.delete(
    '/api/v1/alert-sources/:id/signing-secret',
    {
      config: { permission: 'alerts.manage' },
      schema: {
        summary: 'Stop checking signatures (the key is still checked)',
        tags,
        params: AlertSourceRef,
        response: { 200: AlertSource },
      },
    },
    async (request) =>
      present(await alerts.removeSigningSecret(actorOf(request), request.params.id)),
  );

  typed.get(
    '/api/v1/alerts',
    {
      config: { permission: 'alerts.read' },
      schema: {
        summary: 'Alerts, last seen first (page with `before`)',
        tags,
        querystring: AlertListQuery,
        response: { 200: AlertList },
      },
    },
    async (request) => {
      const { limit, ...filter } = request.query;
      const items = await alerts.listAlerts(actorOf(request), { ...filter, limit });
      const last = items.length === limit ? items[items.length - 1]! : null;
      return {
        items: items.map(presentAlert),
        nextBefore: last && presentTime(last.lastSeenAt),
      };
    },
  );

  typed.get(
    '/api/v1/alerts/groups',
    {
      config: { permission: 'alerts.read' },
      schema: {
        summary:
          'Similar alerts among those the filters find, with counts: same source and similar key (alertname, class or service label; else the dedup key), latest first',
        tags,
        querystring: AlertGroupQuery,
        response: { 200: AlertGroupList },
      },
    },
    async (request) => {
      const { limit, ...filter } = request.query;
      const groups = await alerts.listSimilarGroups(actorOf(request), filter, limit);
      return {
        items: groups.map((g) => ({ ...g, lastSeenAt: presentTime(g.lastSeenAt) })),
      };
    },
  );

  typed.get(
    '/api/v1/alerts/tuning-proposals',
    {
      config: { permission: 'alerts.read' },
      schema: {
        summary:
          'Follow-ups proposed by alerts marked as noise: tune the detection rule behind them (one per source and similar key)',
        description:
          '`alertCount` is every alert of the rule marked as noise; `reasons` are its 5 latest ' +
          `marks, newest first. The rule most recently marked comes first; the list holds the ` +
          `${TUNING_PROPOSALS_LISTED} rules most recently marked at most. A rule beyond them is ` +
          'still taken or declined by its `proposalId`.',
        tags,
        response: { 200: TuningProposalList },
      },
    },
    async () => ({ items: (await alerts.listTuningProposals()).map(presentTuning) }),
  );

  const tuningProblems = {
    404: problemResponse('No alerts marked as noise propose this tuning'),
    409: problemResponse(
      'The proposal was already answered: taken as a follow-up, or declined (the message says which)',
    ),
  };

  typed.post(
    '/api/v1/alerts/tuning-proposals/:proposalId/take',
    {
      config: { permission: 'learning.write' },
      schema: {
        summary: 'Take a tuning proposal: a stand-alone follow-up to tune the detection rule',
        description:
          'The follow-up (type `detect`, in GET /api/v1/follow-ups with `source` naming the ' +
          "alert source, similar key, how many alerts were noise and why) has the proposal's " +
          'title unless `title` is given; the owner is the caller unless `ownerId` names another ' +
          'active member of staff (400 naming `ownerId` otherwise); `dueAt` in the future (400 ' +
          'naming it). Its due date is a deadline: the owner is reminded, and overdue it ' +
          'escalates. 404 for a proposal no noise makes; 409 when it was already taken or declined.',
        tags,
        params: TuningProposalRef,
        body: TakeTuningProposal,
        response: { 201: TuningProposalJson, ...tuningProblems },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { ownerId, ...rest } = request.body;
      const taken = await alerts.takeTuningProposal(actor, request.params.proposalId, {
        ...rest,
        ownerId: ownerId ?? actor.userId ?? '',
      });
      return reply.status(201).send(presentTuning(taken));
    },
  );

  typed.post(
    '/api/v1/alerts/tuning-proposals/:proposalId/decline',
    {
      config: { permission: 'learning.write' },
      schema: {
        summary: 'Decline a tuning proposal, with the reason why',
        description:
          "Recorded on the proposal's stream (`tuning.proposal_declined`): the proposal lists " +
          'as declined with the reason. 400 without a reason; 404 for a proposal no noise makes; ' +
          '409 when it was already taken or declined.',
        tags,
        params: TuningProposalRef,
        body: DeclineTuningProposal,
        response: { 200: TuningProposalJson, ...tuningProblems },
      },
    },
    async (request) =>
      presentTuning(
        await alerts.declineTuningProposal(
          actorOf(request),
          request.params.proposalId,
          request.body.reason,
        ),
      ),
  );

  const triaged = { 200: TriagedAlerts };
  const presentAll = (items: Parameters<typeof presentAlert>[0][]) => ({
    items: items.map(presentAlert),
  });

  typed.post(
    '/api/v1/alerts/acknowledge',
    {
      config: { permission: 'alerts.triage' },
      schema: {
        summary: 'Acknowledge the alerts selected (firing ones), as a person triaging',
        tags,
        body: AlertSelection,
        response: triaged,
      },
    },
    async (request) =>
      presentAll(await alerts.acknowledgeAlerts(actorOf(request), request.body.alertIds)),
  );

  typed.post(
    '/api/v1/alerts/snooze',
    {
      config: { permission: 'alerts.triage' },
      schema: {
        summary: 'Snooze the alerts selected until a time (within a week); back in the queue after',
        tags,
        body: SnoozeAlerts,
        response: triaged,
      },
    },
    async (request) => {
      const { alertIds, until } = request.body;
      return presentAll(await alerts.snoozeAlerts(actorOf(request), alertIds, until));
    },
  );

  typed.post(
    '/api/v1/alerts/noise',
    {
      config: { permission: 'alerts.triage' },
      schema: {
        summary:
          'Mark the alerts selected as noise, with the reason; proposes tuning the detection rule (GET /api/v1/alerts/tuning-proposals)',
        tags,
        body: MarkAlertsNoise,
        response: triaged,
      },
    },
    async (request) => {
      const { alertIds, reason } = request.body;
      return presentAll(await alerts.markNoise(actorOf(request), alertIds, reason));
    },
  );

  typed.post(
    '/api/v1/alerts/open-incident',
    {
      config: { permission: 'alerts.triage' },
      schema: {
        summary:
          'Open one incident for the alerts selected (also needs incidents.create): detected and declared at the earliest alert’s detection time, with a severity of the policy if chosen',
        description:
          '`severity` is one of the policy’s severities. Before a reproduction, the policy’s rule ' +
          'for any severity at opening holds: `409` without `severityOverride`, `403` unless the ' +
          'caller is the security lead (incidents.decide); an unknown severity is `400`.',
        tags,
        body: OpenIncidentFromAlerts,
        response: { 201: AlertsInIncident },
      },
    },
    async (request, reply) => {
      const { alertIds, title, severity, severityRationale, severityOverride } = request.body;
      const done = await alerts.openIncident(actorOf(request), alertIds, {
        title: title ?? null,
        severity: severity
          ? {
              id: severity,
              rationale: severityRationale ?? null,
              override: severityOverride ?? null,
            }
          : null,
      });
      return reply.code(201).send({ incident: done.incident, ...presentAll(done.alerts) });
    },
  );

  typed.post(
    '/api/v1/alerts/attach',
    {
      config: { permission: 'alerts.triage' },
      schema: {
        summary:
          'Attach the alerts selected to an open incident the caller may see (also needs incidents.update)',
        tags,
        body: AttachAlerts,
        response: { 200: AlertsInIncident },
      },
    },
    async (request) => {
      const { alertIds, incident } = request.body;
      const done = await alerts.attachToIncident(actorOf(request), alertIds, incident);
      return { incident: done.incident, ...presentAll(done.alerts) };
    },
  );

  typed.get(
    '/api/v1/alerts/:id',
    {
      config: { permission: 'alerts.read' },
      schema: {
        summary: 'One alert and its record (every event, hashed in the log)',
        tags,
        params: AlertRef,
        response: { 200: AlertDetail },
      },
    },
    async (request) => {
      const { alert, record } = await alerts.getAlert(actorOf(request), request.params.id);
      return presentAlertDetail(alert, record);
    },
  );

  typed.get(
    '/api/v1/alert-payloads/:id',
    {
      config: { permission: 'alerts.read' },
      schema: {
        summary: 'A payload exactly as it arrived (a key it carried masked); X-Content-SHA256',
        tags,
        params: z.object({ id: z.string().min(1).max(100) }),
      },
    },
    async (request, reply) => {
      const payload = await alerts.getPayload(request.params.id);
      return reply
        .header('x-content-sha256', payload.sha256)
        .header('content-disposition', `attachment; filename="alert-payload-${payload.id}.json"`)
        .type('application/octet-stream')
        .send(payload.raw);
    },
  );
}

// The staff side of reports. Each route declares its permission (checked by the auth plugin
// before the handler); the service checks it again against the Actor it is given.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CloseReportInput,
  EmergencyInput,
  EmergencyResult,
  IdentityVerificationInput,
  AcknowledgeResult,
  IdentityVerification,
  IncidentLinkInput,
  IssuedAccessCode,
  MilestoneInput,
  PublicUrlInput,
  RecordedPublicUrl,
  RemovalTaskUpdateInput,
  ReportAccessLog,
  ReportContactDetails,
  ReportConversation,
  ReportDetail,
  ReportListQuery,
  ReportMessage,
  ReportErasure,
  ReportErasureInput,
  ReportQueue,
  StaffMessageInput,
} from '../../../shared/api/reports.ts';
import { Incident } from '../../../shared/api/incidents.ts';
import { problemResponse } from '../../../shared/api/problems.ts';
import type { ReportsModule } from '../../domain/reports/index.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError } from '../../errors.ts';
import {
  presentAttachment,
  messageHtml,
  presentMessage,
  presentRemovalTask,
  presentReport,
  presentReportSummary,
} from './report-presenters.ts';
import { presentTime } from './time-presenter.ts';
import { sendOpenedIncident } from './incident-commands.ts';

const KeyParams = z.object({ key: z.string().regex(/^RPT-\d{4,}$/i, 'must be a report key') });

function actorOf(request: FastifyRequest): Actor {
  const actor = request.actor;
  if (!actor) throw new AppError('UNAUTHENTICATED', 'Sign in to see reports');
  return { ...actor, ip: actor.ip ?? request.ip };
}

/** GET /api/v1/reports's answer (also a part of GET /api/v1/dashboard). */
export async function reportQueueAnswer(
  reports: Pick<ReportsModule, 'listReportQueue'>,
  actor: Actor,
  query: ReportListQuery,
) {
  return { reports: (await reports.listReportQueue(actor, query)).map(presentReportSummary) };
}

export async function reportRoutes(base: FastifyInstance, opts: { reports: ReportsModule }) {
  const { reports } = opts;
  const app = base.withTypeProvider<ZodTypeProvider>();
  const prefix = '/api/v1/reports';

  app.get(
    prefix,
    {
      config: { permission: 'reports.read' },
      schema: { querystring: ReportListQuery, response: { 200: ReportQueue } },
    },
    async (request) => reportQueueAnswer(reports, actorOf(request), request.query),
  );

  app.get(
    `${prefix}/:key`,
    {
      config: { permission: 'reports.read' },
      schema: { params: KeyParams, response: { 200: ReportDetail } },
    },
    async (request) => {
      const found = await reports.getReport(actorOf(request), request.params.key);
      return {
        ...presentReport(found.report),
        attachments: found.attachments.map((a) => presentAttachment(found.report.key, a)),
        removalTasks: found.removalTasks.map(presentRemovalTask),
        identityVerifications: found.verifications.map((v) => ({
          id: v.id,
          method: v.method,
          note: v.note,
          verifiedBy: v.verified_by,
          verifiedAt: presentTime(v.verified_at),
        })),
        redactions: found.redactions.map((r) => ({ ...r, at: presentTime(r.at) })),
      };
    },
  );

  app.get(
    `${prefix}/:key/contact`,
    {
      config: { permission: 'reports.read_contact' },
      schema: { params: KeyParams, response: { 200: ReportContactDetails } },
    },
    async (request) => reports.getReportContact(actorOf(request), request.params.key),
  );

  app.get(
    `${prefix}/:key/access-log`,
    {
      config: { permission: 'reports.read_contact' },
      schema: { params: KeyParams, response: { 200: ReportAccessLog } },
    },
    async (request) => ({
      entries: (await reports.getAccessLog(actorOf(request), request.params.key)).map((e) => ({
        action: e.action,
        actorId: e.actor_id,
        ip: e.ip,
        at: presentTime(e.at),
      })),
    }),
  );

  app.post(
    `${prefix}/:key/acknowledge`,
    {
      config: { permission: 'reports.triage' },
      schema: { params: KeyParams, response: { 200: AcknowledgeResult } },
    },
    async (request) => {
      const result = await reports.acknowledgeReport(actorOf(request), request.params.key);
      return { acknowledgedAt: presentTime(result.acknowledgedAt), onTime: result.onTime };
    },
  );

  app.put(
    `${prefix}/:key/emergency`,
    {
      config: { permission: 'reports.triage' },
      schema: {
        summary: 'Raise or lower the emergency: the acknowledgment deadline is planned again',
        description:
          "An emergency report is acknowledged within the policy's " +
          '`reporters.emergencyAcknowledgeWithin` (15 minutes in the bundled policy), otherwise ' +
          'within `reporters.acknowledgeWithin`, both from receipt; the reminders and escalation ' +
          "follow the policy's clocks. Recorded as `report.emergency_changed` and in the audit trail.",
        params: KeyParams,
        body: EmergencyInput,
        response: { 200: EmergencyResult, 404: problemResponse('No such report') },
      },
    },
    async (request) => {
      const result = await reports.setEmergency(actorOf(request), request.params.key, request.body);
      return {
        emergency: result.emergency,
        acknowledgeDueAt: presentTime(result.acknowledgeDueAt),
      };
    },
  );

  app.post(
    `${prefix}/:key/close`,
    {
      config: { permission: 'reports.triage' },
      schema: { params: KeyParams, body: CloseReportInput },
    },
    async (request, reply) => {
      await reports.closeReport(actorOf(request), request.params.key, request.body);
      return reply.status(204).send();
    },
  );

  app.post(
    `${prefix}/:key/incident-link`,
    {
      config: { permission: 'reports.triage' },
      schema: {
        summary: 'Link an existing incident that handles this report (both sides record it)',
        description:
          '`incidentId` takes the incident key (INC-2026-0001) or id. Needs `incidents.update` too. ' +
          'An incident that does not exist, or that the caller may not see, is a 404 naming `incidentId`.',
        params: KeyParams,
        body: IncidentLinkInput,
        response: {
          204: z.null().describe('Linked'),
          404: problemResponse('No such report, or no such incident (`errors` names `incidentId`)'),
          422: problemResponse('The report is closed, or already linked to an incident'),
        },
      },
    },
    async (request, reply) => {
      await reports.linkIncident(actorOf(request), request.params.key, request.body.incidentId);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    `${prefix}/:key/incident-link`,
    {
      config: { permission: 'reports.triage' },
      schema: {
        summary: 'Unlink the incident: it no longer handles this report (both sides record it)',
        description:
          'Needs `incidents.update` too. The report goes back to acknowledged (or received, if it ' +
          'never was); the reporter sees that status again.',
        params: KeyParams,
        response: {
          204: z.null().describe('Unlinked'),
          404: problemResponse('No such report'),
          422: problemResponse('The report is not linked to an incident'),
        },
      },
    },
    async (request, reply) => {
      await reports.unlinkIncident(actorOf(request), request.params.key);
      return reply.status(204).send(null);
    },
  );

  app.post(
    `${prefix}/:key/open-incident`,
    {
      config: { permission: 'incidents.create' },
      schema: {
        summary: 'Open an incident for this report; the report is linked on both sides',
        description:
          'Needs `reports.triage` too. Answers `201` as `POST /api/v1/incidents` does: the ' +
          'incident (its `INC-…` key and id among its fields), its version in `ETag` and its ' +
          'address in `Location` (`/api/v1/incidents/INC-…`).',
        params: KeyParams,
        response: {
          201: Incident,
          404: problemResponse('No such report'),
          422: problemResponse('The report is closed or already linked to an incident'),
        },
      },
    },
    async (request, reply) => {
      const opened = await reports.openIncidentFromReport(actorOf(request), request.params.key);
      return sendOpenedIncident(reply, opened.incident);
    },
  );

  app.post(
    `${prefix}/:key/milestones`,
    {
      config: { permission: 'reports.triage' },
      schema: { params: KeyParams, body: MilestoneInput },
    },
    async (request, reply) => {
      await reports.recordMilestone(actorOf(request), request.params.key, request.body.milestone);
      return reply.status(204).send();
    },
  );

  app.get(
    `${prefix}/:key/messages`,
    {
      config: { permission: 'reports.read' },
      schema: { params: KeyParams, response: { 200: ReportConversation } },
    },
    async (request) => ({
      messages: (await reports.listConversation(actorOf(request), request.params.key)).map(
        presentMessage,
      ),
    }),
  );

  app.post(
    `${prefix}/:key/messages`,
    {
      config: { permission: 'reports.communicate' },
      schema: { params: KeyParams, body: StaffMessageInput, response: { 201: ReportMessage } },
    },
    async (request, reply) => {
      const m = await reports.addStaffMessage(actorOf(request), request.params.key, request.body);
      return reply.status(201).send({
        ...m,
        html: messageHtml(m.kind, m.body),
        createdAt: presentTime(m.createdAt),
      });
    },
  );

  app.post(
    `${prefix}/:key/identity-verifications`,
    {
      config: { permission: 'reports.verify_identity' },
      schema: {
        params: KeyParams,
        body: IdentityVerificationInput,
        response: { 201: IdentityVerification },
      },
    },
    async (request, reply) => {
      const v = await reports.recordIdentityVerification(
        actorOf(request),
        request.params.key,
        request.body,
      );
      return reply.status(201).send({ ...v, verifiedAt: presentTime(v.verifiedAt) });
    },
  );

  app.post(
    `${prefix}/:key/public-url`,
    {
      config: { permission: 'reports.triage' },
      schema: { params: KeyParams, body: PublicUrlInput, response: { 201: RecordedPublicUrl } },
    },
    async (request, reply) => {
      const taskId = await reports.recordPublicUrl(
        actorOf(request),
        request.params.key,
        request.body.url,
      );
      return reply.status(201).send({ removalTaskId: taskId });
    },
  );

  app.patch(
    `${prefix}/:key/removal-tasks/:taskId`,
    {
      config: { permission: 'reports.triage' },
      schema: {
        params: KeyParams.extend({ taskId: z.string().min(1).max(64) }),
        body: RemovalTaskUpdateInput,
      },
    },
    async (request, reply) => {
      const { key, taskId } = request.params;
      await reports.updateRemovalTask(actorOf(request), key, taskId, request.body);
      return reply.status(204).send();
    },
  );

  app.post(
    `${prefix}/:key/access-code`,
    {
      config: { permission: 'reports.manage_access' },
      schema: { params: KeyParams, response: { 201: IssuedAccessCode } },
    },
    async (request, reply) => {
      const result = await reports.rotateAccessCode(actorOf(request), request.params.key);
      reply.header('cache-control', 'no-store');
      return reply.status(201).send(result);
    },
  );

  app.post(
    `${prefix}/:key/erasures`,
    {
      config: { permission: 'data.erase' },
      schema: {
        summary: 'Erase personal data of a report on request (GDPR), with the reason',
        description:
          "Redacts the reporter's contact details (`contact`) or one attachment's bytes " +
          '(`attachment`, its id) at once, as retention would: the data is removed from the row ' +
          'and the file store, the report keeps a tombstone event `report.redacted` (field, ' +
          'reason, when, an HMAC of what went) so `stopline verify` still passes, and the ' +
          'erasure is on the audit trail. 409 when it was redacted already or holds nothing.',
        params: KeyParams,
        body: ReportErasureInput,
        response: {
          201: ReportErasure,
          404: problemResponse('No such report or attachment'),
          409: problemResponse('Redacted already, or nothing to remove'),
        },
      },
    },
    async (request, reply) => {
      const { reason, ...what } = request.body;
      const done = await reports.eraseReportField(
        actorOf(request),
        request.params.key,
        what,
        reason,
      );
      return reply.status(201).send({ ...done, at: presentTime(done.at) });
    },
  );

  app.get(
    `${prefix}/:key/attachments/:attachmentId`,
    {
      config: { permission: 'reports.read' },
      schema: { params: KeyParams.extend({ attachmentId: z.string().min(1).max(64) }) },
    },
    async (request, reply) => {
      const { key, attachmentId } = request.params;
      const { attachment, bytes } = await reports.getAttachment(
        actorOf(request),
        key,
        attachmentId,
      );
      // Never served inline and never as the type the reporter claimed: a download only.
      const ascii =
        attachment.original_name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'attachment';
      return reply
        .header('content-type', 'application/octet-stream')
        .header(
          'content-disposition',
          `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(attachment.original_name)}`,
        )
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', 'no-store')
        .header('x-detected-content-type', attachment.detected_type)
        .header('digest', `sha-256=${Buffer.from(attachment.sha256, 'hex').toString('base64')}`)
        .send(bytes);
    },
  );
}

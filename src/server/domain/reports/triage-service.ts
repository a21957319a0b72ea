// The staff side: the triage queue, acknowledgment against the policy's promise, closing with a
// reason the reporter reads, linking or opening an incident, milestones, public-removal tasks,
// contact details (every read logged) and attachments.
// Every use case takes the acting Actor and checks its permission itself.
import type {
  CloseReportInput,
  RemovalTaskUpdateInput,
  ReportListQuery,
} from '../../../shared/api/reports.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError, notFound } from '../../errors.ts';
import type { Actor } from '../actor.ts';
import {
  getReportByKey,
  notifyReporter,
  recordChange,
  staffUseCase,
  type ReportsDeps,
} from './report-context.ts';
import { requirePermission } from '../actor.ts';
import type { Report } from './report-state.ts';
import {
  findReportById,
  listAccessLog,
  listAttachments,
  listRemovalTasks,
  listReports,
  listRedactions,
  listVerifications,
  logAccess,
} from './report-repository.ts';
import * as rules from './report-rules.ts';
import { refuseUnless, type Milestone } from './report-rules.ts';
import { openRemovalTask } from './removal-service.ts';
import { createReportLinks } from './link-service.ts';
import { getVisibleReport, listHiddenReportIds, maySeeReport } from './access-service.ts';

const time = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

export function createTriage(deps: ReportsDeps) {
  const { db } = deps;
  const useCase = staffUseCase(deps);
  const links = createReportLinks(deps);

  async function listReportQueue(actor: Actor, query: ReportListQuery): Promise<Report[]> {
    requirePermission(actor, 'reports.read');
    return listReports(db, {
      hiddenIncidentIds: await deps.incidents.listHiddenIds(db, actor),
      statuses: query.status,
      text: query.q,
      receivedFrom: time(query.receivedFrom),
      receivedTo: time(query.receivedTo),
      limit: query.limit,
      offset: query.offset,
    });
  }

  async function getReport(actor: Actor, key: string) {
    requirePermission(actor, 'reports.read');
    const report = await getVisibleReport(db, deps.incidents, actor, key);
    const [attachments, removalTasks, verifications, redactions] = await Promise.all([
      listAttachments(db, report.id),
      listRemovalTasks(db, report.id),
      listVerifications(db, report.id),
      listRedactions(db, report.id),
    ]);
    return { report, attachments, removalTasks, verifications, redactions };
  }

  /**
   * A read of the reporter's contact details (or what holds them), recorded in the report's
   * access log and the audit trail in the transaction of the read.
   */
  function readContact<T>(
    actor: Actor,
    key: string,
    action: 'contact_read' | 'mail_raw_read',
    work: (report: Report) => T,
  ): Promise<T> {
    return useCase(actor, 'reports.read_contact', key, async (tx, report, now) => {
      await logAccess(tx, {
        reportId: report.id,
        reportKey: report.key,
        action,
        actorId: actor.userId,
        ip: actor.ip ?? null,
        at: now,
      });
      await deps.recordAudit?.(tx, {
        actor,
        action: `report.${action}`,
        target: { type: 'report', id: report.key },
        at: now,
      });
      return work(report);
    });
  }

  /** Contact details, each read recorded in the report's access log (and the audit trail). */
  function getReportContact(actor: Actor, key: string) {
    return readContact(actor, key, 'contact_read', (report) => ({
      name: report.contactName,
      email: report.contactEmail,
      phone: report.contactPhone,
      pgpKey: report.contactPgpKey,
    }));
  }

  function getAccessLog(actor: Actor, key: string) {
    return useCase(actor, 'reports.read_contact', key, (tx, report) =>
      listAccessLog(tx, report.key),
    );
  }

  function acknowledgeReport(actor: Actor, key: string) {
    return useCase(actor, 'reports.triage', key, async (tx, report, now) => {
      const events = rules.acknowledge(report, now);
      await recordChange(tx, deps, report, events, actor.userId, now);
      await notifyReporter(
        tx,
        deps,
        report,
        {
          subject: 'Your security report was acknowledged',
          line: 'A person on our security team has read your report and is looking into it.',
          idempotencyKey: `report-acknowledged:${report.id}`,
        },
        now,
      );
      return { acknowledgedAt: now, onTime: now <= report.acknowledgeDueAt };
    });
  }

  /**
   * Triage raises or lowers an emergency (Kai 8.2): the acknowledgment deadline is planned again,
   * always from receipt, with the policy's emergency or usual time. Recorded on the report and
   * in the audit trail; a report already acknowledged or closed keeps the flag for the record.
   */
  function setEmergency(actor: Actor, key: string, input: { emergency: boolean; reason: string }) {
    return useCase(actor, 'reports.triage', key, async (tx, report, now) => {
      const events = rules.changeEmergency(report, deps.policy(), input);
      const after = await recordChange(tx, deps, report, events, actor.userId, now);
      if (events.length > 0) {
        await deps.recordAudit?.(tx, {
          actor,
          action: input.emergency ? 'report.emergency_raised' : 'report.emergency_lowered',
          target: { type: 'report', id: report.key },
          at: now,
          detail: { reason: input.reason, acknowledgeDueAt: after.acknowledgeDueAt },
        });
      }
      return { emergency: after.emergency, acknowledgeDueAt: after.acknowledgeDueAt };
    });
  }

  function closeReport(actor: Actor, key: string, input: CloseReportInput) {
    return useCase(actor, 'reports.triage', key, async (tx, report, now) => {
      const events = rules.close(report, input);
      if (input.resolution === 'duplicate')
        await getVisibleReport(tx, deps.incidents, actor, input.duplicateOf);
      await recordChange(tx, deps, report, events, actor.userId, now);
      // A report closed as spam was likely not sent by the owner of its e-mail address.
      if (input.resolution !== 'spam')
        await notifyReporter(
          tx,
          deps,
          report,
          {
            subject: 'Your security report was closed',
            line: 'We have closed your report and written to you why.',
            idempotencyKey: `report-closed:${report.id}`,
          },
          now,
        );
    });
  }

  /** Linking and unlinking change the incident too: both permissions, and sight of the report. */
  function reportForIncidentChange(actor: Actor, key: string) {
    requirePermission(actor, 'reports.triage');
    requirePermission(actor, 'incidents.update');
    return getVisibleReport(db, deps.incidents, actor, key);
  }

  /**
   * Links an existing incident (key or id) that the actor may see; an unknown or hidden one is
   * NOT_FOUND naming the field. The incident records the link and, through its IncidentReports
   * port (link-service.ts), marks the report handled in its transaction: both sides record it.
   */
  async function linkIncident(actor: Actor, key: string, incidentRef: string) {
    const report = await reportForIncidentChange(actor, key);
    refuseUnless(rules.decideLinkIncident(report.status, report.incidentId));
    const incident = await deps.incidents.findSight(db, actor, incidentRef);
    if (!incident?.visible) {
      // The same answer for an incident that does not exist and one the actor may not see.
      throw new AppError('NOT_FOUND', `Incident ${incidentRef} was not found`, {
        errors: [{ field: 'incidentId', message: `no incident ${incidentRef} was found` }],
      });
    }
    await deps.incidents.linkReport(actor, incident.id, report.id);
    return { incidentId: incident.id, incidentKey: incident.key };
  }

  /**
   * Undoes a link: the incident no longer handles the report, which goes back to acknowledged (or
   * received). Both sides record it; a link to an incident Stopline does not know by that id (made
   * before links were checked) is undone on the report alone.
   */
  async function unlinkIncident(actor: Actor, key: string) {
    const report = await reportForIncidentChange(actor, key);
    refuseUnless(rules.decideUnlinkIncident(report.incidentId));
    const incidentId = report.incidentId!;
    const incident = await deps.incidents.findSight(db, actor, incidentId);
    if (incident?.id === incidentId)
      await deps.incidents.unlinkReport(actor, incidentId, report.id);
    else await inTransaction(db, (tx) => links.release(tx, actor, incidentId, [report.id]));
  }

  /**
   * Opens an incident for this report through the incidents subject (the openIncident hook, wired
   * in the container) and links it, in one transaction.
   */
  function openIncidentFromReport(actor: Actor, key: string) {
    return useCase(actor, 'reports.triage', key, async (tx, report, now) => {
      if (!deps.openIncident) {
        throw new AppError('UNAVAILABLE', 'Opening an incident from a report is not available yet');
      }
      refuseUnless(rules.decideLinkIncident(report.status, report.incidentId));
      const opened = await deps.openIncident(tx, actor, {
        reportId: report.id,
        key: report.key,
        summary: report.summary,
        receivedAt: report.receivedAt,
        postedPublicly: report.publicUrl !== null,
      });
      const events = rules.changeIncidentLink(report, opened.incidentId, true);
      await recordChange(tx, deps, report, events, actor.userId, now);
      return opened;
    });
  }

  /** Policy step 1: a public URL opens a "remove from public view" task before anything else. */
  function recordPublicUrl(actor: Actor, key: string, url: string) {
    return useCase(actor, 'reports.triage', key, (tx, report, now) =>
      openRemovalTask(tx, deps, report, now, url, { role: 'staff', actorId: actor.userId }),
    );
  }

  function updateRemovalTask(
    actor: Actor,
    key: string,
    taskId: string,
    input: RemovalTaskUpdateInput,
  ) {
    return useCase(actor, 'reports.triage', key, async (tx, report, now) => {
      const task = (await listRemovalTasks(tx, report.id)).find((t) => t.id === taskId);
      if (!task) throw notFound('Removal task');
      const events = rules.updateRemoval(taskId, input);
      await recordChange(tx, deps, report, events, actor.userId, now);
    });
  }

  function recordMilestone(actor: Actor, key: string, milestone: Milestone) {
    return useCase(actor, 'reports.triage', key, async (tx, report, now) => {
      const events = rules.recordMilestone(report, milestone);
      await recordChange(tx, deps, report, events, actor.userId, now);
    });
  }

  /** The report's id and key as the actor may see it (reports.read; NOT_FOUND when hidden). */
  async function findReportRef(actor: Actor, key: string) {
    requirePermission(actor, 'reports.read');
    const report = await getVisibleReport(db, deps.incidents, actor, key);
    return { id: report.id, key: report.key };
  }

  /**
   * For the mail subject: a read of an e-mail as received (its headers name the reporter), as
   * contact details are read (reports.read_contact, in the access log and the audit trail).
   */
  function recordRawMailRead(actor: Actor, key: string) {
    return readContact(actor, key, 'mail_raw_read', (report) => ({
      id: report.id,
      key: report.key,
    }));
  }

  async function getAttachment(actor: Actor, key: string, attachmentId: string) {
    requirePermission(actor, 'reports.read');
    const report = await getVisibleReport(db, deps.incidents, actor, key);
    const attachment = (await listAttachments(db, report.id)).find((a) => a.id === attachmentId);
    if (!attachment) throw notFound('Attachment');
    if (attachment.redacted_at !== null)
      throw new AppError('NOT_FOUND', 'This attachment was redacted: its file is gone');
    const bytes = await deps.attachments.read(attachment.stored_path);
    return { attachment, bytes };
  }

  /** For the incident lifecycle: has every public copy of the report been dealt with? */
  async function findPublicRemovalState(key: string): Promise<'none' | 'pending' | 'done'> {
    return inTransaction(db, async (tx) => {
      const report = await getReportByKey(tx, key);
      const tasks = await listRemovalTasks(tx, report.id);
      if (tasks.length === 0) return 'none';
      return tasks.some((t) => t.status === 'requested') ? 'pending' : 'done';
    });
  }

  /** For the clocks: is this report (by id) one the actor may see? NOT_FOUND otherwise. */
  async function assertReportVisible(actor: Actor, reportId: string): Promise<void> {
    const report = await findReportById(db, reportId);
    if (!report || !(await maySeeReport(db, deps.incidents, actor, report))) {
      throw notFound('Report');
    }
  }

  return {
    listReportQueue,
    /** Ids of the reports the actor may not see (linked to incidents hidden from them). */
    listHiddenReportIds: (actor: Actor) => listHiddenReportIds(db, deps.incidents, actor),
    assertReportVisible,
    getReport,
    getReportContact,
    getAccessLog,
    acknowledgeReport,
    setEmergency,
    closeReport,
    linkIncident,
    unlinkIncident,
    openIncidentFromReport,
    recordPublicUrl,
    updateRemovalTask,
    recordMilestone,
    getAttachment,
    findReportRef,
    recordRawMailRead,
    findPublicRemovalState,
  };
}

// The report side of the incident–report link: which incident handles a report, recorded on the
// report's stream. The reports subject owns it; the incidents subject reaches it through its
// IncidentReports port, in the incident's own transaction. It needs no other subject, so the
// composition root builds it before incidents (as the clocks' planner is), and the rest of the
// reports, which reads incidents, after them.
import type { Clock } from '../../clock.ts';
import type { Executor } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import type { Actor } from '../actor.ts';
import { maySeeReport, type ReportIncidents } from './access-service.ts';
import {
  notifyReporter,
  recordChange,
  type ReportClockHook,
  type ReporterNotices,
} from './report-context.ts';
import {
  findReportById,
  findReportByKey,
  findReportCreditChoices,
  findFirstReceivedAt,
  findReportKeys,
  findVerifiedReportIds,
} from './report-repository.ts';
import { changeIncidentLink, isClosed, recordMilestone } from './report-rules.ts';

export interface ReportLinksPorts {
  clock: Clock;
  /** The clocks, told of every change to a report in its transaction. */
  clocks?: ReportClockHook;
  /** Reporters hear that their report is fixed (notifications subject). */
  notices: Pick<ReporterNotices, 'tellReporter'>;
}

/** How the incidents subject sees an incident: all a report's visibility needs of it. */
export type IncidentSightFinder = Pick<ReportIncidents, 'findSight'>;

export function createReportLinks(deps: ReportLinksPorts) {
  /** Linked: each report now follows the incident; unlinked: those that did no longer do. */
  async function recordOnReports(
    tx: Executor,
    actor: Actor,
    incidentId: string,
    reportIds: readonly string[],
    linked: boolean,
  ): Promise<void> {
    const now = deps.clock.now();
    for (const reportId of reportIds) {
      const report = await findReportById(tx, reportId);
      if (!report && linked) throw notFound(`Report ${reportId}`);
      if (!report || linked === (report.incidentId === incidentId)) continue;
      const events = changeIncidentLink(report, incidentId, linked);
      await recordChange(tx, deps, report, events, actor.userId, now);
    }
  }

  return {
    /**
     * Report ids for what staff typed (keys such as RPT-0042, or ids); unknown ones, and ones this
     * actor may not see (linked to an incident hidden from them, as `incidents` tells), are
     * NOT_FOUND naming the field.
     */
    async resolveRefs(
      tx: Executor,
      actor: Actor,
      refs: readonly string[],
      incidents: IncidentSightFinder,
    ): Promise<string[]> {
      const ids: string[] = [];
      for (const ref of refs) {
        const report = /^RPT-\d+$/.test(ref)
          ? await findReportByKey(tx, ref)
          : await findReportById(tx, ref);
        if (!report || !(await maySeeReport(tx, incidents, actor, report)))
          throw new AppError('NOT_FOUND', `Report ${ref} was not found`, {
            errors: [{ field: 'reportIds', message: `${ref} is not a report Stopline knows` }],
          });
        ids.push(report.id);
      }
      return [...new Set(ids)];
    },

    /**
     * An incident (opened or linked on the incidents side) handles these reports: recorded on each
     * report in the incident's transaction. Unknown ids refuse the whole change.
     */
    markHandled: (tx: Executor, actor: Actor, incidentId: string, ids: readonly string[]) =>
      recordOnReports(tx, actor, incidentId, ids, true),

    /** The incident no longer handles these reports: recorded on each, in its transaction. */
    release: (tx: Executor, actor: Actor, incidentId: string, ids: readonly string[]) =>
      recordOnReports(tx, actor, incidentId, ids, false),

    /**
     * The incident handling these reports is resolved or closed: each one still open is marked
     * fixed (the portal says resolved) and its reporter e-mailed, in the incident's transaction.
     * Under the policy's verification rule (`verifiedOnly`) an unverified reporter's e-mail says
     * only that there is news; the portal shows the status to whoever holds the access code.
     */
    async markFixed(
      tx: Executor,
      actor: Actor,
      ids: readonly string[],
      rule: { verifiedOnly: boolean },
    ): Promise<void> {
      const now = deps.clock.now();
      for (const id of ids) {
        const report = await findReportById(tx, id);
        if (!report || isClosed(report.status) || report.fixedAt !== null) continue;
        await recordChange(tx, deps, report, recordMilestone(report, 'fixed'), actor.userId, now);
        const shareResult = !rule.verifiedOnly || report.verified;
        await notifyReporter(
          tx,
          deps,
          report,
          {
            subject: shareResult
              ? 'The issue you reported is fixed'
              : 'News about your security report',
            line: shareResult
              ? 'We have fixed the issue you reported. Thank you for telling us.'
              : 'There is news about your security report.',
            idempotencyKey: `report-fixed:${report.id}`,
          },
          now,
        );
      }
    },

    /**
     * News about these reports' vulnerability (coordinated disclosure), e-mailed to each reporter
     * who gave an address, in the caller's transaction. Under the verification rule an
     * unverified reporter's e-mail says only that there is news; the portal shows the rest.
     */
    async tellReporters(
      tx: Executor,
      ids: readonly string[],
      news: { subject: string; line: string; idempotencyKey: string },
      rule: { verifiedOnly: boolean },
    ): Promise<void> {
      const now = deps.clock.now();
      for (const id of ids) {
        const report = await findReportById(tx, id);
        if (!report) continue;
        const share = !rule.verifiedOnly || report.verified;
        await notifyReporter(
          tx,
          deps,
          report,
          {
            subject: share ? news.subject : 'News about your security report',
            line: share ? news.line : 'There is news about your security report.',
            idempotencyKey: `${news.idempotencyKey}:${report.id}`,
          },
          now,
        );
      }
    },

    /** The keys (RPT-0042) of linked reports, by id. */
    findKeys: (tx: Executor, ids: readonly string[]) => findReportKeys(tx, ids),

    /** When the earliest of these linked reports was received (null for none). */
    findFirstReceivedAt: (tx: Executor, ids: readonly string[]) => findFirstReceivedAt(tx, ids),

    /** How the reporters of these linked reports chose to be credited, in their order. */
    findCreditChoices: (tx: Executor, ids: readonly string[]) => findReportCreditChoices(tx, ids),

    /** Of these linked reports, those whose reporter's identity is verified on the report. */
    findVerifiedIds: (tx: Executor, ids: readonly string[]) => findVerifiedReportIds(tx, ids),
  };
}

export type ReportLinks = ReturnType<typeof createReportLinks>;

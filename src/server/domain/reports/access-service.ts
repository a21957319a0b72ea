// Need-to-know for reports: a report linked to an incident is seen only by those who may see the
// incident. The incidents subject decides who may see an incident (asked through the
// ReportIncidents port); this file is the one place that applies its answer to reports, for every
// staff read and change, the queue, and the other subjects that show reports (clocks, live).
import type { Executor } from '../../db/schema.ts';
import { notFound } from '../../errors.ts';
import { readerActor, type Actor, type NoticeReader } from '../actor.ts';
import type { Report } from './report-state.ts';
import { findReportById, findReportByKey, listReportIdsLinkedTo } from './report-repository.ts';

/** An incident as a report linked to it sees it. */
export interface IncidentSight {
  id: string;
  key: string;
  /** Whether the actor may see the incident (restricted ones: participants and admins only). */
  visible: boolean;
  /** When it was closed; null while it is open (retention waits for it). */
  closedAt: number | null;
}

/** What the reports subject needs of the incidents subject (wired in the composition root). */
export interface ReportIncidents {
  /** The incident by id or key, as this actor sees it; null when there is no such incident. */
  findSight(tx: Executor, actor: Actor, ref: string): Promise<IncidentSight | null>;
  /** Ids of the incidents this actor may not see. */
  listHiddenIds(tx: Executor, actor: Actor): Promise<string[]>;
  /**
   * The incident records that it handles the report, in its own transaction, and marks the
   * report handled in it through the report links (so both sides record the link, or neither).
   */
  linkReport(actor: Actor, incidentId: string, reportId: string): Promise<void>;
  /** The same for unlinking (the report links release the report). */
  unlinkReport(actor: Actor, incidentId: string, reportId: string): Promise<void>;
}

/** Whether the actor may see this report: always, unless it follows an incident hidden from them. */
export async function maySeeReport(
  tx: Executor,
  incidents: Pick<ReportIncidents, 'findSight'>,
  actor: Actor,
  report: Pick<Report, 'incidentId'>,
): Promise<boolean> {
  if (report.incidentId === null) return true;
  // An incident Stopline does not know (a link from before links were checked) hides nothing.
  const sight = await incidents.findSight(tx, actor, report.incidentId);
  return sight === null || sight.visible;
}

/** The report by key, or NOT_FOUND, the same answer for an unknown key and a hidden report. */
export async function getVisibleReport(
  tx: Executor,
  incidents: ReportIncidents,
  actor: Actor,
  key: string,
): Promise<Report> {
  const report = await findReportByKey(tx, key.toUpperCase());
  if (!report || !(await maySeeReport(tx, incidents, actor, report))) {
    throw notFound(`Report ${key}`);
  }
  return report;
}

/** Ids of the reports this actor may not see: those linked to incidents hidden from them. */
export async function listHiddenReportIds(
  tx: Executor,
  incidents: ReportIncidents,
  actor: Actor,
): Promise<string[]> {
  const hidden = await incidents.listHiddenIds(tx, actor);
  return listReportIdsLinkedTo(tx, hidden);
}

/**
 * The report as a notice names it to one reader (null: an audience of unknown people, such as a
 * webhook endpoint): its key always, its summary as the title only if the reader may see the
 * report (not when it follows an incident hidden from them). Null when there is no such report.
 */
export async function findNoticeHeadline(
  tx: Executor,
  incidents: ReportIncidents,
  reportId: string,
  reader: NoticeReader | null,
): Promise<{ key: string; title: string | null } | null> {
  const report = await findReportById(tx, reportId);
  if (!report) return null;
  const visible = await maySeeReport(tx, incidents, readerActor(reader), report);
  return { key: report.key, title: visible ? report.summary : null };
}

// The final reports' use cases (issue 14, item 6): write the internal or the external report of
// an incident as the caller may see it, from the incident, its post-mortem and its record; and
// publish the external one, which records the policy's final-report step on the incident (meeting
// its 72-hour clock). Nothing here sends anything anywhere: a public copy goes out only through
// the status page's own publish gate.
import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { can, requirePermission, type Actor } from '../actor.ts';
import type { BreachFacts } from '../breach/index.ts';
import type { FinalReportPosting } from '../status/index.ts';
import type { Policy, PolicyInForce } from '../policy/index.ts';
import {
  writeFinalReport,
  type ReportAudience,
  type ReportIncident,
} from './final-report-rules.ts';
import * as repo from './learning-repository.ts';
import * as timeline from './timeline-rules.ts';

/** What the reports need of the incidents subject. */
export interface ReportIncidents {
  findSight(
    tx: Executor,
    actor: Actor,
    ref: string,
  ): Promise<{ id: string; key: string; visible: boolean } | null>;
  findPolicy(incidentId: string): Promise<Policy | null>;
  listRecord(
    actor: Actor,
    incidentId: string,
    types: readonly string[],
  ): Promise<timeline.RecordEvent[]>;
  /** The incident as a report tells it, as the caller may see it. */
  findReportIncident(actor: Actor, incidentId: string): Promise<ReportIncident>;
  /** Records the policy's final-report step on the incident (its clock is met by it). */
  recordFinalReportStep(actor: Actor, incidentId: string, note: string): Promise<void>;
}

/** What the reports need of the breach subject: the record's facts when personal data was
 * breached (GDPR Art. 33(3)), null otherwise. */
export interface ReportBreaches {
  findPersonalDataFacts(tx: Executor, incidentId: string): Promise<BreachFacts | null>;
}

/** What the reports need of the status page: the external report posted through its gate. */
export interface ReportStatusPage {
  postFinalReport(actor: Actor, incidentId: string, body: string): Promise<FinalReportPosting>;
}

export interface ReportPorts {
  db: Db;
  clock: Clock;
  policy: () => Pick<PolicyInForce, 'policy'>;
  incidents: ReportIncidents;
  breaches: ReportBreaches;
  statusPage: ReportStatusPage;
  /** Staff names for the internal report (an id no longer on staff is said so). */
  staff: { listNames(): Promise<Map<string, string>> };
}

/** A report written for its audience: Markdown, and the title a download names. */
export interface FinalReport {
  incidentId: string;
  incidentKey: string;
  audience: ReportAudience;
  title: string;
  markdown: string;
  incident: ReportIncident;
}

export function createReportService(ports: ReportPorts) {
  const { db, clock } = ports;

  async function write(actor: Actor, ref: string, audience: ReportAudience): Promise<FinalReport> {
    const sight = await ports.incidents.findSight(db, actor, ref);
    if (!sight || !sight.visible) throw new AppError('NOT_FOUND', 'Incident was not found');
    const [incident, record, policy, postmortem, names, personalData] = await Promise.all([
      ports.incidents.findReportIncident(actor, sight.id),
      ports.incidents.listRecord(actor, sight.id, [
        ...timeline.TIMELINE_EVENT_TYPES,
        'incident.updated',
      ]),
      ports.incidents.findPolicy(sight.id),
      repo.findPostmortemByIncident(db, sight.id),
      ports.staff.listNames(),
      ports.breaches.findPersonalDataFacts(db, sight.id),
    ]);
    const rules = policy ?? ports.policy().policy;
    const marks = postmortem ?? { timelineMarks: [], timelineEntries: [] };
    const markdown = writeFinalReport({
      audience,
      incident,
      postmortem,
      timeline: timeline.drawTimeline(record, marks, rules),
      durations: timeline.measureDurations(record, rules),
      record,
      policy: rules,
      nameOf: (id) => (id ? (names.get(id) ?? 'someone no longer on staff') : 'nobody'),
      // The external report is written for the public: it says what the law requires. Staff who
      // may not read the breach record learn only that there is one.
      personalData:
        personalData && audience === 'internal' && !can(actor, 'breach.read')
          ? 'hidden'
          : personalData,
      now: clock.now(),
    });
    const title =
      audience === 'internal' ? `Final report ${incident.key} (internal)` : 'Incident report';
    return { incidentId: sight.id, incidentKey: incident.key, audience, title, markdown, incident };
  }

  const FINAL_REPORT_STEP = 'final_report_step_recorded';
  const sha256Of = (markdown: string) => createHash('sha256').update(markdown).digest('hex');

  return {
    /** The report for its audience; NOT_FOUND for an incident the caller may not see. */
    writeFinalReport: write,

    /**
     * Publishes the external report: records the final-report step on the incident with the
     * report's SHA-256, which meets the final report's clock. Answers the report published.
     */
    async publishExternalReport(actor: Actor, ref: string): Promise<FinalReport> {
      requirePermission(actor, 'learning.approve', 'Publishing the external final report');
      const report = await write(actor, ref, 'external');
      await ports.incidents.recordFinalReportStep(
        actor,
        report.incidentId,
        `External final report published (SHA-256 ${sha256Of(report.markdown)})`,
      );
      return report;
    },

    /**
     * Posts the external report on the status page, as the post-incident report of the public
     * incident that speaks for the incident, through the page's publish gate (a draft for a second
     * person when the policy asks for four eyes; refused for an exercise). Published, it meets the
     * final report clock (once: the status page meets it, and the final-report step recorded with
     * it, when not recorded yet, finds it met).
     */
    async postExternalReport(
      actor: Actor,
      ref: string,
    ): Promise<{ report: FinalReport; posting: FinalReportPosting; stepRecorded: boolean }> {
      requirePermission(actor, 'learning.approve', 'Posting the external final report');
      const report = await write(actor, ref, 'external');
      const posting = await ports.statusPage.postFinalReport(
        actor,
        report.incidentId,
        report.markdown,
      );
      const { incident } = report;
      const stepRecorded =
        posting.published &&
        incident.closedAt === null &&
        !incident.milestones.includes(FINAL_REPORT_STEP);
      if (stepRecorded) {
        await ports.incidents.recordFinalReportStep(
          actor,
          report.incidentId,
          `External final report published on the status page (SHA-256 ${sha256Of(report.markdown)})`,
        );
      }
      return { report, posting, stepRecorded };
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;

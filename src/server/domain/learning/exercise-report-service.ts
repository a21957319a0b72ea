// An exercise's report, one transaction each (issue 14, item 7): its objectives judged met or not
// with a note, completed once each is judged, and written as Markdown with the participants, the
// measured durations and the post-mortem's follow-ups. Seen only by those who may see the
// exercise; an incident that is not an exercise has no such report.
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import { requirePermission, type Actor } from '../actor.ts';
import type { Policy, PolicyInForce } from '../policy/index.ts';
import type { Exercise } from '../../../shared/domain/incidents.ts';
import { appendToExerciseReport } from './exercise-report-projection.ts';
import { findExerciseReportByIncident } from './exercise-report-repository.ts';
import * as rules from './exercise-report-rules.ts';
import type { ExerciseReportEvent } from './exercise-report-events.ts';
import type { ExerciseReportState } from './exercise-report-state.ts';
import { findPostmortemByIncident } from './learning-repository.ts';
import type { FollowUp } from './learning-state.ts';
import type { ReportIncidents } from './report-service.ts';
import * as timeline from './timeline-rules.ts';

export interface ExerciseReportPorts {
  db: Db;
  clock: Clock;
  policy: () => Pick<PolicyInForce, 'policy'>;
  incidents: Pick<
    ReportIncidents,
    'findSight' | 'findPolicy' | 'listRecord' | 'findReportIncident'
  >;
  staff: { listNames(): Promise<Map<string, string>> };
}

/** The report as the API answers it, with what it is written from. */
export interface ExerciseReportView {
  incident: { id: string; key: string; title: string; exercise: Exercise };
  /** Not yet saved: its version is 0 and its objectives are the declaration's. */
  report: ExerciseReportState;
  participants: string[];
  durations: timeline.IncidentDurations | null;
  followUps: FollowUp[];
  /** The policy keeps the exercise from closing until its report is completed. */
  requiredToClose: boolean;
}

/** Declared objectives are o1…oN; each added one takes the next number. */
const objectiveId = (n: number) => `o${n}`;

export function createExerciseReportService(ports: ExerciseReportPorts) {
  const { db, clock } = ports;

  async function exerciseFor(actor: Actor, ref: string) {
    const sight = await ports.incidents.findSight(db, actor, ref);
    if (!sight || !sight.visible) throw new AppError('NOT_FOUND', 'Incident was not found');
    const incident = await ports.incidents.findReportIncident(actor, sight.id);
    if (!incident.exercise) {
      throw new AppError(
        'NOT_FOUND',
        `${sight.key} is not an exercise: it has no exercise report`,
        {
          incidentKey: sight.key,
        },
      );
    }
    return { id: sight.id, incident, exercise: incident.exercise };
  }

  /** The saved report, or the one the declaration starts (not saved: version 0). */
  function reportOr(
    saved: ExerciseReportState | null,
    incident: { id: string; key: string },
    exercise: Exercise,
  ): ExerciseReportState {
    if (saved) return saved;
    return {
      id: '',
      incidentId: incident.id,
      incidentKey: incident.key,
      version: 0,
      status: 'draft',
      objectives: rules.objectivesOf(exercise).map((text, i) => ({
        id: objectiveId(i + 1),
        text,
        met: null,
        note: '',
        assessedBy: null,
        assessedAt: null,
      })),
      summary: '',
      completedBy: null,
      completedAt: null,
    };
  }

  async function policyOf(incidentId: string): Promise<Policy> {
    return (await ports.incidents.findPolicy(incidentId)) ?? ports.policy().policy;
  }

  async function view(actor: Actor, ref: string): Promise<ExerciseReportView> {
    const { id, incident, exercise } = await exerciseFor(actor, ref);
    const [saved, record, policy, postmortem] = await Promise.all([
      findExerciseReportByIncident(db, id),
      ports.incidents.listRecord(actor, id, timeline.TIMELINE_EVENT_TYPES),
      policyOf(id),
      findPostmortemByIncident(db, id),
    ]);
    return {
      incident: { id, key: incident.key, title: incident.title, exercise },
      report: reportOr(saved, { id, key: incident.key }, exercise),
      participants: [...incident.participants],
      durations: timeline.measureDurations(record, policy),
      followUps: postmortem?.followUps ?? [],
      requiredToClose: policy.learning.exercises.reportRequiredToClose,
    };
  }

  /** Load (or start from the declaration), check the version, decide, record. */
  async function change(
    actor: Actor,
    ref: string,
    expectedVersion: number | undefined,
    decide: (state: ExerciseReportState) => ExerciseReportEvent[],
    permission: 'learning.write' | 'learning.approve' = 'learning.write',
  ): Promise<ExerciseReportView> {
    requirePermission(actor, permission);
    const { id, incident, exercise } = await exerciseFor(actor, ref);
    await inTransaction(db, async (tx: Executor) => {
      const saved = await findExerciseReportByIncident(tx, id);
      const state = reportOr(saved, { id, key: incident.key }, exercise);
      if (expectedVersion !== undefined && expectedVersion !== state.version) {
        throw new AppError(
          'CONFLICT',
          'This exercise report was changed by someone else since you loaded it; reload and try again',
          { expectedVersion, currentVersion: state.version },
        );
      }
      const now = clock.now();
      let current = saved;
      const reportId = saved?.id ?? `exercise-report:${id}`;
      if (!current) {
        const start = rules.startExerciseReport(
          { id, key: incident.key },
          state.objectives.map((o) => ({ objectiveId: o.id, text: o.text })),
        );
        current = await appendToExerciseReport(tx, reportId, null, start, actor.userId, now);
      }
      const events = decide(current);
      await appendToExerciseReport(tx, reportId, current, events, actor.userId, now);
    });
    return view(actor, ref);
  }

  return {
    /** The exercise's report (the declaration's objectives until someone writes it). */
    getExerciseReport: view,

    addExerciseObjective(actor: Actor, ref: string, text: string, expectedVersion?: number) {
      return change(actor, ref, expectedVersion, (s) =>
        rules.addObjective(s, { objectiveId: objectiveId(s.objectives.length + 1), text }),
      );
    },

    assessExerciseObjective(
      actor: Actor,
      ref: string,
      id: string,
      judgement: { met: boolean; note: string },
      expectedVersion?: number,
    ) {
      return change(actor, ref, expectedVersion, (s) =>
        rules.assessObjective(s, id, judgement.met, judgement.note),
      );
    },

    completeExerciseReport(actor: Actor, ref: string, summary: string, expectedVersion?: number) {
      return change(actor, ref, expectedVersion, (s) => rules.completeExerciseReport(s, summary));
    },

    reopenExerciseReport(actor: Actor, ref: string, reason: string, expectedVersion?: number) {
      return change(
        actor,
        ref,
        expectedVersion,
        (s) => rules.reopenExerciseReport(s, reason),
        'learning.approve',
      );
    },

    /** The report as Markdown (the route also draws it as a PDF). */
    async writeExerciseReport(actor: Actor, ref: string) {
      const [v, names] = await Promise.all([view(actor, ref), ports.staff.listNames()]);
      const { incident } = await exerciseFor(actor, ref);
      const markdown = rules.writeExerciseReport({
        incident: {
          key: incident.key,
          title: incident.title,
          exercise: v.incident.exercise,
          declaredAt: incident.declaredAt,
        },
        report: v.report,
        participants: v.participants,
        durations: v.durations,
        followUps: v.followUps,
        nameOf: (id) => (id ? (names.get(id) ?? 'someone no longer on staff') : 'nobody'),
        now: clock.now(),
      });
      return { incidentKey: incident.key, title: `EXERCISE report ${incident.key}`, markdown };
    },
  };
}

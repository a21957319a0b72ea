// Whether an incident needs a post-mortem before it closes, and its draft clock: the part of the
// learning subject the incidents subject asks in its own transactions (when an incident is
// resolved, and when it would close). It needs no other subject's module, so the composition
// root builds it before incidents; the rest of learning (which reads incidents) comes after.
import type { Executor } from '../../db/schema.ts';
import type { Policy } from '../policy/index.ts';
import type { PostmortemDue } from '../clocks/index.ts';
import { findPostmortemByIncident } from './learning-repository.ts';
import { findExerciseReportByIncident } from './exercise-report-repository.ts';
import { addBusinessDays, requiredBecause } from './learning-rules.ts';
import type { PostmortemStatus } from '../../../shared/domain/learning.ts';

/**
 * An incident as learning weighs whether it needs a post-mortem: the incidents subject reads it
 * from its record and hands it over (IncidentPostmortems), or answers it (LearningIncidents).
 */
export interface PostmortemCase {
  id: string;
  key: string;
  severity: string | null;
  ownerId: string | null;
  /** The line stopped for it, even once. */
  lineStopped: boolean;
  /** One of its deadlines was breached, even once. */
  deadlineBreached: boolean;
  /** Declared as an exercise: it may need its exercise report before it closes. */
  exercise: boolean;
}

/** How an incident's post-mortem stands against the policy (the incidents' exit checks read it). */
export interface PostmortemStanding {
  /** Why the policy requires one ("severity P1", "the line stopped"); empty: it does not. */
  requiredBecause: string[];
  status: PostmortemStatus | 'none';
  /** An exercise's report, when the policy requires it before closing; null: not required. */
  exerciseReport?: 'none' | 'draft' | 'completed' | null;
}

/** What the requirement needs of the breach subject: whether personal data was breached. */
export interface LearningBreaches {
  isPersonalDataBreach(tx: Executor, incidentId: string): Promise<boolean>;
}

/** What it needs of the clocks: a post-mortem's draft deadline, started once. */
export interface PostmortemDueClock {
  startPostmortemDue(
    tx: Executor,
    incidentId: string,
    due: PostmortemDue,
    policy: Policy,
    now: number,
  ): Promise<void>;
}

export interface PostmortemRequirementPorts {
  breaches: LearningBreaches;
  clocks: PostmortemDueClock;
}

export function createPostmortemRequirement(ports: PostmortemRequirementPorts) {
  async function findRequiredBecause(
    tx: Executor,
    incident: PostmortemCase,
    policy: Policy,
  ): Promise<string[]> {
    const rule = policy.learning.postmortem.requiredWhen;
    // The breach record is read only when the policy asks about it.
    const dataBreached =
      rule.dataBreached && (await ports.breaches.isPersonalDataBreach(tx, incident.id));
    return requiredBecause(rule, { ...incident, dataBreached });
  }

  return {
    findRequiredBecause,

    async findStanding(
      tx: Executor,
      incident: PostmortemCase,
      policy: Policy,
    ): Promise<PostmortemStanding> {
      const reportRequired = incident.exercise && policy.learning.exercises.reportRequiredToClose;
      const [because, postmortem, report] = await Promise.all([
        findRequiredBecause(tx, incident, policy),
        findPostmortemByIncident(tx, incident.id),
        reportRequired ? findExerciseReportByIncident(tx, incident.id) : null,
      ]);
      return {
        requiredBecause: because,
        status: postmortem?.status ?? 'none',
        exerciseReport: reportRequired ? (report?.status ?? 'none') : null,
      };
    },

    /**
     * The incident was just resolved: when the policy requires its post-mortem and gives the
     * draft a time, the draft's deadline starts (owned by the post-mortem's owner, else the
     * incident's), unless the draft is already in.
     */
    async incidentResolved(
      tx: Executor,
      incident: PostmortemCase,
      policy: Policy,
      at: number,
    ): Promise<void> {
      const days = policy.learning.postmortem.draftDueInBusinessDays;
      if (days === undefined) return;
      if ((await findRequiredBecause(tx, incident, policy)).length === 0) return;
      const postmortem = await findPostmortemByIncident(tx, incident.id);
      if (postmortem && postmortem.status !== 'draft') return;
      await ports.clocks.startPostmortemDue(
        tx,
        incident.id,
        {
          startedAt: at,
          dueAt: addBusinessDays(at, days),
          responsibleId: postmortem?.ownerId ?? incident.ownerId,
          severity: incident.severity,
        },
        policy,
        at,
      );
    },
  };
}

export type PostmortemRequirement = ReturnType<typeof createPostmortemRequirement>;

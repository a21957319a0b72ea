// Moving through the policy's phases: one step forward at a time, skipping only phases the
// policy lets this kind of incident skip, and only once the current phase's exit checks hold.
import { AppError } from '../../errors.ts';
import {
  formatDuration,
  type ExitCheck,
  type ExitCheckId,
  type Phase,
  type Policy,
} from '../policy/index.ts';
import { isCritical, phaseIndex, type IncidentState } from './incident-state.ts';
import { missingRoles } from './role-rules.ts';
import type { PostmortemStanding } from '../learning/index.ts';

/**
 * Why a phase move (or another step the policy orders) is refused: the exit checks, and the
 * rules of the move itself.
 */
export type RefusalCode =
  ExitCheckId | 'phase_not_skippable' | 'phase_not_forward' | 'incident_closed';

/** One reason a move is refused: a stable `code`, the reason in words, and the phase it is about. */
export interface FailedCheck {
  code: RefusalCode;
  /** The phase the reason is about: the one being left, or the one that cannot be skipped. */
  phase: string;
  /** The exit check's id, when the reason is a failing exit check (the same as `code`). */
  check?: ExitCheckId;
  reason: string;
}

/** What the exit checks read beside the incident's own state. */
export interface ExitContext {
  /** Unknown (no learning subject wired): the check holds. */
  postmortem?: PostmortemStanding | undefined;
  /** The time the checks are weighed at (the monitoring window); unknown: the window holds. */
  now?: number | undefined;
  /** When the monitoring_added step was recorded; null: not recorded. */
  monitoringAddedAt?: number | null | undefined;
}

const RECOVERY_MISSING = {
  restoration_validated: 'Restoring the systems from clean backups has not been validated',
  service_validated: 'The service has not been validated as clean and working',
  monitoring_added: 'No additional monitoring has been recorded',
  phased_return_recorded: 'The phased return to full operation has not been recorded',
} as const;

/** Null when monitoring was added at least `window` ago (at `now`). */
export function monitoringWindowMissing(window: number, context: ExitContext): string | null {
  const added = context.monitoringAddedAt;
  const span = formatDuration(window);
  if (added === null) {
    return `The monitoring window (${span}) has not started: no additional monitoring has been recorded`;
  }
  if (added === undefined || context.now === undefined) return null;
  const endsAt = added + window;
  return context.now >= endsAt
    ? null
    : `The monitoring window (${span}) has not passed: monitoring was added ${new Date(added).toISOString()} and it passes ${new Date(endsAt).toISOString()}`;
}

const POSTMORTEM_WORDS = {
  none: 'none has been started',
  draft: 'it is in draft',
  in_review: 'it is in review',
} as const;

/** Null when no post-mortem is required, or the required one is approved or skipped. */
export function postmortemMissing(standing: PostmortemStanding | undefined): string | null {
  if (!standing || standing.requiredBecause.length === 0) return null;
  if (standing.status === 'approved' || standing.status === 'skipped') return null;
  return (
    `The post-mortem the policy requires (${standing.requiredBecause.join('; ')}) is not ` +
    `approved: ${POSTMORTEM_WORDS[standing.status]}`
  );
}

/** Null unless the policy requires the exercise's report before closing and it is not completed. */
export function exerciseReportMissing(standing: PostmortemStanding | undefined): string | null {
  const report = standing?.exerciseReport ?? null;
  if (report === null || report === 'completed') return null;
  return `EXERCISE: the exercise report the policy requires is not completed: ${
    report === 'none' ? 'no objective has been judged yet' : 'it is in draft'
  }`;
}

const openTask = (state: IncidentState) =>
  state.tasks.filter((t) => t.status === 'open' || t.status === 'in_progress');

/** Verify & reproduce is done: reproduced or not; waiting for the reporter does not count. */
export function reproductionMissing(reproduction: IncidentState['reproduction']): string | null {
  if (!reproduction) return 'No reproduction has been recorded';
  return reproduction.result === 'needs_information'
    ? 'The reproduction is waiting for information from the reporter'
    : null;
}

/** A plain-language reason when the check fails, or null when it holds. */
export function failureOf(
  exitCheck: ExitCheck,
  state: IncidentState,
  policy: Policy,
  context: ExitContext = {},
): string | null {
  const has = (m: IncidentState['milestones'][number]) => state.milestones.includes(m);
  const check = exitCheck.check;
  switch (check) {
    case 'owner_assigned':
      return state.ownerId ? null : 'Nobody owns the incident yet; assign a responsible developer';
    case 'reproduction_recorded':
      return reproductionMissing(state.reproduction);
    case 'decision_recorded':
      return state.criticality
        ? null
        : 'The panel has not decided whether the incident is critical';
    case 'severity_set':
      return state.severity ? null : 'No severity has been set';
    case 'required_roles_filled': {
      const missing = missingRoles(state, policy);
      return missing.length === 0
        ? null
        : `Required roles are not filled: ${missing.map((r) => r.name).join(', ')}`;
    }
    case 'containment_recorded':
      return state.containment.length > 0 ? null : 'No containment action has been recorded';
    case 'root_cause_fixed':
      return has('root_cause_fixed') ? null : 'The root-cause fix has not been recorded';
    case 'containment_reverted_or_justified': {
      const active = state.containment.filter((c) => c.status === 'active');
      return active.length === 0
        ? null
        : `Containment still in force without a justification: ${active.map((c) => `"${c.description}"`).join(', ')}; revert it or record why it stays`;
    }
    case 'public_disclosure_removed': {
      // Recorded as a step, or by finishing every "remove the public disclosure" task.
      const removals = state.tasks.filter((t) => t.type === 'remove_public_disclosure');
      const removed =
        has('public_disclosure_removed') ||
        (removals.length > 0 && removals.every((t) => t.status === 'done'));
      return !state.publiclyDisclosed || removed
        ? null
        : 'The issue was disclosed publicly and its removal from public view is not recorded';
    }
    case 'reporter_informed':
      return state.reportIds.length === 0 || has('reporter_informed')
        ? null
        : 'The reporter has not been told the status and next steps';
    case 'post_mortem_recorded':
      return has('post_mortem_recorded') ? null : 'No post-mortem has been recorded';
    case 'final_report_step_recorded':
      return has('final_report_step_recorded') ? null : 'The final report step is not recorded';
    case 'postmortem_approved':
      return postmortemMissing(context.postmortem);
    case 'exercise_report_completed':
      return exerciseReportMissing(context.postmortem);
    case 'restoration_validated':
    case 'service_validated':
    case 'monitoring_added':
    case 'phased_return_recorded':
      return has(check) ? null : RECOVERY_MISSING[check];
    case 'monitoring_window_passed':
      return monitoringWindowMissing(exitCheck.window ?? 0, context);
    case 'tasks_done': {
      const open = openTask(state);
      return open.length === 0
        ? null
        : `Tasks still open: ${open.map((t) => `"${t.title}"`).join(', ')}`;
    }
  }
}

/** Critical, non-critical, or not known yet (no decision and no severity). */
type Kind = boolean | null;

function kindOf(state: IncidentState, policy: Policy): Kind {
  return state.severity === null && state.criticality === null ? null : isCritical(state, policy);
}

/** While the kind is unknown, checks for either kind apply: the stricter reading. */
function applies(check: ExitCheck, critical: Kind): boolean {
  return check.when === 'always' || critical === null || (check.when === 'critical') === critical;
}

/** A failing exit check: its `code` and `check` are the check's id. */
export type FailedExitCheck = FailedCheck & { code: ExitCheckId; check: ExitCheckId };

/**
 * The exit checks of `phase` that fail. Leaving it for the terminal phase (`closing`; by default
 * when the terminal phase comes next) also needs a post-mortem the policy requires, listed in the
 * phase or not: no incident closes without it.
 */
export function failedExitChecks(
  phase: Phase,
  state: IncidentState,
  policy: Policy,
  context: ExitContext = {},
  closing = policy.phases[phaseIndex(policy, phase.id) + 1]?.terminal ?? false,
): FailedExitCheck[] {
  const critical = kindOf(state, policy);
  const checks: ExitCheck[] = phase.exitChecks.filter((c) => applies(c, critical));
  for (const check of ['postmortem_approved', 'exercise_report_completed'] as const) {
    if (closing && !checks.some((c) => c.check === check)) checks.push({ check, when: 'always' });
  }
  return checks.flatMap((c) => {
    const reason = failureOf(c, state, policy, context);
    return reason === null ? [] : [{ code: c.check, phase: phase.id, check: c.check, reason }];
  });
}

/** Until the incident's kind is known, only phases skippable "always" may be skipped. */
function skippable(phase: Phase, critical: Kind): boolean {
  if (critical === null) return phase.skippableWhen === 'always';
  switch (phase.skippableWhen) {
    case 'always':
      return true;
    case 'never':
      return false;
    case 'critical':
      return critical;
    case 'non_critical':
      return !critical;
  }
}

export interface PhaseMove {
  from: string;
  to: string;
  skipped: string[];
}

const refusedMove = (message: string, failed: FailedCheck[], notSkippable: Phase[] = []) =>
  new AppError('RULE_REFUSED', message, {
    failedChecks: failed,
    phasesNotSkippable: notSkippable.map((p) => p.id),
  });

/**
 * Checks a move to `to`; throws RULE_REFUSED whose `failedChecks` lists every reason it is not
 * allowed (each with a code), so a client never has to parse the sentence.
 */
export function planPhaseMove(
  state: IncidentState,
  policy: Policy,
  to: string,
  context: ExitContext = {},
): PhaseMove {
  const fromIndex = phaseIndex(policy, state.phase);
  const toIndex = phaseIndex(policy, to);
  if (toIndex < 0) {
    throw new AppError('VALIDATION', `"${to}" is not one of the policy's phases`, {
      errors: [
        { field: 'phase', message: `must be one of ${policy.phases.map((p) => p.id).join(', ')}` },
      ],
    });
  }
  const from = policy.phases[fromIndex]!;
  if (from.terminal) {
    const reason = `${state.key} is closed; its record can only be read`;
    throw refusedMove(reason, [{ code: 'incident_closed', phase: from.id, reason }]);
  }
  if (toIndex <= fromIndex) {
    const reason = `The incident is in ${from.name}; phases only move forward`;
    throw refusedMove(reason, [{ code: 'phase_not_forward', phase: from.id, reason }]);
  }
  const critical = kindOf(state, policy);
  const between = policy.phases.slice(fromIndex + 1, toIndex);
  const notSkippable = between.filter((p) => !skippable(p, critical));
  const failed: FailedCheck[] = [
    ...notSkippable.map((p) => ({
      code: 'phase_not_skippable' as const,
      phase: p.id,
      reason: `${p.name} cannot be skipped for this incident`,
    })),
    ...failedExitChecks(from, state, policy, context, policy.phases[toIndex]!.terminal),
  ];
  if (failed.length > 0) {
    throw refusedMove(
      `Cannot move to ${policy.phases[toIndex]!.name}: ${failed.map((f) => f.reason).join('; ')}`,
      failed,
      notSkippable,
    );
  }
  return { from: state.phase, to, skipped: between.map((p) => p.id) };
}

// Verify & reproduce comes first (Kundo step 3 before step 4): the steps the policy lists in
// `verification.requiredBefore` wait until a reproduction is recorded. A policy may let the
// security lead set an emergency severity before it; that override is recorded with its reason.
import { VERIFIED_STEP_WORDS, type VerifiedStep } from '../../../shared/domain/incidents.ts';
import { AppError } from '../../errors.ts';
import type { Policy } from '../policy/index.ts';
import { incidentEvent as ev, type IncidentEvent } from './incident-events.ts';
import type { IncidentState } from './incident-state.ts';
import { reproductionMissing, type FailedCheck } from './phase-rules.ts';

/** Why this step must wait for the reproduction; null when it need not (recorded, or not ordered). */
export function waitingForReproduction(
  state: Pick<IncidentState, 'reproduction' | 'phase'>,
  policy: Policy,
  step: VerifiedStep,
): FailedCheck | null {
  if (!policy.verification.requiredBefore.includes(step)) return null;
  const missing = reproductionMissing(state.reproduction);
  if (missing === null) return null;
  return {
    code: 'reproduction_recorded',
    check: 'reproduction_recorded',
    phase: state.phase,
    reason: `${missing}; the policy orders verify & reproduce before ${VERIFIED_STEP_WORDS[step]}`,
  };
}

/** 422 naming the missing step, in failedChecks as a refused phase move does. */
function refusal(
  state: Pick<IncidentState, 'reproduction'>,
  failed: FailedCheck,
  step: VerifiedStep,
  extra = '',
): AppError {
  const missing = reproductionMissing(state.reproduction) ?? '';
  return new AppError(
    'RULE_REFUSED',
    `Verify and reproduce the issue before ${VERIFIED_STEP_WORDS[step]}: ${missing}${extra}`,
    { failedChecks: [failed], step },
  );
}

/** Refuses the step (422 with failedChecks) while the policy makes it wait for the reproduction. */
export function assertReproducedBefore(
  state: Pick<IncidentState, 'reproduction' | 'phase'>,
  policy: Policy,
  step: VerifiedStep,
): void {
  const failed = waitingForReproduction(state, policy, step);
  if (failed) throw refusal(state, failed, step);
}

/** An emergency severity before the reproduction: who may ask, and why. */
export interface SeverityOverride {
  reason: string;
  /** The caller is the security lead (may decide: `incidents.decide`). */
  bySecurityLead: boolean;
}

/**
 * Setting `severity` (on an open incident, or when opening one): nothing to add when the
 * reproduction is recorded or the policy does not order it; otherwise the recorded override, or
 * a refusal that names the missing step.
 */
export function severityBeforeReproduction(
  state: Pick<IncidentState, 'reproduction' | 'phase'>,
  policy: Policy,
  severity: string,
  override: SeverityOverride | undefined,
): IncidentEvent[] {
  const failed = waitingForReproduction(state, policy, 'severity');
  if (!failed) return [];
  if (!override) {
    const hint = policy.verification.allowEmergencySeverity
      ? '; in an emergency the security lead may set it first, with a reason (override)'
      : '';
    throw refusal(state, failed, 'severity', hint);
  }
  if (!policy.verification.allowEmergencySeverity) {
    throw refusal(state, failed, 'severity', '; the policy allows no emergency severity before it');
  }
  if (!override.bySecurityLead) {
    throw new AppError(
      'FORBIDDEN',
      'Only the security lead may set an emergency severity before the reproduction is recorded',
    );
  }
  return [
    ev('incident.reproduction_overridden', {
      step: 'severity',
      severity,
      reason: override.reason,
      reproduction: state.reproduction?.result ?? null,
    }),
  ];
}

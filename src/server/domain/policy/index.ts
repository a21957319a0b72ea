// The policy subject's public surface.
import { createPolicyService, type PolicyServiceDeps } from './policy-service.ts';

export type PolicyPorts = PolicyServiceDeps;

/** The policy subject, built by the composition root (container.ts) from its ports. */
export function createPolicyModule(ports: PolicyPorts) {
  return createPolicyService(ports);
}

export type PolicyModule = ReturnType<typeof createPolicyModule>;

export {
  parsePolicy,
  formatProblem,
  formatProblemAt,
  policyHash,
  type PolicyProblem,
  type PolicyParseResult,
} from './policy-parse.ts';
export { parseDuration, formatDuration } from './duration.ts';
export {
  EXIT_CHECKS,
  LINE_RESUME_CONDITIONS,
  type Policy,
  type Severity,
  type Criterion,
  type IncidentRole,
  type Phase,
  type ExitCheck,
  type ExitCheckId,
  type Clocks,
  RESPONSE_EVENTS,
  ESCALATION_LEVELS,
  bypassesQuietHours,
} from './policy-schema.ts';
export { loadPolicyFile, PolicyError, type PolicyInForce } from './policy-loader.ts';
export {
  createPolicyService,
  type PolicyService,
  type PolicyServiceDeps,
  type PolicyVersion,
  type PolicyVersionSummary,
} from './policy-service.ts';
export { describePolicy, describeRegimes } from './policy-summary.ts';
export {
  type Breach,
  type HolidayCalendar,
  type Regime,
  type RegimeStage,
  type StageCondition,
} from './breach-schema.ts';
export {
  DEFAULT_EXTERNAL_SECTIONS,
  DEFAULT_POSTMORTEM_SECTIONS,
  type Learning,
  type PostmortemSection,
} from './learning-schema.ts';
export { type Communications, type Publishing } from './communications-schema.ts';
export { type Notices } from './notices-schema.ts';
export {
  ALERT_ACTIONS,
  type AlertAction,
  type AlertMatch,
  type AlertRule,
  type Alerts,
} from './alerts-schema.ts';
export {
  parsePolicyFragment,
  isPolicyFragment,
  type PolicyFragment,
  type FragmentParseResult,
} from './policy-parse.ts';

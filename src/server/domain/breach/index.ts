// The breach subject's public surface: personal-data breach records on incidents, their
// determinations and the regulator clocks the policy's regimes run (issue 15).
import { createBreachService, type BreachServiceDeps } from './breach-service.ts';

export type BreachPorts = BreachServiceDeps;

/** The breach subject, built by the composition root (container.ts) from its ports. */
export function createBreachModule(ports: BreachPorts) {
  return createBreachService(ports);
}

export type BreachModule = ReturnType<typeof createBreachModule>;

export { createBreachReader, type BreachReader } from './reader-service.ts';

export type {
  BreachClocks,
  BreachIncidents,
  BreachStageDeadline,
  BreachView,
} from './breach-service.ts';
export type { BreachState, Determination } from './breach-state.ts';
export type { BreachFacts } from './breach-events.ts';
export type { RegimeClock, StageClock } from './breach-clock-rules.ts';
export { riskLevel } from './breach-rules.ts';

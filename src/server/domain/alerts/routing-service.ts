// What a new alert does, as the policy in force says: recorded on the alert (alert.routed) with
// the policy version that decided, in the alert's transaction.
import type { Executor } from '../../db/schema.ts';
import type { PolicyInForce } from '../policy/index.ts';
import { alertEvent } from './alert-events.ts';
import { appendToAlert } from './alert-projection.ts';
import type { AlertState } from './alert-state.ts';
import type { AlertRouter } from './intake-service.ts';

export interface RoutingDeps {
  policy: () => PolicyInForce;
}

export function createRouter(deps: RoutingDeps): AlertRouter {
  return {
    async route(tx: Executor, alert: AlertState, _source, at: number): Promise<AlertState> {
      const { policy, hash } = deps.policy();
      const routed = alertEvent('alert.routed', {
        decision: 'triage',
        ruleId: null,
        policyHash: hash,
        policyRevision: policy.revision,
        groupKey: null,
        incidentId: null,
        incidentKey: null,
      });
      return appendToAlert(tx, alert.id, alert, [routed], at);
    },
  };
}

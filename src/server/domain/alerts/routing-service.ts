// What a new alert does, as the policy in force says (its alerts.rules, first match): open an
// incident, attach to the open incident with the same key within the rule's window, wait for
// triage, or be ignored; recorded on the alert (alert.routed) with the rule and the policy
// version that decided, in the alert's transaction. A resolve from monitoring is recorded on the
// incident's timeline as evidence; it never closes a security incident.
import type { Executor } from '../../db/schema.ts';
import type { AlertDecision } from '../../../shared/domain/alerts.ts';
import type { AlertEvidence, AlertOpening } from '../incidents/index.ts';
import type { PolicyInForce } from '../policy/index.ts';
import { alertEvent } from './alert-events.ts';
import { appendToAlert } from './alert-projection.ts';
import { findGroupIncident } from './alert-repository.ts';
import type { AlertState } from './alert-state.ts';
import type { AlertRouter } from './intake-service.ts';
import { firstRule, groupKeyOf } from './routing-rules.ts';
import type { AlertSourceRecord } from './source-repository.ts';

/** What the alerts subject needs of incidents, each in the alert's transaction. */
export interface AlertIncidents {
  openFromAlert(tx: Executor, opening: AlertOpening): Promise<{ id: string; key: string }>;
  /** null: the incident is closed or gone. */
  attachAlert(
    tx: Executor,
    incidentId: string,
    alert: AlertEvidence,
    ruleId: string | null,
    at: number,
  ): Promise<{ id: string; key: string } | null>;
  recordAlertResolved(
    tx: Executor,
    incidentId: string,
    alert: AlertEvidence,
    resolvedAt: number,
    at: number,
  ): Promise<void>;
}

export interface RoutingDeps {
  policy: () => PolicyInForce;
  incidents: AlertIncidents;
}

function evidenceOf(alert: AlertState, source: string): AlertEvidence {
  return {
    alertId: alert.id,
    source,
    dedupKey: alert.dedupKey,
    summary: alert.summary,
    alertSeverity: alert.severity,
    detectedAt: alert.detectedAt,
  };
}

export function createRouter(deps: RoutingDeps): AlertRouter {
  const { incidents } = deps;
  return {
    async route(tx, alert, source: AlertSourceRecord, at) {
      const { policy, hash } = deps.policy();
      const rule = firstRule(policy.alerts, { ...alert, sourceName: source.name });
      let decision: AlertDecision = 'triage';
      let groupKey: string | null = null;
      let incident: { id: string; key: string } | null = null;
      const evidence = evidenceOf(alert, source.name);
      if (rule?.action === 'ignore') decision = 'ignored';
      if (rule && (rule.action === 'open' || rule.action === 'attach')) {
        groupKey = groupKeyOf(rule, { ...alert, sourceName: source.name });
        if (rule.attachWithin !== undefined) {
          const found = await findGroupIncident(tx, groupKey, at - rule.attachWithin);
          incident =
            found && (await incidents.attachAlert(tx, found.incidentId, evidence, rule.id, at));
          if (incident) decision = 'attached';
        }
        if (!incident && rule.action === 'open') {
          incident = await incidents.openFromAlert(tx, {
            alert: evidence,
            ruleId: rule.id,
            policyRevision: policy.revision,
            severity: rule.severity ?? null,
          });
          decision = 'opened';
        }
      }
      const routed = alertEvent('alert.routed', {
        decision,
        ruleId: rule?.id ?? null,
        policyHash: hash,
        policyRevision: policy.revision,
        groupKey,
        incidentId: incident?.id ?? null,
        incidentKey: incident?.key ?? null,
      });
      return appendToAlert(tx, alert.id, alert, [routed], at);
    },

    async resolved(tx, alert, source, at) {
      const incidentId = alert.routing?.incidentId;
      if (!incidentId) return;
      const evidence = evidenceOf(alert, source.name);
      await incidents.recordAlertResolved(tx, incidentId, evidence, alert.resolvedAt ?? at, at);
    },
  };
}

// The alerts subject's public surface: monitoring tools send alerts (PagerDuty Events API v2,
// Prometheus Alertmanager, Grafana, generic JSON) to sources admins manage; each alert is a record
// with deduplication as its sender expects, and the policy's alert rules decide what it does.
import type { Clock } from '../../clock.ts';
import type { Db, Dialect } from '../../db/schema.ts';
import type { PolicyInForce } from '../policy/index.ts';
import { createAlertService, type AlertIncidentSight } from './alert-service.ts';
import { createIntakeService } from './intake-service.ts';
import { createRouter, type AlertIncidents } from './routing-service.ts';
import { createSourceService, type SecretSealer } from './source-service.ts';
import { createTriageService, type AlertTriageIncidents } from './triage-service.ts';
import { createTuningService, type AlertFollowUps } from './tuning-service.ts';

export interface AlertsModulePorts {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  /** Seals signing secrets with the server key. */
  sealer: SecretSealer;
  /** The policy in force: its alert rules route new alerts. */
  policy: () => PolicyInForce;
  /**
   * Incidents an alert opens or joins (by a policy rule or a person triaging), the resolves they
   * record, and which incidents a reader may not see (incidents subject).
   */
  incidents: AlertIncidents & AlertIncidentSight & AlertTriageIncidents;
  /** Taking a tuning proposal makes a stand-alone follow-up (learning subject). */
  followUps: AlertFollowUps;
}

export function createAlertsModule(ports: AlertsModulePorts) {
  const router = createRouter(ports);
  return {
    ...createSourceService(ports),
    ...createIntakeService({ ...ports, router }),
    ...createAlertService(ports),
    ...createTriageService(ports),
    ...createTuningService(ports),
  };
}

export type AlertsModule = ReturnType<typeof createAlertsModule>;

export type { AlertView, AlertIncidentSight, SimilarGroupView } from './alert-service.ts';
export type { AlertTriageIncidents } from './triage-service.ts';
export type { AlertFollowUps, TuningProposal, TuningTaking } from './tuning-service.ts';
export { TUNING_PROPOSALS_LISTED } from './tuning-service.ts';
export type { AlertIncidents } from './routing-service.ts';
export type { AlertState, AlertRouting } from './alert-state.ts';
export type { AlertFilter } from './alert-repository.ts';
export type { AlertSourceView, SourceChanges, SourceInput } from './source-service.ts';
export type { IntakeRequest, IntakeResult, SignalResult } from './intake-service.ts';
export type { PayloadRecord } from './payload-store.ts';
export type { AlertLink, GenericMapping } from './intake-rules.ts';

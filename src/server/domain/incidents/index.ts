// The incidents subject's public surface.
import { createIncidentsService, type IncidentsServiceDeps } from './incident-service.ts';

export type IncidentsPorts = IncidentsServiceDeps;

/** The incidents subject, built by the composition root (container.ts) from its ports. */
export function createIncidentsModule(ports: IncidentsPorts) {
  return createIncidentsService(ports);
}

export type IncidentsModule = ReturnType<typeof createIncidentsModule>;

export {
  createIncidentsService,
  type IncidentClockHook,
  type IncidentHandOffs,
  type IncidentNotices,
  type IncidentPostmortems,
  type IncidentReports,
  type IncidentSightOf,
  type IncidentsService,
  type IncidentsServiceDeps,
  type OpenInput,
  type TriageOpening,
} from './incident-service.ts';
export type {
  ContainmentCalls,
  HookAuth,
  HookForCall,
  HookMethod,
  HookView,
} from './containment-hook-service.ts';
export type { HookAnswer } from './incident-service.ts';
export { createIncidentsReader, type IncidentsReader, type LineView } from './reader-service.ts';
export { isAdmin, isVisibleTo, seatsOf, type StaffMember } from './access-rules.ts';
export type { AlertOpening, ReportSource } from './incident-rules.ts';
export { gateVerdict, type GateVerdict, type LineIncident } from './line-rules.ts';
export type { IncidentState, Task, ContainmentAction, PanelVote } from './incident-state.ts';
export {
  INCIDENT_EVENT_TYPES,
  incidentEvent,
  type AlertEvidence,
  type IncidentEvent,
  type IncidentEventType,
} from './incident-events.ts';
export type { IncidentAudience } from './incident-repository.ts';
export type { IncidentFlag } from './role-rules.ts';
export type { IncidentView, VoteView, AssessmentView } from './assessment-rules.ts';
export type { FailedCheck } from './phase-rules.ts';
export type { ChecklistProcedure, ChecklistStep } from './continuity-rules.ts';

// The status subject's public surface: the public status page and the communications published
// on it (components, public incidents and their updates).
import {
  createStatusService,
  type StatusModule,
  type StatusModulePorts,
} from './status-service.ts';

/** Builds the status subject from the narrow ports it declares (StatusModulePorts). */
export function createStatusModule(ports: StatusModulePorts): StatusModule {
  return createStatusService(ports);
}

export type {
  IncidentChanges,
  PublicIncident,
  PublicPage,
  ShownComponent,
  StaffIncidentView,
  StatusClocks,
  StatusIncidentLinks,
  StatusModule,
  StatusModulePorts,
} from './status-service.ts';
export type { StatusComponent, StatusUpdate, PublicIncidentState } from './status-state.ts';
export type { AffectedComponent } from './status-events.ts';
export type { NewComponent, NewPublicIncident, UpdateInput } from './status-rules.ts';

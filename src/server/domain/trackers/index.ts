// The trackers subject's public surface: admins connect development trackers (GitHub Issues,
// GitLab Issues, Jira Cloud, a signed webhook); an incident decided non-critical is handed to
// them through the outbox, and their state comes back onto the incident (Kundo step 9).
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/schema.ts';
import type { TrackerHttp } from '../../integrations/tracker-http.ts';
import { createConnectionService, type TrackerSealer } from './connection-service.ts';
import {
  createHandOffService,
  type TrackerFollowUps,
  type TrackerIncidents,
} from './hand-off-service.ts';

export interface TrackersModulePorts {
  db: Db;
  clock: Clock;
  /** Seals credentials with the server key. */
  sealer: TrackerSealer;
  baseUrl: string;
  http: TrackerHttp;
  /** The incident side: the link and the state on its record (incidents subject). */
  incidents: TrackerIncidents;
  /** The follow-up side: a follow-up's issue and state (learning subject). */
  followUps: TrackerFollowUps;
  pollMs?: number;
}

export function createTrackersModule(ports: TrackersModulePorts) {
  return { ...createConnectionService(ports), ...createHandOffService(ports) };
}

export type TrackersModule = ReturnType<typeof createTrackersModule>;

export { createHandOffs, DEFAULT_POLL_MS } from './hand-off-service.ts';
export type {
  IncidentTrackerIssue,
  TrackerFollowUps,
  TrackerIncidents,
  TrackerIssueRef,
} from './hand-off-service.ts';
export type {
  ConnectionChanges,
  ConnectionInput,
  TrackerConnectionView,
  TrackerSealer,
} from './connection-service.ts';
export type { FollowUpHandOff, HandOffCase, StandaloneFollowUpHandOff } from './tracker-rules.ts';
export type { TrackerIssueRecord } from './tracker-repository.ts';

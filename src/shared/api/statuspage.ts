// The public, read-only status JSON under /api/v2, with the field names and values of Atlassian
// Statuspage's public API (snake_case, as its clients expect), so existing clients, widgets and
// monitors read Stopline's page unchanged.
import { z } from 'zod';
import {
  COMPONENT_STATUSES,
  INCIDENT_IMPACTS,
  MAINTENANCE_STATUSES,
  PUBLIC_INCIDENT_STATUSES,
  STATUS_INDICATORS,
} from '../domain/status.ts';

const Time = z.string().meta({ example: '2026-11-25T10:00:00.000Z' });

export const SpPage = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  time_zone: z.string(),
  updated_at: Time,
});

export const SpStatus = z.object({
  indicator: z.enum(STATUS_INDICATORS),
  description: z.string(),
});

export const SpComponent = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(COMPONENT_STATUSES),
  created_at: Time,
  updated_at: Time,
  position: z.number().int(),
  description: z.string().nullable(),
  showcase: z.boolean(),
  start_date: z.string().nullable(),
  group_id: z.string().nullable(),
  page_id: z.string(),
  group: z.boolean(),
  only_show_if_degraded: z.boolean(),
  /** A group's components, by id. */
  components: z.array(z.string()).optional(),
});

export const SpAffectedComponent = z.object({
  code: z.string(),
  name: z.string(),
  old_status: z.enum(COMPONENT_STATUSES),
  new_status: z.enum(COMPONENT_STATUSES),
});

export const SpIncidentUpdate = z.object({
  id: z.string(),
  status: z.enum(PUBLIC_INCIDENT_STATUSES),
  body: z.string(),
  incident_id: z.string(),
  created_at: Time,
  updated_at: Time,
  display_at: Time,
  affected_components: z.array(SpAffectedComponent).nullable(),
});

export const SpIncident = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(PUBLIC_INCIDENT_STATUSES),
  impact: z.enum(INCIDENT_IMPACTS),
  created_at: Time,
  updated_at: Time,
  monitoring_at: Time.nullable(),
  resolved_at: Time.nullable(),
  started_at: Time,
  shortlink: z.string(),
  page_id: z.string(),
  /** Newest first. */
  incident_updates: z.array(SpIncidentUpdate),
  components: z.array(SpComponent),
});

/** A scheduled maintenance: an incident's fields, its window, and the maintenance statuses. */
export const SpScheduledMaintenance = SpIncident.extend({
  status: z.enum(MAINTENANCE_STATUSES),
  impact: z.literal('maintenance'),
  incident_updates: z.array(SpIncidentUpdate.extend({ status: z.enum(MAINTENANCE_STATUSES) })),
  scheduled_for: Time,
  scheduled_until: Time,
});

export const SpSummary = z.object({
  page: SpPage,
  status: SpStatus,
  components: z.array(SpComponent),
  /** Unresolved only. */
  incidents: z.array(SpIncident),
  /** Upcoming and in progress (or verifying), soonest first. */
  scheduled_maintenances: z.array(SpScheduledMaintenance),
});
export const SpScheduledMaintenances = z.object({
  page: SpPage,
  scheduled_maintenances: z.array(SpScheduledMaintenance),
});
export const SpStatusAnswer = z.object({ page: SpPage, status: SpStatus });
export const SpComponents = z.object({ page: SpPage, components: z.array(SpComponent) });
export const SpIncidents = z.object({ page: SpPage, incidents: z.array(SpIncident) });

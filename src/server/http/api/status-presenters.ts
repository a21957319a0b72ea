// Status page answers for staff (/api/v1/status): camelCase, times as RFC 3339.
import type { z } from 'zod';
import type {
  Maintenance as MaintenanceSchema,
  PublicIncident,
  StatusComponent as StatusComponentSchema,
  StatusDraft as StatusDraftSchema,
} from '../../../shared/api/status.ts';
import type {
  MaintenanceState,
  ShownComponent,
  StaffIncidentView,
  StatusComponent,
  StatusDraftState,
} from '../../domain/status/index.ts';
import { presentTime } from './time-presenter.ts';

export const publicIncidentPath = (id: string) => `/status/incidents/${encodeURIComponent(id)}`;
export const publicMaintenancePath = (id: string) =>
  `/status/maintenance/${encodeURIComponent(id)}`;

export function presentStatusComponent(
  c: StatusComponent | ShownComponent,
): z.input<typeof StatusComponentSchema> {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    groupId: c.groupId,
    isGroup: c.isGroup,
    position: c.position,
    onlyShowIfDegraded: c.onlyShowIfDegraded,
    status: c.status,
    shownStatus: 'shownStatus' in c ? c.shownStatus : c.status,
    createdAt: presentTime(c.createdAt),
    updatedAt: presentTime(c.updatedAt),
  };
}

export function presentStaffIncident(
  view: StaffIncidentView,
  baseUrl: string,
): z.input<typeof PublicIncident> {
  const i = view.incident;
  return {
    id: i.id,
    name: i.name,
    impact: i.impact,
    status: i.status,
    startedAt: presentTime(i.startedAt),
    monitoringAt: presentTime(i.monitoringAt),
    resolvedAt: presentTime(i.resolvedAt),
    createdAt: presentTime(i.createdAt),
    updatedAt: presentTime(i.updatedAt),
    version: i.version,
    components: i.components,
    updates: i.updates.map((u) => ({
      id: u.id,
      status: u.status,
      body: u.body,
      displayAt: presentTime(u.displayAt),
      createdAt: presentTime(u.createdAt),
      createdBy: u.createdBy,
      affectedComponents: u.affectedComponents,
    })),
    internalIncident: view.internalIncident,
    url: new URL(publicIncidentPath(i.id), baseUrl).href,
  };
}

export function presentStatusDraft(d: StatusDraftState): z.input<typeof StatusDraftSchema> {
  const { opens, changes, update } = d.content;
  return {
    id: d.id,
    stage: d.stage,
    publicIncidentId: d.publicIncidentId,
    incidentVersion: d.incidentVersion,
    opens: opens && { ...opens, startedAt: presentTime(opens.startedAt) },
    changes,
    update: { ...update, displayAt: presentTime(update.displayAt) },
    contentHash: d.contentHash,
    draftedBy: d.draftedBy,
    draftedAt: presentTime(d.draftedAt),
    decidedBy: d.decidedBy,
    decidedAt: presentTime(d.decidedAt),
    reason: d.reason,
    publishedIncidentId: d.publishedIncidentId,
    publishedUpdateId: d.publishedUpdateId,
    version: d.version,
  };
}

export function presentMaintenance(
  m: MaintenanceState,
  baseUrl: string,
): z.input<typeof MaintenanceSchema> {
  return {
    id: m.id,
    name: m.name,
    status: m.status,
    scheduledFor: presentTime(m.scheduledFor),
    scheduledUntil: presentTime(m.scheduledUntil),
    componentIds: m.componentIds,
    noticeBeforeMinutes: m.noticeBeforeMs === null ? null : Math.round(m.noticeBeforeMs / 60_000),
    remindedAt: presentTime(m.remindedAt),
    startedAt: presentTime(m.startedAt),
    completedAt: presentTime(m.completedAt),
    cancelledAt: presentTime(m.cancelledAt),
    createdAt: presentTime(m.createdAt),
    updatedAt: presentTime(m.updatedAt),
    version: m.version,
    updates: m.updates.map((u) => ({
      id: u.id,
      status: u.status,
      body: u.body,
      displayAt: presentTime(u.displayAt),
      createdAt: presentTime(u.createdAt),
      createdBy: u.createdBy,
      automatic: u.automatic,
    })),
    url: new URL(publicMaintenancePath(m.id), baseUrl).href,
  };
}

// The status page in Atlassian Statuspage's public shapes (/api/v2). Built only from what the
// public may read (PublicPage, PublicIncident): nothing of an internal incident can reach it.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type {
  SpComponent,
  SpIncident,
  SpPage,
  SpScheduledMaintenance,
} from '../../../shared/api/statuspage.ts';
import type {
  PublicIncident,
  PublicMaintenance,
  ShownComponent,
} from '../../domain/status/index.ts';
import { publicIncidentPath, publicMaintenancePath } from './status-presenters.ts';

export interface PageIdentity {
  id: string;
  name: string;
  url: string;
}

/** A stable page id from the page's address (Statuspage ids are 12 characters). */
export function pageIdentity(baseUrl: string, name: string): PageIdentity {
  const id = createHash('sha256').update(baseUrl).digest('hex').slice(0, 12);
  return { id, name, url: new URL('/status', baseUrl).href };
}

const iso = (ms: number) => new Date(ms).toISOString();

export function presentSpPage(page: PageIdentity, updatedAt: number): z.input<typeof SpPage> {
  return { ...page, time_zone: 'Etc/UTC', updated_at: iso(updatedAt) };
}

/** Groups first among their siblings' order, each followed by its components. */
export function inPageOrder(components: readonly ShownComponent[]): ShownComponent[] {
  const top = components.filter((c) => c.groupId === null);
  return top.flatMap((c) =>
    c.isGroup ? [c, ...components.filter((m) => m.groupId === c.id)] : [c],
  );
}

export function presentSpComponent(
  c: ShownComponent,
  all: readonly ShownComponent[],
  pageId: string,
): z.input<typeof SpComponent> {
  return {
    id: c.id,
    name: c.name,
    status: c.shownStatus,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    position: c.position,
    description: c.description,
    showcase: false,
    start_date: null,
    group_id: c.groupId,
    page_id: pageId,
    group: c.isGroup,
    only_show_if_degraded: c.onlyShowIfDegraded,
    ...(c.isGroup ? { components: all.filter((m) => m.groupId === c.id).map((m) => m.id) } : {}),
  };
}

export function presentSpIncident(
  incident: PublicIncident,
  components: readonly ShownComponent[],
  page: PageIdentity,
  baseUrl: string,
): z.input<typeof SpIncident> {
  const affected = new Set(incident.components.map((c) => c.componentId));
  return {
    id: incident.id,
    name: incident.name,
    status: incident.status,
    impact: incident.impact,
    created_at: iso(incident.createdAt),
    updated_at: iso(incident.updatedAt),
    monitoring_at: incident.monitoringAt === null ? null : iso(incident.monitoringAt),
    resolved_at: incident.resolvedAt === null ? null : iso(incident.resolvedAt),
    started_at: iso(incident.startedAt),
    shortlink: new URL(publicIncidentPath(incident.id), baseUrl).href,
    page_id: page.id,
    incident_updates: [...incident.updates].reverse().map((u) => ({
      id: u.id,
      status: u.status,
      body: u.body,
      incident_id: incident.id,
      created_at: iso(u.createdAt),
      updated_at: iso(u.createdAt),
      display_at: iso(u.displayAt),
      affected_components: u.affectedComponents.length
        ? u.affectedComponents.map((a) => ({
            code: a.componentId,
            name: a.name,
            old_status: a.oldStatus,
            new_status: a.newStatus,
          }))
        : null,
    })),
    components: components
      .filter((c) => affected.has(c.id))
      .map((c) => presentSpComponent(c, components, page.id)),
  };
}

/** A scheduled maintenance as Statuspage writes one: impact `maintenance`, its window. */
export function presentSpMaintenance(
  m: PublicMaintenance,
  components: readonly ShownComponent[],
  page: PageIdentity,
  baseUrl: string,
): z.input<typeof SpScheduledMaintenance> {
  const affected = new Set(m.componentIds);
  return {
    id: m.id,
    name: m.name,
    status: m.status,
    impact: 'maintenance',
    created_at: iso(m.createdAt),
    updated_at: iso(m.updatedAt),
    monitoring_at: null,
    resolved_at: m.completedAt === null ? null : iso(m.completedAt),
    started_at: iso(m.startedAt ?? m.scheduledFor),
    shortlink: new URL(publicMaintenancePath(m.id), baseUrl).href,
    page_id: page.id,
    scheduled_for: iso(m.scheduledFor),
    scheduled_until: iso(m.scheduledUntil),
    incident_updates: [...m.updates].reverse().map((u) => ({
      id: u.id,
      status: u.status,
      body: u.body,
      incident_id: m.id,
      created_at: iso(u.createdAt),
      updated_at: iso(u.createdAt),
      display_at: iso(u.displayAt),
      affected_components: null,
    })),
    components: components
      .filter((c) => affected.has(c.id))
      .map((c) => presentSpComponent(c, components, page.id)),
  };
}

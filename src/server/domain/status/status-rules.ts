// What the status page decides, as pure functions: state in, events (or a refusal) out. The
// component catalogue, how a public incident may move (investigating → identified → monitoring →
// resolved, then a post-incident report; a resolved incident is reopened on purpose), and what the
// page shows for each component and overall.
import { AppError, type FieldError } from '../../errors.ts';
import {
  COMPONENT_STATUSES,
  INCIDENT_IMPACTS,
  isActiveStatus,
  type ComponentStatus,
  type IncidentImpact,
  type PublicIncidentStatus,
  type StatusIndicator,
} from '../../../shared/domain/status.ts';
import { statusEvent, type ComponentFields, type StatusEvent } from './status-events.ts';
import type { ComponentCatalogue, PublicIncidentState, StatusComponent } from './status-state.ts';

/** The status one unresolved incident sets on one component. */
export interface IncidentComponentStatus {
  incidentId: string;
  componentId: string;
  status: ComponentStatus;
}

const rank = (status: ComponentStatus) => COMPONENT_STATUSES.indexOf(status);

export function worstStatus(statuses: Iterable<ComponentStatus>): ComponentStatus {
  let worst: ComponentStatus = 'operational';
  for (const s of statuses) if (rank(s) > rank(worst)) worst = s;
  return worst;
}

/**
 * What the page shows for each component: its own status, made worse by any unresolved incident
 * that affects it; a group shows the worst of its components.
 */
export function pageStatuses(
  components: readonly StatusComponent[],
  unresolved: readonly IncidentComponentStatus[],
): Map<string, ComponentStatus> {
  const shown = new Map<string, ComponentStatus>();
  for (const c of components) {
    if (c.isGroup) continue;
    const fromIncidents = unresolved.filter((u) => u.componentId === c.id).map((u) => u.status);
    shown.set(c.id, worstStatus([c.status, ...fromIncidents]));
  }
  for (const g of components) {
    if (!g.isGroup) continue;
    const members = components.filter((c) => c.groupId === g.id).map((c) => shown.get(c.id)!);
    shown.set(g.id, worstStatus(members));
  }
  return shown;
}

const INDICATOR_OF: Record<ComponentStatus, StatusIndicator> = {
  operational: 'none',
  under_maintenance: 'none',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
};
const INDICATOR_WORDS: Record<StatusIndicator, string> = {
  none: 'All Systems Operational',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major Service Outage',
};

/** The page's overall status: the worst of the components shown and of the unresolved impacts. */
export function overallStatus(
  shown: ReadonlyMap<string, ComponentStatus>,
  unresolvedImpacts: readonly IncidentImpact[],
): { indicator: StatusIndicator; description: string } {
  const statuses = [...shown.values()];
  const candidates: StatusIndicator[] = [INDICATOR_OF[worstStatus(statuses)], ...unresolvedImpacts];
  const indicator = candidates.reduce((a, b) =>
    INCIDENT_IMPACTS.indexOf(b) > INCIDENT_IMPACTS.indexOf(a) ? b : a,
  );
  if (indicator === 'none' && statuses.includes('under_maintenance')) {
    return { indicator, description: 'Service Under Maintenance' };
  }
  return { indicator, description: INDICATOR_WORDS[indicator] };
}

const refused = (message: string, details: Record<string, unknown> = {}) =>
  new AppError('RULE_REFUSED', message, details);
const invalid = (field: string, message: string) =>
  new AppError('VALIDATION', message, { errors: [{ field, message }] });

function componentOf(catalogue: ComponentCatalogue, id: string): StatusComponent {
  const found = catalogue.components.find((c) => c.id === id);
  if (!found) throw new AppError('NOT_FOUND', 'Component was not found');
  return found;
}

function checkGroup(
  catalogue: ComponentCatalogue,
  groupId: string | null,
  isGroup: boolean,
  self: string | null,
) {
  if (groupId === null) return;
  if (isGroup) throw invalid('groupId', 'A group cannot be inside another group');
  const group = catalogue.components.find((c) => c.id === groupId);
  if (!group || group.id === self) throw invalid('groupId', 'There is no group with this id');
  if (!group.isGroup) throw invalid('groupId', `${group.name} is a component, not a group`);
}

export interface NewComponent {
  name: string;
  description: string | null;
  groupId: string | null;
  isGroup: boolean;
  /** Last among its siblings when not given. */
  position?: number | undefined;
  onlyShowIfDegraded: boolean;
}

export function addComponent(
  catalogue: ComponentCatalogue,
  input: NewComponent,
  componentId: string,
): StatusEvent[] {
  checkGroup(catalogue, input.groupId, input.isGroup, null);
  const siblings = catalogue.components.filter((c) => c.groupId === input.groupId);
  const position = input.position ?? Math.max(0, ...siblings.map((c) => c.position)) + 1;
  return [
    statusEvent('status.component_added', {
      componentId,
      name: input.name,
      description: input.description,
      groupId: input.groupId,
      isGroup: input.isGroup,
      position,
      onlyShowIfDegraded: input.onlyShowIfDegraded,
    }),
  ];
}

export function changeComponent(
  catalogue: ComponentCatalogue,
  componentId: string,
  changes: Partial<ComponentFields>,
): StatusEvent[] {
  const component = componentOf(catalogue, componentId);
  if (changes.groupId !== undefined) {
    checkGroup(catalogue, changes.groupId, component.isGroup, component.id);
  }
  const changed = Object.fromEntries(
    Object.entries(changes).filter(
      ([key, value]) => value !== undefined && component[key as keyof ComponentFields] !== value,
    ),
  ) as Partial<ComponentFields>;
  if (Object.keys(changed).length === 0) return [];
  return [statusEvent('status.component_changed', { componentId, changes: changed })];
}

export function setComponentStatus(
  catalogue: ComponentCatalogue,
  componentId: string,
  status: ComponentStatus,
): StatusEvent[] {
  const component = componentOf(catalogue, componentId);
  if (component.isGroup) {
    throw refused(`${component.name} is a group: it shows the worst status of its components`);
  }
  if (component.status === status) return [];
  return [
    statusEvent('status.component_status_set', {
      componentId,
      status,
      previous: component.status,
    }),
  ];
}

export function removeComponent(catalogue: ComponentCatalogue, componentId: string) {
  const component = componentOf(catalogue, componentId);
  const members = catalogue.components.filter((c) => c.groupId === componentId);
  if (members.length > 0) {
    throw refused(
      `${component.name} still holds ${members.length} component(s): move or remove them first`,
      { components: members.map((c) => c.id) },
    );
  }
  return [statusEvent('status.component_removed', { componentId })];
}

export interface UpdateInput {
  status: PublicIncidentStatus;
  /** Markdown, published exactly as written. */
  body: string;
  /** A backdated time to show instead of the time of publishing. */
  displayAt: number | null;
  /** The status this incident sets on each component it affects. */
  components: { componentId: string; status: ComponentStatus }[];
  /** Posting an active status on a resolved incident reopens it, on purpose only. */
  reopen: boolean;
}

export interface NewPublicIncident extends Omit<UpdateInput, 'reopen'> {
  name: string;
  impact: IncidentImpact;
  /** When it began, if before it was published. */
  startedAt: number | null;
}

function checkComponents(catalogue: ComponentCatalogue, input: UpdateInput['components']) {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  input.forEach(({ componentId }, i) => {
    const field = `components.${i}.componentId`;
    const component = catalogue.components.find((c) => c.id === componentId);
    if (!component) errors.push({ field, message: 'There is no component with this id' });
    else if (component.isGroup) {
      errors.push({ field, message: `${component.name} is a group: name its components` });
    } else if (seen.has(componentId)) {
      errors.push({ field, message: 'This component is named twice' });
    }
    seen.add(componentId);
  });
  if (errors.length > 0) {
    throw new AppError('VALIDATION', errors.map((e) => e.message).join('; '), { errors });
  }
}

function checkPast(field: string, at: number | null, now: number) {
  if (at !== null && at > now) throw invalid(field, 'must not be in the future');
}

/** The update's event: each component it names (or that this incident affected, when it ends),
 * with what the page showed before and shows after. */
function updateEvent(
  before: PublicIncidentState | null,
  catalogue: ComponentCatalogue,
  others: readonly IncidentComponentStatus[],
  input: UpdateInput,
  updateId: string,
): StatusEvent {
  const own = new Map(before?.components.map((c) => [c.componentId, c.status]) ?? []);
  const activeBefore = before !== null && isActiveStatus(before.status);
  const activeAfter = isActiveStatus(input.status);
  const after = new Map(own);
  for (const c of input.components) after.set(c.componentId, c.status);
  // Ending an incident speaks of every component it affected; otherwise of those it names.
  const named = new Set(input.components.map((c) => c.componentId));
  if (activeBefore !== activeAfter) for (const id of own.keys()) named.add(id);
  const components = catalogue.components
    .filter((c) => named.has(c.id))
    .map((c) => {
      const base = others.filter((o) => o.componentId === c.id).map((o) => o.status);
      base.push(c.status);
      const oldStatus = worstStatus(
        activeBefore && own.has(c.id) ? [...base, own.get(c.id)!] : base,
      );
      const newStatus = worstStatus(activeAfter ? [...base, after.get(c.id)!] : base);
      return {
        componentId: c.id,
        name: c.name,
        oldStatus,
        newStatus,
        incidentStatus: after.get(c.id)!,
      };
    });
  return statusEvent('status.update_published', {
    updateId,
    status: input.status,
    body: input.body,
    displayAt: input.displayAt,
    components,
    reopened: before !== null && !activeBefore && activeAfter,
  });
}

export function openPublicIncident(
  catalogue: ComponentCatalogue,
  others: readonly IncidentComponentStatus[],
  input: NewPublicIncident,
  updateId: string,
  now: number,
): StatusEvent[] {
  if (input.status === 'postmortem') {
    throw invalid('status', 'A new incident cannot start with its post-incident report');
  }
  checkComponents(catalogue, input.components);
  checkPast('startedAt', input.startedAt, now);
  checkPast('displayAt', input.displayAt, now);
  const startedAt = input.startedAt ?? input.displayAt ?? now;
  const opened = statusEvent('status.incident_opened', {
    name: input.name,
    impact: input.impact,
    startedAt,
  });
  return [opened, updateEvent(null, catalogue, others, { ...input, reopen: false }, updateId)];
}

export function publishUpdate(
  state: PublicIncidentState,
  catalogue: ComponentCatalogue,
  others: readonly IncidentComponentStatus[],
  input: UpdateInput,
  updateId: string,
  now: number,
): StatusEvent[] {
  checkComponents(catalogue, input.components);
  checkPast('displayAt', input.displayAt, now);
  const wasActive = isActiveStatus(state.status);
  if (input.status === 'postmortem' && wasActive) {
    throw refused('Resolve the incident before publishing its post-incident report');
  }
  if (!wasActive && input.status !== 'postmortem') {
    if (!input.reopen) {
      throw refused(
        `This incident is ${state.status}: to post "${input.status}", reopen it (reopen: true)`,
        { incidentStatus: state.status },
      );
    }
    if (input.status === 'resolved') {
      throw invalid(
        'status',
        'Reopening takes an active status: investigating, identified or monitoring',
      );
    }
  } else if (input.reopen) {
    throw invalid('reopen', 'Only a resolved incident can be reopened');
  }
  return [updateEvent(state, catalogue, others, input, updateId)];
}

export function changePublicIncident(
  state: PublicIncidentState,
  changes: { name?: string | undefined; impact?: IncidentImpact | undefined },
): StatusEvent[] {
  const changed: { name?: string; impact?: IncidentImpact } = {};
  if (changes.name !== undefined && changes.name !== state.name) changed.name = changes.name;
  if (changes.impact !== undefined && changes.impact !== state.impact) {
    changed.impact = changes.impact;
  }
  if (Object.keys(changed).length === 0) return [];
  return [statusEvent('status.incident_changed', { changes: changed })];
}

/** Links to an internal incident (null: unlinks); the caller checked the linker may see it. */
export function linkInternalIncident(
  state: PublicIncidentState,
  target: { id: string; key: string } | null,
): StatusEvent[] {
  if (target === null) {
    return state.internalIncidentId === null
      ? []
      : [statusEvent('status.incident_unlinked', { incidentId: state.internalIncidentId })];
  }
  if (state.internalIncidentId === target.id) return [];
  return [
    statusEvent('status.incident_linked', { incidentId: target.id, incidentKey: target.key }),
  ];
}

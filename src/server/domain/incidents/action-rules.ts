// Actions on an incident: typed tasks with assignee, due time and status, and containment
// actions that must end reverted, or kept with a justification.
import type { ContainmentKind, TaskStatus } from '../../../shared/domain/incidents.ts';
import { AppError } from '../../errors.ts';
import type { Policy } from '../policy/index.ts';
import { incidentEvent as ev, type IncidentEvent, type TaskFields } from './incident-events.ts';
import {
  assertOpen,
  policyEntry,
  refuse,
  type IncidentState,
  type RuleContext,
} from './incident-state.ts';

export function addTask(
  state: IncidentState,
  policy: Policy,
  task: TaskFields,
  ctx: RuleContext,
): { events: IncidentEvent[]; taskId: string } {
  assertOpen(state, policy);
  const taskId = ctx.newId();
  return { events: [ev('incident.task_added', { taskId, ...task })], taskId };
}

export function updateTask(
  state: IncidentState,
  policy: Policy,
  taskId: string,
  changes: Partial<Omit<TaskFields, 'type'> & { status: TaskStatus }>,
): IncidentEvent[] {
  assertOpen(state, policy);
  const task = state.tasks.find((t) => t.id === taskId);
  if (!task) throw new AppError('NOT_FOUND', 'Task was not found');
  const changed = Object.fromEntries(
    Object.entries(changes).filter(
      ([field, value]) => value !== undefined && value !== task[field as keyof typeof task],
    ),
  );
  return Object.keys(changed).length === 0
    ? []
    : [ev('incident.task_updated', { taskId, changes: changed })];
}

/** A containment hook as the rules see it: whether it exists (null: no such hook) and is on. */
export type HookChoice = { id: string; enabled: boolean } | null | undefined;

export function recordContainment(
  state: IncidentState,
  policy: Policy,
  input: { kind: ContainmentKind; description: string; hook?: HookChoice },
  ctx: RuleContext,
): { events: IncidentEvent[]; actionId: string } {
  assertOpen(state, policy);
  policyEntry(policy.containment.kinds, input.kind, 'kind', 'containment kinds');
  const { hook, ...fields } = input;
  if (hook === null || hook?.enabled === false) {
    const message = hook === null ? 'is not a containment hook' : 'is switched off';
    throw new AppError('VALIDATION', `The containment hook ${message}`, {
      errors: [{ field: 'hookId', message }],
    });
  }
  const actionId = ctx.newId();
  const data = hook ? { actionId, ...fields, hookId: hook.id } : { actionId, ...fields };
  return { events: [ev('incident.containment_recorded', data)], actionId };
}

function activeContainment(state: IncidentState, actionId: string) {
  const action = state.containment.find((c) => c.id === actionId);
  if (!action) throw new AppError('NOT_FOUND', 'Containment action was not found');
  if (action.status !== 'active')
    throw refuse(`That containment action is already ${action.status}`);
  return action;
}

export function revertContainment(
  state: IncidentState,
  policy: Policy,
  actionId: string,
  note: string,
): IncidentEvent[] {
  assertOpen(state, policy);
  activeContainment(state, actionId);
  return [ev('incident.containment_reverted', { actionId, note })];
}

export function keepContainment(
  state: IncidentState,
  policy: Policy,
  actionId: string,
  justification: string,
): IncidentEvent[] {
  assertOpen(state, policy);
  activeContainment(state, actionId);
  return [ev('incident.containment_kept', { actionId, justification })];
}

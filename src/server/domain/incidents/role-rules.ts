// Incident roles: assigning and handing them over, which the severity requires, and who must
// stay out of troubleshooting.
import { TROUBLESHOOTING_TASK_TYPES } from '../../../shared/domain/incidents.ts';
import type { IncidentRole, Policy } from '../policy/index.ts';
import { AppError } from '../../errors.ts';
import { incidentEvent as ev, type IncidentEvent } from './incident-events.ts';
import { assertOpen, refuse, type IncidentState } from './incident-state.ts';

export interface IncidentFlag {
  kind: 'missing_role' | 'troubleshooting_conflict';
  message: string;
  role: string;
  userId?: string;
  taskId?: string;
}

/** Roles the policy requires for the incident's severity that nobody holds. */
export function missingRoles(state: IncidentState, policy: Policy): IncidentRole[] {
  if (state.severity === null) return [];
  return policy.roles.filter(
    (role) =>
      role.requiredFor.includes(state.severity!) && !state.roles.some((h) => h.role === role.id),
  );
}

/** Open troubleshooting tasks carried by someone whose role keeps them out of troubleshooting. */
export function troubleshootingConflicts(state: IncidentState, policy: Policy): IncidentFlag[] {
  const flags: IncidentFlag[] = [];
  for (const role of policy.roles.filter((r) => r.noTroubleshooting)) {
    for (const holder of state.roles.filter((h) => h.role === role.id)) {
      for (const task of state.tasks) {
        if (
          task.assigneeId === holder.userId &&
          TROUBLESHOOTING_TASK_TYPES.includes(task.type) &&
          (task.status === 'open' || task.status === 'in_progress')
        ) {
          flags.push({
            kind: 'troubleshooting_conflict',
            role: role.id,
            userId: holder.userId,
            taskId: task.id,
            message: `${role.name} takes no part in troubleshooting, but is assigned the ${task.type} task "${task.title}"`,
          });
        }
      }
    }
  }
  return flags;
}

/** Everything about the incident's roles that the team should fix. */
export function roleFlags(state: IncidentState, policy: Policy): IncidentFlag[] {
  const missing: IncidentFlag[] = missingRoles(state, policy).map((role) => ({
    kind: 'missing_role',
    role: role.id,
    message: `A ${state.severity} incident needs a ${role.name.toLowerCase()}; nobody holds the role`,
  }));
  return [...missing, ...troubleshootingConflicts(state, policy)];
}

export function assignRole(
  state: IncidentState,
  policy: Policy,
  input: { role: string; userId: string; replacesUserId?: string | undefined },
): IncidentEvent[] {
  assertOpen(state, policy);
  if (!policy.roles.some((r) => r.id === input.role)) {
    throw new AppError('VALIDATION', `"${input.role}" is not one of the policy's roles`, {
      errors: [
        { field: 'role', message: `must be one of ${policy.roles.map((r) => r.id).join(', ')}` },
      ],
    });
  }
  const holders = state.roles.filter((r) => r.role === input.role).map((r) => r.userId);
  if (holders.includes(input.userId)) throw refuse('That person already holds this role');
  const replaced = input.replacesUserId ?? null;
  if (replaced !== null && !holders.includes(replaced)) {
    throw refuse('The person being replaced does not hold this role');
  }
  return [
    ev('incident.role_assigned', {
      role: input.role,
      userId: input.userId,
      replacedUserId: replaced,
    }),
  ];
}

export function releaseRole(
  state: IncidentState,
  policy: Policy,
  role: string,
  userId: string,
): IncidentEvent[] {
  assertOpen(state, policy);
  if (!state.roles.some((r) => r.role === role && r.userId === userId)) {
    throw new AppError('NOT_FOUND', 'That person does not hold this role');
  }
  return [ev('incident.role_released', { role, userId })];
}

// Incident roles: which the severity requires, and who must stay out of troubleshooting.
import { TROUBLESHOOTING_TASK_TYPES } from '../../../shared/domain/incidents.ts';
import type { IncidentRole, Policy } from '../policy/index.ts';
import type { IncidentState } from './incident-state.ts';

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

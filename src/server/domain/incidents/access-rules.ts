// Who may see and change one incident, on top of the caller's global permissions: restricted
// incidents are invisible to non-participants, and the incident's commander gets rights on it.
import { AppError } from '../../errors.ts';
import { can, type Actor, requirePermission } from '../actor.ts';
import { holdsRole, type IncidentState } from './incident-state.ts';

/** The incident role whose holder may close the incident and manage its roles. */
const COMMANDER_ROLE = 'incident_commander';

export function isAdmin(actor: Actor): boolean {
  return actor.kind === 'system' || actor.roles.includes('admin');
}

/** A restricted incident is seen only by its participants and admins; others see every one. */
export function isVisibleTo(
  incident: Pick<IncidentState, 'restricted' | 'participants'>,
  actor: Actor,
): boolean {
  return (
    !incident.restricted || isAdmin(actor) || incident.participants.includes(actor.userId ?? '')
  );
}

/** Restricted incidents are invisible (not found, not forbidden) to non-participants. */
export function assertVisible(state: IncidentState, actor: Actor): void {
  if (!isVisibleTo(state, actor)) {
    throw new AppError('NOT_FOUND', 'Incident was not found');
  }
}

/** Opening an incident from a security report needs incidents.create besides triaging it. */
export function assertMayOpenFromReport(actor: Actor): void {
  requirePermission(actor, 'incidents.create', 'Opening an incident');
}

/**
 * The permission, or the incident's commander role together with `incidents.command`: a token
 * carries a commander's rights only when its scope says so. The refusal names what is missing.
 */
export function assertCommanderOr(
  state: IncidentState,
  actor: Actor,
  permission: 'incidents.close' | 'incidents.manage_roles',
  what: string,
): void {
  if (can(actor, permission)) return;
  const commands = holdsRole(state, actor.userId, COMMANDER_ROLE);
  if (commands && can(actor, 'incidents.command')) return;
  if (commands)
    throw new AppError(
      'FORBIDDEN',
      `This needs the ${permission} permission, or incidents.command as this incident's commander; this ${actor.kind === 'token' ? "token's scope" : 'account'} has neither`,
      { permission: 'incidents.command' },
    );
  throw new AppError(
    'FORBIDDEN',
    `Only someone allowed to ${what} (${permission}), or this incident's commander, may do this`,
    { permission },
  );
}

// Who may see and change one incident, on top of the caller's global permissions: restricted
// incidents are invisible to non-participants, and the incident's commander gets rights on it.
import { AppError } from '../../errors.ts';
import { can, type Actor } from '../actor.ts';
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

export function assertCommanderOr(
  state: IncidentState,
  actor: Actor,
  permission: 'incidents.close' | 'incidents.manage_roles',
  what: string,
): void {
  if (!can(actor, permission) && !holdsRole(state, actor.userId, COMMANDER_ROLE)) {
    throw new AppError(
      'FORBIDDEN',
      `Only someone allowed to ${what}, or this incident's commander, may do this`,
    );
  }
}

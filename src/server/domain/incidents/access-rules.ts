// Who may see and change one incident, on top of the caller's global permissions: restricted
// incidents are invisible to non-participants, and the incident's commander gets rights on it.
import { AppError } from '../../errors.ts';
import { can, type Actor, requirePermission } from '../actor.ts';
import type { IncidentSeat } from '../../../shared/domain/incidents.ts';
import type { Permission } from '../../../shared/domain/permissions.ts';
import type { Policy } from '../policy/index.ts';
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
  permission: 'incidents.close',
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

const ASSIGNER_WORDS = { owner: 'owner', incident_commander: 'commander' } as const;

/**
 * Who may assign and release the incident's roles: holders of incidents.manage_roles (security
 * leads, admins), and the seats the policy's `roleAssignment.assignableBy` names (the owner, the
 * commander) with incidents.command. The refusal says who can.
 */
export function assertMayAssignRoles(state: IncidentState, policy: Policy, actor: Actor): void {
  if (can(actor, 'incidents.manage_roles')) return;
  const seats = policy.roleAssignment.assignableBy;
  const holds = seats.filter((seat) =>
    seat === 'owner' ? state.ownerId === actor.userId : holdsRole(state, actor.userId, seat),
  );
  if (holds.length > 0 && can(actor, 'incidents.command')) return;
  const who = [
    'a security lead (incidents.manage_roles)',
    ...seats.map((seat) => `this incident's ${ASSIGNER_WORDS[seat]}`),
  ];
  const listed = who.length === 1 ? who[0] : `${who.slice(0, -1).join(', ')} or ${who.at(-1)}`;
  if (holds.length > 0)
    throw new AppError(
      'FORBIDDEN',
      `Assigning roles as this incident's ${ASSIGNER_WORDS[holds[0]!]} needs incidents.command; this ${actor.kind === 'token' ? "token's scope" : 'account'} does not have it`,
      { permission: 'incidents.command' },
    );
  throw new AppError('FORBIDDEN', `Only ${listed} may assign this incident's roles`, {
    permission: 'incidents.manage_roles',
  });
}

/** The permissions each seat on an incident needs (any one of them); see INCIDENT_SEATS. */
const SEAT_NEEDS: Record<IncidentSeat, Permission[]> = {
  owner: ['incidents.update'],
  panel: ['incidents.assess'],
  security_lead: ['incidents.decide'],
  role: ['incidents.update', 'incidents.communicate', 'breach.manage'],
};

/** The seats a person with these permissions can be picked for (none for a read-only viewer). */
export function seatsOf(permissions: ReadonlySet<Permission>): IncidentSeat[] {
  return (Object.keys(SEAT_NEEDS) as IncidentSeat[]).filter((seat) =>
    SEAT_NEEDS[seat].some((p) => permissions.has(p)),
  );
}

/** An active member of staff as the seats weigh them: their name and what their roles give. */
export interface StaffMember {
  id: string;
  displayName: string;
  permissions: ReadonlySet<Permission>;
}

/** A person a request names for a seat, by the request's field (`userId`, `responderIds.1`). */
export interface SeatChoice {
  field: string;
  seat: IncidentSeat;
  userId: string;
}

const SEAT_WORDS: Record<IncidentSeat, string> = {
  owner: 'own an incident',
  panel: 'sit on the incident response panel',
  security_lead: "take the security lead's seat on the panel",
  role: 'hold an incident role or carry its tasks',
};

/**
 * Each person named can take the seat, as the console's pickers offer it (GET /api/v1/staff
 * `seats`): an active member of staff whose roles give one of the permissions the seat needs, never
 * a read-only viewer. One refusal (400) names every field and why.
 */
export function assertEligible(
  choices: readonly SeatChoice[],
  staff: readonly StaffMember[],
): void {
  const byId = new Map(staff.map((p) => [p.id, p]));
  const errors = choices.flatMap(({ field, seat, userId }) => {
    const person = byId.get(userId);
    if (!person) return [{ field, message: `${userId} is not an active member of staff` }];
    if (seatsOf(person.permissions).includes(seat)) return [];
    const needs = SEAT_NEEDS[seat].join(' or ');
    const message = `${person.displayName} cannot ${SEAT_WORDS[seat]}: that needs ${needs}, which their roles do not give`;
    return [{ field, message }];
  });
  if (errors.length === 0) return;
  const message =
    errors.length === 1 ? errors[0]!.message : 'Some people named cannot take these seats';
  throw new AppError('VALIDATION', message, { errors });
}

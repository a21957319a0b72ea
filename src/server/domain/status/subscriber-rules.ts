// Pure decisions about the status page's subscribers: which components a subscription may
// follow, and whether an update concerns a subscriber. A subscription follows every component
// (null) or a list of components and groups; a group stands for the components in it.
import { AppError } from '../../errors.ts';
import type { StatusComponent } from './status-state.ts';

/** How long a confirmation link works. */
export const CONFIRM_WITHIN_MS = 48 * 60 * 60 * 1000;

/** Subscription attempts per sender address (IP) per hour, and per e-mail address per day. */
export const SUBSCRIBE_PER_IP_PER_HOUR = 10;
export const SUBSCRIBE_PER_ADDRESS_PER_DAY = 3;

/** The address as one subscription is known by: trimmed, in lower case. */
export const addressKey = (address: string) => address.trim().toLowerCase();

/**
 * The components a subscription follows, checked against the page: null for every one (none
 * chosen); an unknown or removed id is refused, naming the field.
 */
export function chooseComponents(
  components: readonly StatusComponent[],
  chosen: readonly string[],
): string[] | null {
  if (chosen.length === 0) return null;
  const known = new Set(components.map((c) => c.id));
  const errors = chosen
    .map((id, i) => ({ id, i }))
    .filter(({ id }) => !known.has(id))
    .map(({ i }) => ({ field: `components.${i}`, message: 'no such component on this page' }));
  if (errors.length > 0) {
    throw new AppError('VALIDATION', 'A chosen component is not on this page', { errors });
  }
  return [...new Set(chosen)];
}

/**
 * Whether an update on an incident concerns a subscriber: one who follows everything hears
 * every update; one who follows components hears of an incident that affects one of them (or a
 * component of a group they follow, or the group of one they follow).
 */
export function concerns(
  followed: readonly string[] | null,
  affected: readonly string[],
  components: readonly StatusComponent[],
): boolean {
  if (followed === null) return true;
  const groupOf = new Map(components.map((c) => [c.id, c.groupId]));
  const wanted = new Set(followed);
  return affected.some((id) => {
    const group = groupOf.get(id) ?? null;
    return wanted.has(id) || (group !== null && wanted.has(group));
  });
}

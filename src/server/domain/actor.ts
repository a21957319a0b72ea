// Who is acting: a signed-in user, an API token (acting for its user, with a narrowed set of
// permissions), or the system itself (scheduler, CLI maintenance). Services receive an Actor and
// record actor.userId on every event and audit entry.
import type { Permission } from '../../shared/domain/permissions.ts';

export interface Actor {
  kind: 'user' | 'token' | 'system';
  /** The staff user behind the request; null only for the system. */
  userId: string | null;
  roles: readonly string[];
  permissions: ReadonlySet<Permission>;
  /** Request origin, for the audit trail. */
  ip?: string;
  userAgent?: string;
}

export const systemActor: Actor = {
  kind: 'system',
  userId: null,
  roles: [],
  permissions: new Set(),
};

export function can(actor: Actor, permission: Permission): boolean {
  return actor.kind === 'system' || actor.permissions.has(permission);
}

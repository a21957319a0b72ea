// Who is acting: a signed-in user, an API token (acting for its user, with a narrowed set of
// permissions), or the system itself (scheduler, CLI maintenance). Services receive an Actor and
// record actor.userId on every event and audit entry.
import type { Permission } from '../../shared/domain/permissions.ts';
import { AppError } from '../errors.ts';

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

/**
 * The one way a use case checks a permission: refuses with FORBIDDEN (403), naming the permission
 * in the message and in `permission`, unless the actor has it. `doing` says what needs it
 * ("Opening an incident"); without it the message says "This".
 */
export function requirePermission(actor: Actor, permission: Permission, doing = 'This'): void {
  if (!can(actor, permission)) {
    throw new AppError('FORBIDDEN', `${doing} needs the ${permission} permission`, { permission });
  }
}

/** Someone a notice goes to, as the visibility rules see them: a person with their roles, or
 * null for an audience of unknown people (a webhook or chat endpoint). Never used to act. */
export interface NoticeReader {
  id: string;
  roles: readonly string[];
}

/** A notice's reader as an Actor for visibility checks only: no permissions. */
export function readerActor(reader: NoticeReader | null): Actor {
  return {
    kind: 'user',
    userId: reader?.id ?? null,
    roles: reader?.roles ?? [],
    permissions: new Set(),
  };
}

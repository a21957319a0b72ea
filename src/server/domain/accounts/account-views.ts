// Shapes records for the API: never a raw row, never a hash or a secret.
import type { ApiTokensTable } from '../../db/schema.ts';
import type { TokenView, UserView } from '../../../shared/api/accounts.ts';
import type { UserRecord } from './user-repository.ts';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function presentUser(user: UserRecord): UserView {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    roles: user.roles,
    status: user.status,
    awayUntil: iso(user.awayUntil),
    contacts: user.contacts as UserView['contacts'],
    mfaEnabled: user.mfaSecret !== null,
    hasPassword: user.passwordHash !== null,
    createdAt: new Date(user.createdAt).toISOString(),
  };
}

export function presentToken(row: ApiTokensTable): TokenView {
  return {
    id: row.id,
    name: row.name,
    permissions: JSON.parse(row.permissions_json) as string[],
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: iso(row.expires_at),
    revokedAt: iso(row.revoked_at),
    lastUsedAt: iso(row.last_used_at),
  };
}

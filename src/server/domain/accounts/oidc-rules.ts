// Pure decisions for single sign-on: which Stopline roles an identity provider's claim grants,
// and whether the claims identify someone Stopline can trust.
import { isRole } from './role-permissions.ts';

/** "sec-admins=admin, sec-oncall=responder" -> { "sec-admins": ["admin"], ... } */
export function parseRoleMap(text: string | undefined): Map<string, string[]> | null {
  if (!text) return null;
  const map = new Map<string, string[]>();
  for (const pair of text.split(',')) {
    const [value, role] = pair.split('=').map((s) => s.trim());
    if (!value || !role) continue;
    map.set(value, [...(map.get(value) ?? []), role]);
  }
  return map;
}

/** Roles granted by the claim: mapped values, or (without a map) values that are role names. */
export function rolesFromClaim(claim: unknown, map: Map<string, string[]> | null): string[] {
  const values =
    typeof claim === 'string' ? claim.split(/[\s,]+/) : Array.isArray(claim) ? claim : [];
  const roles = values
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => (map ? (map.get(v) ?? []) : [v]))
    .filter(isRole);
  return [...new Set(roles)].sort();
}

/** The email to match a staff account by, when the provider vouches for it. */
export function verifiedEmail(claims: Record<string, unknown>): string | null {
  const email = claims.email;
  if (typeof email !== 'string' || !email.includes('@')) return null;
  if (claims.email_verified === false) return null;
  return email.toLowerCase();
}

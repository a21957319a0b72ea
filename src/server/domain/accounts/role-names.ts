// What each role is called in this organisation. Role ids (admin, responder, ...) are fixed because
// the permission table is keyed by them; the names people see are configurable
// (STOPLINE_ROLE_NAMES), with these defaults.
import type { Permission } from '../../../shared/domain/permissions.ts';
import { AppError } from '../../errors.ts';
import { ROLE_PERMISSIONS, ROLES, isRole, type Role } from './role-permissions.ts';

export const DEFAULT_ROLE_NAMES: Record<Role, { name: string; description: string }> = {
  admin: {
    name: 'Administrator',
    description: 'Manages accounts, tokens, integrations and the audit trail.',
  },
  security_lead: {
    name: 'Security lead',
    description: 'Sits on every assessment panel, decides criticality and may close incidents.',
  },
  responder: {
    name: 'Responder',
    description: 'Developers and security engineers: triage reports, reproduce, contain and fix.',
  },
  comms: {
    name: 'Communications lead',
    description: 'Keeps reporters and customers informed in plain language.',
  },
  legal: {
    name: 'Legal / DPO',
    description: 'Advises on regulatory duties; reads reports and the audit trail.',
  },
  viewer: { name: 'Executive (read-only)', description: 'Follows status; changes nothing.' },
};

export interface RoleView {
  id: Role;
  name: string;
  description: string;
  permissions: Permission[];
}

/**
 * Parses "responder=Developer, comms=Communications" into names per role id. Unknown role ids are
 * refused with a message naming the setting, so a typo stops start-up instead of being ignored.
 */
export function parseRoleNames(text: string | undefined): Partial<Record<Role, string>> {
  const names: Partial<Record<Role, string>> = {};
  if (!text) return names;
  for (const pair of text.split(',')) {
    const [id = '', ...rest] = pair.split('=');
    const role = id.trim();
    const name = rest.join('=').trim();
    if (!isRole(role)) {
      throw new AppError(
        'VALIDATION',
        `STOPLINE_ROLE_NAMES: "${role}" is not a role (roles: ${ROLES.join(', ')})`,
      );
    }
    if (!name)
      throw new AppError('VALIDATION', `STOPLINE_ROLE_NAMES: the name for "${role}" is empty`);
    names[role] = name;
  }
  return names;
}

export function listRoles(custom: Partial<Record<Role, string>>): RoleView[] {
  return ROLES.map((id) => ({
    id,
    name: custom[id] ?? DEFAULT_ROLE_NAMES[id].name,
    description: DEFAULT_ROLE_NAMES[id].description,
    permissions: [...ROLE_PERMISSIONS[id]],
  }));
}

// The one table that says what each role may do. Routes declare a permission; a user's
// permissions are the union of their roles' rows. Per-incident roles will add to this later.
import { PERMISSIONS, type Permission } from '../../../shared/domain/permissions.ts';

const READ_ALONG: Permission[] = [
  'incidents.read',
  'line.read',
  'policy.read',
  'deadlines.read',
  'stream.read',
  'status.read',
  'learning.read',
  'oncall.read',
];
const OWN: Permission[] = ['tokens.manage_own', 'account.manage_own'];

export const ROLE_PERMISSIONS = {
  admin: [...PERMISSIONS],
  security_lead: [
    ...READ_ALONG,
    ...OWN,
    'incidents.create',
    'incidents.update',
    'incidents.communicate',
    'incidents.assess',
    'incidents.decide',
    'incidents.manage_roles',
    'incidents.close',
    'incidents.command',
    'audit.read',
    'users.read',
    'reports.read',
    'reports.read_contact',
    'reports.triage',
    'reports.communicate',
    'reports.verify_identity',
    'reports.manage_access',
    'deadlines.manage',
    'learning.write',
    'learning.approve',
    'alerts.read',
    'alerts.triage',
    'disclosure.read',
    'disclosure.manage',
    'disclosure.publish',
    'oncall.manage',
    'continuity.offline',
  ],
  // The responsible developer triages, reproduces, calls the reporter back and verifies them.
  responder: [
    ...READ_ALONG,
    ...OWN,
    'incidents.create',
    'incidents.update',
    'incidents.communicate',
    'incidents.assess',
    'incidents.command',
    'reports.read',
    'reports.read_contact',
    'reports.triage',
    'reports.communicate',
    'reports.verify_identity',
    'deadlines.manage',
    // The people who handled the incident write its post-mortem; a security lead approves it.
    'learning.write',
    // Alerts from monitoring wait in their triage queue.
    'alerts.read',
    'alerts.triage',
    // The developer who fixes a vulnerability records it and writes its advisory; a security
    // lead decides when it is published.
    'disclosure.read',
    'disclosure.manage',
    // Whoever responds takes the offline copy along, for when Stopline itself is down.
    'continuity.offline',
  ],
  // The communications lead keeps reporters, customers and colleagues informed (notes for the
  // reporter and the public on incidents, messages to reporters) but takes no part in triage.
  comms: [
    ...READ_ALONG,
    ...OWN,
    'incidents.communicate',
    'reports.read',
    'reports.read_contact',
    'reports.communicate',
    // Customers hear from one person: the public status page is theirs to write.
    'status.publish',
    // They read the vulnerabilities whose advisories they will announce.
    'disclosure.read',
  ],
  // The legal role (DPO, counsel) owns breach records: their details, determinations, submissions.
  legal: [
    ...READ_ALONG,
    ...OWN,
    'audit.read',
    'reports.read',
    'reports.read_contact',
    'breach.read',
    'breach.manage',
  ],
  viewer: [...READ_ALONG, ...OWN, 'reports.read'],
} as const satisfies Record<string, readonly Permission[]>;

export type Role = keyof typeof ROLE_PERMISSIONS;
export const ROLES = Object.keys(ROLE_PERMISSIONS) as Role[];

export function isRole(value: string): value is Role {
  return Object.hasOwn(ROLE_PERMISSIONS, value);
}

/** The union of the roles' permissions; unknown role names grant nothing. */
export function permissionsForRoles(roles: readonly string[]): Set<Permission> {
  const granted = new Set<Permission>();
  for (const role of roles) {
    if (isRole(role)) for (const permission of ROLE_PERMISSIONS[role]) granted.add(permission);
  }
  return granted;
}

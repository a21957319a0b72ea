// Every action a staff member or token can be allowed. Routes declare one of these; the role
// table in src/server/domain/accounts maps roles to them. Shared so the console can hide what a
// user may not do (the server still checks every request).

export const PERMISSIONS = [
  // accounts and audit
  'users.read',
  'users.manage',
  'tokens.manage_own',
  /** One's own session, password and second factor. */
  'account.manage_own',
  'audit.read',
  'audit.export',
  // policy
  'policy.read',
  // incidents
  'incidents.read',
  'incidents.create',
  'incidents.update',
  // notes on an incident's record, internal or for the reporter or the public: external
  // communication is the communications lead's job (policy role communications_lead)
  'incidents.communicate',
  'incidents.assess',
  'incidents.decide',
  'incidents.manage_roles',
  'incidents.close',
  // what an incident's commander may do on that incident (manage its roles, close it) beyond
  // their own permissions: a token must carry it for the commander's rights to come along
  'incidents.command',
  'line.read',
  // reports (private intake from outside reporters)
  'reports.read',
  'reports.read_contact',
  'reports.triage',
  'reports.communicate',
  'reports.verify_identity',
  'reports.manage_access',
  // notifications: the outbox and delivery log, outgoing webhook endpoints (admin only)
  'outbox.manage',
  'webhooks.manage',
  // clocks: the policy's deadlines
  'deadlines.read',
  'deadlines.manage',
  // operations: Prometheus metrics at /metrics (admin; give a scraper a token scoped to it)
  'metrics.read',
  // personal-data breaches: a record's details (the legal role and admins), and recording them
  'breach.read',
  'breach.manage',
  // live updates: the notices of what changed (GET /api/v1/stream), filtered by what one may see
  'stream.read',
  // the public status page: read it as staff (with the links to internal incidents one may see),
  // publish public incidents and updates (the communications lead), manage its components (admin)
  'status.read',
  'status.publish',
  'status.manage',
  // learning: read post-mortems (of the incidents one may see), write them and send them to
  // review, approve them or send them back
  'learning.read',
  'learning.write',
  'learning.approve',
  // monitoring alerts: read the alerts and their payloads, triage them (open, attach, snooze,
  // mark as noise), and manage the sources allowed to send them (admin only)
  'alerts.read',
  'alerts.triage',
  'alerts.manage',
  // development trackers: configure the GitHub, GitLab, Jira or webhook connections issues are
  // handed to, and see their failures (admin only)
  'trackers.manage',
  // coordinated disclosure: read vulnerabilities (embargoed ones included), record and change
  // them, and publish (agree a disclosure date, break an embargo, withdraw)
  'disclosure.read',
  'disclosure.manage',
  'disclosure.publish',
  // on-call schedules: read who is on call and the shifts (staff), keep the rotations and
  // overrides (admins, security leads)
  'oncall.read',
  'oncall.manage',
  // retention: erase a field of personal data on request (GDPR), with a recorded reason (admin only)
  'data.erase',
  // continuity: download the offline copy (the policy, its runbooks and the on-call contact tree
  // with everyone's contact channels, for when Stopline is down): those who respond, since it
  // holds personal data (admins, security leads, responders)
  'continuity.offline',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

// Table types for Kysely. Times are epoch milliseconds; ids are text (UUIDv7).
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';

export type Visibility = 'internal' | 'reporter' | 'public';

export interface EventsTable {
  id: string;
  stream_id: string;
  seq: number;
  type: string;
  at: number;
  actor_id: string | null;
  visibility: Visibility;
  /** Canonical JSON (RFC 8785) of the event data: the exact text the hash covers. */
  data_json: string;
  prev_hash: string;
  hash: string;
  /** Global insertion order, for feeds that read across streams. */
  position: Generated<number>;
}

export interface StreamsTable {
  id: string;
  type: string;
  version: number;
  head_hash: string;
  created_at: number;
  updated_at: number;
}

export interface KeySequencesTable {
  name: string;
  value: number;
}

/** 0/1 on both databases. */
export type Flag = number;

export interface IncidentsTable {
  id: string;
  key: string;
  title: string;
  summary: string;
  source: string;
  affected_systems_json: string;
  detected_at: number | null;
  reported_at: number | null;
  declared_at: number;
  restricted: Flag;
  publicly_disclosed: Flag;
  /** An exercise's kind and scenario (JSON); null for a real incident. */
  exercise_json: string | null;
  severity: string | null;
  criticality: string | null;
  phase: string;
  owner_id: string | null;
  policy_hash: string;
  line_stopped: Flag;
  line_stopped_at: number | null;
  awaiting_reporter: Flag;
  reproduction_result: string | null;
  reproduction_steps: string | null;
  reproduction_evidence: string | null;
  tracker_url: string | null;
  de_escalated_at: number | null;
  panel_round: number;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
  version: number;
}

export interface IncidentReportLinksTable {
  incident_id: string;
  report_id: string;
  linked_at: number;
}

export interface IncidentOwnerHistoryTable {
  id: string;
  incident_id: string;
  user_id: string;
  how: string;
  assigned_by: string | null;
  from_at: number;
  to_at: number | null;
}

export interface IncidentPanelMembersTable {
  incident_id: string;
  round: number;
  user_id: string;
  seat: string;
}

export interface IncidentPanelVotesTable {
  id: string;
  incident_id: string;
  round: number;
  member_id: string;
  seat: string;
  answers_json: string;
  vote: string;
  rationale: string;
  at: number;
}

export interface IncidentRoleAssignmentsTable {
  id: string;
  incident_id: string;
  role: string;
  user_id: string;
  assigned_by: string | null;
  from_at: number;
  to_at: number | null;
}

export interface IncidentTasksTable {
  id: string;
  incident_id: string;
  type: string;
  title: string;
  description: string;
  assignee_id: string | null;
  due_at: number | null;
  status: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
}

export interface IncidentContainmentActionsTable {
  id: string;
  incident_id: string;
  kind: string;
  description: string;
  status: string;
  justification: string | null;
  recorded_by: string | null;
  recorded_at: number;
  ended_at: number | null;
  /** The containment hook the action calls, and the last answer it gave (JSON). */
  hook_id: string | null;
  hook_answer_json: string | null;
}

/** Outbound hooks a containment action may call (admin-configured). */
export interface ContainmentHooksTable {
  id: string;
  name: string;
  url: string;
  revert_url: string | null;
  /** POST, PUT, PATCH or DELETE. */
  method: string;
  /** standard_webhooks (signed) or bearer. */
  auth: string;
  /** Sealed with the server key: the signing secret or the bearer token. */
  secret: string;
  enabled: Flag;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface IncidentDecisionsTable {
  id: string;
  incident_id: string;
  what: string;
  why: string;
  alternatives: string;
  decided_by: string;
  recorded_by: string | null;
  at: number;
}

export interface IncidentParticipantsTable {
  incident_id: string;
  user_id: string;
  added_at: number;
}

export interface IncidentMilestonesTable {
  incident_id: string;
  milestone: string;
  note: string;
  recorded_by: string | null;
  at: number;
}

export interface LineHistoryTable {
  id: string;
  incident_id: string;
  incident_key: string;
  change: string;
  reason: string;
  at: number;
}

/** One policy text that has been in force; the hash (SHA-256 of the text) is what incidents record. */
export interface PolicyVersionsTable {
  hash: string;
  name: string;
  revision: string;
  text: string;
  /** First start-up with this policy in force. */
  loaded_at: number;
  /** Latest start-up with this policy in force. */
  last_loaded_at: number;
}

export type UserStatus = 'active' | 'disabled';

export interface UsersTable {
  id: string;
  /** Lower-cased. */
  email: string;
  display_name: string;
  roles_json: string;
  status: UserStatus;
  /** argon2id; null until the user sets a password through a one-time link. */
  password_hash: string | null;
  away_until: number | null;
  contacts_json: string;
  /** TOTP secret (base32) once confirmed; the pending one while enrolling. */
  mfa_secret: string | null;
  mfa_pending_secret: string | null;
  /** Last accepted TOTP time step, so a code cannot be replayed. */
  mfa_last_counter: number | null;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  /** SHA-256 of the 256-bit session id held in the cookie. */
  id_hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  /** Absolute expiry. */
  expires_at: number;
  ended_at: number | null;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  permissions_json: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

/** A person's iCalendar feed: the hash of the secret in its URL; one live row per person. */
export interface CalendarFeedsTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface RecoveryCodesTable {
  code_hash: string;
  user_id: string;
  used_at: number | null;
}

export type OneTimeLinkPurpose = 'setup' | 'set_password';

export interface OneTimeLinksTable {
  token_hash: string;
  purpose: OneTimeLinkPurpose;
  user_id: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface OidcLoginsTable {
  /** SHA-256 of the flow id held in a short-lived cookie. */
  flow_hash: string;
  state: string;
  nonce: string;
  code_verifier: string;
  created_at: number;
  expires_at: number;
}

export interface SignInCountersTable {
  /** `account:<address>|<email>` or `ip:<address>`; the address as rateLimitKeyForAddress names it. */
  key: string;
  window_start: number;
  failures: number;
  locked_until: number | null;
}

export interface AuditLogTable {
  seq: number;
  id: string;
  at: number;
  actor_kind: string;
  actor_id: string | null;
  ip: string | null;
  user_agent: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  /** Canonical JSON (RFC 8785): the exact text the hash covers. */
  detail_json: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  head_hash: string;
}

/** The global sequence: every event and audit entry numbered in commit order (db/global-ledger.ts). */
export interface LedgerTable {
  seq: number;
  kind: 'event' | 'audit';
  /** The event's or the audit entry's id. */
  ref_id: string;
  /** The event's stream; null for an audit entry. */
  stream_id: string | null;
  /** The hash the numbered entry carries in its own chain. */
  entry_hash: string;
  prev_hash: string;
  hash: string;
}

export interface LedgerHeadTable {
  id: number;
  seq: number;
  head_hash: string;
}

/**
 * Booleans read back as 0/1 on SQLite and true/false on PostgreSQL; write 0 or 1 (both accept it)
 * and read with Boolean().
 */
export type DbBool = ColumnType<boolean | number, 0 | 1, 0 | 1>;

export interface ReportsTable {
  id: string;
  key: string;
  status: string;
  summary: string;
  description: string;
  steps_to_reproduce: string | null;
  impact: string | null;
  first_noticed: string | null;
  affected: string | null;
  preferred_language: string | null;
  public_url: string | null;
  credit_consent: DbBool;
  credit_name: string | null;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  contact_pgp_key: string | null;
  /** SHA-256 (hex) of the reporter's access code; the code itself is never stored. */
  access_code_hash: string;
  verified: DbBool;
  received_at: number;
  acknowledge_due_at: number;
  /** Reported or raised as an emergency: the policy's emergency acknowledgment clock applies. */
  emergency: DbBool;
  /** Who last raised or lowered it (null: as the reporter sent it), and when. */
  emergency_set_by: string | null;
  emergency_set_at: number | null;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  assessed_at: number | null;
  fixed_at: number | null;
  disclosed_at: number | null;
  closed_at: number | null;
  close_reason: string | null;
  duplicate_of: string | null;
  incident_id: string | null;
  version: number;
  updated_at: number;
}

export interface ReportAttachmentsTable {
  id: string;
  report_id: string;
  message_id: string | null;
  original_name: string;
  claimed_type: string | null;
  detected_type: string;
  size: number;
  sha256: string;
  stored_path: string;
  uploaded_by: string;
  created_at: number;
  /** When its bytes were redacted (retention or erasure); null while they are kept. */
  redacted_at: number | null;
}

export interface ReportMessagesTable {
  id: string;
  report_id: string;
  kind: 'internal_note' | 'to_reporter' | 'from_reporter';
  message_type: string | null;
  body: string;
  author_id: string | null;
  created_at: number;
}

export interface ReportIdentityVerificationsTable {
  id: string;
  report_id: string;
  method: string;
  note: string | null;
  verified_by: string | null;
  verified_at: number;
}

export interface PublicRemovalTasksTable {
  id: string;
  report_id: string;
  url: string;
  status: 'requested' | 'removed' | 'could_not_be_removed';
  evidence: string | null;
  recorded_by: string;
  created_at: number;
  updated_at: number;
}

export interface PortalSessionsTable {
  token_hash: string;
  report_id: string;
  created_at: number;
  expires_at: number;
}

export interface ReportAccessLogTable {
  id: string;
  report_id: string | null;
  report_key: string | null;
  action: string;
  actor_id: string | null;
  ip: string | null;
  at: number;
}

export interface RateLimitCountersTable {
  bucket: string;
  window_start: number;
  count: number;
}

export interface OutboxTable {
  id: string;
  channel: string;
  recipient: string;
  subject: string;
  body_text: string;
  body_html: string | null;
  idempotency_key: string;
  status: OutboxStatus;
  created_at: number;
  attempts: Generated<number>;
  next_attempt_at: Generated<number>;
  /** While 'sending': the claim lease; after it, another worker may take the message over. */
  claimed_until: number | null;
  last_error: string | null;
  delivered_at: number | null;
  /** Slack member ids to @mention at the top of a Slack message (JSON list), or null. */
  mentions_json: Generated<string | null>;
  /** E-mail only: Reply-To, In-Reply-To and References (JSON, MailThreading), or null. */
  threading_json: Generated<string | null>;
  /** E-mail only: the one-click unsubscribe URL (List-Unsubscribe, RFC 8058), or null. */
  list_unsubscribe: Generated<string | null>;
  /** E-mail only: a secret for the text sealed with the server key (SEALED_SECRET_MARK), or null. */
  sealed_secret: Generated<string | null>;
}

export type OutboxStatus = 'pending' | 'sending' | 'delivered' | 'dead';

export interface OutboxAttemptsTable {
  id: string;
  message_id: string;
  attempt: number;
  started_at: number;
  finished_at: number;
  outcome: 'delivered' | 'failed';
  error: string | null;
}

export interface WebhookEndpointsTable {
  id: string;
  /** 'standard' (signed Standard Webhooks), 'slack' (blocks), 'chat' (generic {text}), 'teams'
   * (Adaptive Card), 'pagerduty', 'opsgenie'. */
  kind: string;
  name: string;
  url: string;
  /** whsec_… for 'standard'; null otherwise. */
  secret: string | null;
  event_types_json: string;
  active: Flag;
  created_at: number;
  updated_at: number;
}

export interface NotificationPreferencesTable {
  user_id: string;
  event_kind: string;
  channels_json: string;
  updated_at: number;
}

export interface NotificationNtfyTopicsTable {
  user_id: string;
  /** The topic's URL (https://ntfy.sh/…, or a self-hosted server). */
  url: string;
  /** Its access token, sealed with the server key; null: the topic needs none. */
  sealed_token: string | null;
  updated_at: number;
}

export interface NotificationPhoneNumbersTable {
  user_id: string;
  /** The person's phone number in E.164 (+4915112345678), for the sms and voice channels. */
  number: string;
  updated_at: number;
}

/** The server's VAPID key pair for Web Push (one row, id 'vapid'), made at the first start. */
export interface PushVapidKeysTable {
  id: string;
  /** The uncompressed P-256 public key, base64url: the console's applicationServerKey. */
  public_key: string;
  /** The private key (base64url), sealed with the server key. */
  sealed_private_key: string;
  created_at: number;
}

/** A browser's Web Push subscription (one per device) for the person who registered it. */
export interface PushSubscriptionsTable {
  id: string;
  user_id: string;
  /** The push service's URL for this browser (unique: a device belongs to one person). */
  endpoint: string;
  /** The browser's P-256 public key (base64url) the payload is encrypted to. */
  p256dh: string;
  /** The browser's 16-byte auth secret (base64url), sealed with the server key. */
  sealed_auth: string;
  /** What the person calls the device, or the browser's own name for itself. */
  device: string;
  created_at: number;
}

export interface NotificationSlackMembersTable {
  user_id: string;
  /** The person's Slack member id (U…/W…), @mentioned on Slack endpoints that carry user.notice. */
  member_id: string;
  updated_at: number;
}

export interface NotificationQuietHoursTable {
  user_id: string;
  start_minute: number;
  end_minute: number;
  time_zone: string;
  updated_at: number;
}

export interface DeadlinesTable {
  id: string;
  subject_type: string;
  subject_id: string;
  kind: string;
  /** The task id for task_due; '' otherwise. */
  ref: string;
  /** pending, paused, met, cancelled. */
  status: string;
  started_at: number;
  due_at: number;
  stage: number;
  next_fire_at: number | null;
  paused_at: number | null;
  responsible_id: string | null;
  satisfied_by_json: string;
  met_at: number | null;
  met_by: string | null;
  met_reason: string | null;
  breached_at: number | null;
  /** The scheduler instance that claimed the row, until when (compare-and-set). */
  claimed_by: string | null;
  claimed_until: number | null;
  /** The incident's severity when the deadline was last recomputed; null for reports. */
  severity: string | null;
  created_at: number;
  updated_at: number;
}

/** A component customers see on the status page, or a group of them. */
export interface StatusComponentsTable {
  id: string;
  name: string;
  description: string | null;
  group_id: string | null;
  is_group: Flag;
  position: number;
  only_show_if_degraded: Flag;
  /** The status set on the component itself; unresolved incidents may make it worse. */
  status: string;
  created_at: number;
  updated_at: number;
  removed_at: number | null;
}

export interface StatusIncidentsTable {
  id: string;
  name: string;
  impact: string;
  status: string;
  /** Staff only: the internal incident this one tells customers about. */
  internal_incident_id: string | null;
  started_at: number;
  monitoring_at: number | null;
  resolved_at: number | null;
  created_at: number;
  updated_at: number;
  version: number;
}

/** A text for the public page waiting for a second person (four-eyes); never public itself. */
export interface StatusDraftsTable {
  id: string;
  /** The public incident it updates; null: it opens a new one. */
  public_incident_id: string | null;
  /** The incident's version the draft was written against. */
  incident_version: number | null;
  content_json: string;
  content_hash: string;
  /** pending | published | rejected */
  state: string;
  drafted_by: string | null;
  drafted_at: number;
  decided_by: string | null;
  decided_at: number | null;
  reason: string | null;
  published_incident_id: string | null;
  published_update_id: string | null;
  version: number;
}

/** An address that asked for the status page's notices; pending until it confirms. */
/** An urgent notice that climbs a ladder until someone acknowledges it. */
export interface PagesTable {
  id: string;
  idempotency_key: string;
  /** The notice's kind (report_received, incident_assigned, ...): each level hears it as such. */
  kind: string;
  /** What it is about: {type, key, title, restricted}. */
  about_json: string;
  headline: string;
  lines_json: string;
  /** The roles of the levels above the first, frozen from the policy when it was sent. */
  levels_json: string;
  escalate_after_ms: number;
  /** The level paged last: 0 for the people first told. */
  level: number;
  /** When the next level is paged; null once acknowledged or at the last level. */
  next_escalation_at: number | null;
  acknowledged_by: string | null;
  acknowledged_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface PageRecipientsTable {
  page_id: string;
  user_id: string;
  level: number;
  /** SHA-256 of the person's acknowledge token (derived from the server key). */
  token_hash: string;
  paged_at: number;
}

/** A customer of the status page: one organisation, projected from its stream. */
export interface OncallSchedulesTable {
  id: string;
  name: string;
  /** The name in lower case: one schedule per name. */
  name_key: string;
  /** The rotation (JSON: timeZone, startsOn, shifts, members). */
  rotation_json: string;
  /** The overrides still to come or running (JSON list of { id, userId, from, to, ... }). */
  overrides_json: string;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface StatusCustomersTable {
  id: string;
  name: string;
  /** The name in lower case: one customer per name. */
  name_key: string;
  /** The component ids it uses (JSON list, at least one). */
  component_ids_json: string;
  /** Its contacts (JSON list of { name, email }). */
  contacts_json: string;
  /** The notices sent to it (JSON list of { publicIncidentId, updateId, at }). */
  notices_json: string;
  version: number;
  created_at: number;
  updated_at: number;
}

/** A member of staff on the stakeholder list: briefed while incidents are active. */
export interface StatusStakeholdersTable {
  user_id: string;
  /** What they are to the team: "Executive sponsor", "Account manager". */
  label: string;
  added_by: string | null;
  added_at: number;
}

/** Where an incident's briefings stand: projected from its briefing stream. */
export interface StatusBriefingsTable {
  incident_id: string;
  version: number;
  /** How many were sent. */
  sent: number;
  last_at: number;
}

export interface StatusSubscribersTable {
  id: string;
  email: string;
  /** The address in lower case: one subscription per address. */
  email_key: string;
  /** The component ids followed (JSON list); null: every component. */
  component_ids_json: string | null;
  /** SHA-256 of the manage and unsubscribe token (derived from the server key). */
  token_hash: string;
  /** SHA-256 of the confirmation token while pending; null once used. */
  confirm_token_hash: string | null;
  confirm_expires_at: number | null;
  confirmed_at: number | null;
  created_at: number;
  updated_at: number;
}

/** A scheduled maintenance on the public page, with its window (projection of its stream). */
export interface StatusMaintenancesTable {
  id: string;
  name: string;
  /** scheduled | in_progress | verifying | completed */
  status: string;
  scheduled_for: number;
  scheduled_until: number;
  /** The components it takes down (JSON list of ids). */
  component_ids_json: string;
  /** Its own notice time before the window; null: the policy's. */
  notice_before_ms: number | null;
  /** When the reminder before the window went out; null: not yet (or never). */
  reminded_at: number | null;
  started_at: number | null;
  completed_at: number | null;
  /** When it was called off before its window opened (status completed); null: it was not. */
  cancelled_at: number | null;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface StatusMaintenanceUpdatesTable {
  id: string;
  maintenance_id: string;
  seq: number;
  status: string;
  body: string;
  display_at: number;
  /** 1: the scheduler moved it at the window's edge. */
  automatic: Flag;
  created_by: string | null;
  created_at: number;
}

export interface StatusIncidentComponentsTable {
  incident_id: string;
  component_id: string;
  status: string;
}

export interface StatusIncidentUpdatesTable {
  id: string;
  incident_id: string;
  seq: number;
  status: string;
  body: string;
  display_at: number;
  affected_components_json: string;
  created_by: string | null;
  created_at: number;
}

export interface BreachesTable {
  id: string;
  incident_id: string;
  status: string;
  risk_level: string | null;
  /** The record's facts (BreachFacts) as JSON. */
  facts_json: string;
  opened_at: number;
  opened_by: string | null;
  updated_at: number;
  version: number;
}

export interface BreachDeterminationsTable {
  breach_id: string;
  seq: number;
  kind: string;
  value: DbBool;
  at: number;
  rationale: string;
  decided_by: string | null;
  decided_at: number;
}

export interface BreachSubmissionsTable {
  breach_id: string;
  seq: number;
  regime_id: string;
  stage_id: string;
  part: string;
  submitted_at: number;
  recipient: string;
  reference: string;
  copy_media_type: string;
  copy_text: string;
  copy_sha256: string;
  due_at: number | null;
  late: DbBool;
  delay_reasons: string;
  recorded_by: string | null;
  recorded_at: number;
}

/** A breach notice: a draft for the authority or for individuals, approved, then sent. */
export interface BreachNoticesTable {
  id: string;
  breach_id: string;
  audience: string;
  regime_id: string;
  stage_id: string;
  subject: string;
  body: string;
  status: string;
  sha256: string | null;
  drafted_at: number;
  drafted_by: string | null;
  approved_at: number | null;
  approved_by: string | null;
  sent_at: number | null;
  recipients: number | null;
}

/** A person a breach notice goes to, from an imported CSV (personal data; removed by retention). */
export interface BreachContactsTable {
  id: string;
  breach_id: string;
  line: number;
  name: string;
  email: string;
  /** The row's other columns, as given, by header (JSON). */
  fields_json: string;
  imported_at: number;
  imported_by: string | null;
}

/** A post-mortem (learning subject): one per incident. */
export interface PostmortemsTable {
  id: string;
  incident_id: string;
  incident_key: string;
  /** draft, in_review, approved or skipped. */
  status: string;
  owner_id: string | null;
  /** The policy version whose template it was started from. */
  policy_hash: string;
  author_may_approve: Flag;
  submitted_by: string | null;
  submitted_at: number | null;
  approved_by: string | null;
  approved_at: number | null;
  /** JSON: the reviewers named in advance (user ids); only they approve when there are some. */
  reviewer_ids: string;
  /** JSON: each approval of the current review, `{ userId, at }`, oldest first. */
  approvals: string;
  /** How many approvals make it approved (the policy's, when it was started). */
  approvals_required: number;
  /** Why no post-mortem is held (status skipped). */
  skip_reason: string | null;
  skipped_by: string | null;
  skipped_at: number | null;
  /** JSON: the review's last "request changes", `{ reason, by, at }`; null: none yet. */
  changes_requested: string | null;
  /** JSON: marks on the incident's record events, `{ seq, important, note }`, by seq. */
  timeline_marks: string;
  /** JSON: entries written into the timeline by hand, `{ id, at, text, important, addedBy }`. */
  timeline_entries: string;
  /** JSON: the record's proposals declined, `{ proposalId, title, because, policySection,
   * reason, declinedBy, declinedAt }`, in the order declined. */
  declined_proposals: string;
  created_at: number;
  updated_at: number;
  version: number;
}

/** One section of a post-mortem, as the template said when it was started; body is Markdown. */
export interface PostmortemSectionsTable {
  postmortem_id: string;
  section_id: string;
  position: number;
  title: string;
  prompt: string | null;
  required: Flag;
  body: string;
  updated_by: string | null;
  updated_at: number | null;
}

/** A follow-up action of a post-mortem. */
export interface PostmortemFollowUpsTable {
  id: string;
  /** Null for a stand-alone follow-up (no post-mortem holds it: tuning a detection rule). */
  postmortem_id: string | null;
  incident_id: string | null;
  position: number;
  title: string;
  owner_id: string;
  due_at: number;
  priority: string;
  type: string;
  tracker_url: string | null;
  policy_section: string | null;
  /** open, done or not_doing. */
  status: string;
  reason: string | null;
  created_by: string | null;
  created_at: number;
  closed_at: number | null;
  /** The proposal of the record it answers (`deadline:<id>`, `override:<seq>`, `skipped:<seq>`). */
  proposal_id: string | null;
  /** The development tracker it was handed to: the connection's name, the issue's key, and
   * `open` or `closed` as the tracker last said (null: not handed to one). */
  tracker_connection: string | null;
  tracker_key: string | null;
  tracker_state: string | null;
  /** What proposed a stand-alone follow-up (`alert_tuning`), its id there, and what it said (JSON). */
  source_kind: string | null;
  source_id: string | null;
  source_json: string | null;
}

/** The answer to an alerts' tuning proposal (one per alert source and similar key). */
export interface AlertTuningAnswersTable {
  /** `tune:<sourceId>:<similarKey>`. */
  proposal_id: string;
  source_id: string;
  similar_key: string;
  /** taken or declined. */
  answer: string;
  follow_up_id: string | null;
  reason: string | null;
  answered_by: string | null;
  answered_at: number;
}

/** A process review, staff training or external test of the learning programme. */
export interface ProgrammeActivitiesTable {
  id: string;
  /** process_review, training or external_test. */
  kind: string;
  held_at: number;
  /** Who took part, as written. */
  participants: string;
  summary: string;
  evidence_url: string;
  recorded_by: string | null;
  recorded_at: number;
}

/** An exercise's report (learning): its objectives judged met or not; one per exercise. */
export interface ExerciseReportsTable {
  id: string;
  incident_id: string;
  incident_key: string;
  /** draft or completed. */
  status: string;
  /** The objectives with their judgement, note, who and when (JSON). */
  objectives_json: string;
  summary: string;
  completed_by: string | null;
  completed_at: number | null;
  version: number;
}

/** An inbound e-mail (the mail subject's projection); personal data lives only here. */
export interface InboundMailTable {
  id: string;
  /** smtp or imap. */
  via: string;
  received_at: number;
  sha256: string;
  size: number;
  /** Relative to the data folder. */
  raw_path: string;
  remote_address: string | null;
  helo: string | null;
  envelope_from: string | null;
  /** JSON array of the envelope recipients. */
  envelope_to: string | null;
  /** The Message-ID header, without angle brackets. */
  message_id: string | null;
  from_address: string | null;
  subject: string | null;
  /** JSON: SPF, DKIM and DMARC results. */
  auth_json: string | null;
  /** received, report, reply, ignored, duplicate or unreadable. */
  status: string;
  report_id: string | null;
  duplicate_of: string | null;
  problem: string | null;
  /** JSON: whether it was encrypted and decrypted, and its signature's verdict (OpenPGP). */
  pgp_json: string | null;
  version: number;
  updated_at: number;
  /** When the message as received (its bytes) was redacted; null while they are kept. */
  redacted_at: number | null;
}

/** The team's OpenPGP key pair for security@ (one row, id 'team'); the private key sealed. */
export interface MailTeamKeysTable {
  id: string;
  fingerprint: string;
  /** Armored. */
  public_key: string;
  /** The armored private key, sealed with the server key (secret-box.ts). */
  private_key_sealed: string;
  /** generated or imported. */
  origin: string;
  created_at: number;
}

/** A reporter's OpenPGP public key, by their address (lower case): replies are encrypted to it. */
export interface MailSenderKeysTable {
  address: string;
  fingerprint: string;
  public_key: string;
  created_at: number;
}

/** A mailed report's reply address token, by its SHA-256 (the token itself is never stored). */
export interface MailReplyTokensTable {
  token_hash: string;
  report_id: string;
  created_at: number;
}

/** A monitoring tool allowed to send alerts; its key is stored as a SHA-256 only. */
export interface AlertSourcesTable {
  id: string;
  name: string;
  kind: string;
  key_hash: string;
  /** The key's last four characters, to tell keys apart. */
  key_hint: string;
  /** Sealed with the server key: the HMAC signature check needs it back. */
  signing_secret: string | null;
  signature_header: string | null;
  mapping_json: string | null;
  rate_per_minute: number;
  enabled: Flag;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  key_rotated_at: number | null;
}

/** A development tracker issues are opened in (Kundo step 9); credentials sealed, never shown. */
export interface TrackerConnectionsTable {
  id: string;
  name: string;
  kind: string;
  base_url: string;
  /** GitHub owner/repo, GitLab project id or path, Jira project key, or the webhook URL. */
  project: string;
  /** Jira: the account e-mail of the API token. */
  account: string | null;
  /** The token (GitHub, GitLab, Jira) or the whsec_ secret (webhook), sealed with the server key. */
  sealed_credential: string;
  /** The secret the tracker signs its own webhooks with (GitHub), sealed. */
  sealed_webhook_secret: string | null;
  labels_json: string;
  on_follow_up: Flag;
  enabled: Flag;
  last_error: string | null;
  last_error_at: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** An issue Stopline opens (or opened) in a tracker for an incident, and its state as last seen. */
export interface TrackerIssuesTable {
  id: string;
  connection_id: string;
  /** Null for a stand-alone follow-up's issue (no incident holds it). */
  incident_id: string | null;
  incident_key: string | null;
  /** non_critical (the panel's decision) or follow_up (a follow-up, post-mortem or stand-alone). */
  cause: string;
  cause_id: string;
  /** pending (in the outbox), created, failed (the last attempt failed; retried). */
  status: string;
  url: string | null;
  external_key: string | null;
  /** open or closed, as the tracker last said. */
  state: string | null;
  last_error: string | null;
  attempts: number;
  closed_at: number | null;
  next_check_at: number | null;
  created_at: number;
  updated_at: number;
}

/** Every alert payload as received, before it is parsed. */
export interface AlertPayloadsTable {
  id: string;
  source_id: string;
  received_at: number;
  sha256: string;
  size: number;
  content_type: string | null;
  /** utf8: the body is the text; base64: bytes that are not UTF-8. */
  encoding: string;
  body: string;
}

export interface AlertsTable {
  id: string;
  source_id: string;
  dedup_key: string;
  /** The dedup key while the alert is open, null once resolved (unique per source). */
  open_key: string | null;
  status: string;
  severity: string;
  summary: string;
  origin: string | null;
  labels_json: string;
  links_json: string;
  details_json: string;
  detected_at: number;
  first_seen_at: number;
  last_seen_at: number;
  acknowledged_at: number | null;
  resolved_at: number | null;
  count: number;
  last_payload_id: string;
  decision: string | null;
  rule_id: string | null;
  policy_hash: string | null;
  policy_revision: string | null;
  group_key: string | null;
  incident_id: string | null;
  decided_at: number | null;
  version: number;
  /** Which alerts are similar (alerts/triage-rules.ts); null only before migration 0151. */
  similar_key: string | null;
  /** Triage: snoozed until then (back in the queue after it). */
  snoozed_until: number | null;
  /** Triage: marked as noise, why, by whom. */
  noise_at: number | null;
  noise_reason: string | null;
  noise_by: string | null;
}

/** A mailbox read by IMAP: where reading got to, and which instance holds it (a lease). */
/** A singleton duty's lease (db/lease.ts): who runs it, until when. */
export interface LeasesTable {
  name: string;
  holder: string | null;
  held_until: number | null;
  updated_at: number;
}

export interface MailImapMailboxesTable {
  /** user@host:port/mailbox */
  mailbox: string;
  uid_validity: number | null;
  /** The last UID stored (0: none yet); valid for uid_validity only. */
  last_uid: Generated<number>;
  /** The instance reading it, until held_until; null: no one. */
  holder: string | null;
  held_until: number | null;
  updated_at: number;
}

/** A vulnerability (issue 16): its state whole as JSON, beside what lists filter on. */
export interface VulnerabilitiesTable {
  id: string;
  key: string;
  status: string;
  title: string;
  cve_id: string | null;
  /** The vulnerability's state (VulnerabilityState) as JSON. */
  state_json: string;
  created_at: number;
  updated_at: number;
  version: number;
}

/** A stored file (attachments, raw mail) when STOPLINE_FILE_STORE is database (file-store.ts). */
export interface FilesTable {
  /** The path it would have under the data folder: attachments/<report>/<id>, mail/<id>.eml. */
  key: string;
  size: number;
  sha256: string;
  content: Buffer;
  created_at: number;
}

/** A file kept in the S3-compatible bucket (STOPLINE_FILE_STORE=s3): its hash as it was kept. */
export interface StoredObjectsTable {
  /** The object's key in the bucket: the path it would have under the data folder. */
  key: string;
  size: number;
  sha256: string;
  created_at: number;
}

/** What was redacted (the tombstone events' projection) and the stored file each removes. */
export interface RedactionsTable {
  id: string;
  /** The stream whose tombstone event records it. */
  stream_id: string;
  /**
   * report, attachment, mail, or breach_contacts (lines of a breach record's contact list; the
   * target is `<breach id>:<seq of the tombstone>`, as the people are not named).
   */
  target_type: string;
  target_id: string;
  /** contact (report), file (attachment), body or sender (mail), contact or list (breach_contacts). */
  field: string;
  /** retention or request. */
  rule: string;
  reason: string;
  /** HMAC-SHA256 under the server key of what was removed (canonical JSON). */
  removed_hash: string;
  /**
   * breach_contacts: how many lines of the contact list were removed (the tombstone's `count`;
   * filled in for the older rows by migration 2026-12-07-0200). Null for the other targets.
   */
  lines: number | null;
  actor_id: string | null;
  at: number;
  /** The stored file to remove, and when the file store confirmed it gone. */
  file_key: string | null;
  file_removed_at: number | null;
}

export interface Database {
  redactions: RedactionsTable;
  files: FilesTable;
  stored_objects: StoredObjectsTable;
  mail_imap_mailboxes: MailImapMailboxesTable;
  leases: LeasesTable;
  mail_team_keys: MailTeamKeysTable;
  mail_sender_keys: MailSenderKeysTable;
  mail_reply_tokens: MailReplyTokensTable;
  inbound_mail: InboundMailTable;
  events: EventsTable;
  streams: StreamsTable;
  key_sequences: KeySequencesTable;
  policy_versions: PolicyVersionsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  calendar_feeds: CalendarFeedsTable;
  recovery_codes: RecoveryCodesTable;
  one_time_links: OneTimeLinksTable;
  sign_in_counters: SignInCountersTable;
  oidc_logins: OidcLoginsTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  ledger: LedgerTable;
  ledger_head: LedgerHeadTable;
  incidents: IncidentsTable;
  incident_report_links: IncidentReportLinksTable;
  incident_owner_history: IncidentOwnerHistoryTable;
  incident_panel_members: IncidentPanelMembersTable;
  incident_panel_votes: IncidentPanelVotesTable;
  incident_role_assignments: IncidentRoleAssignmentsTable;
  incident_tasks: IncidentTasksTable;
  incident_containment_actions: IncidentContainmentActionsTable;
  containment_hooks: ContainmentHooksTable;
  incident_decisions: IncidentDecisionsTable;
  incident_participants: IncidentParticipantsTable;
  incident_milestones: IncidentMilestonesTable;
  line_history: LineHistoryTable;
  reports: ReportsTable;
  breaches: BreachesTable;
  breach_determinations: BreachDeterminationsTable;
  breach_submissions: BreachSubmissionsTable;
  breach_notices: BreachNoticesTable;
  breach_contacts: BreachContactsTable;
  postmortems: PostmortemsTable;
  postmortem_sections: PostmortemSectionsTable;
  postmortem_follow_ups: PostmortemFollowUpsTable;
  alert_tuning_answers: AlertTuningAnswersTable;
  programme_activities: ProgrammeActivitiesTable;
  exercise_reports: ExerciseReportsTable;
  report_attachments: ReportAttachmentsTable;
  report_messages: ReportMessagesTable;
  report_identity_verifications: ReportIdentityVerificationsTable;
  public_removal_tasks: PublicRemovalTasksTable;
  portal_sessions: PortalSessionsTable;
  report_access_log: ReportAccessLogTable;
  rate_limit_counters: RateLimitCountersTable;
  outbox: OutboxTable;
  outbox_attempts: OutboxAttemptsTable;
  webhook_endpoints: WebhookEndpointsTable;
  notification_preferences: NotificationPreferencesTable;
  notification_quiet_hours: NotificationQuietHoursTable;
  notification_slack_members: NotificationSlackMembersTable;
  notification_ntfy_topics: NotificationNtfyTopicsTable;
  notification_phone_numbers: NotificationPhoneNumbersTable;
  push_vapid_keys: PushVapidKeysTable;
  push_subscriptions: PushSubscriptionsTable;
  deadlines: DeadlinesTable;
  status_components: StatusComponentsTable;
  status_incidents: StatusIncidentsTable;
  status_incident_components: StatusIncidentComponentsTable;
  status_incident_updates: StatusIncidentUpdatesTable;
  status_drafts: StatusDraftsTable;
  status_subscribers: StatusSubscribersTable;
  status_customers: StatusCustomersTable;
  status_stakeholders: StatusStakeholdersTable;
  status_briefings: StatusBriefingsTable;
  alert_sources: AlertSourcesTable;
  tracker_connections: TrackerConnectionsTable;
  tracker_issues: TrackerIssuesTable;
  alert_payloads: AlertPayloadsTable;
  alerts: AlertsTable;
  status_maintenances: StatusMaintenancesTable;
  status_maintenance_updates: StatusMaintenanceUpdatesTable;
  vulnerabilities: VulnerabilitiesTable;
  pages: PagesTable;
  page_recipients: PageRecipientsTable;
  oncall_schedules: OncallSchedulesTable;
}

export type Db = Kysely<Database>;
/** Anything a query can run on: the database or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;
export type Dialect = 'sqlite' | 'postgres';

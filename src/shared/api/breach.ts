// The breach HTTP contract: /api/v1/incidents/{ref}/breach... Times are RFC 3339 (see times.ts).
// Only the legal role and admins (breach.read) see a record's details; everyone else who may see
// the incident sees that a record exists and its clocks.
import { z } from 'zod';
import {
  BREACH_NATURES,
  BREACH_STATUSES,
  DETERMINATION_KINDS,
  RISK_LEVELS,
  RISK_LIKELIHOODS,
  RISK_SEVERITIES,
  NOTICE_STATUSES,
  STAGE_AUDIENCES,
  SUBMISSION_PARTS,
} from '../domain/breach.ts';
import { Time, TimeInput } from './times.ts';

const text = (max: number) => z.string().max(max);
const count = z
  .number({ error: 'must be a whole number of 0 or more' })
  .int('must be a whole number of 0 or more')
  .nonnegative('must be a whole number of 0 or more');

/** An approximate number: the count and whether it is an estimate. */
export const Approximate = z.object({
  count: count.nullable(),
  estimate: z.boolean().default(true),
});

export const DataCategory = z.object({
  name: z.string().min(1, 'must not be empty').max(200),
  /** A special category (GDPR Art. 9: health, biometrics, beliefs...) or criminal records. */
  special: z.boolean().default(false),
});

export const Residence = z.object({
  /** A country or state, as the team writes it (e.g. "DE", "US-CA"). */
  place: z.string().min(1, 'must not be empty').max(100),
  count,
});

/** The fields of the record (GDPR Art. 33(3) and 33(5), the EDPB breach guidance). */
export const BreachFields = z.object({
  occurredFrom: TimeInput.nullable(),
  /** The end of the window when the breach lasted a while (null: a moment, or still going). */
  occurredTo: TimeInput.nullable(),
  /** How the organisation became aware (a report, monitoring, a third party...). */
  awareHow: text(2000),
  /** Who became aware first. */
  awareBy: text(200),
  nature: z.array(z.enum(BREACH_NATURES)).max(3),
  dataCategories: z.array(DataCategory).max(100),
  people: Approximate,
  records: Approximate,
  peopleCategories: z.array(z.string().min(1).max(200)).max(50),
  children: z.boolean(),
  vulnerable: z.boolean(),
  residence: z.array(Residence).max(300),
  consequences: text(20_000),
  riskLikelihood: z.enum(RISK_LIKELIHOODS).nullable(),
  riskSeverity: z.enum(RISK_SEVERITIES).nullable(),
  riskRationale: text(20_000),
  measuresTaken: text(20_000),
  measuresProposed: text(20_000),
  contactPoint: text(2000),
});
export type BreachFields = z.output<typeof BreachFields>;

export const OpenBreach = BreachFields.partial().extend({
  status: z.enum(['suspected', 'confirmed']).default('suspected'),
});
export type OpenBreach = z.output<typeof OpenBreach>;

export const UpdateBreach = BreachFields.partial().extend({
  status: z.enum(BREACH_STATUSES).optional(),
  /** Why the status changed (required with a status of not_a_breach or closed). */
  statusReason: text(5000).optional(),
});
export type UpdateBreach = z.output<typeof UpdateBreach>;

export const RecordDetermination = z.object({
  kind: z.enum(DETERMINATION_KINDS),
  /** Yes or no: a "no" is the decision not to notify under the regimes it triggers. */
  value: z.boolean(),
  /** The moment it refers to (when the team became aware); left out: now. Not in the future. */
  at: TimeInput.optional(),
  rationale: z.string().min(1, 'must not be empty: say why').max(20_000),
});
export type RecordDetermination = z.output<typeof RecordDetermination>;

export const RecordSubmission = z.object({
  regimeId: z.string().min(1).max(40),
  stageId: z.string().min(1).max(40),
  /** initial, additional or final; a stage that is not phased takes one submission (final). */
  part: z.enum(SUBMISSION_PARTS).default('final'),
  /** When it was sent or filed; not in the future, not before the stage's clock started. */
  submittedAt: TimeInput,
  /** To whom (the authority, its portal, the people affected). */
  recipient: z.string().min(1, 'must not be empty').max(500),
  /** The recipient's reference or case number ('' when it gave none). */
  reference: z.string().max(500).default(''),
  /** A frozen copy of exactly what was sent: stored, and its SHA-256 kept on the record. */
  copy: z.object({
    mediaType: z
      .enum(['text/plain', 'text/markdown', 'text/html', 'application/json'])
      .default('text/plain'),
    text: z.string().min(1, 'must not be empty: the frozen copy of what was sent').max(1_000_000),
  }),
  /** Required when the stage was due before `submittedAt`: why it is late (GDPR Art. 33(1)). */
  delayReasons: z.string().max(20_000).default(''),
});
export type RecordSubmission = z.output<typeof RecordSubmission>;

/** A new draft notice for a stage: its text is written from the record for the stage's audience. */
export const DraftNotice = z.object({
  regimeId: z.string().min(1).max(40),
  stageId: z.string().min(1).max(40),
});
export type DraftNotice = z.output<typeof DraftNotice>;

export const EditNotice = z.object({
  subject: z.string().trim().min(1, 'must not be empty').max(250),
  /** For the people affected, {name} becomes each person's name when it is sent. */
  text: z.string().trim().min(1, 'must not be empty').max(100_000),
});
export type EditNotice = z.output<typeof EditNotice>;

export const SendNotice = z.object({
  /** Required when the stage is already due: why it is late. */
  delayReasons: z.string().max(20_000).default(''),
});

export const NoticeRef = z.object({
  ref: z.string().min(1).max(100),
  noticeId: z.string().uuid('must be a notice id'),
});

export const NoticeJson = z.object({
  id: z.string(),
  audience: z.enum(STAGE_AUDIENCES),
  regimeId: z.string(),
  stageId: z.string(),
  subject: z.string(),
  text: z.string(),
  /** draft (editable), approved (frozen, may go out), sent (to the people affected). */
  status: z.enum(NOTICE_STATUSES),
  /** SHA-256 of the approved subject and text (subject, blank line, text). */
  sha256: z.string().nullable(),
  draftedAt: Time,
  draftedBy: z.string().nullable(),
  approvedAt: Time.nullable(),
  approvedBy: z.string().nullable(),
  sentAt: Time.nullable(),
  recipients: z.number().int().nullable(),
});

/** Erasure of one person from the contact list on request (GDPR): their address and why. */
export const ContactErasureInput = z.strictObject({
  email: z.string().trim().min(1, 'is required').max(320),
  reason: z.string().trim().min(1, 'is required').max(2000),
});
export type ContactErasureInput = z.infer<typeof ContactErasureInput>;

export const ContactErasure = z.object({
  /** How many lines of the list had the address (all are removed). */
  count: z.number().int(),
  at: Time,
});
export type ContactErasure = z.infer<typeof ContactErasure>;

export const ContactImportResponse = z.object({
  /** How many people are on the list now (the import replaces the earlier list). */
  imported: z.number().int(),
  header: z.array(z.string()),
  /** Lines left out, with why (no address, a repeated address). */
  refused: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  /** Lines whose bytes were not UTF-8: kept, with U+FFFD in their place. */
  brokenEncodingLines: z.array(z.number().int()),
});

export const DeliveryJson = z.object({
  line: z.number().int(),
  name: z.string(),
  email: z.string(),
  /** not_sent, pending, sending, delivered or dead (given up after the retries). */
  status: z.string(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  deliveredAt: Time.nullable(),
});
export const DeliveriesResponse = z.object({ items: z.array(DeliveryJson) });

export const SubmissionJson = z.object({
  regimeId: z.string(),
  stageId: z.string(),
  part: z.enum(SUBMISSION_PARTS),
  submittedAt: Time,
  recipient: z.string(),
  reference: z.string(),
  copy: z.object({ mediaType: z.string(), text: z.string(), sha256: z.string() }),
  dueAt: Time.nullable(),
  late: z.boolean(),
  delayReasons: z.string(),
  recordedBy: z.string().nullable(),
  recordedAt: Time,
});

export const DeterminationJson = z.object({
  kind: z.enum(DETERMINATION_KINDS),
  value: z.boolean(),
  at: Time,
  rationale: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: Time,
  /** For determinations other than became_aware: milliseconds from awareness to this decision. */
  tookMs: z.number().int().nullable(),
});

export const StageClockJson = z.object({
  regimeId: z.string(),
  regimeName: z.string(),
  stageId: z.string(),
  stageName: z.string(),
  recipient: z.string(),
  /**
   * stopped: it had started, and the record was then found not to be a breach; not_required:
   * the record's counts do not meet the stage's condition (the policy's `when`).
   */
  status: z.enum(['waiting', 'running', 'submitted', 'stopped', 'not_required']),
  startedAt: Time.nullable(),
  dueAt: Time.nullable(),
  submittedAt: Time.nullable(),
  late: z.boolean(),
});

export const RegimeClockJson = z.object({
  regimeId: z.string(),
  name: z.string(),
  trigger: z.enum(DETERMINATION_KINDS),
  /** true: the trigger was determined yes; false: no (decided not to notify); null: undetermined. */
  applies: z.boolean().nullable(),
  stages: z.array(StageClockJson),
});

/**
 * A tombstone of the contact list: one person's lines erased on request (`scope: contact`, an
 * admin's reason) or the whole list removed by the retention rule (`scope: list`), and how many
 * lines went; never who.
 */
export const ContactRedactionJson = z.object({
  scope: z.enum(['contact', 'list']),
  count: z
    .number()
    .int()
    .meta({ description: 'how many contact-list lines were removed (never who they were)' }),
  rule: z.enum(['retention', 'request']),
  reason: z.string(),
  at: Time,
});
export type ContactRedactionJson = z.infer<typeof ContactRedactionJson>;

const ApproximateJson = z.object({ count: z.number().int().nullable(), estimate: z.boolean() });

export const BreachDetailsJson = z.object({
  status: z.enum(BREACH_STATUSES),
  occurredFrom: Time.nullable(),
  occurredTo: Time.nullable(),
  awareHow: z.string(),
  awareBy: z.string(),
  nature: z.array(z.enum(BREACH_NATURES)),
  dataCategories: z.array(z.object({ name: z.string(), special: z.boolean() })),
  people: ApproximateJson,
  records: ApproximateJson,
  peopleCategories: z.array(z.string()),
  children: z.boolean(),
  vulnerable: z.boolean(),
  residence: z.array(z.object({ place: z.string(), count: z.number().int() })),
  consequences: z.string(),
  riskLikelihood: z.enum(RISK_LIKELIHOODS).nullable(),
  riskSeverity: z.enum(RISK_SEVERITIES).nullable(),
  /** From likelihood and severity: none, risk or high; null until both are assessed. */
  riskLevel: z.enum(RISK_LEVELS).nullable(),
  riskRationale: z.string(),
  measuresTaken: z.string(),
  measuresProposed: z.string(),
  contactPoint: z.string(),
  determinations: z.array(DeterminationJson),
  submissions: z.array(SubmissionJson),
  notices: z.array(NoticeJson),
  /** The contact list's tombstones (erasures, the retention rule), oldest first. */
  contactRedactions: z.array(ContactRedactionJson),
});

export const BreachResponse = z.object({
  id: z.string(),
  incidentKey: z.string(),
  openedAt: Time,
  version: z.number().int(),
  regimes: z.array(RegimeClockJson),
  /** The record itself: null for those without breach.read (they see only that it exists). */
  details: BreachDetailsJson.nullable(),
});
export type BreachResponse = z.infer<typeof BreachResponse>;

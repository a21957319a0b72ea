// The status page's staff contract: /api/v1/status (components, public incidents and their
// updates). The public, Statuspage-compatible answers are in statuspage.ts. Text is stored and
// returned exactly as sent; update bodies are Markdown, rendered safely on the page.
import { z } from 'zod';
import {
  COMPONENT_STATUSES,
  INCIDENT_IMPACTS,
  MAINTENANCE_STATUSES,
  PUBLIC_INCIDENT_STATUSES,
} from '../domain/status.ts';
import { Time, TimeInput } from './times.ts';

const text = (max: number) => z.string().min(1, 'must not be empty').max(max);
const id = z.string().min(1).max(100);
const expectedVersion = z.number().int().nonnegative().optional();

export const ComponentStatusEnum = z.enum(COMPONENT_STATUSES);
export const ImpactEnum = z.enum(INCIDENT_IMPACTS);
export const PublicIncidentStatusEnum = z.enum(PUBLIC_INCIDENT_STATUSES);

export const StatusComponentRef = z.object({ id });
export const PublicIncidentRef = z.object({ id });

export const StatusComponent = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  /** The group it sits in, or null. */
  groupId: z.string().nullable(),
  /** A group holds components and shows the worst of their statuses. */
  isGroup: z.boolean(),
  position: z.number().int(),
  /** Shown on the public page only while it is not operational. */
  onlyShowIfDegraded: z.boolean(),
  /** The status set on the component itself. */
  status: ComponentStatusEnum,
  /** What the page shows: the status made worse by unresolved incidents (a group: its worst). */
  shownStatus: ComponentStatusEnum,
  createdAt: Time,
  updatedAt: Time,
});
export const StatusComponentList = z.object({ items: z.array(StatusComponent) });

export const CreateStatusComponent = z.object({
  name: text(200),
  description: z.string().max(1000).nullable().default(null),
  groupId: id.nullable().default(null),
  isGroup: z.boolean().default(false),
  position: z.number().int().min(0).max(100_000).optional(),
  onlyShowIfDegraded: z.boolean().default(false),
});

export const UpdateStatusComponent = z.object({
  name: text(200).optional(),
  description: z.string().max(1000).nullable().optional(),
  groupId: id.nullable().optional(),
  position: z.number().int().min(0).max(100_000).optional(),
  onlyShowIfDegraded: z.boolean().optional(),
  /** Set by hand, e.g. degraded without a public incident; incidents may show worse. */
  status: ComponentStatusEnum.optional(),
});

const ComponentSetting = z.object({ componentId: id, status: ComponentStatusEnum });

export const AffectedComponent = z.object({
  componentId: z.string(),
  name: z.string(),
  oldStatus: ComponentStatusEnum,
  newStatus: ComponentStatusEnum,
});

export const PublicIncidentUpdate = z.object({
  id: z.string(),
  status: PublicIncidentStatusEnum,
  /** Markdown, exactly as published. */
  body: z.string(),
  displayAt: Time,
  createdAt: Time,
  /** The staff member who published it (never shown publicly). */
  createdBy: z.string().nullable(),
  affectedComponents: z.array(AffectedComponent),
});

export const PublicIncident = z.object({
  id: z.string(),
  name: z.string(),
  impact: ImpactEnum,
  status: PublicIncidentStatusEnum,
  startedAt: Time,
  monitoringAt: Time.nullable(),
  resolvedAt: Time.nullable(),
  createdAt: Time,
  updatedAt: Time,
  version: z.number().int(),
  /** The status this incident sets on each component it affects. */
  components: z.array(z.object({ componentId: z.string(), status: ComponentStatusEnum })),
  /** Oldest first. */
  updates: z.array(PublicIncidentUpdate),
  /** The internal incident it speaks for, only to those who may see that incident. */
  internalIncident: z.object({ id: z.string(), key: z.string() }).nullable(),
  /** Its page on the public status page. */
  url: z.string(),
});
export const PublicIncidentList = z.object({ items: z.array(PublicIncident) });

export const PublishUpdate = z.object({
  status: PublicIncidentStatusEnum,
  body: text(20_000),
  /** Backdate the time shown (not in the future). */
  displayAt: TimeInput.nullable().default(null),
  /** The status this incident sets on components; on resolving, those it affected recover. */
  components: z.array(ComponentSetting).max(200).default([]),
  /** Posting an active status on a resolved incident reopens it: say so. */
  reopen: z.boolean().default(false),
  expectedVersion,
});

export const CreatePublicIncident = z.object({
  name: text(300),
  impact: ImpactEnum.default('none'),
  status: PublicIncidentStatusEnum.default('investigating'),
  /** The first update, Markdown. */
  body: text(20_000),
  displayAt: TimeInput.nullable().default(null),
  /** When it began, if earlier than now (not in the future). */
  startedAt: TimeInput.nullable().default(null),
  components: z.array(ComponentSetting).max(200).default([]),
  /** The internal incident (key or id) it speaks for; staff only, never shown publicly. */
  internalIncident: z.string().min(1).max(100).nullable().default(null),
});

export const UpdatePublicIncident = z.object({
  name: text(300).optional(),
  impact: ImpactEnum.optional(),
  /** Link to an internal incident (key or id), or null to unlink. */
  internalIncident: z.string().min(1).max(100).nullable().optional(),
  expectedVersion,
});

export const PublicIncidentListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

// Four-eyes publishing: a draft written by one member of staff, published when another approves.

export const StatusDraftRef = z.object({ id });

/** A draft: a new public incident (publicIncidentId null) or an update on an existing one. */
export const CreateStatusDraft = z.object({
  /** The public incident to update; null (or left out) opens a new one. */
  publicIncidentId: id.nullable().default(null),
  /** A new incident's name (required then), or a new name published with the update. */
  name: text(300).optional(),
  impact: ImpactEnum.optional(),
  /** A new incident only: when it began, if earlier than now. */
  startedAt: TimeInput.nullable().optional(),
  /** A new incident only: the internal incident (key or id) it speaks for; staff only. */
  internalIncident: z.string().min(1).max(100).nullable().optional(),
  status: PublicIncidentStatusEnum.default('investigating'),
  /** Markdown, published exactly as written once approved. */
  body: text(20_000),
  displayAt: TimeInput.nullable().default(null),
  components: z.array(ComponentSetting).max(200).default([]),
  reopen: z.boolean().default(false),
});

export const DraftStageEnum = z.enum(['pending', 'published', 'rejected']);

export const StatusDraft = z.object({
  id: z.string(),
  /** pending until a second person approves (published) or rejects it. */
  stage: DraftStageEnum,
  /** The public incident it updates; null: it opens a new one. */
  publicIncidentId: z.string().nullable(),
  /** The incident's version it was written against: approving needs the incident unchanged. */
  incidentVersion: z.number().int().nullable(),
  /** A new incident's name, impact, start and (to those who may see it) internal incident. */
  opens: z
    .object({
      name: z.string(),
      impact: ImpactEnum,
      startedAt: Time.nullable(),
      internalIncident: z.object({ id: z.string(), key: z.string() }).nullable(),
    })
    .nullable(),
  /** A new name or impact for an existing incident, published with the update. */
  changes: z.object({ name: z.string().optional(), impact: ImpactEnum.optional() }),
  update: z.object({
    status: PublicIncidentStatusEnum,
    body: z.string(),
    displayAt: Time.nullable(),
    components: z.array(z.object({ componentId: z.string(), status: ComponentStatusEnum })),
    reopen: z.boolean(),
  }),
  /** sha256 of the content as recorded: what the approver approves. */
  contentHash: z.string(),
  draftedBy: z.string().nullable(),
  draftedAt: Time,
  decidedBy: z.string().nullable(),
  decidedAt: Time.nullable(),
  /** Why it was rejected. */
  reason: z.string().nullable(),
  publishedIncidentId: z.string().nullable(),
  publishedUpdateId: z.string().nullable(),
  version: z.number().int(),
});
export const StatusDraftList = z.object({ items: z.array(StatusDraft) });

export const StatusDraftListQuery = z.object({
  stage: DraftStageEnum.optional(),
  publicIncidentId: id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const RejectStatusDraft = z.object({ reason: text(2000) });

export const ApprovedStatusDraft = z.object({ draft: StatusDraft, incident: PublicIncident });

/** A subscriber of the public page, as admins see them (status.manage). */
export const StatusSubscriber = z.object({
  id: z.string(),
  email: z.string(),
  /** null: every component. */
  componentIds: z.array(z.string()).nullable(),
  /** false until the address used its confirmation link; it hears nothing before. */
  confirmed: z.boolean(),
  confirmedAt: Time.nullable(),
  createdAt: Time,
});
export type StatusSubscriber = z.infer<typeof StatusSubscriber>;
export const StatusSubscriberList = z.object({ items: z.array(StatusSubscriber) });
export const StatusSubscriberRef = z.object({ id });

export const SubscriberImportQuery = z.object({
  /** true: the addresses confirmed elsewhere (another status page) and get no confirmation. */
  confirmed: z.enum(['true', 'false']).default('false'),
});
export const SubscriberImportResponse = z.object({
  imported: z.number().int(),
  /** Lines whose address already subscribed: left as they are. */
  existing: z.array(z.object({ line: z.number().int(), email: z.string() })),
  /** Whether each new address was sent a confirmation link (double opt-in). */
  confirmationSent: z.boolean(),
});

// Customers: named organisations with contacts and the components they use, told of an incident
// that affects one of them ("notify affected customers").

export const StatusCustomerRef = z.object({ id });
const CustomerContact = z.object({
  name: z.string().max(200).default(''),
  email: z.email().max(254),
});
export const StatusCustomer = z.object({
  id: z.string(),
  name: z.string(),
  componentIds: z.array(z.string()),
  contacts: z.array(z.object({ name: z.string(), email: z.string() })),
  /** The updates its contacts were sent, oldest first. */
  notices: z.array(z.object({ publicIncidentId: z.string(), updateId: z.string(), at: Time })),
  version: z.number().int(),
  createdAt: Time,
  updatedAt: Time,
});
export type StatusCustomer = z.infer<typeof StatusCustomer>;
export const StatusCustomerList = z.object({ items: z.array(StatusCustomer) });
export const CreateStatusCustomer = z.object({
  name: text(200),
  /** The components it uses (a group stands for its components). */
  componentIds: z.array(id).min(1, 'needs at least one component').max(200),
  contacts: z.array(CustomerContact).min(1, 'needs at least one contact').max(100),
});
export const UpdateStatusCustomer = CreateStatusCustomer.partial();
export const CustomersNotified = z.object({
  /** The update sent: the incident's latest published one. */
  updateId: z.string(),
  customers: z.array(z.object({ id: z.string(), name: z.string(), contacts: z.number().int() })),
});

// Scheduled maintenance: a window announced to customers, moved to in progress and completed by
// the scheduler at its edges.

export const MaintenanceStatusEnum = z.enum(MAINTENANCE_STATUSES);
export const MaintenanceRef = z.object({ id });

export const MaintenanceUpdate = z.object({
  id: z.string(),
  status: MaintenanceStatusEnum,
  /** Markdown, exactly as published. */
  body: z.string(),
  displayAt: Time,
  createdAt: Time,
  /** The staff member who published it (never shown publicly); null for the scheduler's moves. */
  createdBy: z.string().nullable(),
  /** Published by the scheduler at the window's edge. */
  automatic: z.boolean(),
});

export const Maintenance = z.object({
  id: z.string(),
  name: z.string(),
  status: MaintenanceStatusEnum,
  scheduledFor: Time,
  scheduledUntil: Time,
  /** The components shown under maintenance while it is in progress or verifying. */
  componentIds: z.array(z.string()),
  /** Its own notice time before the window, in minutes; null: the policy's. */
  noticeBeforeMinutes: z.number().int().nullable(),
  /** When subscribers were reminded that the window opens soon. */
  remindedAt: Time.nullable(),
  startedAt: Time.nullable(),
  completedAt: Time.nullable(),
  /** When it was called off before its window opened (its status is then completed). */
  cancelledAt: Time.nullable(),
  createdAt: Time,
  updatedAt: Time,
  version: z.number().int(),
  /** Oldest first. */
  updates: z.array(MaintenanceUpdate),
  /** Its page on the public status page. */
  url: z.string(),
});
export const MaintenanceList = z.object({ items: z.array(Maintenance) });

export const CreateMaintenance = z.object({
  name: text(300),
  /** What will be done and what customers will notice, Markdown. */
  body: text(20_000),
  scheduledFor: TimeInput,
  /** After scheduledFor, and in the future. */
  scheduledUntil: TimeInput,
  componentIds: z.array(id).max(200).default([]),
  /** Subscribers are reminded this many minutes before the window (null: the policy's time). */
  noticeBeforeMinutes: z.number().int().min(0).max(10_080).nullable().default(null),
});

export const PublishMaintenanceUpdate = z.object({
  /** A move forward (in_progress, verifying, completed); left out, the status stays. */
  status: MaintenanceStatusEnum.optional(),
  body: text(20_000),
  expectedVersion,
});

export const RescheduleMaintenance = z.object({
  /** The new window: it must differ, end after it starts, and end in the future. */
  scheduledFor: TimeInput,
  scheduledUntil: TimeInput,
  /** Minutes before the new window for the reminder; left out: as it was; null: the policy's. */
  noticeBeforeMinutes: z.number().int().min(0).max(10_080).nullable().optional(),
  /** The text telling subscribers the window moved, Markdown. */
  body: text(20_000),
  expectedVersion,
});

export const CancelMaintenance = z.object({
  /** The text telling subscribers it is called off, Markdown. */
  body: text(20_000),
  expectedVersion,
});

export const MaintenanceListQuery = z.object({
  /** upcoming: not begun; active: in progress or verifying. */
  filter: z.enum(['all', 'upcoming', 'active']).default('all'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

// Internal briefings: the stakeholder list (members of staff) briefed while incidents are active.

export const StakeholderRef = z.object({ userId: id });
export const Stakeholder = z.object({
  userId: z.string(),
  /** What they are to the team: "Executive sponsor", "Account manager". */
  label: z.string(),
  addedBy: z.string().nullable(),
  addedAt: Time,
});
export const StakeholderList = z.object({ items: z.array(Stakeholder) });
export const PutStakeholder = z.object({ label: text(200) });

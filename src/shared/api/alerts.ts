// Monitoring alerts: the sources admins manage (/api/v1/alert-sources), the alerts staff read
// (/api/v1/alerts), and what the intake endpoints (/api/v1/alert-intake/...) answer senders.
import { z } from 'zod';
import {
  ALERT_DECISIONS,
  ALERT_QUEUE_FILTERS,
  ALERT_QUEUE_STATUSES,
  ALERT_SEVERITIES,
  ALERT_SOURCE_KINDS,
  ALERT_STATUSES,
} from '../domain/alerts.ts';
import { Time, TimeInput } from './times.ts';

const id = z.string().min(1).max(100);

export const AlertSourceKindEnum = z.enum(ALERT_SOURCE_KINDS);
export const AlertSeverityEnum = z.enum(ALERT_SEVERITIES);
export const AlertStatusEnum = z.enum(ALERT_STATUSES);
export const AlertDecisionEnum = z.enum(ALERT_DECISIONS);

export const AlertSourceRef = z.object({ id });

/** Where a generic webhook's fields are: dotted paths into its JSON. */
export const GenericMappingJson = z.object({
  alerts: z.string().optional().meta({ description: 'a list of alerts in the payload' }),
  dedupKey: z.string(),
  summary: z.string(),
  severity: z.string().optional(),
  status: z.string().optional(),
  resolvedValues: z.array(z.string()).optional(),
  detectedAt: z
    .string()
    .optional()
    .meta({ description: 'the dotted path of the time the alert began (not a time itself)' }),
  labels: z.string().optional(),
  details: z.string().optional(),
});

export const AlertSource = z.object({
  id: z.string(),
  name: z.string(),
  kind: AlertSourceKindEnum,
  /** Where this source sends its payloads. */
  intakeUrl: z.string(),
  /** The key's last four characters (the key itself is shown once, when made). */
  keyHint: z.string(),
  /** Every payload must carry the HMAC-SHA256 signature of its bytes. */
  signatureCheck: z.boolean(),
  signatureHeader: z.string().nullable(),
  mapping: GenericMappingJson.nullable(),
  ratePerMinute: z.number().int(),
  enabled: z.boolean(),
  createdAt: Time,
  updatedAt: Time,
  keyRotatedAt: Time.nullable(),
});
export const AlertSourceList = z.object({ items: z.array(AlertSource) });

const name = z.string().trim().min(1, 'must not be empty').max(100);
const rate = z.number().int().min(1).max(100_000);
const header = z.string().max(100);

export const CreateAlertSource = z.object({
  name,
  kind: AlertSourceKindEnum,
  ratePerMinute: rate.optional(),
  /** Make a signing secret (shown once) and check each payload's signature. */
  signature: z.boolean().default(false),
  signatureHeader: header.optional(),
  /** generic only. */
  mapping: z.unknown().optional(),
});

export const UpdateAlertSource = z.object({
  name: name.optional(),
  enabled: z.boolean().optional(),
  ratePerMinute: rate.optional(),
  signatureHeader: header.optional(),
  mapping: z.unknown().optional(),
});

/** The key and signing secret are in this answer only; Stopline keeps a hash and a sealed copy. */
export const AlertSourceCreated = z.object({
  source: AlertSource,
  key: z.string(),
  signingSecret: z.string().nullable(),
});
export const AlertSourceKey = z.object({ source: AlertSource, key: z.string() });
export const AlertSourceSigningSecret = z.object({
  source: AlertSource,
  signingSecret: z.string(),
});

export const AlertLinkJson = z.object({ href: z.string(), text: z.string() });

export const AlertRoutingJson = z.object({
  decision: AlertDecisionEnum,
  /** The policy's alert rule that decided (null: none matched; it waits for triage). */
  ruleId: z.string().nullable(),
  policyHash: z.string(),
  policyRevision: z.string(),
  groupKey: z.string().nullable(),
  incidentId: z.string().nullable(),
  decidedAt: Time,
});

export const AlertJson = z.object({
  id: z.string(),
  sourceId: z.string(),
  sourceName: z.string(),
  dedupKey: z.string(),
  status: AlertStatusEnum,
  severity: AlertSeverityEnum,
  summary: z.string(),
  origin: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  links: z.array(AlertLinkJson),
  details: z.record(z.string(), z.unknown()),
  /** The alert's own detection time (the tool's start time), or when it arrived. */
  detectedAt: Time,
  firstSeenAt: Time,
  lastSeenAt: Time,
  acknowledgedAt: Time.nullable(),
  resolvedAt: Time.nullable(),
  /** How many times it fired. */
  count: z.number().int(),
  lastPayloadId: z.string(),
  routing: AlertRoutingJson.nullable(),
  /** Where it stands in the triage queue now (snoozed, noise: a person's decision). */
  queueStatus: z.enum(ALERT_QUEUE_STATUSES),
  /** Similar alerts share the source and this key (alertname, class or service label; else the dedup key). */
  similarKey: z.string(),
  snoozedUntil: Time.nullable(),
  noise: z.object({ reason: z.string(), at: Time, by: z.string().nullable() }).nullable(),
});
export const AlertList = z.object({ items: z.array(AlertJson), nextBefore: Time.nullable() });
export const AlertRef = z.object({ id });

export const AlertRecordEvent = z.object({
  seq: z.number().int(),
  type: z.string(),
  at: Time,
  data: z.record(z.string(), z.unknown()),
  /** Who decided (a person triaging); null: monitoring or the policy. */
  by: z.string().nullable(),
  hash: z.string(),
});
export const AlertDetail = z.object({ alert: AlertJson, record: z.array(AlertRecordEvent) });

/** A label filter, `name=value`. */
const LabelFilter = z
  .string()
  .max(600)
  .regex(/^[^=]+=.*$/, 'must be name=value')
  .transform((text) => {
    const at = text.indexOf('=');
    return { name: text.slice(0, at), value: text.slice(at + 1) };
  })
  .meta({ example: 'alertname=HighErrorRate' });

/** What the queue filters by (GET /api/v1/alerts and /api/v1/alerts/groups). */
const AlertFilterQuery = z.object({
  status: z.enum(ALERT_QUEUE_FILTERS).optional().meta({
    description:
      'Where it stands in the queue: firing, acknowledged (neither snoozed nor noise), resolved, snoozed, noise; open: firing or acknowledged, not snoozed, not noise, in no incident (waits for triage)',
  }),
  sourceId: id.optional(),
  severity: AlertSeverityEnum.optional(),
  decision: AlertDecisionEnum.optional(),
  incidentId: id.optional(),
  q: z.string().trim().min(1).max(200).optional().meta({ description: 'Words in the summary' }),
  label: LabelFilter.optional(),
  similarKey: z.string().min(1).max(600).optional(),
});

export const AlertListQuery = AlertFilterQuery.extend({
  before: TimeInput.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const AlertGroupQuery = AlertFilterQuery.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const AlertGroupJson = z.object({
  sourceId: z.string(),
  sourceName: z.string(),
  similarKey: z.string(),
  count: z.number().int(),
  lastSeenAt: Time,
});
export const AlertGroupList = z.object({ items: z.array(AlertGroupJson) });

// ── Triage: a person's decisions on alerts selected in the queue ─────────────────────────

const AlertIds = z
  .array(id)
  .min(1, 'select at least one alert')
  .max(100)
  .refine((ids) => new Set(ids).size === ids.length, 'must not name an alert twice');

export const AlertSelection = z.object({ alertIds: AlertIds });
export const SnoozeAlerts = z.object({ alertIds: AlertIds, until: TimeInput });
export const MarkAlertsNoise = z.object({
  alertIds: AlertIds,
  reason: z.string().trim().min(1, 'must say why it is noise').max(2000),
});
export const OpenIncidentFromAlerts = z.object({
  alertIds: AlertIds,
  title: z.string().trim().max(200).optional(),
  /**
   * A severity of the policy to open with (default: none, set after verify & reproduce). Before
   * a reproduction the policy's rule holds: only the security lead may, with `severityOverride`.
   */
  severity: z.string().trim().min(1).max(50).optional(),
  severityRationale: z.string().trim().max(5000).optional(),
  severityOverride: z.object({ reason: z.string().trim().min(1).max(5000) }).optional(),
});
export const AttachAlerts = z.object({
  alertIds: AlertIds,
  /** The open incident's id or key. */
  incident: z.string().trim().min(1).max(100),
});
export const TriagedAlerts = z.object({ items: z.array(AlertJson) });
export const AlertsInIncident = z.object({
  incident: z.object({ id: z.string(), key: z.string() }),
  items: z.array(AlertJson),
});

export const TuningProposalJson = z.object({
  /** The same detection rule proposes one follow-up, however many alerts are noise. */
  proposalId: z.string(),
  sourceId: z.string(),
  sourceName: z.string(),
  similarKey: z.string(),
  title: z.string(),
  alertCount: z.number().int(),
  lastMarkedAt: Time,
  reasons: z.array(
    z.object({ alertId: z.string(), reason: z.string(), at: Time, by: z.string().nullable() }),
  ),
  /**
   * `proposed` until answered once: `taken` as a stand-alone follow-up (`followUpId`, in
   * GET /api/v1/follow-ups), or `declined` with the reason.
   */
  status: z.enum(['proposed', 'taken', 'declined']),
  answer: z
    .object({
      followUpId: z.string().nullable(),
      reason: z.string().nullable(),
      by: z.string().nullable(),
      at: Time,
    })
    .nullable(),
});
export const TuningProposalList = z.object({ items: z.array(TuningProposalJson) });

export const TuningProposalRef = z.object({
  /** `tune:<sourceId>:<similarKey>` (GET /api/v1/alerts/tuning-proposals). */
  proposalId: z.string().min(1).max(600),
});

export const TakeTuningProposal = z.object({
  /** Who tunes the rule: an active member of staff; you when left out. */
  ownerId: z.string().min(1).max(100).optional(),
  /** In the future. */
  dueAt: TimeInput,
  priority: z.enum(['high', 'medium', 'low']).default('medium'),
  /** The follow-up's title; the proposal's own when left out. */
  title: z.string().trim().min(1, 'must not be empty').max(500).optional(),
});

export const DeclineTuningProposal = z.object({
  /** Why the rule will not be tuned, recorded with the decision. */
  reason: z.string().trim().min(1, 'must not be empty').max(2000),
});

// ── What senders get ─────────────────────────────────────────────────────────────────────

/** PagerDuty Events API v2's answer to an accepted event. */
export const PagerDutyAccepted = z.object({
  status: z.literal('success'),
  message: z.string(),
  dedup_key: z.string(),
});

/** A webhook payload accepted: one result per alert in it. */
export const WebhookAccepted = z.object({
  status: z.literal('success'),
  payloadId: z.string(),
  alerts: z.number().int(),
  results: z.array(
    z.object({
      dedupKey: z.string(),
      alertId: z.string().nullable(),
      outcome: z.enum(['new', 'update', 'none']),
    }),
  ),
});

/** PagerDuty Events API v2's event, as documented (checked by the server, field by field). */
export const PagerDutyEventBody = z
  .object({
    routing_key: z.string(),
    event_action: z.enum(['trigger', 'acknowledge', 'resolve']),
    dedup_key: z.string().optional(),
    payload: z
      .object({
        summary: z.string(),
        source: z.string(),
        severity: AlertSeverityEnum,
        timestamp: z.string().optional(),
        component: z.string().optional(),
        group: z.string().optional(),
        class: z.string().optional(),
        custom_details: z.unknown().optional(),
      })
      .optional(),
    links: z.array(z.object({ href: z.string(), text: z.string().optional() })).optional(),
    images: z
      .array(z.object({ src: z.string(), href: z.string().optional(), alt: z.string().optional() }))
      .optional(),
  })
  .meta({ description: 'A PagerDuty Events API v2 event' });

/** Alertmanager's webhook payload (version 4); Grafana sends the same with its own fields. */
export const AlertmanagerWebhookBody = z
  .object({
    version: z.string().optional(),
    status: z.enum(['firing', 'resolved']).optional(),
    alerts: z.array(
      z.looseObject({
        status: z.enum(['firing', 'resolved']),
        labels: z.record(z.string(), z.string()),
        annotations: z.record(z.string(), z.string()).optional(),
        // Read tolerantly (a time that does not parse counts as not said), described as what the tools send.
        startsAt: z.string().optional().meta({ format: 'date-time' }),
        endsAt: z.string().optional().meta({ format: 'date-time' }),
        fingerprint: z.string().optional(),
      }),
    ),
  })
  .loose()
  .meta({ description: 'A Prometheus Alertmanager (v4) or Grafana alerting webhook payload' });

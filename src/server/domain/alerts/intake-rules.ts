// What each monitoring tool sends, read as signals: pure, from the parsed JSON of a payload to
// what it says about which alert (trigger, acknowledge or resolve, by dedup key). The shapes are
// the tools' own: PagerDuty's Events API v2, Prometheus Alertmanager's webhook (version 4),
// Grafana's alerting webhook (Alertmanager's shape and Grafana's fields), and a generic JSON
// webhook read through the mapping in the source's settings. A payload that is not what the tool
// sends is a VALIDATION error naming each field; nothing of it becomes a signal.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ALERT_SEVERITIES, type AlertSeverity } from '../../../shared/domain/alerts.ts';
import { AppError, type FieldError } from '../../errors.ts';

export type SignalAction = 'trigger' | 'acknowledge' | 'resolve';

export interface AlertLink {
  href: string;
  text: string;
}

/** One alert as a sender reported it. */
export interface AlertSignal {
  action: SignalAction;
  dedupKey: string;
  summary: string;
  severity: AlertSeverity;
  /** Where it happened (PagerDuty's source, Alertmanager's instance label). */
  origin: string | null;
  labels: Record<string, string>;
  links: AlertLink[];
  /** custom_details, annotations or the mapped details; deep nesting is cut (the raw is kept). */
  details: Record<string, unknown>;
  /** When the tool says the alert began (startsAt, payload.timestamp); null: not said. */
  detectedAt: number | null;
  /** Alertmanager's endsAt of a resolved alert. */
  endedAt: number | null;
}

/** How a generic JSON webhook's fields are found: dotted paths into the payload. */
export interface GenericMapping {
  /** A list of alerts in the payload; left out, the payload is one alert. */
  alerts?: string | undefined;
  dedupKey: string;
  summary: string;
  severity?: string | undefined;
  status?: string | undefined;
  /** Values of `status` that mean resolved (compared without case). */
  resolvedValues: string[];
  detectedAt?: string | undefined;
  labels?: string | undefined;
  details?: string | undefined;
}

const MAX_DEPTH = 16;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const MAX_DETAILS_BYTES = 64 * 1024;
const MAX_TEXT = 1024;

/** Nesting beyond MAX_DEPTH is replaced by a marker; the raw payload keeps all of it. */
export function cutDeep(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[nested too deeply: see the raw payload]';
  if (Array.isArray(value)) return value.map((v) => cutDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = cutDeep(v, depth + 1);
  return out;
}

function detailsOf(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  const cut = cutDeep(value);
  const object =
    typeof cut === 'object' && !Array.isArray(cut)
      ? (cut as Record<string, unknown>)
      : { value: cut };
  const size = Buffer.byteLength(JSON.stringify(object));
  return size > MAX_DETAILS_BYTES ? { truncated: `${size} bytes: see the raw payload` } : object;
}

const clip = (text: string, max = MAX_TEXT) => (text.length > max ? text.slice(0, max) : text);

/** Tools' own words for severity, mapped onto PagerDuty's four. */
export function mapSeverity(value: unknown): AlertSeverity {
  const word = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if ((ALERT_SEVERITIES as readonly string[]).includes(word)) return word as AlertSeverity;
  if (['crit', 'page', 'p0', 'p1', 'emergency', 'fatal', 'disaster'].includes(word))
    return 'critical';
  if (['high', 'major', 'err', 'p2', 'alert'].includes(word)) return 'error';
  if (['warn', 'medium', 'minor', 'average', 'p3'].includes(word)) return 'warning';
  return 'info';
}

function fieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || 'body',
    message: issue.message,
  }));
}

export function invalidEvent(errors: FieldError[], message = 'Event object is invalid'): AppError {
  return new AppError('VALIDATION', message, { errors });
}

const time = (text: string | undefined | null): number | null => {
  if (!text) return null;
  const ms = Date.parse(text);
  // Alertmanager's zero time (0001-01-01) means "not set".
  return Number.isNaN(ms) || ms <= 0 ? null : ms;
};

const isoTime = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 date-time');

// ── PagerDuty Events API v2 ──────────────────────────────────────────────────────────────

const PdLink = z.object({ href: z.string().max(2048), text: z.string().max(1024).optional() });
const PdImage = z.object({
  src: z.string().max(2048),
  href: z.string().max(2048).optional(),
  alt: z.string().max(1024).optional(),
});

export const PagerDutyEvent = z.object({
  routing_key: z.string().min(1, 'is required'),
  event_action: z.enum(['trigger', 'acknowledge', 'resolve'], {
    error: 'must be trigger, acknowledge or resolve',
  }),
  dedup_key: z.string().min(1).max(255, 'must be at most 255 characters').optional(),
  client: z.string().max(1024).optional(),
  client_url: z.string().max(2048).optional(),
  payload: z
    .object({
      summary: z.string().min(1, 'is required').max(1024, 'must be at most 1024 characters'),
      source: z.string().min(1, 'is required').max(1024),
      severity: z.enum(ALERT_SEVERITIES, { error: 'must be critical, error, warning or info' }),
      timestamp: isoTime.optional(),
      component: z.string().max(1024).optional(),
      group: z.string().max(1024).optional(),
      class: z.string().max(1024).optional(),
      custom_details: z.unknown().optional(),
    })
    .optional(),
  links: z.array(PdLink).max(50).optional(),
  images: z.array(PdImage).max(50).optional(),
});
export type PagerDutyEvent = z.infer<typeof PagerDutyEvent>;

/**
 * A PagerDuty event as a signal; `newKey` makes the dedup key of a trigger that sent none (the
 * sender gets it back). Acknowledge and resolve need the dedup key; a trigger needs the payload.
 */
export function readPagerDuty(body: unknown, newKey: () => string): AlertSignal {
  const parsed = PagerDutyEvent.safeParse(body);
  if (!parsed.success) throw invalidEvent(fieldErrors(parsed.error));
  const e = parsed.data;
  if (e.event_action !== 'trigger') {
    if (!e.dedup_key) throw invalidEvent([{ field: 'dedup_key', message: 'is required' }]);
  } else if (!e.payload) {
    throw invalidEvent([{ field: 'payload', message: 'is required for a trigger' }]);
  }
  const p = e.payload;
  const labels: Record<string, string> = {};
  for (const key of ['component', 'group', 'class'] as const) {
    if (p?.[key] !== undefined) labels[key] = p[key];
  }
  const links = [
    ...(e.links ?? []).map((l) => ({ href: l.href, text: l.text ?? l.href })),
    ...(e.images ?? []).map((i) => ({ href: i.href ?? i.src, text: i.alt ?? i.src })),
  ];
  if (e.client_url) links.push({ href: e.client_url, text: e.client ?? e.client_url });
  return {
    action: e.event_action,
    dedupKey: e.dedup_key ?? newKey(),
    summary: p?.summary ?? '',
    severity: p?.severity ?? 'info',
    origin: p?.source ?? null,
    labels,
    links,
    details: detailsOf(p?.custom_details),
    detectedAt: time(p?.timestamp),
    endedAt: null,
  };
}

// ── Prometheus Alertmanager (webhook version 4) and Grafana ──────────────────────────────

const StringMap = z.record(z.string(), z.string());

const AmAlert = z.object({
  status: z.enum(['firing', 'resolved'], { error: 'must be firing or resolved' }),
  labels: StringMap,
  annotations: StringMap.default({}),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().max(4096).optional(),
  fingerprint: z.string().max(255).optional(),
  // Grafana's own fields.
  silenceURL: z.string().max(4096).optional(),
  dashboardURL: z.string().max(4096).optional(),
  panelURL: z.string().max(4096).optional(),
  imageURL: z.string().max(4096).optional(),
  values: z.unknown().optional(),
  valueString: z.string().optional(),
});

export const AlertmanagerWebhook = z.object({
  version: z.string().optional(),
  groupKey: z.string().optional(),
  status: z.enum(['firing', 'resolved']).optional(),
  receiver: z.string().optional(),
  groupLabels: StringMap.optional(),
  commonLabels: StringMap.optional(),
  commonAnnotations: StringMap.optional(),
  externalURL: z.string().optional(),
  truncatedAlerts: z.number().optional(),
  alerts: z.array(AmAlert),
  // Grafana's top-level fields.
  orgId: z.number().optional(),
  title: z.string().optional(),
  state: z.string().optional(),
  message: z.string().optional(),
});

/** Alertmanager's fingerprint, or (an older sender) a hash of the sorted labels. */
function fingerprintOf(labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => [k, labels[k]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
}

export function readAlertmanager(body: unknown, tool: 'alertmanager' | 'grafana'): AlertSignal[] {
  const parsed = AlertmanagerWebhook.safeParse(body);
  if (!parsed.success) throw invalidEvent(fieldErrors(parsed.error), 'Webhook payload is invalid');
  const hook = parsed.data;
  if (tool === 'alertmanager' && hook.version !== undefined && hook.version !== '4') {
    throw invalidEvent([{ field: 'version', message: 'must be "4" (Alertmanager webhook v4)' }]);
  }
  return hook.alerts.map((a) => {
    const links: AlertLink[] = [];
    const link = (href: string | undefined, text: string) => {
      if (href) links.push({ href, text });
    };
    link(a.generatorURL, 'Source');
    link(a.dashboardURL, 'Dashboard');
    link(a.panelURL, 'Panel');
    link(a.silenceURL, 'Silence');
    link(a.imageURL, 'Image');
    const summary =
      a.annotations['summary'] ??
      a.annotations['description'] ??
      a.labels['alertname'] ??
      hook.title ??
      'Alert';
    const details: Record<string, unknown> = { annotations: a.annotations };
    if (a.valueString !== undefined) details['valueString'] = a.valueString;
    if (a.values !== undefined) details['values'] = a.values;
    return {
      action: a.status === 'firing' ? 'trigger' : 'resolve',
      dedupKey: a.fingerprint || fingerprintOf(a.labels),
      summary: clip(summary),
      severity: mapSeverity(a.labels['severity'] ?? a.labels['priority']),
      origin: a.labels['instance'] ?? a.labels['job'] ?? null,
      labels: a.labels,
      links,
      details: detailsOf(details),
      detectedAt: time(a.startsAt),
      endedAt: a.status === 'resolved' ? time(a.endsAt) : null,
    };
  });
}

// ── Generic JSON with a mapping ──────────────────────────────────────────────────────────

const path = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'must be a dotted path such as alert.id');

export const GenericMappingSchema = z.strictObject({
  alerts: path.optional(),
  dedupKey: path,
  summary: path,
  severity: path.optional(),
  status: path.optional(),
  resolvedValues: z.array(z.string().min(1).max(100)).max(20).default(['resolved', 'ok']),
  detectedAt: path.optional(),
  labels: path.optional(),
  details: path.optional(),
});

function at(value: unknown, dotted: string | undefined): unknown {
  if (dotted === undefined) return undefined;
  let current = value;
  for (const part of dotted.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

const scalarText = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;

export function readGeneric(body: unknown, mapping: GenericMapping): AlertSignal[] {
  const items = mapping.alerts === undefined ? [body] : at(body, mapping.alerts);
  if (!Array.isArray(items)) {
    throw invalidEvent([{ field: mapping.alerts ?? 'body', message: 'must be a list of alerts' }]);
  }
  const errors: FieldError[] = [];
  const signals = items.map((item, i): AlertSignal => {
    const where = (field: string) =>
      mapping.alerts === undefined ? field : `${mapping.alerts}.${i}.${field}`;
    const dedupKey = scalarText(at(item, mapping.dedupKey));
    const summary = scalarText(at(item, mapping.summary));
    if (!dedupKey) errors.push({ field: where(mapping.dedupKey), message: 'is required (text)' });
    if (!summary) errors.push({ field: where(mapping.summary), message: 'is required (text)' });
    const status = scalarText(at(item, mapping.status))?.toLowerCase();
    const resolved =
      status !== undefined && mapping.resolvedValues.some((v) => v.toLowerCase() === status);
    const rawLabels = at(item, mapping.labels);
    const labels: Record<string, string> = {};
    if (rawLabels && typeof rawLabels === 'object' && !Array.isArray(rawLabels)) {
      for (const [k, v] of Object.entries(rawLabels)) {
        const text = scalarText(v);
        if (text !== null) labels[k] = clip(text);
      }
    }
    const detected = at(item, mapping.detectedAt);
    return {
      action: resolved ? 'resolve' : 'trigger',
      dedupKey: clip(dedupKey ?? '', 255),
      summary: clip(summary ?? ''),
      severity: mapSeverity(at(item, mapping.severity)),
      origin: null,
      labels,
      links: [],
      details: detailsOf(mapping.details === undefined ? item : at(item, mapping.details)),
      detectedAt:
        typeof detected === 'number'
          ? detected
          : time(typeof detected === 'string' ? detected : null),
      endedAt: null,
    };
  });
  if (errors.length > 0) throw invalidEvent(errors.slice(0, 50), 'Webhook payload is invalid');
  return signals;
}

/** Deeper than this, a payload's JSON is cut while it is read (the raw payload keeps it all). */
const MAX_READ_DEPTH = 64;

function clean(value: unknown, depth: number): unknown {
  if (typeof value === 'string') {
    return value.replace(LONE_SURROGATE, '\uFFFD').replaceAll('\u0000', '\uFFFD');
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_READ_DEPTH) return '[nested too deeply: see the raw payload]';
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '__proto__') continue;
    out[clean(k, depth) as string] = clean(v, depth + 1);
  }
  return out;
}

/**
 * The payload's JSON: a body that is not JSON is a VALIDATION error. Read without recursion
 * (any depth parses), then cleaned: nesting beyond 64 levels cut, a property named __proto__
 * dropped, a lone UTF-16 surrogate or a NUL made U+FFFD (no database text holds them). The raw
 * payload keeps everything as sent.
 */
export function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidEvent([{ field: 'body', message: 'is not JSON' }], 'The body is not JSON');
  }
  return clean(value, 0);
}

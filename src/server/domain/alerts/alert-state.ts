// An alert's state, as the rules read it, and how each recorded event changes it in memory: the
// same change the projection (alert-projection.ts) makes to its row.
import type { AlertDecision, AlertStatus } from '../../../shared/domain/alerts.ts';
import type { AlertContent, RecordedAlertEvent } from './alert-events.ts';

export interface AlertRouting {
  decision: AlertDecision;
  ruleId: string | null;
  policyHash: string;
  policyRevision: string;
  groupKey: string | null;
  incidentId: string | null;
  decidedAt: number;
}

export interface AlertState extends AlertContent {
  id: string;
  version: number;
  sourceId: string;
  dedupKey: string;
  status: AlertStatus;
  detectedAt: number;
  firstSeenAt: number;
  lastSeenAt: number;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  /** How many times it fired (the first trigger and every re-fire). */
  count: number;
  lastPayloadId: string;
  routing: AlertRouting | null;
  /** Triage: snoozed until then (null: never snoozed). */
  snoozedUntil: number | null;
  /** Triage: marked as noise. */
  noise: { reason: string; at: number; by: string | null } | null;
}

export function applyAlertEvent(
  state: AlertState | null,
  event: RecordedAlertEvent,
  alertId: string,
): AlertState {
  const { at, seq } = event;
  if (event.type === 'alert.triggered') {
    const d = event.data;
    return {
      id: alertId,
      version: seq,
      sourceId: d.sourceId,
      dedupKey: d.dedupKey,
      status: 'firing',
      severity: d.severity,
      summary: d.summary,
      origin: d.origin,
      labels: d.labels,
      links: d.links,
      details: d.details,
      detectedAt: d.detectedAt,
      firstSeenAt: at,
      lastSeenAt: at,
      acknowledgedAt: null,
      resolvedAt: null,
      count: 1,
      lastPayloadId: d.payloadId,
      routing: null,
      snoozedUntil: null,
      noise: null,
    };
  }
  if (!state) throw new Error(`${event.type} before alert.triggered`);
  const s = { ...state, version: seq };
  switch (event.type) {
    case 'alert.refired':
      return {
        ...s,
        severity: event.data.severity,
        summary: event.data.summary,
        count: s.count + 1,
        lastSeenAt: at,
        lastPayloadId: event.data.payloadId,
      };
    case 'alert.acknowledged':
      return {
        ...s,
        status: 'acknowledged',
        acknowledgedAt: at,
        lastSeenAt: at,
        lastPayloadId: event.data.payloadId,
      };
    case 'alert.resolved':
      return {
        ...s,
        status: 'resolved',
        resolvedAt: event.data.endedAt ?? at,
        lastSeenAt: at,
        lastPayloadId: event.data.payloadId,
      };
    case 'alert.routed': {
      const { incidentKey: _key, ...routing } = event.data;
      return { ...s, routing: { ...routing, decidedAt: at } };
    }
    case 'alert.triage_acknowledged':
      return { ...s, status: 'acknowledged', acknowledgedAt: at };
    case 'alert.snoozed':
      return { ...s, snoozedUntil: event.data.until };
    case 'alert.marked_noise':
      return { ...s, noise: { reason: event.data.reason, at, by: event.actorId } };
    case 'alert.triaged': {
      const { decision, incidentId } = event.data;
      // Every alert was routed when it arrived; a person's decision takes the routing's place.
      return { ...s, routing: s.routing && { ...s.routing, decision, incidentId, decidedAt: at } };
    }
    default:
      throw new Error(`${(event as { type: string }).type} is not an event of an alert`);
  }
}

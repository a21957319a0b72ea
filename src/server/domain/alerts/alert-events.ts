// An alert's event types and their data: the contract between the rules that decide and the
// projection that records. Each alert has its own stream; every event is internal.
import type { Recorded } from '../../db/event-store.ts';
import type { Visibility } from '../../db/schema.ts';
import type { AlertDecision, AlertSeverity } from '../../../shared/domain/alerts.ts';
import type { AlertLink } from './intake-rules.ts';

/** The payload an event came from: its id in alert_payloads and the SHA-256 of its bytes. */
export interface PayloadRef {
  payloadId: string;
  payloadHash: string;
}

export interface AlertContent {
  severity: AlertSeverity;
  summary: string;
  origin: string | null;
  labels: Record<string, string>;
  links: AlertLink[];
  details: Record<string, unknown>;
}

export interface AlertEventData {
  /** A new alert: the first trigger with this dedup key (or the first after a resolve). */
  'alert.triggered': PayloadRef &
    AlertContent & {
      sourceId: string;
      dedupKey: string;
      /** The alert's own detection time (the tool's), or when it arrived. */
      detectedAt: number;
    };
  /** The same alert fired again: counted, its content as sent now. */
  'alert.refired': PayloadRef & { severity: AlertSeverity; summary: string };
  'alert.acknowledged': PayloadRef;
  /** Monitoring says it is over (`endedAt`: the tool's end time, when it says one). */
  'alert.resolved': PayloadRef & { endedAt: number | null };
  /**
   * What the policy's alert rules decided for it: which rule of which policy version (none
   * matched: ruleId null, it waits for triage), and the incident it opened or joined.
   */
  'alert.routed': {
    decision: AlertDecision;
    ruleId: string | null;
    policyHash: string;
    policyRevision: string;
    groupKey: string | null;
    incidentId: string | null;
    incidentKey: string | null;
  };
  // ── Triage: a person's decisions in the alert queue (the event's actor is who) ──
  /** Acknowledged in the console (monitoring's own acknowledge is alert.acknowledged). */
  'alert.triage_acknowledged': Record<string, never>;
  /** Out of the queue until then; back in it after. */
  'alert.snoozed': { until: number };
  /** Noise, and why; it proposes tuning the detection rule behind it. */
  'alert.marked_noise': { reason: string; proposalId: string; proposal: string };
  /** A person opened an incident for it (with the other alerts selected) or attached it to one. */
  'alert.triaged': {
    decision: 'opened' | 'attached';
    incidentId: string;
    incidentKey: string;
  };
}

export type AlertEventType = keyof AlertEventData;

export type AlertEvent = {
  [K in AlertEventType]: { type: K; data: AlertEventData[K]; visibility: Visibility };
}[AlertEventType];

export type RecordedAlertEvent = Recorded<AlertEvent>;

export function alertEvent<K extends AlertEventType>(type: K, data: AlertEventData[K]): AlertEvent {
  return { type, data, visibility: 'internal' } as AlertEvent;
}

// Triage decisions on alerts, as pure decisions: which alerts are similar, where an alert stands
// in the queue at a time, and what a person may do with it (acknowledge, snooze, mark as noise,
// open an incident for it or attach it to one). A refusal is a sentence naming why; the service
// gathers them per alert so one answer names every alert that cannot be triaged so.
import { SIMILAR_LABELS, type AlertQueueStatus } from '../../../shared/domain/alerts.ts';
import { alertEvent, type AlertEvent } from './alert-events.ts';
import { tuningEvent, type TuningEvent } from './tuning-events.ts';
import type { AlertState } from './alert-state.ts';

/**
 * Similar alerts share a source and a similar key: the label that names the detection rule behind
 * them (Alertmanager's and Grafana's `alertname`, PagerDuty's `class`, else a `service` label),
 * or, with none of these, the dedup key (the same alert again).
 */
export function similarKeyOf(alert: Pick<AlertState, 'labels' | 'dedupKey'>): string {
  for (const name of SIMILAR_LABELS) {
    const value = alert.labels[name];
    if (value !== undefined && value !== '') return `${name}=${value}`;
  }
  return `dedup=${alert.dedupKey}`;
}

export function queueStatusOf(
  alert: Pick<AlertState, 'status' | 'noise' | 'snoozedUntil'>,
  now: number,
): AlertQueueStatus {
  if (alert.noise) return 'noise';
  if (alert.status === 'resolved') return 'resolved';
  if (alert.snoozedUntil !== null && alert.snoozedUntil > now) return 'snoozed';
  return alert.status;
}

type Decided = AlertEvent[] | { refused: string };

const refused = (why: string) => ({ refused: why });

export function acknowledge(alert: AlertState): Decided {
  if (alert.noise) return refused('is marked as noise');
  if (alert.status !== 'firing') return refused(`is ${alert.status}, not firing`);
  return [alertEvent('alert.triage_acknowledged', {})];
}

/** Longest snooze: a week (an alert put away for longer is noise, or a rule to tune). */
export const MAX_SNOOZE_MS = 7 * 24 * 60 * 60 * 1000;

export function snooze(alert: AlertState, until: number): Decided {
  if (alert.noise) return refused('is marked as noise');
  if (alert.status === 'resolved') return refused('is resolved');
  return [alertEvent('alert.snoozed', { until })];
}

/** The follow-up noise proposes: tune the detection rule behind the alert. */
export function tuningProposal(
  rule: { sourceId: string; similarKey: string },
  sourceName: string,
): { proposalId: string; proposal: string } {
  return {
    proposalId: `tune:${rule.sourceId}:${rule.similarKey}`,
    proposal: `Tune the detection rule behind ${rule.similarKey} (source ${sourceName}): its alerts are marked as noise`,
  };
}

/** The source and similar key a tuning proposal's id names; null for an id of no proposal. */
export function tuningRuleOf(proposalId: string): { sourceId: string; similarKey: string } | null {
  const match = /^tune:([^:]+):(.+)$/s.exec(proposalId);
  return match ? { sourceId: match[1]!, similarKey: match[2]! } : null;
}

/** The noise a tuning proposal rests on, as its answer records it. */
export interface TuningBasis {
  proposalId: string;
  sourceId: string;
  similarKey: string;
  alertCount: number;
  reasons: string[];
}

/** Takes the proposal: the stand-alone follow-up `followUpId` tunes the rule. */
export function takeTuning(basis: TuningBasis, followUpId: string): TuningEvent[] {
  return [tuningEvent('tuning.proposal_taken', { ...basis, followUpId })];
}

/** Declines the proposal, with the reason: it is no longer proposed. */
export function declineTuning(basis: TuningBasis, reason: string): TuningEvent[] {
  return [tuningEvent('tuning.proposal_declined', { ...basis, reason })];
}

export function markNoise(alert: AlertState, reason: string, sourceName: string): Decided {
  if (alert.noise) return refused('is already marked as noise');
  if (inIncident(alert)) return refused('belongs to an incident');
  const rule = { sourceId: alert.sourceId, similarKey: similarKeyOf(alert) };
  return [alertEvent('alert.marked_noise', { reason, ...tuningProposal(rule, sourceName) })];
}

/** Opened or joined an incident (also when the reader may not see which). */
function inIncident(alert: AlertState): boolean {
  return alert.routing?.decision === 'opened' || alert.routing?.decision === 'attached';
}

/** May this alert go into an incident (a new one, or one it is attached to)? */
export function mayJoinIncident(alert: AlertState): string | null {
  if (alert.noise) return 'is marked as noise';
  if (inIncident(alert)) return 'belongs to an incident already';
  return null;
}

export function triaged(
  decision: 'opened' | 'attached',
  incident: { id: string; key: string },
): AlertEvent[] {
  return [
    alertEvent('alert.triaged', { decision, incidentId: incident.id, incidentKey: incident.key }),
  ];
}

// What the policy's alert rules decide for a new alert, as pure decisions: the first rule whose
// match fits (source name, severity, labels) and the key alerts are grouped by for attaching.
import type { AlertRule, Alerts } from '../policy/index.ts';
import type { AlertState } from './alert-state.ts';

export interface RoutedAlert {
  sourceName: string;
  severity: AlertState['severity'];
  labels: Record<string, string>;
  dedupKey: string;
  sourceId: string;
}

function labelFits(value: string | undefined, wanted: string | string[]): boolean {
  if (value === undefined) return false;
  const values = Array.isArray(wanted) ? wanted : [wanted];
  return values.some((w) => w === '*' || w === value);
}

export function ruleFits(rule: AlertRule, alert: RoutedAlert): boolean {
  const { sources, severities, labels } = rule.match;
  if (sources !== undefined && !sources.includes(alert.sourceName)) return false;
  if (severities !== undefined && !severities.includes(alert.severity)) return false;
  if (labels !== undefined) {
    for (const [name, wanted] of Object.entries(labels)) {
      if (!labelFits(alert.labels[name], wanted)) return false;
    }
  }
  return true;
}

/** The first rule that fits; null: none (the alert waits for triage). */
export function firstRule(alerts: Alerts, alert: RoutedAlert): AlertRule | null {
  return alerts.rules.find((r) => ruleFits(r, alert)) ?? null;
}

/**
 * The key alerts are grouped by: the rule's id with the values of its groupBy labels (a missing
 * label counts as empty), or, without groupBy, the alert's source and dedup key.
 */
export function groupKeyOf(rule: AlertRule, alert: RoutedAlert): string {
  const parts =
    rule.groupBy === undefined
      ? [`source=${alert.sourceId}`, `dedup=${alert.dedupKey}`]
      : rule.groupBy.map((l) => `${l}=${alert.labels[l] ?? ''}`);
  return JSON.stringify([rule.id, ...parts]);
}

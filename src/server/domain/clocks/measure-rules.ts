// Measures from the recorded deadlines: how long acknowledging and responding took (per
// severity), and the share of deadlines met on time per kind and month. Pure: rows in, numbers out.
import type { DeadlineKind, DeadlineStatus } from './deadline-rules.ts';

export interface MeasuredDeadline {
  kind: DeadlineKind;
  status: DeadlineStatus;
  startedAt: number;
  dueAt: number;
  metAt: number | null;
  /** The incident's severity, for response times; null for reports. */
  severity: string | null;
}

export interface Durations {
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

export interface ShareMet {
  /** UTC month of the due time, YYYY-MM. */
  month: string;
  kind: DeadlineKind;
  /** Deadlines whose due time has passed or that were met. */
  counted: number;
  metOnTime: number;
  share: number;
}

export interface DeadlineMeasures {
  timeToAcknowledge: Durations;
  timeToRespond: Record<string, Durations>;
  shareMet: ShareMet[];
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export function durations(values: number[]): Durations {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    medianMs: percentile(sorted, 0.5),
    p90Ms: percentile(sorted, 0.9),
  };
}

export function measureDeadlines(rows: readonly MeasuredDeadline[], now: number): DeadlineMeasures {
  const tookMs = (d: MeasuredDeadline) => d.metAt! - d.startedAt;
  const met = rows.filter((d) => d.status === 'met' && d.metAt !== null);
  const bySeverity = new Map<string, number[]>();
  for (const d of met.filter((r) => r.kind === 'response')) {
    const key = d.severity ?? 'unset';
    bySeverity.set(key, [...(bySeverity.get(key) ?? []), tookMs(d)]);
  }
  // A deadline counts once its due time has passed or it was met; cancelled ones never count.
  const shares = new Map<string, ShareMet>();
  for (const d of rows) {
    if (d.status === 'cancelled') continue;
    if (d.status !== 'met' && d.dueAt > now) continue;
    const month = new Date(d.dueAt).toISOString().slice(0, 7);
    const key = `${month} ${d.kind}`;
    const entry = shares.get(key) ?? { month, kind: d.kind, counted: 0, metOnTime: 0, share: 0 };
    entry.counted++;
    if (d.status === 'met' && d.metAt !== null && d.metAt <= d.dueAt) entry.metOnTime++;
    entry.share = entry.metOnTime / entry.counted;
    shares.set(key, entry);
  }
  return {
    timeToAcknowledge: durations(
      met.filter((d) => d.kind === 'reporter_acknowledgment').map(tookMs),
    ),
    timeToRespond: Object.fromEntries(
      [...bySeverity.entries()].sort().map(([severity, values]) => [severity, durations(values)]),
    ),
    shareMet: [...shares.values()].sort(
      (a, b) => a.month.localeCompare(b.month) || a.kind.localeCompare(b.kind),
    ),
  };
}

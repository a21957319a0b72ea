// Deduplication as the senders expect it, as pure decisions: a trigger with the dedup key of an
// open alert of the same source re-fires it (one alert, a counter); otherwise it is a new alert.
// Acknowledge and resolve act on the open alert with that key; with none open they change
// nothing (PagerDuty accepts them all the same). After a resolve the next trigger is a new alert.
import { alertEvent, type AlertEvent, type PayloadRef } from './alert-events.ts';
import type { AlertState } from './alert-state.ts';
import type { AlertSignal } from './intake-rules.ts';

export type SignalOutcome =
  | { kind: 'new'; events: AlertEvent[] }
  | { kind: 'update'; events: AlertEvent[] }
  | { kind: 'none' };

export function applySignal(
  open: AlertState | null,
  signal: AlertSignal,
  sourceId: string,
  payload: PayloadRef,
  receivedAt: number,
): SignalOutcome {
  switch (signal.action) {
    case 'trigger':
      if (open) {
        return {
          kind: 'update',
          events: [
            alertEvent('alert.refired', {
              ...payload,
              severity: signal.severity,
              summary: signal.summary,
            }),
          ],
        };
      }
      return {
        kind: 'new',
        events: [
          alertEvent('alert.triggered', {
            ...payload,
            sourceId,
            dedupKey: signal.dedupKey,
            severity: signal.severity,
            summary: signal.summary,
            origin: signal.origin,
            labels: signal.labels,
            links: signal.links,
            details: signal.details,
            detectedAt: signal.detectedAt ?? receivedAt,
          }),
        ],
      };
    case 'acknowledge':
      if (!open || open.status !== 'firing') return { kind: 'none' };
      return { kind: 'update', events: [alertEvent('alert.acknowledged', payload)] };
    case 'resolve':
      if (!open) return { kind: 'none' };
      return {
        kind: 'update',
        events: [alertEvent('alert.resolved', { ...payload, endedAt: signal.endedAt })],
      };
  }
}

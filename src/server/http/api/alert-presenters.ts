// Alerts and alert sources as the JSON API shows them (times in RFC 3339).
import type { z } from 'zod';
import type { AlertDetail, AlertJson, AlertSource } from '../../../shared/api/alerts.ts';
import type { AlertSourceKind } from '../../../shared/domain/alerts.ts';
import type { AlertSourceView, AlertView } from '../../domain/alerts/index.ts';
import type { StoredEvent } from '../../db/event-store.ts';
import { presentTime } from './time-presenter.ts';

/** Where each kind of source sends its payloads. */
export function intakePath(kind: AlertSourceKind): string {
  return kind === 'pagerduty'
    ? '/api/v1/alert-intake/pagerduty/v2/enqueue'
    : `/api/v1/alert-intake/${kind}`;
}

export function presentAlertSource(
  s: AlertSourceView,
  baseUrl: string,
): z.infer<typeof AlertSource> {
  return {
    id: s.id,
    name: s.name,
    kind: s.kind,
    intakeUrl: `${baseUrl.replace(/\/$/, '')}${intakePath(s.kind)}`,
    keyHint: s.keyHint,
    signatureCheck: s.signatureCheck,
    signatureHeader: s.signatureHeader,
    mapping: s.mapping,
    ratePerMinute: s.ratePerMinute,
    enabled: s.enabled,
    createdAt: presentTime(s.createdAt),
    updatedAt: presentTime(s.updatedAt),
    keyRotatedAt: presentTime(s.keyRotatedAt),
  };
}

export function presentAlert(a: AlertView): z.infer<typeof AlertJson> {
  return {
    id: a.id,
    sourceId: a.sourceId,
    sourceName: a.sourceName,
    dedupKey: a.dedupKey,
    status: a.status,
    severity: a.severity,
    summary: a.summary,
    origin: a.origin,
    labels: a.labels,
    links: a.links,
    details: a.details,
    detectedAt: presentTime(a.detectedAt),
    firstSeenAt: presentTime(a.firstSeenAt),
    lastSeenAt: presentTime(a.lastSeenAt),
    acknowledgedAt: presentTime(a.acknowledgedAt),
    resolvedAt: presentTime(a.resolvedAt),
    count: a.count,
    lastPayloadId: a.lastPayloadId,
    routing: a.routing && { ...a.routing, decidedAt: presentTime(a.routing.decidedAt) },
    queueStatus: a.queueStatus,
    similarKey: a.similarKey,
    snoozedUntil: presentTime(a.snoozedUntil),
    noise: a.noise && { ...a.noise, at: presentTime(a.noise.at) },
  };
}

export function presentAlertDetail(
  alert: AlertView,
  record: StoredEvent[],
): z.infer<typeof AlertDetail> {
  return {
    alert: presentAlert(alert),
    record: record.map((e) => ({
      seq: e.seq,
      type: e.type,
      at: presentTime(e.at),
      data: e.data,
      by: e.actorId,
      hash: e.hash,
    })),
  };
}

// Records an alert's events: appends them to its stream and writes its row in `alerts`, in the
// caller's transaction, and answers the state they produce (reduced in memory, not read back).
// The one writer of `alerts`.
import { appendAndProject, type Projector } from '../../db/event-store.ts';
import type { Executor } from '../../db/schema.ts';
import type { AlertEvent } from './alert-events.ts';
import { applyAlertEvent, type AlertState } from './alert-state.ts';
import { similarKeyOf } from './triage-rules.ts';

const alertProjector: Projector<AlertEvent, AlertState> = {
  streamType: 'alert',
  apply: applyAlertEvent,
  finish: (tx, before, after) => writeAlertRow(tx, before === null, after),
};

/**
 * Appends to an alert's stream (state null: a new alert) and answers its state after; `by`: the
 * person who decided (null: monitoring or the policy).
 */
export function appendToAlert(
  tx: Executor,
  alertId: string,
  state: AlertState | null,
  events: readonly AlertEvent[],
  at: number,
  by: string | null = null,
): Promise<AlertState> {
  return appendAndProject(tx, alertProjector, alertId, state, events, by, at);
}

/** The row is the state, written whole; the dedup key is the open key until it resolves. */
async function writeAlertRow(tx: Executor, isNew: boolean, a: AlertState) {
  const row = {
    source_id: a.sourceId,
    dedup_key: a.dedupKey,
    open_key: a.status === 'resolved' ? null : a.dedupKey,
    status: a.status,
    severity: a.severity,
    summary: a.summary,
    origin: a.origin,
    labels_json: JSON.stringify(a.labels),
    links_json: JSON.stringify(a.links),
    details_json: JSON.stringify(a.details),
    detected_at: a.detectedAt,
    first_seen_at: a.firstSeenAt,
    last_seen_at: a.lastSeenAt,
    acknowledged_at: a.acknowledgedAt,
    resolved_at: a.resolvedAt,
    count: a.count,
    last_payload_id: a.lastPayloadId,
    decision: a.routing?.decision ?? null,
    rule_id: a.routing?.ruleId ?? null,
    policy_hash: a.routing?.policyHash ?? null,
    policy_revision: a.routing?.policyRevision ?? null,
    group_key: a.routing?.groupKey ?? null,
    incident_id: a.routing?.incidentId ?? null,
    decided_at: a.routing?.decidedAt ?? null,
    version: a.version,
    similar_key: similarKeyOf(a),
    snoozed_until: a.snoozedUntil,
    noise_at: a.noise?.at ?? null,
    noise_reason: a.noise?.reason ?? null,
    noise_by: a.noise?.by ?? null,
  };
  if (isNew)
    await tx
      .insertInto('alerts')
      .values({ id: a.id, ...row })
      .execute();
  else await tx.updateTable('alerts').set(row).where('id', '=', a.id).execute();
}

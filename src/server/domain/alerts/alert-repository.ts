// Reads of `alerts`: plain camelCase records out. The one writer is alert-projection.ts.
import type { Selectable } from 'kysely';
import type { AlertsTable, Executor } from '../../db/schema.ts';
import type { AlertDecision, AlertSeverity, AlertStatus } from '../../../shared/domain/alerts.ts';
import type { AlertState } from './alert-state.ts';

type Row = Selectable<AlertsTable>;
const time = (value: number | null) => (value === null ? null : Number(value));

function toState(r: Row): AlertState {
  return {
    id: r.id,
    version: Number(r.version),
    sourceId: r.source_id,
    dedupKey: r.dedup_key,
    status: r.status as AlertStatus,
    severity: r.severity as AlertSeverity,
    summary: r.summary,
    origin: r.origin,
    labels: JSON.parse(r.labels_json) as AlertState['labels'],
    links: JSON.parse(r.links_json) as AlertState['links'],
    details: JSON.parse(r.details_json) as AlertState['details'],
    detectedAt: Number(r.detected_at),
    firstSeenAt: Number(r.first_seen_at),
    lastSeenAt: Number(r.last_seen_at),
    acknowledgedAt: time(r.acknowledged_at),
    resolvedAt: time(r.resolved_at),
    count: Number(r.count),
    lastPayloadId: r.last_payload_id,
    routing:
      r.decision === null
        ? null
        : {
            decision: r.decision as AlertDecision,
            ruleId: r.rule_id,
            policyHash: r.policy_hash ?? '',
            policyRevision: r.policy_revision ?? '',
            groupKey: r.group_key,
            incidentId: r.incident_id,
            decidedAt: Number(r.decided_at),
          },
  };
}

export async function findAlert(ex: Executor, id: string): Promise<AlertState | null> {
  const row = await ex.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toState(row) : null;
}

/** The open (firing or acknowledged) alert of this source with this dedup key, if any. */
export async function findOpenAlert(
  ex: Executor,
  sourceId: string,
  dedupKey: string,
): Promise<AlertState | null> {
  const row = await ex
    .selectFrom('alerts')
    .selectAll()
    .where('source_id', '=', sourceId)
    .where('open_key', '=', dedupKey)
    .executeTakeFirst();
  return row ? toState(row) : null;
}

export interface AlertFilter {
  status?: AlertStatus | undefined;
  sourceId?: string | undefined;
  decision?: AlertDecision | undefined;
  incidentId?: string | undefined;
  /** Last seen before this (paging, newest first). */
  before?: number | undefined;
  limit: number;
}

/** Newest last seen first. */
export async function listAlerts(ex: Executor, filter: AlertFilter): Promise<AlertState[]> {
  let query = ex.selectFrom('alerts').selectAll();
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.sourceId !== undefined) query = query.where('source_id', '=', filter.sourceId);
  if (filter.decision !== undefined) query = query.where('decision', '=', filter.decision);
  if (filter.incidentId !== undefined) query = query.where('incident_id', '=', filter.incidentId);
  if (filter.before !== undefined) query = query.where('last_seen_at', '<', filter.before);
  const rows = await query
    .orderBy('last_seen_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit)
    .execute();
  return rows.map(toState);
}

/**
 * The incident that the latest alert with this group key opened or joined, decided at or after
 * `since`: where a rule's attach window looks.
 */
export async function findGroupIncident(
  ex: Executor,
  groupKey: string,
  since: number,
): Promise<{ incidentId: string; decidedAt: number } | null> {
  const row = await ex
    .selectFrom('alerts')
    .select(['incident_id', 'decided_at'])
    .where('group_key', '=', groupKey)
    .where('decided_at', '>=', since)
    .where('incident_id', 'is not', null)
    .orderBy('decided_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.incident_id
    ? { incidentId: row.incident_id, decidedAt: Number(row.decided_at) }
    : null;
}

// Reads of `alerts`: plain camelCase records out. The one writer is alert-projection.ts.
import { sql, type Selectable, type SelectQueryBuilder } from 'kysely';
import type { AlertsTable, Database, Executor } from '../../db/schema.ts';
import type {
  AlertDecision,
  AlertQueueFilter,
  AlertSeverity,
  AlertStatus,
} from '../../../shared/domain/alerts.ts';
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
    snoozedUntil: time(r.snoozed_until),
    noise:
      r.noise_at === null
        ? null
        : { reason: r.noise_reason ?? '', at: Number(r.noise_at), by: r.noise_by },
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
  /** Where it stands in the triage queue (`open`: waits for triage); needs `now`. */
  status?: AlertQueueFilter | undefined;
  sourceId?: string | undefined;
  severity?: AlertSeverity | undefined;
  decision?: AlertDecision | undefined;
  incidentId?: string | undefined;
  /** Words in its summary (case-insensitive). */
  q?: string | undefined;
  /** A label with this value. */
  label?: { name: string; value: string } | undefined;
  /** Similar alerts (triage-rules.ts similarKeyOf). */
  similarKey?: string | undefined;
  /** Last seen before this (paging, newest first). */
  before?: number | undefined;
  limit: number;
}

type Query = SelectQueryBuilder<Database, 'alerts', object>;

/** `%`, `_` and `\` in a LIKE pattern taken literally. */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function whereQueue(query: Query, status: AlertQueueFilter, now: number): Query {
  if (status === 'noise') return query.where('noise_at', 'is not', null);
  let q = query.where('noise_at', 'is', null);
  if (status === 'resolved') return q.where('status', '=', 'resolved');
  q = q.where('status', '!=', 'resolved');
  if (status === 'snoozed') return q.where('snoozed_until', '>', now);
  q = q.where((eb) => eb.or([eb('snoozed_until', 'is', null), eb('snoozed_until', '<=', now)]));
  if (status === 'open') return q.where('incident_id', 'is', null);
  return q.where('status', '=', status);
}

function filtered(ex: Executor, filter: Omit<AlertFilter, 'limit'>, now: number): Query {
  let query: Query = ex.selectFrom('alerts');
  if (filter.status !== undefined) query = whereQueue(query, filter.status, now);
  if (filter.sourceId !== undefined) query = query.where('source_id', '=', filter.sourceId);
  if (filter.severity !== undefined) query = query.where('severity', '=', filter.severity);
  if (filter.decision !== undefined) query = query.where('decision', '=', filter.decision);
  if (filter.incidentId !== undefined) query = query.where('incident_id', '=', filter.incidentId);
  if (filter.similarKey !== undefined) query = query.where('similar_key', '=', filter.similarKey);
  if (filter.q !== undefined) {
    const pattern = `%${literal(filter.q.toLowerCase())}%`;
    query = query.where(sql<boolean>`lower(summary) like ${pattern} escape '\\'`);
  }
  if (filter.label !== undefined) {
    // Labels are kept as JSON.stringify writes them: "name":"value" is one label, exactly.
    const { name, value } = filter.label;
    const pattern = `%${literal(`${JSON.stringify(name)}:${JSON.stringify(value)}`)}%`;
    query = query.where(sql<boolean>`labels_json like ${pattern} escape '\\'`);
  }
  return query;
}

/** Newest last seen first. */
export async function listAlerts(
  ex: Executor,
  filter: AlertFilter,
  now: number,
): Promise<AlertState[]> {
  let query = filtered(ex, filter, now).selectAll();
  if (filter.before !== undefined) query = query.where('last_seen_at', '<', filter.before);
  const rows = await query
    .orderBy('last_seen_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit)
    .execute();
  return rows.map(toState);
}

export interface SimilarGroup {
  sourceId: string;
  similarKey: string;
  count: number;
  lastSeenAt: number;
}

/** Similar alerts among those the filter finds, with counts; the latest group first. */
export async function listGroups(
  ex: Executor,
  filter: Omit<AlertFilter, 'limit' | 'before'>,
  now: number,
  limit: number,
): Promise<SimilarGroup[]> {
  const rows = await filtered(ex, filter, now)
    .select((eb) => [
      'source_id',
      'similar_key',
      eb.fn.countAll<string | number>().as('n'),
      eb.fn.max('last_seen_at').as('last'),
    ])
    .groupBy(['source_id', 'similar_key'])
    .orderBy('last', 'desc')
    .orderBy('similar_key')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    sourceId: r.source_id,
    similarKey: r.similar_key ?? '',
    count: Number(r.n),
    lastSeenAt: Number(r.last),
  }));
}

/** How many of a rule's latest marks (their reasons) a tuning proposal shows. */
const REASONS = 5;

export interface NoiseMarks {
  sourceId: string;
  similarKey: string;
  count: number;
  lastMarkedAt: number;
  /** The latest reasons, newest first. */
  reasons: { alertId: string; reason: string; at: number; by: string | null }[];
}

/**
 * Alerts marked as noise, by source and similar key: what each tuning proposal rests on. Counted
 * in the database, each rule's every mark: the `limit` rules most recently marked (the newest mark
 * first, then its alert's id, as ever), or `only` that one rule whatever the limit. Reads the
 * index alerts_noise (migration 2026-12-07-0210): the counts a scan of it, each listed rule's 5
 * latest marks a seek. Grouped by the column itself (a coalesce would keep the index from ordering
 * the groups): a similar key is null only before migration 0151, which filled them all in.
 */
export async function listNoiseMarks(
  ex: Executor,
  limit: number,
  only?: { sourceId: string; similarKey: string },
): Promise<NoiseMarks[]> {
  const rows = await ex
    .with('rules', (db) => {
      let q = db
        .selectFrom('alerts')
        .select((eb) => [
          'source_id',
          'similar_key',
          eb.fn.countAll<string | number>().as('n'),
          eb.fn.max<number>('noise_at').as('last_at'),
          eb.fn.min<number>('noise_at').as('first_at'),
        ])
        .where('noise_at', 'is not', null);
      if (only)
        q = q.where('source_id', '=', only.sourceId).where('similar_key', '=', only.similarKey);
      return q.groupBy(['source_id', 'similar_key']);
    })
    .with('listed', (db) =>
      db
        .selectFrom('rules as r')
        .selectAll('r')
        .select((eb) =>
          eb
            .selectFrom('alerts as b')
            .select((b) => b.fn.max('b.id').as('id'))
            .whereRef('b.source_id', '=', 'r.source_id')
            .whereRef('b.similar_key', '=', 'r.similar_key')
            .whereRef('b.noise_at', '=', 'r.last_at')
            .as('last_id'),
        )
        .orderBy('r.last_at', 'desc')
        .orderBy('last_id', 'desc')
        .limit(limit),
    )
    // Where each rule's 5 latest marks begin: the rows to rank are those, and ties at the 5th.
    .with('cut', (db) =>
      db
        .selectFrom('listed as l')
        .selectAll('l')
        .select((eb) =>
          eb.fn
            .coalesce(
              eb
                .selectFrom('alerts as b')
                .select('b.noise_at')
                .whereRef('b.source_id', '=', 'l.source_id')
                .whereRef('b.similar_key', '=', 'l.similar_key')
                .where('b.noise_at', 'is not', null)
                .orderBy('b.noise_at', 'desc')
                .limit(1)
                .offset(REASONS - 1),
              'l.first_at',
            )
            .as('cut_at'),
        ),
    )
    .with('latest', (db) =>
      db
        .selectFrom('cut as c')
        .innerJoin('alerts as a', (join) =>
          join
            .onRef('a.source_id', '=', 'c.source_id')
            .onRef('a.similar_key', '=', 'c.similar_key')
            .onRef('a.noise_at', '>=', 'c.cut_at'),
        )
        .select((eb) => [
          'a.id',
          'a.source_id',
          'a.similar_key',
          'a.noise_at',
          'a.noise_reason',
          'a.noise_by',
          'c.n',
          'c.last_at',
          'c.last_id',
          eb.fn
            .agg<number>('row_number')
            .over((ob) =>
              ob
                .partitionBy(['a.source_id', 'a.similar_key'])
                .orderBy('a.noise_at', 'desc')
                .orderBy('a.id', 'desc'),
            )
            .as('rn'),
        ]),
    )
    .selectFrom('latest')
    .selectAll()
    .where('rn', '<=', REASONS)
    .orderBy('last_at', 'desc')
    .orderBy('last_id', 'desc')
    .orderBy('rn')
    .execute();
  const marks = new Map<string, NoiseMarks>();
  for (const r of rows) {
    const key = JSON.stringify([r.source_id, r.similar_key]);
    const found = marks.get(key) ?? {
      sourceId: r.source_id,
      similarKey: r.similar_key ?? '',
      count: Number(r.n),
      lastMarkedAt: Number(r.last_at),
      reasons: [],
    };
    found.reasons.push({
      alertId: r.id,
      reason: r.noise_reason ?? '',
      at: Number(r.noise_at),
      by: r.noise_by,
    });
    marks.set(key, found);
  }
  return [...marks.values()];
}

/** The answers given to tuning proposals (taken or declined), by proposal id. */
export async function listTuningAnswers(
  ex: Executor,
  proposalIds: readonly string[],
): Promise<Map<string, TuningAnswer>> {
  if (proposalIds.length === 0) return new Map();
  const rows = await ex
    .selectFrom('alert_tuning_answers')
    .selectAll()
    .where('proposal_id', 'in', proposalIds)
    .execute();
  return new Map(
    rows.map((r) => [
      r.proposal_id,
      {
        status: r.answer === 'taken' ? 'taken' : 'declined',
        followUpId: r.follow_up_id,
        reason: r.reason,
        by: r.answered_by,
        at: Number(r.answered_at),
      },
    ]),
  );
}

/** A tuning proposal's answer: taken as a follow-up, or declined with the reason. */
export interface TuningAnswer {
  status: 'taken' | 'declined';
  followUpId: string | null;
  reason: string | null;
  by: string | null;
  at: number;
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

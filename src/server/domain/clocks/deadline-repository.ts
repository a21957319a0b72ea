// The deadlines table: rows to and from the rules' Deadline, the subject's history, the listing
// for the API, and the scheduler's compare-and-set claim.
import type { DeadlinesTable, Dialect, Executor } from '../../db/schema.ts';
import type { Deadline, DeadlineKind, DeadlineStatus } from './deadline-rules.ts';

export interface DeadlineRecord extends Deadline {
  /** The incident's severity when the deadline was last recomputed; null for reports. */
  severity: string | null;
  metReason: string | null;
  breachedAt: number | null;
  claimedBy: string | null;
  claimedUntil: number | null;
}

function fromRow(r: DeadlinesTable): DeadlineRecord {
  return {
    id: r.id,
    subjectType: r.subject_type as Deadline['subjectType'],
    subjectId: r.subject_id,
    kind: r.kind as DeadlineKind,
    ref: r.ref,
    status: r.status as DeadlineStatus,
    startedAt: Number(r.started_at),
    dueAt: Number(r.due_at),
    stage: r.stage,
    nextFireAt: r.next_fire_at === null ? null : Number(r.next_fire_at),
    pausedAt: r.paused_at === null ? null : Number(r.paused_at),
    responsibleId: r.responsible_id,
    satisfiedBy: JSON.parse(r.satisfied_by_json) as string[],
    metAt: r.met_at === null ? null : Number(r.met_at),
    metBy: r.met_by,
    severity: r.severity,
    metReason: r.met_reason,
    breachedAt: r.breached_at === null ? null : Number(r.breached_at),
    claimedBy: r.claimed_by,
    claimedUntil: r.claimed_until === null ? null : Number(r.claimed_until),
  };
}

function changes(d: Deadline) {
  return {
    status: d.status,
    started_at: d.startedAt,
    due_at: d.dueAt,
    stage: d.stage,
    next_fire_at: d.nextFireAt,
    paused_at: d.pausedAt,
    responsible_id: d.responsibleId,
    met_at: d.metAt,
    met_by: d.metBy,
  };
}

export async function insertDeadlines(
  tx: Executor,
  rows: Deadline[],
  at: number,
  severity: string | null = null,
): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insertInto('deadlines')
    .values(
      rows.map((d) => ({
        id: d.id,
        subject_type: d.subjectType,
        subject_id: d.subjectId,
        kind: d.kind,
        ref: d.ref,
        satisfied_by_json: JSON.stringify(d.satisfiedBy),
        met_reason: null,
        breached_at: null,
        claimed_by: null,
        claimed_until: null,
        severity,
        created_at: at,
        updated_at: at,
        ...changes(d),
      })),
    )
    .execute();
}

export async function saveDeadline(
  tx: Executor,
  d: Deadline,
  at: number,
  extra: Partial<Pick<DeadlinesTable, 'met_reason' | 'breached_at' | 'severity'>> = {},
): Promise<void> {
  await tx
    .updateTable('deadlines')
    .set({ ...changes(d), ...extra, updated_at: at })
    .where('id', '=', d.id)
    .execute();
}

/** The incident's severity onto its open deadlines (and so onto what measures read later). */
export async function setOpenSeverity(
  tx: Executor,
  subjectId: string,
  severity: string | null,
): Promise<void> {
  await tx
    .updateTable('deadlines')
    .set({ severity })
    .where('subject_id', '=', subjectId)
    .where('status', 'in', ['pending', 'paused'])
    .where((eb) =>
      severity === null
        ? eb('severity', 'is not', null)
        : eb.or([eb('severity', 'is', null), eb('severity', '!=', severity)]),
    )
    .execute();
}

/**
 * The incident's first severity onto its deadlines that had none, open or not: a response met
 * before the severity was known counts under the severity the incident then got, not "unset".
 */
export async function adoptFirstSeverity(
  tx: Executor,
  subjectId: string,
  severity: string,
): Promise<void> {
  await tx
    .updateTable('deadlines')
    .set({ severity })
    .where('subject_id', '=', subjectId)
    .where('severity', 'is', null)
    .execute();
}

export async function listSubjectDeadlines(
  tx: Executor,
  subjectId: string,
): Promise<DeadlineRecord[]> {
  const rows = await tx
    .selectFrom('deadlines')
    .selectAll()
    .where('subject_id', '=', subjectId)
    .orderBy('due_at')
    .orderBy('id')
    .execute();
  return rows.map(fromRow);
}

/** Every deadline of one subject type (the schedule's: programme), oldest due first. */
export async function listOfSubjectType(
  tx: Executor,
  subjectType: Deadline['subjectType'],
): Promise<DeadlineRecord[]> {
  const rows = await tx
    .selectFrom('deadlines')
    .selectAll()
    .where('subject_type', '=', subjectType)
    .orderBy('due_at')
    .orderBy('id')
    .execute();
  return rows.map(fromRow);
}

/** The open (pending or paused) deadlines of one subject type. */
export async function listOpenOfSubjectType(
  tx: Executor,
  subjectType: Deadline['subjectType'],
): Promise<DeadlineRecord[]> {
  return (await listOfSubjectType(tx, subjectType)).filter(
    (d) => d.status === 'pending' || d.status === 'paused',
  );
}

export async function findDeadline(tx: Executor, id: string): Promise<DeadlineRecord | null> {
  const row = await tx.selectFrom('deadlines').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? fromRow(row) : null;
}

export type DeadlineListState = 'due_soon' | 'breached' | 'met' | 'open' | 'next' | 'all';

export async function listDeadlines(
  tx: Executor,
  filter: {
    state: DeadlineListState;
    now: number;
    soonWithin: number;
    subjectIds?: string[] | undefined;
    /** Subjects whose deadlines are left out (restricted incidents the caller may not see). */
    hiddenSubjectIds?: readonly string[] | undefined;
    limit: number;
  },
): Promise<DeadlineRecord[]> {
  let q = tx.selectFrom('deadlines').selectAll();
  const { now } = filter;
  if (filter.state === 'due_soon') {
    q = q
      .where('status', 'in', ['pending', 'paused'])
      .where('due_at', '>', now)
      .where('due_at', '<=', now + filter.soonWithin);
  } else if (filter.state === 'breached') {
    q = q.where('status', 'in', ['pending', 'paused']).where('due_at', '<=', now);
  } else if (filter.state === 'open') {
    q = q.where('status', 'in', ['pending', 'paused']);
  } else if (filter.state === 'next') {
    // The earliest open deadline of each subject (ties: each of them). The earliest times are
    // found once for all subjects (a correlated subquery per row scanned every open deadline
    // again for each: seconds with a few thousand).
    q = q.where('status', 'in', ['pending', 'paused']).where(({ eb, refTuple, selectFrom }) =>
      eb(
        refTuple('subject_id', 'due_at'),
        'in',
        selectFrom('deadlines as other')
          .select(({ fn }) => ['other.subject_id', fn.min('other.due_at').as('first')])
          .where('other.status', 'in', ['pending', 'paused'])
          .groupBy('other.subject_id')
          .$asTuple('subject_id', 'first'),
      ),
    );
  } else if (filter.state === 'met') {
    q = q.where('status', '=', 'met');
  }
  if (filter.subjectIds) q = q.where('subject_id', 'in', filter.subjectIds);
  if (filter.hiddenSubjectIds?.length) {
    q = q.where('subject_id', 'not in', [...filter.hiddenSubjectIds]);
  }
  const order = filter.state === 'met' ? 'desc' : 'asc';
  const rows = await q.orderBy('due_at', order).orderBy('id').limit(filter.limit).execute();
  return rows.map(fromRow);
}

/** The due rows not under a live claim, oldest first: the range scan on (status, next_fire_at). */
function selectDue(tx: Executor, now: number, limit: number) {
  return tx
    .selectFrom('deadlines')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_fire_at', '<=', now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .orderBy('next_fire_at')
    .orderBy('id')
    .limit(limit);
}

export async function findDueIds(tx: Executor, now: number, limit: number): Promise<string[]> {
  return (await selectDue(tx, now, limit).execute()).map((r) => r.id);
}

/**
 * Compare-and-set claim: succeeds only while the row is due and unclaimed (or its claim has
 * lapsed). Of several instances racing for one row exactly one gets it.
 */
export async function claimDeadline(
  tx: Executor,
  id: string,
  worker: string,
  now: number,
  lease: number,
): Promise<boolean> {
  const result = await tx
    .updateTable('deadlines')
    .set({ claimed_by: worker, claimed_until: now + lease })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('next_fire_at', '<=', now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Claims up to `limit` due rows for `worker`, oldest first. How many were due (`found`) tells
 * the caller whether to look again. PostgreSQL: one statement, the due rows locked with
 * FOR UPDATE SKIP LOCKED, so racing instances take disjoint rows without waiting on each other.
 * SQLite (one writer at a time): the due rows, then a compare-and-set claim of each.
 */
export async function claimDue(
  tx: Executor,
  dialect: Dialect,
  claim: { worker: string; now: number; lease: number; limit: number },
): Promise<{ found: number; claimed: string[] }> {
  const { worker, now, lease, limit } = claim;
  if (dialect === 'sqlite') {
    const due = await findDueIds(tx, now, limit);
    const claimed: string[] = [];
    for (const id of due) {
      if (await claimDeadline(tx, id, worker, now, lease)) claimed.push(id);
    }
    return { found: due.length, claimed };
  }
  const rows = await tx
    .updateTable('deadlines')
    .set({ claimed_by: worker, claimed_until: now + lease })
    .where('id', 'in', selectDue(tx, now, limit).forUpdate().skipLocked())
    .returning(['id', 'next_fire_at'])
    .execute();
  const claimed = rows
    .map((r) => ({ id: r.id, at: Number(r.next_fire_at) }))
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((r) => r.id);
  return { found: claimed.length, claimed };
}

/** Finishes a firing: the next stage, released; only by the instance still holding the claim. */
export async function finishFiring(
  tx: Executor,
  d: Deadline,
  worker: string,
  at: number,
  breachedAt: number | null,
): Promise<boolean> {
  const result = await tx
    .updateTable('deadlines')
    .set({
      stage: d.stage,
      next_fire_at: d.nextFireAt,
      claimed_by: null,
      claimed_until: null,
      updated_at: at,
      ...(breachedAt === null ? {} : { breached_at: breachedAt }),
    })
    .where('id', '=', d.id)
    .where('claimed_by', '=', worker)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deadlines started in [from, to), with the severity each carries, for the measures; those of
 * the subjects left out (exercises) are not among them. */
export async function listForMeasures(
  tx: Executor,
  from: number,
  to: number,
  leftOut: readonly string[] = [],
) {
  let query = tx
    .selectFrom('deadlines')
    .select(['kind', 'status', 'started_at', 'due_at', 'met_at', 'severity'])
    .where('started_at', '>=', from)
    .where('started_at', '<', to);
  if (leftOut.length > 0) query = query.where('subject_id', 'not in', leftOut);
  const rows = await query.execute();
  return rows.map((r) => ({
    kind: r.kind as DeadlineKind,
    status: r.status as DeadlineStatus,
    startedAt: Number(r.started_at),
    dueAt: Number(r.due_at),
    metAt: r.met_at === null ? null : Number(r.met_at),
    severity: r.severity,
  }));
}

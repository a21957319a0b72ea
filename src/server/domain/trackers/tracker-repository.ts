// tracker_connections (admin configuration, credentials sealed) and tracker_issues (the issues
// Stopline opened for incidents and follow-ups, a stand-alone follow-up's with no incident, with the
// tracker's state as last seen). Written by the trackers services only.
import type { Selectable } from 'kysely';
import type { Executor, TrackerConnectionsTable, TrackerIssuesTable } from '../../db/schema.ts';
import type { TrackerKind } from '../../../shared/domain/trackers.ts';

export interface TrackerConnectionRecord {
  id: string;
  name: string;
  kind: TrackerKind;
  baseUrl: string;
  project: string;
  account: string | null;
  /** Sealed with the server key. */
  sealedCredential: string;
  sealedWebhookSecret: string | null;
  labels: string[];
  onFollowUp: boolean;
  enabled: boolean;
  lastError: string | null;
  lastErrorAt: number | null;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

/** failed: tried again later; dead: a dead letter in the outbox (no attempt follows). */
export type IssueStatus = 'pending' | 'created' | 'failed' | 'dead';

export interface TrackerIssueRecord {
  id: string;
  connectionId: string;
  /** Null for a stand-alone follow-up's issue. */
  incidentId: string | null;
  incidentKey: string | null;
  cause: string;
  causeId: string;
  status: IssueStatus;
  url: string | null;
  externalKey: string | null;
  state: 'open' | 'closed' | null;
  lastError: string | null;
  attempts: number;
  closedAt: number | null;
  nextCheckAt: number | null;
  createdAt: number;
  updatedAt: number;
}

const time = (v: number | null) => (v === null ? null : Number(v));

function toConnection(r: Selectable<TrackerConnectionsTable>): TrackerConnectionRecord {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as TrackerKind,
    baseUrl: r.base_url,
    project: r.project,
    account: r.account,
    sealedCredential: r.sealed_credential,
    sealedWebhookSecret: r.sealed_webhook_secret,
    labels: JSON.parse(r.labels_json) as string[],
    onFollowUp: Number(r.on_follow_up) === 1,
    enabled: Number(r.enabled) === 1,
    lastError: r.last_error,
    lastErrorAt: time(r.last_error_at),
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function connectionRow(c: TrackerConnectionRecord) {
  return {
    name: c.name,
    kind: c.kind,
    base_url: c.baseUrl,
    project: c.project,
    account: c.account,
    sealed_credential: c.sealedCredential,
    sealed_webhook_secret: c.sealedWebhookSecret,
    labels_json: JSON.stringify(c.labels),
    on_follow_up: c.onFollowUp ? 1 : 0,
    enabled: c.enabled ? 1 : 0,
    last_error: c.lastError,
    last_error_at: c.lastErrorAt,
    created_by: c.createdBy,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}

function toIssue(r: Selectable<TrackerIssuesTable>): TrackerIssueRecord {
  return {
    id: r.id,
    connectionId: r.connection_id,
    incidentId: r.incident_id,
    incidentKey: r.incident_key,
    cause: r.cause,
    causeId: r.cause_id,
    status: r.status as IssueStatus,
    url: r.url,
    externalKey: r.external_key,
    state: r.state as TrackerIssueRecord['state'],
    lastError: r.last_error,
    attempts: Number(r.attempts),
    closedAt: time(r.closed_at),
    nextCheckAt: time(r.next_check_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export async function listConnections(db: Executor): Promise<TrackerConnectionRecord[]> {
  const rows = await db.selectFrom('tracker_connections').selectAll().orderBy('name').execute();
  return rows.map(toConnection);
}

export async function findConnection(db: Executor, id: string) {
  const row = await db
    .selectFrom('tracker_connections')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toConnection(row) : null;
}

export async function findConnectionByName(db: Executor, name: string) {
  const row = await db
    .selectFrom('tracker_connections')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  return row ? toConnection(row) : null;
}

export async function insertConnection(db: Executor, c: TrackerConnectionRecord): Promise<void> {
  await db
    .insertInto('tracker_connections')
    .values({ id: c.id, ...connectionRow(c) })
    .execute();
}

export async function saveConnection(db: Executor, c: TrackerConnectionRecord): Promise<void> {
  await db
    .updateTable('tracker_connections')
    .set(connectionRow(c))
    .where('id', '=', c.id)
    .execute();
}

export async function deleteConnection(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('tracker_connections').where('id', '=', id).execute();
}

export async function setConnectionError(
  db: Executor,
  id: string,
  error: string | null,
  at: number,
): Promise<void> {
  await db
    .updateTable('tracker_connections')
    .set({ last_error: error, last_error_at: error === null ? null : at })
    .where('id', '=', id)
    .execute();
}

/** A new issue to open; false when this connection already has one for this cause. */
export async function insertIssue(db: Executor, issue: TrackerIssueRecord): Promise<boolean> {
  const result = await db
    .insertInto('tracker_issues')
    .values({
      id: issue.id,
      connection_id: issue.connectionId,
      incident_id: issue.incidentId,
      incident_key: issue.incidentKey,
      cause: issue.cause,
      cause_id: issue.causeId,
      status: issue.status,
      url: null,
      external_key: null,
      state: null,
      last_error: null,
      attempts: 0,
      closed_at: null,
      next_check_at: null,
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
    })
    .onConflict((oc) => oc.columns(['connection_id', 'cause', 'cause_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findIssue(db: Executor, id: string) {
  const row = await db
    .selectFrom('tracker_issues')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toIssue(row) : null;
}

export async function findIssueByKey(db: Executor, connectionId: string, key: string) {
  const row = await db
    .selectFrom('tracker_issues')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('external_key', '=', key)
    .executeTakeFirst();
  return row ? toIssue(row) : null;
}

export async function listIssuesOfIncident(db: Executor, incidentId: string) {
  const rows = await db
    .selectFrom('tracker_issues')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toIssue);
}

export async function listIssuesOfConnection(db: Executor, connectionId: string, limit: number) {
  const rows = await db
    .selectFrom('tracker_issues')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toIssue);
}

export async function recordAttemptFailed(
  db: Executor,
  id: string,
  error: string,
  status: 'failed' | 'dead',
  at: number,
): Promise<void> {
  await db
    .updateTable('tracker_issues')
    .set((eb) => ({
      status,
      last_error: error,
      attempts: eb('attempts', '+', 1),
      updated_at: at,
    }))
    .where('id', '=', id)
    .where('status', '!=', 'created')
    .execute();
}

/** The tracker opened it; false when it was recorded already (a repeated delivery). */
export async function recordCreated(
  db: Executor,
  id: string,
  created: { url: string | null; key: string | null; state: 'open' | 'closed' | null },
  nextCheckAt: number | null,
  at: number,
): Promise<boolean> {
  const result = await db
    .updateTable('tracker_issues')
    .set((eb) => ({
      status: 'created',
      url: created.url,
      external_key: created.key,
      state: created.state,
      last_error: null,
      attempts: eb('attempts', '+', 1),
      next_check_at: nextCheckAt,
      updated_at: at,
    }))
    .where('id', '=', id)
    .where('status', '!=', 'created')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The state the tracker gave; false when it was that already (nothing to record). */
export async function recordState(
  db: Executor,
  id: string,
  state: 'open' | 'closed',
  at: number,
): Promise<boolean> {
  const result = await db
    .updateTable('tracker_issues')
    .set({ state, closed_at: state === 'closed' ? at : null, updated_at: at })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('state', 'is', null), eb('state', '!=', state)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Open issues whose state is due to be read again. */
export async function listDueChecks(db: Executor, now: number, limit: number) {
  const rows = await db
    .selectFrom('tracker_issues')
    .selectAll()
    .where('status', '=', 'created')
    .where('next_check_at', '<=', now)
    .orderBy('next_check_at')
    .limit(limit)
    .execute();
  return rows.map(toIssue);
}

/**
 * Takes a due check by compare-and-set on its due time: of several instances polling at once,
 * one moves it on and reads the tracker; the others see it taken.
 */
export async function claimCheck(
  db: Executor,
  issue: TrackerIssueRecord,
  next: number,
): Promise<boolean> {
  if (issue.nextCheckAt === null) return false;
  const result = await db
    .updateTable('tracker_issues')
    .set({ next_check_at: next })
    .where('id', '=', issue.id)
    .where('next_check_at', '=', issue.nextCheckAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function stopChecks(db: Executor, id: string): Promise<void> {
  await db
    .updateTable('tracker_issues')
    .set({ next_check_at: null })
    .where('id', '=', id)
    .execute();
}

/** The connection's issues whose delivery is a dead letter. */
export async function listDeadIssues(db: Executor, connectionId: string) {
  const rows = await db
    .selectFrom('tracker_issues')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('status', '=', 'dead')
    .execute();
  return rows.map(toIssue);
}

/** A dead issue's delivery is tried again: pending, until the next attempt says. */
export async function markPending(db: Executor, id: string, at: number): Promise<void> {
  await db
    .updateTable('tracker_issues')
    .set({ status: 'pending', updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .execute();
}

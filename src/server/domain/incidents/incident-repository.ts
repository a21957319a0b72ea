// Reads of the incident projections: one incident with its parts, lists with filters, the line.
import { sql, type ExpressionBuilder, type Selectable } from 'kysely';
import type {
  ContainmentKind,
  ContainmentStatus,
  Exercise,
  ExerciseKind,
  Criticality,
  Milestone,
  OwnerAssignment,
  PanelSeat,
  ReproductionResult,
  TaskStatus,
  TaskType,
} from '../../../shared/domain/incidents.ts';
import type { Database, Executor } from '../../db/schema.ts';
import {
  containmentOrder,
  memberOrder,
  roleOrder,
  taskOrder,
  text,
  voteOrder,
} from './incident-reducer.ts';
import type { ContainmentHookAnswer, IncidentState } from './incident-state.ts';

const INCIDENT_COLUMNS = [
  'id',
  'key',
  'title',
  'summary',
  'source',
  'affected_systems_json',
  'detected_at',
  'reported_at',
  'declared_at',
  'restricted',
  'publicly_disclosed',
  'exercise_json',
  'severity',
  'criticality',
  'phase',
  'owner_id',
  'policy_hash',
  'line_stopped',
  'line_stopped_at',
  'awaiting_reporter',
  'reproduction_result',
  'reproduction_steps',
  'reproduction_evidence',
  'tracker_url',
  'de_escalated_at',
  'panel_round',
  'created_by',
  'created_at',
  'updated_at',
  'closed_at',
  'version',
] as const;

const num = (v: number | null) => (v === null ? null : Number(v));

export async function findIncidentState(
  tx: Executor,
  idOrKey: string,
): Promise<IncidentState | null> {
  const row = await tx
    .selectFrom('incidents')
    .select(INCIDENT_COLUMNS)
    .where((eb) => eb.or([eb('id', '=', idOrKey), eb('key', '=', idOrKey)]))
    .executeTakeFirst();
  return row ? ((await statesOf(tx, [row]))[0] ?? null) : null;
}

/**
 * Many incidents with their parts in one read (nine statements however many): the dashboard's
 * "Needs you". Answers those found, in the order of `ids`.
 */
export async function findIncidentStates(
  tx: Executor,
  ids: readonly string[],
): Promise<IncidentState[]> {
  if (ids.length === 0) return [];
  const rows = await tx
    .selectFrom('incidents')
    .select(INCIDENT_COLUMNS)
    .where('id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return statesOf(
    tx,
    ids.flatMap((id) => byId.get(id) ?? []),
  );
}

type IncidentRow = Pick<Selectable<Database['incidents']>, (typeof INCIDENT_COLUMNS)[number]>;

/** Groups rows by their incident_id. */
function byIncident<R extends { incident_id: string }>(rows: R[]): Map<string, R[]> {
  const groups = new Map<string, R[]>();
  for (const row of rows) {
    const group = groups.get(row.incident_id);
    if (group) group.push(row);
    else groups.set(row.incident_id, [row]);
  }
  return groups;
}

/** The incidents' states: each part table read once for all of them. */
async function statesOf(tx: Executor, rows: IncidentRow[]): Promise<IncidentState[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  // Panel members and votes count in each incident's current round only.
  const round = new Map(rows.map((r) => [r.id, Number(r.panel_round)]));
  const inRound = (r: { incident_id: string; round: number }) =>
    round.get(r.incident_id) === Number(r.round);
  const [
    memberRows,
    voteRows,
    roleRows,
    taskRows,
    containmentRows,
    milestoneRows,
    reportRows,
    participantRows,
  ] = await Promise.all([
    tx
      .selectFrom('incident_panel_members')
      .select(['incident_id', 'round', 'user_id', 'seat'])
      .where('incident_id', 'in', ids)
      .execute(),
    tx
      .selectFrom('incident_panel_votes')
      .select([
        'incident_id',
        'round',
        'member_id',
        'seat',
        'answers_json',
        'vote',
        'rationale',
        'at',
      ])
      .where('incident_id', 'in', ids)
      .orderBy('at')
      .execute(),
    tx
      .selectFrom('incident_role_assignments')
      .select(['incident_id', 'role', 'user_id', 'from_at'])
      .where('incident_id', 'in', ids)
      .where('to_at', 'is', null)
      .orderBy('from_at')
      .execute(),
    tx
      .selectFrom('incident_tasks')
      .select([
        'incident_id',
        'id',
        'type',
        'title',
        'description',
        'assignee_id',
        'due_at',
        'status',
        'created_at',
        'updated_at',
        'completed_at',
      ])
      .where('incident_id', 'in', ids)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    tx
      .selectFrom('incident_containment_actions')
      .select([
        'incident_id',
        'id',
        'kind',
        'description',
        'status',
        'justification',
        'recorded_at',
        'ended_at',
        'hook_id',
        'hook_answer_json',
      ])
      .where('incident_id', 'in', ids)
      .orderBy('recorded_at')
      .orderBy('id')
      .execute(),
    tx
      .selectFrom('incident_milestones')
      .select(['incident_id', 'milestone'])
      .where('incident_id', 'in', ids)
      .execute(),
    tx
      .selectFrom('incident_report_links')
      .select(['incident_id', 'report_id', 'linked_at'])
      .where('incident_id', 'in', ids)
      .execute(),
    tx
      .selectFrom('incident_participants')
      .select(['incident_id', 'user_id'])
      .where('incident_id', 'in', ids)
      .execute(),
  ]);
  const membersBy = byIncident(memberRows.filter(inRound));
  const votesBy = byIncident(voteRows.filter(inRound));
  const rolesBy = byIncident(roleRows);
  const tasksBy = byIncident(taskRows);
  const containmentBy = byIncident(containmentRows);
  const milestonesBy = byIncident(milestoneRows);
  const reportsBy = byIncident(reportRows);
  const participantsBy = byIncident(participantRows);
  return rows.map((row) => {
    const id = row.id;
    const part = <R>(groups: Map<string, R[]>) => groups.get(id) ?? [];
    const [members, votes, roles, tasks] = [
      part(membersBy),
      part(votesBy),
      part(rolesBy),
      part(tasksBy),
    ];
    const [containment, milestones, reports, participants] = [
      part(containmentBy),
      part(milestonesBy),
      part(reportsBy),
      part(participantsBy),
    ];
    return {
      id,
      key: row.key,
      title: row.title,
      summary: row.summary,
      source: row.source,
      affectedSystems: JSON.parse(row.affected_systems_json) as string[],
      detectedAt: num(row.detected_at),
      reportedAt: num(row.reported_at),
      declaredAt: Number(row.declared_at),
      restricted: Boolean(row.restricted),
      publiclyDisclosed: Boolean(row.publicly_disclosed),
      exercise: row.exercise_json === null ? null : (JSON.parse(row.exercise_json) as Exercise),
      severity: row.severity,
      criticality: row.criticality as Criticality | null,
      phase: row.phase,
      ownerId: row.owner_id,
      policyHash: row.policy_hash,
      lineStopped: Boolean(row.line_stopped),
      lineStoppedAt: num(row.line_stopped_at),
      awaitingReporter: Boolean(row.awaiting_reporter),
      reproduction: row.reproduction_result
        ? {
            result: row.reproduction_result as ReproductionResult,
            steps: row.reproduction_steps ?? '',
            evidence: row.reproduction_evidence ?? '',
          }
        : null,
      trackerUrl: row.tracker_url,
      deEscalatedAt: num(row.de_escalated_at),
      panelRound: Number(row.panel_round),
      panelMembers: members
        .map((m) => ({ userId: m.user_id, seat: m.seat as PanelSeat }))
        .sort(memberOrder),
      votes: votes
        .map((v) => ({
          memberId: v.member_id,
          seat: v.seat as PanelSeat,
          answers: JSON.parse(v.answers_json) as Record<string, boolean>,
          vote: v.vote as Criticality,
          rationale: v.rationale,
          at: Number(v.at),
        }))
        .sort(voteOrder),
      roles: roles
        .map((r) => ({ role: r.role, userId: r.user_id, since: Number(r.from_at) }))
        .sort(roleOrder),
      tasks: tasks
        .map((t) => ({
          id: t.id,
          type: t.type as TaskType,
          title: t.title,
          description: t.description,
          assigneeId: t.assignee_id,
          dueAt: num(t.due_at),
          status: t.status as TaskStatus,
          createdAt: Number(t.created_at),
          updatedAt: Number(t.updated_at),
          completedAt: num(t.completed_at),
        }))
        .sort(taskOrder),
      containment: containment
        .map((c) => ({
          id: c.id,
          kind: c.kind as ContainmentKind,
          description: c.description,
          status: c.status as ContainmentStatus,
          justification: c.justification,
          recordedAt: Number(c.recorded_at),
          endedAt: num(c.ended_at),
          hookId: c.hook_id,
          hookAnswer: c.hook_answer_json
            ? (JSON.parse(c.hook_answer_json) as ContainmentHookAnswer)
            : null,
        }))
        .sort(containmentOrder),
      milestones: milestones.map((m) => m.milestone as Milestone).sort(text),
      // In the order they were linked; ids linked at the same moment by id.
      reportIds: reports
        .sort((a, b) => Number(a.linked_at) - Number(b.linked_at) || text(a.report_id, b.report_id))
        .map((r) => r.report_id),
      participants: participants.map((p) => p.user_id).sort(text),
      createdBy: row.created_by,
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
      closedAt: num(row.closed_at),
      version: Number(row.version),
    };
  });
}

/** The policy version an incident is handled under; null when there is no such incident. */
export async function findPolicyHash(tx: Executor, idOrKey: string): Promise<string | null> {
  const row = await tx
    .selectFrom('incidents')
    .select('policy_hash')
    .where((eb) => eb.or([eb('id', '=', idOrKey), eb('key', '=', idOrKey)]))
    .executeTakeFirst();
  return row?.policy_hash ?? null;
}

/** Restricted incidents `userId` does not take part in: what they may not see. */
export async function listRestrictedIncidentIdsWithout(
  tx: Executor,
  userId: string,
): Promise<string[]> {
  const rows = await tx
    .selectFrom('incidents')
    .select('id')
    .where('restricted', '=', 1)
    .where('id', 'not in', (eb) =>
      eb.selectFrom('incident_participants').select('incident_id').where('user_id', '=', userId),
    )
    .execute();
  return rows.map((r) => r.id);
}

/** Open incidents this person takes part in (owner, role, panel, task...), newest first. */
export async function listOpenIncidentIdsWith(
  tx: Executor,
  userId: string,
  limit: number,
): Promise<string[]> {
  const rows = await tx
    .selectFrom('incidents')
    .select('id')
    .where('closed_at', 'is', null)
    .where('id', 'in', (eb) =>
      eb.selectFrom('incident_participants').select('incident_id').where('user_id', '=', userId),
    )
    .orderBy('declared_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export interface IncidentListFilter {
  phase?: string | undefined;
  severity?: string | undefined;
  ownerId?: string | undefined;
  criticality?: Criticality | 'undecided' | undefined;
  text?: string | undefined;
  /** true: not closed yet; false: closed. */
  open?: boolean | undefined;
  /** Restricted incidents are listed only for this participant; null lists them all (admins). */
  participantId: string | null;
  limit: number;
  offset: number;
}

/** Unrestricted incidents, and restricted ones this person takes part in (for `incidents` rows). */
function visibleTo(participantId: string) {
  return (eb: ExpressionBuilder<Database, 'incidents'>) =>
    eb.or([
      eb('incidents.restricted', '=', 0),
      eb(
        'incidents.id',
        'in',
        eb
          .selectFrom('incident_participants')
          .select('incident_participants.incident_id')
          .where('incident_participants.user_id', '=', participantId),
      ),
    ]);
}

export interface IncidentSummaryRow {
  id: string;
  key: string;
  title: string;
  severity: string | null;
  criticality: Criticality | null;
  phase: string;
  ownerId: string | null;
  restricted: boolean;
  lineStopped: boolean;
  /** The exercise's kind when it is one (shown as EXERCISE wherever it is listed); null: real. */
  exerciseKind: ExerciseKind | null;
  declaredAt: number;
  updatedAt: number;
}

export async function listIncidents(
  tx: Executor,
  filter: IncidentListFilter,
): Promise<{ items: IncidentSummaryRow[]; total: number }> {
  let query = tx.selectFrom('incidents');
  if (filter.phase) query = query.where('phase', '=', filter.phase);
  if (filter.severity) query = query.where('severity', '=', filter.severity);
  if (filter.ownerId) query = query.where('owner_id', '=', filter.ownerId);
  if (filter.criticality === 'undecided') query = query.where('criticality', 'is', null);
  else if (filter.criticality) query = query.where('criticality', '=', filter.criticality);
  if (filter.open !== undefined)
    query = query.where('closed_at', filter.open ? 'is' : 'is not', null);
  if (filter.text) {
    // LIKE with the wildcards in the text escaped: the text is data, not a pattern.
    const pattern = `%${filter.text.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    query = query.where((eb) =>
      eb.or([
        eb(sql`lower(title)`, 'like', sql`${pattern} escape '\\'`),
        eb(sql`lower(summary)`, 'like', sql`${pattern} escape '\\'`),
        eb(sql`lower(key)`, 'like', sql`${pattern} escape '\\'`),
      ]),
    );
  }
  if (filter.participantId !== null) query = query.where(visibleTo(filter.participantId));
  const [rows, count] = await Promise.all([
    query
      .select([
        'id',
        'key',
        'title',
        'severity',
        'criticality',
        'phase',
        'owner_id',
        'restricted',
        'line_stopped',
        'exercise_json',
        'declared_at',
        'updated_at',
      ])
      .orderBy('declared_at', 'desc')
      .orderBy('key', 'desc')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    items: rows.map((r) => ({
      id: r.id,
      key: r.key,
      title: r.title,
      severity: r.severity,
      criticality: r.criticality as Criticality | null,
      phase: r.phase,
      ownerId: r.owner_id,
      restricted: Boolean(r.restricted),
      lineStopped: Boolean(r.line_stopped),
      exerciseKind:
        r.exercise_json === null ? null : (JSON.parse(r.exercise_json) as Exercise).kind,
      declaredAt: Number(r.declared_at),
      updatedAt: Number(r.updated_at),
    })),
  };
}

/** Open (not closed) incidents owned by each of the given people. */
export async function countOpenIncidentsByOwner(
  tx: Executor,
  ownerIds: readonly string[],
): Promise<Map<string, number>> {
  if (ownerIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('incidents')
    .select(['owner_id', (eb) => eb.fn.countAll().as('n')])
    .where('owner_id', 'in', ownerIds)
    .where('closed_at', 'is', null)
    .groupBy('owner_id')
    .execute();
  return new Map(rows.map((r) => [r.owner_id!, Number(r.n)]));
}

export async function listDecisions(tx: Executor, incidentId: string) {
  const rows = await tx
    .selectFrom('incident_decisions')
    .select(['id', 'what', 'why', 'alternatives', 'decided_by', 'recorded_by', 'at'])
    .where('incident_id', '=', incidentId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    what: r.what,
    why: r.why,
    alternatives: r.alternatives,
    decidedBy: r.decided_by,
    recordedBy: r.recorded_by,
    at: Number(r.at),
  }));
}

/** The steps recorded once, oldest first: who recorded each, when, and its note (the evidence). */
export async function listSteps(tx: Executor, incidentId: string) {
  return (await listStepsOf(tx, [incidentId])).get(incidentId) ?? [];
}

/** The recorded steps of many incidents in one read, by incident id. */
export async function listStepsOf(tx: Executor, incidentIds: readonly string[]) {
  const steps = new Map<
    string,
    { milestone: Milestone; note: string; recordedBy: string | null; at: number }[]
  >();
  if (incidentIds.length === 0) return steps;
  const rows = await tx
    .selectFrom('incident_milestones')
    .select(['incident_id', 'milestone', 'note', 'recorded_by', 'at'])
    .where('incident_id', 'in', incidentIds)
    .orderBy('at')
    .orderBy('milestone')
    .execute();
  for (const r of rows) {
    const step = {
      milestone: r.milestone as Milestone,
      note: r.note,
      recordedBy: r.recorded_by,
      at: Number(r.at),
    };
    steps.set(r.incident_id, [...(steps.get(r.incident_id) ?? []), step]);
  }
  return steps;
}

export async function listOwnerHistory(tx: Executor, incidentId: string) {
  const rows = await tx
    .selectFrom('incident_owner_history')
    .select(['user_id', 'how', 'assigned_by', 'from_at', 'to_at'])
    .where('incident_id', '=', incidentId)
    .orderBy('from_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    userId: r.user_id,
    how: r.how as OwnerAssignment,
    assignedBy: r.assigned_by,
    from: Number(r.from_at),
    to: num(r.to_at),
  }));
}

export async function listRoleHistory(tx: Executor, incidentId: string) {
  const rows = await tx
    .selectFrom('incident_role_assignments')
    .select(['role', 'user_id', 'assigned_by', 'from_at', 'to_at'])
    .where('incident_id', '=', incidentId)
    .orderBy('from_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    role: r.role,
    userId: r.user_id,
    assignedBy: r.assigned_by,
    from: Number(r.from_at),
    to: num(r.to_at),
  }));
}

/** Who may hear of a change to an incident: its key, and whether and to whom it is restricted. */
export interface IncidentAudience {
  id: string;
  key: string;
  restricted: boolean;
  participants: string[];
}

/** Audiences of several incidents at once (the live stream resolves a commit's events together). */
export async function findIncidentAudiences(
  tx: Executor,
  ids: readonly string[],
): Promise<Map<string, IncidentAudience>> {
  if (ids.length === 0) return new Map();
  const [rows, participants] = await Promise.all([
    tx
      .selectFrom('incidents')
      .select(['id', 'key', 'restricted'])
      .where('id', 'in', [...ids])
      .execute(),
    tx
      .selectFrom('incident_participants')
      .select(['incident_id', 'user_id'])
      .where('incident_id', 'in', [...ids])
      .execute(),
  ]);
  const audiences = new Map<string, IncidentAudience>(
    rows.map((r) => [
      r.id,
      { id: r.id, key: r.key, restricted: Boolean(r.restricted), participants: [] },
    ]),
  );
  for (const p of participants) audiences.get(p.incident_id)?.participants.push(p.user_id);
  return audiences;
}

export interface TaskListFilter {
  /** Only tasks assigned to this person. */
  assigneeId?: string | undefined;
  /** Only tasks still to do (open or in progress). */
  openOnly: boolean;
  /** Tasks of restricted incidents only for this participant; null for all (admins). */
  participantId: string | null;
  limit: number;
}

/** Tasks across incidents with their incident's key and title: the soonest due first. */
export async function listTasks(tx: Executor, filter: TaskListFilter) {
  let query = tx
    .selectFrom('incident_tasks')
    .innerJoin('incidents', 'incidents.id', 'incident_tasks.incident_id');
  if (filter.assigneeId) query = query.where('incident_tasks.assignee_id', '=', filter.assigneeId);
  if (filter.openOnly) query = query.where('incident_tasks.status', 'in', ['open', 'in_progress']);
  if (filter.participantId !== null) query = query.where(visibleTo(filter.participantId));
  const rows = await query
    .select([
      'incident_tasks.id',
      'incident_tasks.type',
      'incident_tasks.title',
      'incident_tasks.status',
      'incident_tasks.assignee_id',
      'incident_tasks.due_at',
      'incident_tasks.created_at',
      'incidents.key as incident_key',
      'incidents.title as incident_title',
    ])
    // Tasks without a due time last, on both databases (they sort NULLs differently).
    .orderBy(sql`case when incident_tasks.due_at is null then 1 else 0 end`)
    .orderBy('incident_tasks.due_at')
    .orderBy('incident_tasks.created_at')
    .orderBy('incident_tasks.id')
    .limit(filter.limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    incidentKey: r.incident_key,
    incidentTitle: r.incident_title,
    type: r.type as TaskType,
    title: r.title,
    status: r.status as TaskStatus,
    assigneeId: r.assignee_id,
    dueAt: num(r.due_at),
  }));
}

/** Whether an incident (by id or key) is an exercise, and who takes part in it (null: a real
 * incident, or none such). For the notifications' exercise gate. */
export async function findExerciseAudience(
  executor: Executor,
  idOrKey: string,
): Promise<{ kind: Exercise['kind']; participantIds: string[] } | null> {
  const row = await executor
    .selectFrom('incidents')
    .select(['id', 'exercise_json'])
    .where((eb) => eb.or([eb('id', '=', idOrKey), eb('key', '=', idOrKey)]))
    .executeTakeFirst();
  if (!row || row.exercise_json === null) return null;
  const participants = await executor
    .selectFrom('incident_participants')
    .select('user_id')
    .where('incident_id', '=', row.id)
    .execute();
  const exercise = JSON.parse(row.exercise_json) as Exercise;
  return { kind: exercise.kind, participantIds: participants.map((p) => p.user_id) };
}

/** The ids of the incidents declared as exercises (left out of the measures). */
export async function listExerciseIds(executor: Executor): Promise<string[]> {
  const rows = await executor
    .selectFrom('incidents')
    .select('id')
    .where('exercise_json', 'is not', null)
    .execute();
  return rows.map((r) => r.id);
}

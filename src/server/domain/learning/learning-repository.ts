// Reads of the learning tables: plain camelCase records out. The one writer is
// learning-projection.ts.
import type { Selectable } from 'kysely';
import type {
  Executor,
  PostmortemFollowUpsTable,
  PostmortemSectionsTable,
  PostmortemsTable,
} from '../../db/schema.ts';
import type {
  FollowUpPriority,
  FollowUpStatus,
  FollowUpType,
  PolicySection,
  PostmortemStatus,
} from '../../../shared/domain/learning.ts';
import type {
  Approval,
  ChangesRequested,
  DeclinedProposal,
  FollowUp,
  FollowUpInList,
  PostmortemState,
  StandaloneFollowUpState,
  TimelineEntry,
  TimelineMark,
} from './learning-state.ts';
import type { FollowUpSource } from './learning-events.ts';

const time = (value: number | null) => (value === null ? null : Number(value));

export async function findPostmortemByIncident(
  ex: Executor,
  incidentId: string,
): Promise<PostmortemState | null> {
  return (await findPostmortemsByIncidents(ex, [incidentId])).get(incidentId) ?? null;
}

/**
 * Many incidents' post-mortems in one read (three statements however many): each table read once
 * for all of them, grouped in memory. Answers those found, by incident id.
 */
export async function findPostmortemsByIncidents(
  ex: Executor,
  incidentIds: readonly string[],
): Promise<Map<string, PostmortemState>> {
  if (incidentIds.length === 0) return new Map();
  const rows = await ex
    .selectFrom('postmortems')
    .selectAll()
    .where('incident_id', 'in', incidentIds)
    .execute();
  if (rows.length === 0) return new Map();
  const ids = rows.map((r) => r.id);
  const [sections, followUps] = await Promise.all([
    ex
      .selectFrom('postmortem_sections')
      .selectAll()
      .where('postmortem_id', 'in', ids)
      .orderBy('postmortem_id')
      .orderBy('position')
      .execute(),
    ex
      .selectFrom('postmortem_follow_ups')
      .selectAll()
      .where('postmortem_id', 'in', ids)
      .orderBy('postmortem_id')
      .orderBy('position')
      .execute(),
  ]);
  const sectionsOf = byPostmortem(sections);
  const followUpsOf = byPostmortem(followUps);
  return new Map(
    rows.map((row) => [
      row.incident_id,
      toState(row, sectionsOf.get(row.id) ?? [], followUpsOf.get(row.id) ?? []),
    ]),
  );
}

/** Groups rows by their postmortem_id, keeping their order. */
function byPostmortem<R extends { postmortem_id: string | null }>(rows: R[]): Map<string, R[]> {
  const groups = new Map<string, R[]>();
  for (const row of rows) {
    if (row.postmortem_id === null) continue;
    const group = groups.get(row.postmortem_id);
    if (group) group.push(row);
    else groups.set(row.postmortem_id, [row]);
  }
  return groups;
}

/** A post-mortem's row and its parts (in position order) as its state. */
function toState(
  row: Selectable<PostmortemsTable>,
  sections: Selectable<PostmortemSectionsTable>[],
  followUps: Selectable<PostmortemFollowUpsTable>[],
): PostmortemState {
  return {
    id: row.id,
    version: Number(row.version),
    incidentId: row.incident_id,
    incidentKey: row.incident_key,
    status: row.status as PostmortemStatus,
    ownerId: row.owner_id,
    policyHash: row.policy_hash,
    authorMayApprove: Boolean(row.author_may_approve),
    approvalsRequired: Number(row.approvals_required),
    reviewerIds: JSON.parse(row.reviewer_ids) as string[],
    approvals: JSON.parse(row.approvals) as Approval[],
    skipReason: row.skip_reason,
    skippedBy: row.skipped_by,
    skippedAt: time(row.skipped_at),
    changesRequested:
      row.changes_requested === null
        ? null
        : (JSON.parse(row.changes_requested) as ChangesRequested),
    sections: sections.map((s) => ({
      sectionId: s.section_id,
      title: s.title,
      prompt: s.prompt,
      required: Boolean(s.required),
      body: s.body,
      updatedBy: s.updated_by,
      updatedAt: time(s.updated_at),
    })),
    followUps: followUps.map(toFollowUp),
    timelineMarks: JSON.parse(row.timeline_marks) as TimelineMark[],
    timelineEntries: JSON.parse(row.timeline_entries) as TimelineEntry[],
    declinedProposals: JSON.parse(row.declined_proposals) as DeclinedProposal[],
    submittedBy: row.submitted_by,
    submittedAt: time(row.submitted_at),
    approvedBy: row.approved_by,
    approvedAt: time(row.approved_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toFollowUp(r: PostmortemFollowUpsTable): FollowUp {
  return {
    id: r.id,
    title: r.title,
    ownerId: r.owner_id,
    dueAt: Number(r.due_at),
    priority: r.priority as FollowUpPriority,
    type: r.type as FollowUpType,
    trackerUrl: r.tracker_url,
    policySection: r.policy_section as PolicySection | null,
    proposalId: r.proposal_id,
    source: r.source_json === null ? null : (JSON.parse(r.source_json) as FollowUpSource),
    status: r.status as FollowUpStatus,
    reason: r.reason,
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    closedAt: time(r.closed_at),
    tracker:
      r.tracker_connection !== null && r.tracker_key !== null
        ? {
            connection: r.tracker_connection,
            key: r.tracker_key,
            state: r.tracker_state === 'closed' ? 'closed' : 'open',
          }
        : null,
  };
}

export interface FollowUpFilter {
  status?: FollowUpStatus | undefined;
  type?: FollowUpType | undefined;
  ownerId?: string | undefined;
  /** Incidents whose follow-ups the caller may not see (stand-alone ones have none). */
  hiddenIncidentIds: string[];
  limit: number;
}

/**
 * Follow-ups across post-mortems and the stand-alone ones, soonest due first, with their
 * incident's id and key (null for a stand-alone one).
 */
export async function listFollowUps(
  ex: Executor,
  filter: FollowUpFilter,
): Promise<FollowUpInList[]> {
  // The version a change by id is checked against: the post-mortem's, or a stand-alone one's own.
  let query = ex
    .selectFrom('postmortem_follow_ups as f')
    .leftJoin('postmortems as p', 'p.id', 'f.postmortem_id')
    .leftJoin('streams as s', 's.id', 'f.id')
    .selectAll('f')
    .select(['p.incident_key', 'p.version as postmortem_version', 's.version as own_version']);
  if (filter.status) query = query.where('f.status', '=', filter.status);
  if (filter.type) query = query.where('f.type', '=', filter.type);
  if (filter.ownerId) query = query.where('f.owner_id', '=', filter.ownerId);
  if (filter.hiddenIncidentIds.length > 0) {
    const hidden = filter.hiddenIncidentIds;
    query = query.where((eb) =>
      eb.or([eb('f.incident_id', 'is', null), eb('f.incident_id', 'not in', hidden)]),
    );
  }
  const rows = await query.orderBy('f.due_at').orderBy('f.id').limit(filter.limit).execute();
  return rows.map((r) => ({
    ...toFollowUp(r),
    incidentId: r.incident_id,
    incidentKey: r.incident_key,
    version: Number(r.postmortem_version ?? r.own_version),
  }));
}

/** Where a follow-up is held: its incident (null: a stand-alone one); null when there is none. */
export async function findFollowUpHolder(
  ex: Executor,
  followUpId: string,
): Promise<{ incidentId: string | null } | null> {
  const row = await ex
    .selectFrom('postmortem_follow_ups')
    .select('incident_id')
    .where('id', '=', followUpId)
    .executeTakeFirst();
  return row ? { incidentId: row.incident_id } : null;
}

/** A stand-alone follow-up as its rules read it; null when there is none by this id. */
export async function findStandaloneFollowUp(
  ex: Executor,
  followUpId: string,
): Promise<StandaloneFollowUpState | null> {
  const row = await ex
    .selectFrom('postmortem_follow_ups as f')
    .innerJoin('streams as s', 's.id', 'f.id')
    .selectAll('f')
    .select('s.version as stream_version')
    .where('f.id', '=', followUpId)
    .where('f.postmortem_id', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    version: Number(row.stream_version),
    followUps: [toFollowUp(row)],
    declinedProposals: [],
  };
}

/** The incidents with a post-mortem this caller may see, the most recently changed first. */
export async function listPostmortemIncidentIds(
  ex: Executor,
  hiddenIncidentIds: string[],
  limit: number,
): Promise<string[]> {
  let query = ex.selectFrom('postmortems').select('incident_id');
  if (hiddenIncidentIds.length > 0) query = query.where('incident_id', 'not in', hiddenIncidentIds);
  const rows = await query.orderBy('updated_at', 'desc').orderBy('id').limit(limit).execute();
  return rows.map((r) => r.incident_id);
}

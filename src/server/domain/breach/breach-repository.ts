// Reads of the breach tables: plain camelCase records out. Writes go through breach-projection.ts.
import type {
  BreachStatus,
  DeterminationKind,
  NoticeStatus,
  StageAudience,
  SubmissionPart,
} from '../../../shared/domain/breach.ts';
import type { Executor } from '../../db/schema.ts';
import type { BreachFacts } from './breach-events.ts';
import type { BreachState } from './breach-state.ts';

/** The breach record with this id (housekeeping, which has no incident reference at hand). */
export async function findBreachById(
  executor: Executor,
  breachId: string,
): Promise<BreachState | null> {
  const row = await executor
    .selectFrom('breaches')
    .select('incident_id')
    .where('id', '=', breachId)
    .executeTakeFirst();
  return row ? findBreachByIncident(executor, row.incident_id) : null;
}

/** The breach record of an incident with its determinations; null when it has none. */
export async function findBreachByIncident(
  executor: Executor,
  incidentId: string,
): Promise<BreachState | null> {
  const row = await executor
    .selectFrom('breaches')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .executeTakeFirst();
  if (!row) return null;
  const determinations = await executor
    .selectFrom('breach_determinations')
    .selectAll()
    .where('breach_id', '=', row.id)
    .orderBy('seq')
    .execute();
  const submissions = await executor
    .selectFrom('breach_submissions')
    .selectAll()
    .where('breach_id', '=', row.id)
    .orderBy('seq')
    .execute();
  const notices = await executor
    .selectFrom('breach_notices')
    .selectAll()
    .where('breach_id', '=', row.id)
    .orderBy('drafted_at')
    .orderBy('id')
    .execute();
  const redactions = await executor
    .selectFrom('redactions')
    .select(['field', 'lines', 'rule', 'reason', 'at'])
    .where('stream_id', '=', row.id)
    .where('target_type', '=', 'breach_contacts')
    .orderBy('at')
    .orderBy('id')
    .execute();
  return {
    id: row.id,
    incidentId: row.incident_id,
    version: Number(row.version),
    status: row.status as BreachStatus,
    facts: JSON.parse(row.facts_json) as BreachFacts,
    openedAt: Number(row.opened_at),
    openedBy: row.opened_by,
    updatedAt: Number(row.updated_at),
    determinations: determinations.map((d) => ({
      kind: d.kind as DeterminationKind,
      value: Boolean(d.value),
      at: Number(d.at),
      rationale: d.rationale,
      decidedBy: d.decided_by,
      decidedAt: Number(d.decided_at),
      seq: Number(d.seq),
    })),
    submissions: submissions.map((s) => ({
      regimeId: s.regime_id,
      stageId: s.stage_id,
      part: s.part as SubmissionPart,
      submittedAt: Number(s.submitted_at),
      recipient: s.recipient,
      reference: s.reference,
      copy: { mediaType: s.copy_media_type, text: s.copy_text, sha256: s.copy_sha256 },
      dueAt: s.due_at === null ? null : Number(s.due_at),
      late: Boolean(s.late),
      delayReasons: s.delay_reasons,
      recordedBy: s.recorded_by,
      recordedAt: Number(s.recorded_at),
      seq: Number(s.seq),
    })),
    notices: notices.map((n) => ({
      id: n.id,
      audience: n.audience as StageAudience,
      regimeId: n.regime_id,
      stageId: n.stage_id,
      subject: n.subject,
      text: n.body,
      status: n.status as NoticeStatus,
      sha256: n.sha256,
      draftedAt: Number(n.drafted_at),
      draftedBy: n.drafted_by,
      approvedAt: n.approved_at === null ? null : Number(n.approved_at),
      approvedBy: n.approved_by,
      sentAt: n.sent_at === null ? null : Number(n.sent_at),
      recipients: n.recipients === null ? null : Number(n.recipients),
    })),
    contactRedactions: redactions.map((r) => ({
      scope: r.field === 'list' ? 'list' : 'contact',
      // Written with every breach_contacts row, and by the migration for the older ones.
      count: Number(r.lines),
      rule: r.rule === 'request' ? 'request' : 'retention',
      reason: r.reason,
      at: Number(r.at),
    })),
  };
}

/** Every breach record, oldest first, leaving out those of the given (hidden) incidents. */
export async function listBreaches(
  executor: Executor,
  hiddenIncidentIds: readonly string[],
): Promise<BreachState[]> {
  let query = executor.selectFrom('breaches').select('incident_id').orderBy('opened_at');
  if (hiddenIncidentIds.length > 0) {
    query = query.where('incident_id', 'not in', hiddenIncidentIds);
  }
  const rows = await query.execute();
  const states = await Promise.all(rows.map((r) => findBreachByIncident(executor, r.incident_id)));
  return states.filter((s): s is BreachState => s !== null);
}

/** The incident of each of these breach records, by the record's id. */
export async function findIncidentIds(
  executor: Executor,
  breachIds: readonly string[],
): Promise<Map<string, string>> {
  if (breachIds.length === 0) return new Map();
  const rows = await executor
    .selectFrom('breaches')
    .select(['id', 'incident_id'])
    .where('id', 'in', breachIds)
    .execute();
  return new Map(rows.map((r) => [r.id, r.incident_id]));
}

// The one writer of the breach tables: appends the events to the breach's stream and writes the
// rows they imply in the same transaction, answering the new state reduced in memory.
import { appendAndProject, type Projector } from '../../db/event-store.ts';
import { insertRedaction } from '../../db/redactions.ts';
import type { Executor } from '../../db/schema.ts';
import type { BreachEvent, RecordedBreachEvent } from './breach-events.ts';
import { riskLevel } from './breach-rules.ts';
import { applyBreachEvent, type BreachNotice, type BreachState } from './breach-state.ts';

const breachProjector: Projector<BreachEvent, BreachState> = {
  streamType: 'breach',
  apply: applyBreachEvent,
  project: (tx, event, after, breachId) => projectEvent(tx, breachId, event, after),
  finish: (tx, before, after, _recorded, breachId) => writeBreachRow(tx, breachId, before, after),
};

export function appendToBreach(
  tx: Executor,
  breachId: string,
  state: BreachState | null,
  events: readonly BreachEvent[],
  actorId: string | null,
  at: number,
): Promise<BreachState> {
  return appendAndProject(tx, breachProjector, breachId, state, events, actorId, at);
}

async function projectEvent(
  tx: Executor,
  breachId: string,
  event: RecordedBreachEvent,
  after: BreachState,
) {
  const { at, actorId } = event;
  if (event.type.startsWith('breach.notice_')) {
    const noticeId = (event.data as { noticeId: string }).noticeId;
    await writeNoticeRow(
      tx,
      breachId,
      after.notices.find((n) => n.id === noticeId)!,
    );
    return;
  }
  if (event.type === 'breach.determined') {
    await tx
      .insertInto('breach_determinations')
      .values({
        breach_id: breachId,
        seq: event.seq,
        kind: event.data.kind,
        value: event.data.value ? 1 : 0,
        at: event.data.at,
        rationale: event.data.rationale,
        decided_by: actorId,
        decided_at: at,
      })
      .execute();
  } else if (event.type === 'breach.submitted') {
    const d = event.data;
    await tx
      .insertInto('breach_submissions')
      .values({
        breach_id: breachId,
        seq: event.seq,
        regime_id: d.regimeId,
        stage_id: d.stageId,
        part: d.part,
        submitted_at: d.submittedAt,
        recipient: d.recipient,
        reference: d.reference,
        copy_media_type: d.copy.mediaType,
        copy_text: d.copy.text,
        copy_sha256: d.copy.sha256,
        due_at: d.dueAt,
        late: d.late ? 1 : 0,
        delay_reasons: d.delayReasons,
        recorded_by: actorId,
        recorded_at: at,
      })
      .execute();
  } else if (event.type === 'breach.contacts_redacted') {
    const d = event.data;
    await insertRedaction(tx, {
      streamId: breachId,
      targetType: 'breach_contacts',
      targetId: `${breachId}:${event.seq}`,
      field: d.scope,
      rule: d.rule,
      reason: d.reason,
      removedHash: d.removedHash,
      lines: d.count,
      actorId,
      at,
      fileKey: null,
    });
  }
}

/** A notice's row, written whole from its state after the event. */
async function writeNoticeRow(tx: Executor, breachId: string, n: BreachNotice) {
  const row = {
    subject: n.subject,
    body: n.text,
    status: n.status,
    sha256: n.sha256,
    approved_at: n.approvedAt,
    approved_by: n.approvedBy,
    sent_at: n.sentAt,
    recipients: n.recipients,
  };
  const found = await tx
    .selectFrom('breach_notices')
    .select('id')
    .where('id', '=', n.id)
    .executeTakeFirst();
  if (found) {
    await tx.updateTable('breach_notices').set(row).where('id', '=', n.id).execute();
    return;
  }
  await tx
    .insertInto('breach_notices')
    .values({
      id: n.id,
      breach_id: breachId,
      audience: n.audience,
      regime_id: n.regimeId,
      stage_id: n.stageId,
      drafted_at: n.draftedAt,
      drafted_by: n.draftedBy,
      ...row,
    })
    .execute();
}

/** The breach's own row, written whole from the state after the events. */
async function writeBreachRow(
  tx: Executor,
  breachId: string,
  state: BreachState | null,
  after: BreachState,
) {
  const row = {
    status: after.status,
    risk_level: riskLevel(after.facts.riskLikelihood, after.facts.riskSeverity),
    facts_json: JSON.stringify(after.facts),
    updated_at: after.updatedAt,
    version: after.version,
  };
  if (state === null) {
    await tx
      .insertInto('breaches')
      .values({
        id: breachId,
        incident_id: after.incidentId,
        opened_at: after.openedAt,
        opened_by: after.openedBy,
        ...row,
      })
      .execute();
  } else {
    await tx.updateTable('breaches').set(row).where('id', '=', breachId).execute();
  }
}

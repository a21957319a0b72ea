// Records a report's events: appends them to its stream and writes its row and the side rows its
// events imply (messages, identity checks, removal tasks), in the caller's transaction, and
// answers the report they produce. The row written is the reduction of its events
// (report-reducer.ts): the record and the rows cannot disagree.
import { appendEvents } from '../../db/event-store.ts';
import type { Executor } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { toNewEvent, type RecordedReportEvent, type ReportEvent } from './report-events.ts';
import { reduceReport } from './report-reducer.ts';
import type { Report } from './report-state.ts';
import {
  insertMessage,
  insertRemovalTask,
  insertVerification,
  reportRow,
  updateRemovalTask,
  type MessageRecord,
} from './report-repository.ts';

export const REPORT_STREAM = 'report';

/**
 * Appends events to a report's stream at the version of `state` (null: a new report, id
 * `reportId`, whose first event is `report.received`; a concurrent change makes the append a
 * CONFLICT), writes the row, and answers the report after them.
 */
export async function appendToReport(
  tx: Executor,
  reportId: string,
  state: Report | null,
  events: readonly ReportEvent[],
  actorId: string | null,
  at: number,
): Promise<Report> {
  if (events.length === 0) {
    if (!state) throw new Error(`nothing to record for the new report ${reportId}`);
    return state;
  }
  const stored = await appendEvents(tx, {
    streamId: reportId,
    streamType: REPORT_STREAM,
    expectedVersion: state?.version ?? 0,
    at,
    events: events.map((e) => toNewEvent(e, actorId)),
  });
  const recorded = events.map((e, i): RecordedReportEvent => ({
    ...e,
    streamId: reportId,
    seq: stored[i]!.seq,
    at,
    actorId: stored[i]!.actorId,
  }));
  const after = reduceReport(state, recorded);
  await writeRow(tx, state, after);
  for (const event of recorded) await projectSideRows(tx, reportId, event);
  return after;
}

/**
 * The rows an event implies beside the report's own: the conversation, identity checks and
 * public-removal tasks. Written here only, from the recorded event, so they cannot disagree
 * with the record.
 */
async function projectSideRows(tx: Executor, reportId: string, event: RecordedReportEvent) {
  const { at, actorId } = event;
  const message = (kind: MessageRecord['kind'], messageType: string | null, body: string) =>
    insertMessage(tx, {
      id: (event.data as { messageId: string }).messageId,
      report_id: reportId,
      kind,
      message_type: messageType,
      body,
      author_id: actorId,
      created_at: at,
    });
  switch (event.type) {
    case 'report.message_sent':
      return message('to_reporter', event.data.messageType, event.data.body);
    case 'report.note_added':
      return message('internal_note', null, event.data.body);
    case 'report.reporter_replied':
      return message('from_reporter', null, event.data.body);
    case 'report.identity_verified':
      return insertVerification(tx, {
        id: event.data.verificationId,
        report_id: reportId,
        method: event.data.method,
        note: event.data.note,
        verified_by: actorId,
        verified_at: at,
      });
    case 'report.public_removal_requested':
      return insertRemovalTask(tx, {
        id: event.data.taskId,
        report_id: reportId,
        url: event.data.url,
        status: 'requested',
        evidence: null,
        // The reporter, or the member of staff who recorded it.
        recorded_by: event.data.recordedBy === 'reporter' ? 'reporter' : (actorId ?? 'system'),
        created_at: at,
        updated_at: at,
      });
    case 'report.public_removal_updated':
      return updateRemovalTask(tx, reportId, event.data.taskId, {
        status: event.data.status,
        evidence: event.data.evidence,
        updated_at: at,
      });
    default:
      return;
  }
}

/** Inserts the row of a new report, or sets the columns that changed at the loaded version. */
async function writeRow(tx: Executor, before: Report | null, after: Report): Promise<void> {
  const row = reportRow(after);
  if (!before) {
    await tx.insertInto('reports').values(row).execute();
    return;
  }
  const old = reportRow(before);
  const changed = Object.fromEntries(
    Object.entries(row).filter(([column, value]) => old[column as keyof typeof old] !== value),
  );
  const result = await tx
    .updateTable('reports')
    .set(changed)
    .where('id', '=', before.id)
    .where('version', '=', before.version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) {
    throw new AppError('CONFLICT', 'This report was changed by someone else; reload and try again');
  }
}

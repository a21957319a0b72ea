// Records a report's events through appendAndProject (db/event-store.ts): appends them to its
// stream and writes its row and the side rows its events imply (messages, identity checks,
// removal tasks), in the caller's transaction, and answers the report they produce. The row
// written is the reduction of its events (report-reducer.ts): the record and the rows cannot
// disagree.
import { appendAndProject, type Projector, type Recorded } from '../../db/event-store.ts';
import { insertRedaction } from '../../db/redactions.ts';
import type { Executor } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import {
  toNewEvent,
  type AttachmentSummary,
  type ReportEvent,
  type StoredAttachment,
} from './report-events.ts';
import { applyReportEvent } from './report-reducer.ts';
import type { Report } from './report-state.ts';
import {
  insertAttachment,
  insertMessage,
  insertRemovalTask,
  insertVerification,
  reportRow,
  updateRemovalTask,
  type MessageRecord,
} from './report-repository.ts';

export const REPORT_STREAM = 'report';

const reportProjector: Projector<ReportEvent, Report> = {
  streamType: REPORT_STREAM,
  // Each type's visibility, no actor for the clocks' events, never the personal data.
  toLog: toNewEvent,
  apply: (state, event, reportId) => applyReportEvent(state, { ...event, streamId: reportId }),
  project: async (tx, event, after, reportId) => {
    // The row first: the side rows refer to it.
    if (event.type === 'report.received') {
      await tx.insertInto('reports').values(reportRow(after)).execute();
    }
    await projectSideRows(tx, reportId, event);
  },
  // The row as it was loaded (or as report.received inserted it) takes the columns that changed.
  finish: (tx, before, after, recorded, reportId) =>
    writeRow(tx, before ?? applyReportEvent(null, { ...recorded[0]!, streamId: reportId }), after),
};

/**
 * Appends events to a report's stream at the version of `state` (null: a new report, id
 * `reportId`, whose first event is `report.received`; a concurrent change makes the append a
 * CONFLICT), writes the rows, and answers the report after them.
 */
export function appendToReport(
  tx: Executor,
  reportId: string,
  state: Report | null,
  events: readonly ReportEvent[],
  actorId: string | null,
  at: number,
): Promise<Report> {
  return appendAndProject(tx, reportProjector, reportId, state, events, actorId, at);
}

/**
 * The rows an event implies beside the report's own: the conversation, the reporter's files,
 * identity checks and public-removal tasks. Written here only, from the recorded event (and
 * where its files are kept, which the log never holds), so they cannot disagree with the record.
 */
async function projectSideRows(tx: Executor, reportId: string, event: Recorded<ReportEvent>) {
  const { at, actorId } = event;
  if (
    event.type === 'report.received' ||
    event.type === 'report.reporter_replied' ||
    event.type === 'report.evidence_added'
  ) {
    await insertAttachments(tx, reportId, event.data, event.personal.files, at);
  }
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
    case 'report.redacted':
      return projectRedaction(tx, reportId, event);
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

/** What was redacted, and the file to remove; an attachment's row keeps when its bytes went. */
async function projectRedaction(
  tx: Executor,
  reportId: string,
  event: Recorded<Extract<ReportEvent, { type: 'report.redacted' }>>,
): Promise<void> {
  const { data, at } = event;
  const attachmentId = data.field === 'attachment' ? data.attachmentId : null;
  await insertRedaction(tx, {
    streamId: reportId,
    targetType: attachmentId ? 'attachment' : 'report',
    targetId: attachmentId ?? reportId,
    field: attachmentId ? 'file' : 'contact',
    rule: data.rule,
    reason: data.reason,
    removedHash: data.removedHash,
    actorId: event.actorId,
    at,
    fileKey: event.personal.fileKey,
  });
  if (attachmentId)
    await tx
      .updateTable('report_attachments')
      .set({ redacted_at: at })
      .where('id', '=', attachmentId)
      .where('report_id', '=', reportId)
      .execute();
}

/** The rows of the reporter's files an event names, in its order: all sent by the reporter. */
async function insertAttachments(
  tx: Executor,
  reportId: string,
  data: { attachments: AttachmentSummary[]; messageId?: string | null },
  files: StoredAttachment[],
  at: number,
): Promise<void> {
  for (const summary of data.attachments) {
    const file = files.find((f) => f.id === summary.id);
    if (!file) throw new Error(`where attachment ${summary.id} is kept was not given`);
    await insertAttachment(tx, {
      id: summary.id,
      report_id: reportId,
      message_id: data.messageId ?? null,
      original_name: summary.name,
      claimed_type: file.claimedType,
      detected_type: summary.detectedType,
      size: summary.size,
      sha256: summary.sha256,
      stored_path: file.storedPath,
      uploaded_by: 'reporter',
      created_at: at,
      redacted_at: null,
    });
  }
}

/** Sets the columns that changed since `before`, at its version. */
async function writeRow(tx: Executor, before: Report, after: Report): Promise<void> {
  const row = reportRow(after);
  const old = reportRow(before);
  const changed = Object.fromEntries(
    Object.entries(row).filter(([column, value]) => old[column as keyof typeof old] !== value),
  );
  // A new report with report.received alone: inserted as it is.
  if (Object.keys(changed).length === 0) return;
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

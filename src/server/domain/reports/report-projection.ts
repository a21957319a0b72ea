// Records a report's events: appends them to its stream and writes its row, in the caller's
// transaction, and answers the report they produce. A report is one row, so the row written is
// the reduction of its events (report-reducer.ts): the record and the row cannot disagree.
import { appendEvents } from '../../db/event-store.ts';
import type { Executor } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { toNewEvent, type RecordedReportEvent, type ReportEvent } from './report-events.ts';
import { reduceReport } from './report-reducer.ts';
import type { Report } from './report-state.ts';
import { reportRow } from './report-repository.ts';

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
  return after;
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

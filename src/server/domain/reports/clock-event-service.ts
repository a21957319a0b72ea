// Clock events (acknowledgment reminders, breach, escalations) on a report's stream, written by
// the scheduler in its own transaction at the report's current version.
import type { Executor } from '../../db/schema.ts';
import type { ReportClockEvent } from './report-events.ts';
import { appendToReport } from './report-projection.ts';
import { findReportById } from './report-repository.ts';

export async function recordReportClockEvents(
  tx: Executor,
  reportId: string,
  events: readonly ReportClockEvent[],
  at: number,
): Promise<boolean> {
  const report = await findReportById(tx, reportId);
  if (!report || events.length === 0) return false;
  await appendToReport(tx, report.id, report, events, null, at);
  return true;
}

// Policy step 1, "reported in public": recording where a report was posted publicly opens a
// "remove from public view" task first, whoever records it.
import type { Executor } from '../../db/schema.ts';
import { newId } from '../../ids.ts';
import { recordChange, type ReportsDeps } from './report-context.ts';
import type { Report } from './report-state.ts';
import { insertRemovalTask } from './report-repository.ts';
import { reportPublicCopy, requestRemoval } from './report-rules.ts';

export async function openRemovalTask(
  tx: Executor,
  deps: Pick<ReportsDeps, 'clocks'>,
  report: Report,
  now: number,
  url: string,
  by: { role: 'reporter' | 'staff'; actorId: string | null },
): Promise<string> {
  const taskId = newId();
  const recordedBy = by.role === 'reporter' ? 'reporter' : (by.actorId ?? 'system');
  await insertRequestedTask(tx, { id: taskId, reportId: report.id, url, recordedBy, at: now });
  // The reporter who tells us reads that we heard them; staff recording it is internal.
  const events =
    by.role === 'reporter' ? reportPublicCopy(taskId, url) : requestRemoval(taskId, url, 'staff');
  await recordChange(tx, deps, report, events, by.actorId, now);
  return taskId;
}

/** A task to have a public copy removed, as it opens: requested, no evidence yet. */
export async function insertRequestedTask(
  tx: Executor,
  task: { id: string; reportId: string; url: string; recordedBy: string; at: number },
): Promise<void> {
  await insertRemovalTask(tx, {
    id: task.id,
    report_id: task.reportId,
    url: task.url,
    status: 'requested',
    evidence: null,
    recorded_by: task.recordedBy,
    created_at: task.at,
    updated_at: task.at,
  });
}

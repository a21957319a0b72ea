// Policy step 1, "reported in public": recording where a report was posted publicly opens a
// "remove from public view" task first, whoever records it (the projection writes the task's row
// from report.public_removal_requested).
import type { Executor } from '../../db/schema.ts';
import { newId } from '../../ids.ts';
import { recordChange, type ReportsDeps } from './report-context.ts';
import type { Report } from './report-state.ts';
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
  // The reporter who tells us reads that we heard them; staff recording it is internal.
  const events =
    by.role === 'reporter' ? reportPublicCopy(taskId, url) : requestRemoval(taskId, url, 'staff');
  await recordChange(tx, deps, report, events, by.actorId, now);
  return taskId;
}

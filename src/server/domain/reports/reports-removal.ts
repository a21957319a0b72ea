// Policy step 1, "reported in public": recording where a report was posted publicly opens a
// "remove from public view" task first, whoever records it.
import type { NewEvent } from '../../db/event-store.ts';
import type { Executor } from '../../db/schema.ts';
import { newId } from '../../ids.ts';
import { changeReport } from './reports-context.ts';
import { insertRemovalTask, type ReportRecord } from './reports-repository.ts';

export async function openRemovalTask(
  tx: Executor,
  report: ReportRecord,
  now: number,
  url: string,
  by: { role: 'reporter' | 'staff'; actorId: string | null },
  extraEvents: NewEvent[] = [],
): Promise<string> {
  const taskId = newId();
  await insertRemovalTask(tx, {
    id: taskId,
    report_id: report.id,
    url,
    status: 'requested',
    evidence: null,
    recorded_by: by.role === 'reporter' ? 'reporter' : (by.actorId ?? 'system'),
    created_at: now,
    updated_at: now,
  });
  await changeReport(
    tx,
    report,
    now,
    [
      {
        type: 'report.public_removal_requested',
        visibility: 'internal',
        actorId: by.actorId,
        data: { taskId, url, recordedBy: by.role },
      },
      ...extraEvents,
    ],
    { public_url: report.public_url ?? url },
  );
  return taskId;
}

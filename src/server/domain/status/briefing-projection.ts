// Records a briefing: appends it to the incident's briefing stream at the version loaded (another
// instance that sent it first makes this a conflict) and writes status_briefings, in the caller's
// transaction. The one writer of status_briefings.
import { appendAndProject, type Projector } from '../../db/event-store.ts';
import type { Executor } from '../../db/schema.ts';
import {
  applyBriefingEvent,
  briefingStream,
  type BriefingEvent,
  type BriefingState,
} from './briefing-events.ts';

const briefingProjector: Projector<BriefingEvent, BriefingState> = {
  streamType: 'status_briefings',
  apply: applyBriefingEvent,
  finish: async (tx, before, after) => {
    const row = { version: after.version, sent: after.sent, last_at: after.lastAt };
    if (before === null)
      await tx
        .insertInto('status_briefings')
        .values({ incident_id: after.incidentId, ...row })
        .execute();
    else
      await tx
        .updateTable('status_briefings')
        .set(row)
        .where('incident_id', '=', after.incidentId)
        .execute();
  },
};

export function appendBriefing(
  tx: Executor,
  incidentId: string,
  state: BriefingState | null,
  event: BriefingEvent,
  at: number,
): Promise<BriefingState> {
  return appendAndProject(
    tx,
    briefingProjector,
    briefingStream(incidentId),
    state,
    [event],
    null,
    at,
  );
}

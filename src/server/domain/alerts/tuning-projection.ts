// Records a tuning proposal's answer on the proposal's stream and writes its row in
// `alert_tuning_answers`, in the caller's transaction. The one writer of that table.
import { appendAndProject, type Projector } from '../../db/event-store.ts';
import type { Executor } from '../../db/schema.ts';
import type { TuningEvent } from './tuning-events.ts';

interface Versioned {
  version: number;
}

const tuningProjector: Projector<TuningEvent, Versioned> = {
  streamType: 'tuning_proposal',
  apply: (state) => ({ version: (state?.version ?? 0) + 1 }),
  project: async (tx, event) => {
    const d = event.data;
    await tx
      .insertInto('alert_tuning_answers')
      .values({
        proposal_id: d.proposalId,
        source_id: d.sourceId,
        similar_key: d.similarKey,
        answer: event.type === 'tuning.proposal_taken' ? 'taken' : 'declined',
        follow_up_id: event.type === 'tuning.proposal_taken' ? event.data.followUpId : null,
        reason: event.type === 'tuning.proposal_declined' ? event.data.reason : null,
        answered_by: event.actorId,
        answered_at: event.at,
      })
      .execute();
  },
};

/**
 * Answers the proposal: a new stream (a second answer's append is a CONFLICT, as the rules refuse
 * it before).
 */
export async function appendTuningAnswer(
  tx: Executor,
  proposalId: string,
  events: readonly TuningEvent[],
  actorId: string | null,
  at: number,
): Promise<void> {
  await appendAndProject(tx, tuningProjector, proposalId, null, events, actorId, at);
}

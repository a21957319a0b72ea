// Records the learning programme's events: a review, training or test on its own stream (the one
// writer of programme_activities), and the clocks' steps on a schedule item's stream, in the
// caller's transaction.
import { appendAndProject, streamVersion, type Projector } from '../../db/event-store.ts';
import type { Executor } from '../../db/schema.ts';
import type { ActivityEvent, ScheduleItemEvent } from './programme-events.ts';

interface Versioned {
  version: number;
}
const next = (state: Versioned | null): Versioned => ({ version: (state?.version ?? 0) + 1 });

const activityProjector: Projector<ActivityEvent, Versioned> = {
  streamType: 'programme_activity',
  apply: next,
  project: async (tx, event, _after, id) => {
    const d = event.data;
    await tx
      .insertInto('programme_activities')
      .values({
        id,
        kind: d.kind,
        held_at: d.heldAt,
        participants: d.participants,
        summary: d.summary,
        evidence_url: d.evidenceUrl,
        recorded_by: event.actorId,
        recorded_at: event.at,
      })
      .execute();
  },
};

/** A schedule item's stream: what its deadlines did; the deadlines' rows are the clocks'. */
const scheduleItemProjector: Projector<ScheduleItemEvent, Versioned> = {
  streamType: 'programme',
  apply: next,
};

export async function appendActivity(
  tx: Executor,
  id: string,
  events: readonly ActivityEvent[],
  actorId: string | null,
  at: number,
): Promise<void> {
  await appendAndProject(tx, activityProjector, id, null, events, actorId, at);
}

/** The stream of a schedule item (by the policy's id for it). */
export const scheduleStreamId = (itemId: string) => `schedule:${itemId}`;

export async function appendScheduleItemEvents(
  tx: Executor,
  itemId: string,
  events: readonly ScheduleItemEvent[],
  at: number,
): Promise<void> {
  const id = scheduleStreamId(itemId);
  const version = await streamVersion(tx, id);
  await appendAndProject(
    tx,
    scheduleItemProjector,
    id,
    version === 0 ? null : { version },
    events,
    null,
    at,
  );
}

// Records the learning subject's events: appends them to the post-mortem's stream and writes its
// rows, in the caller's transaction, and answers the state they produce (reduced in memory, not
// read back). The one writer of postmortems, postmortem_sections and postmortem_follow_ups: a
// stand-alone follow-up's stream (no post-mortem holds it) writes its row the same way.
import { appendAndProject, type Projector, type Recorded } from '../../db/event-store.ts';
import type { Executor } from '../../db/schema.ts';
import type {
  FollowUpEvent,
  LearningEvent,
  RecordedLearningEvent,
  StandaloneFollowUpEvent,
} from './learning-events.ts';
import {
  applyLearningEvent,
  applyStandaloneFollowUpEvent,
  type FollowUp,
  type PostmortemState,
  type StandaloneFollowUpState,
} from './learning-state.ts';

const flag = (value: boolean) => (value ? 1 : 0);

const postmortemProjector: Projector<LearningEvent, PostmortemState> = {
  streamType: 'postmortem',
  apply: applyLearningEvent,
  project: (tx, event, after, postmortemId) => projectEvent(tx, postmortemId, event, after),
  finish: async (tx, _before, after, recorded, postmortemId) => {
    await tx
      .updateTable('postmortems')
      .set({ version: after.version, updated_at: recorded[0]!.at })
      .where('id', '=', postmortemId)
      .execute();
  },
};

/** Appends to a post-mortem's stream (state null: a new one) and answers its state after. */
export function appendToPostmortem(
  tx: Executor,
  postmortemId: string,
  state: PostmortemState | null,
  events: readonly LearningEvent[],
  actorId: string | null,
  at: number,
): Promise<PostmortemState> {
  return appendAndProject(tx, postmortemProjector, postmortemId, state, events, actorId, at);
}

const standaloneProjector: Projector<StandaloneFollowUpEvent, StandaloneFollowUpState> = {
  streamType: 'follow_up',
  apply: applyStandaloneFollowUpEvent,
  project: async (tx, event, after) => {
    if (!event.type.startsWith('postmortem.')) return; // a clock's step: the deadline is the row
    const followUpEvent = event as Recorded<FollowUpEvent>;
    await projectFollowUp(tx, followUpEvent, after.followUps, {
      postmortemId: null,
      incidentId: null,
    });
  },
};

/**
 * Appends to a stand-alone follow-up's stream (state null: a new one; its id is the follow-up's)
 * and answers its state after.
 */
export function appendToStandaloneFollowUp(
  tx: Executor,
  followUpId: string,
  state: StandaloneFollowUpState | null,
  events: readonly StandaloneFollowUpEvent[],
  actorId: string | null,
  at: number,
): Promise<StandaloneFollowUpState> {
  return appendAndProject(tx, standaloneProjector, followUpId, state, events, actorId, at);
}

/**
 * The row a follow-up event writes, the same for a post-mortem's follow-up and a stand-alone one
 * (`holder` nulls); `followUps`: the follow-ups after the event (from the reducer).
 */
async function projectFollowUp(
  tx: Executor,
  event: Recorded<FollowUpEvent>,
  followUps: readonly FollowUp[],
  holder: { postmortemId: string | null; incidentId: string | null },
) {
  const f = followUps.find((x) => x.id === event.data.followUpId);
  if (!f) return;
  switch (event.type) {
    case 'postmortem.follow_up_added':
      await tx
        .insertInto('postmortem_follow_ups')
        .values({
          id: f.id,
          postmortem_id: holder.postmortemId,
          incident_id: holder.incidentId,
          position: followUps.length - 1,
          title: f.title,
          owner_id: f.ownerId,
          due_at: f.dueAt,
          priority: f.priority,
          type: f.type,
          tracker_url: f.trackerUrl,
          policy_section: f.policySection,
          status: 'open',
          reason: null,
          created_by: event.actorId,
          created_at: event.at,
          closed_at: null,
          proposal_id: f.proposalId ?? null,
          tracker_connection: null,
          tracker_key: null,
          tracker_state: null,
          source_kind: f.source?.kind ?? null,
          source_id: f.source?.id ?? null,
          source_json: f.source ? JSON.stringify(f.source) : null,
        })
        .execute();
      return;
    case 'postmortem.follow_up_tracker_linked':
    case 'postmortem.follow_up_tracker_changed':
      await tx
        .updateTable('postmortem_follow_ups')
        .set({
          tracker_url: f.trackerUrl,
          tracker_connection: f.tracker?.connection ?? null,
          tracker_key: f.tracker?.key ?? null,
          tracker_state: f.tracker?.state ?? null,
        })
        .where('id', '=', f.id)
        .execute();
      return;
    case 'postmortem.follow_up_changed':
      await tx
        .updateTable('postmortem_follow_ups')
        .set({ owner_id: f.ownerId, due_at: f.dueAt })
        .where('id', '=', f.id)
        .execute();
      return;
    case 'postmortem.follow_up_status_set':
      await tx
        .updateTable('postmortem_follow_ups')
        .set({ status: f.status, reason: f.reason, closed_at: f.closedAt })
        .where('id', '=', f.id)
        .execute();
      return;
  }
}

/** `after`: the post-mortem's state after this event (from the reducer). */
async function projectEvent(
  tx: Executor,
  id: string,
  event: RecordedLearningEvent,
  after: PostmortemState,
) {
  const { at } = event;
  const row = () => tx.updateTable('postmortems').where('id', '=', id);
  switch (event.type) {
    case 'postmortem.started': {
      const d = event.data;
      await tx
        .insertInto('postmortems')
        .values({
          id,
          incident_id: d.incidentId,
          incident_key: d.incidentKey,
          status: after.status,
          owner_id: d.ownerId,
          policy_hash: d.policyHash,
          author_may_approve: flag(d.authorMayApprove),
          submitted_by: null,
          submitted_at: null,
          approved_by: null,
          approved_at: null,
          reviewer_ids: '[]',
          approvals: '[]',
          approvals_required: after.approvalsRequired,
          skip_reason: null,
          skipped_by: null,
          skipped_at: null,
          changes_requested: null,
          timeline_marks: '[]',
          timeline_entries: '[]',
          declined_proposals: '[]',
          created_at: at,
          updated_at: at,
          version: event.seq,
        })
        .execute();
      if (d.sections.length > 0) {
        await tx
          .insertInto('postmortem_sections')
          .values(
            d.sections.map((s, position) => ({
              postmortem_id: id,
              section_id: s.sectionId,
              position,
              title: s.title,
              prompt: s.prompt,
              required: flag(s.required),
              body: '',
              updated_by: null,
              updated_at: null,
            })),
          )
          .execute();
      }
      return;
    }
    case 'postmortem.section_written':
      await tx
        .updateTable('postmortem_sections')
        .set({ body: event.data.body, updated_by: event.actorId, updated_at: at })
        .where('postmortem_id', '=', id)
        .where('section_id', '=', event.data.sectionId)
        .execute();
      return;
    case 'postmortem.follow_up_added':
    case 'postmortem.follow_up_tracker_linked':
    case 'postmortem.follow_up_tracker_changed':
    case 'postmortem.follow_up_changed':
    case 'postmortem.follow_up_status_set':
      await projectFollowUp(tx, event, after.followUps, {
        postmortemId: id,
        incidentId: after.incidentId,
      });
      return;
    case 'postmortem.submitted':
    case 'postmortem.changes_requested':
    case 'postmortem.approved':
    case 'postmortem.skipped':
      await row()
        .set({
          status: after.status,
          submitted_by: after.submittedBy,
          submitted_at: after.submittedAt,
          approved_by: after.approvedBy,
          approved_at: after.approvedAt,
          approvals: JSON.stringify(after.approvals),
          skip_reason: after.skipReason,
          skipped_by: after.skippedBy,
          skipped_at: after.skippedAt,
          changes_requested:
            after.changesRequested === null ? null : JSON.stringify(after.changesRequested),
        })
        .execute();
      return;
    case 'postmortem.timeline_event_marked':
      await row()
        .set({ timeline_marks: JSON.stringify(after.timelineMarks) })
        .execute();
      return;
    case 'postmortem.timeline_entry_added':
    case 'postmortem.timeline_entry_removed':
      await row()
        .set({ timeline_entries: JSON.stringify(after.timelineEntries) })
        .execute();
      return;
    case 'postmortem.proposal_declined':
      await row()
        .set({ declined_proposals: JSON.stringify(after.declinedProposals) })
        .execute();
      return;
    case 'postmortem.owner_set':
      await row().set({ owner_id: after.ownerId }).execute();
      return;
    case 'postmortem.reviewers_set':
      await row()
        .set({ reviewer_ids: JSON.stringify(after.reviewerIds) })
        .execute();
      return;
    default:
      throw new Error(`${(event as { type: string }).type} is not an event of a post-mortem`);
  }
}

// Records an incident's events: appends them to its stream and writes the projections, in the
// caller's transaction, and answers the state they produce (reduced in memory, not read back).
// The one place that turns the record into the current state that queries read.
import { appendAndProject, type Projector } from '../../db/event-store.ts';
import type { Executor } from '../../db/schema.ts';
import { newId } from '../../ids.ts';
import type { IncidentEvent, RecordedIncidentEvent } from './incident-events.ts';
import { applyIncidentEvent } from './incident-reducer.ts';
import type { IncidentState } from './incident-state.ts';

export type { RecordedIncidentEvent };

const incidentProjector: Projector<IncidentEvent, IncidentState> = {
  streamType: 'incident',
  apply: applyIncidentEvent,
  project: (tx, event, _after, incidentId) => projectOne(tx, incidentId, event),
  finish: async (tx, _before, _after, recorded, incidentId) => {
    const last = recorded[recorded.length - 1]!;
    await tx
      .updateTable('incidents')
      .set({ version: last.seq, updated_at: last.at })
      .where('id', '=', incidentId)
      .execute();
  },
};

/**
 * Appends events to an incident's stream at the version of `state` (null: a new incident, id
 * `incidentId`; a concurrent change makes the append a CONFLICT), projects them, and answers the
 * incident's state after them.
 */
export function appendToIncident(
  tx: Executor,
  incidentId: string,
  state: IncidentState | null,
  events: readonly IncidentEvent[],
  actorId: string | null,
  at: number,
): Promise<IncidentState> {
  return appendAndProject(tx, incidentProjector, incidentId, state, events, actorId, at);
}

const flag = (value: boolean) => (value ? 1 : 0);

async function addParticipant(tx: Executor, incidentId: string, userId: string, at: number) {
  await tx
    .insertInto('incident_participants')
    .values({ incident_id: incidentId, user_id: userId, added_at: at })
    .onConflict((oc) => oc.columns(['incident_id', 'user_id']).doNothing())
    .execute();
}

async function linkReports(tx: Executor, incidentId: string, reportIds: string[], at: number) {
  if (reportIds.length === 0) return;
  await tx
    .insertInto('incident_report_links')
    .values(reportIds.map((report_id) => ({ incident_id: incidentId, report_id, linked_at: at })))
    .onConflict((oc) => oc.columns(['incident_id', 'report_id']).doNothing())
    .execute();
}

async function projectOne(tx: Executor, id: string, event: RecordedIncidentEvent) {
  const { at, actorId } = event;
  const incident = () => tx.updateTable('incidents').where('id', '=', id);
  switch (event.type) {
    case 'incident.opened': {
      const d = event.data;
      await tx
        .insertInto('incidents')
        .values({
          id,
          key: d.key,
          title: d.title,
          summary: d.summary,
          source: d.source,
          affected_systems_json: JSON.stringify(d.affectedSystems),
          detected_at: d.detectedAt,
          reported_at: d.reportedAt,
          declared_at: d.declaredAt,
          restricted: flag(d.restricted),
          publicly_disclosed: flag(d.publiclyDisclosed),
          exercise_json: d.exercise ? JSON.stringify(d.exercise) : null,
          severity: null,
          criticality: null,
          phase: d.phase,
          owner_id: null,
          policy_hash: d.policyHash,
          line_stopped: 0,
          line_stopped_at: null,
          awaiting_reporter: 0,
          reproduction_result: null,
          reproduction_steps: null,
          reproduction_evidence: null,
          tracker_url: null,
          de_escalated_at: null,
          panel_round: 1,
          created_by: actorId,
          created_at: at,
          updated_at: at,
          closed_at: null,
          version: 0,
        })
        .execute();
      await linkReports(tx, id, d.reportIds, at);
      if (actorId) await addParticipant(tx, id, actorId, at);
      return;
    }
    case 'incident.updated': {
      const { changes: c } = event.data;
      await incident()
        .set({
          ...(c.title !== undefined && { title: c.title }),
          ...(c.summary !== undefined && { summary: c.summary }),
          ...(c.source !== undefined && { source: c.source }),
          ...(c.affectedSystems !== undefined && {
            affected_systems_json: JSON.stringify(c.affectedSystems),
          }),
          ...(c.detectedAt !== undefined && { detected_at: c.detectedAt }),
          ...(c.reportedAt !== undefined && { reported_at: c.reportedAt }),
          ...(c.restricted !== undefined && { restricted: flag(c.restricted) }),
          ...(c.publiclyDisclosed !== undefined && {
            publicly_disclosed: flag(c.publiclyDisclosed),
          }),
        })
        .execute();
      return;
    }
    case 'incident.reports_linked':
      await linkReports(tx, id, event.data.reportIds, at);
      return;
    case 'incident.reports_unlinked':
      await tx
        .deleteFrom('incident_report_links')
        .where('incident_id', '=', id)
        .where('report_id', 'in', event.data.reportIds)
        .execute();
      return;
    case 'incident.owner_assigned': {
      const d = event.data;
      await tx
        .updateTable('incident_owner_history')
        .set({ to_at: at })
        .where('incident_id', '=', id)
        .where('to_at', 'is', null)
        .execute();
      await tx
        .insertInto('incident_owner_history')
        .values({
          id: newId(),
          incident_id: id,
          user_id: d.ownerId,
          how: d.how,
          assigned_by: actorId,
          from_at: at,
          to_at: null,
        })
        .execute();
      await incident().set({ owner_id: d.ownerId }).execute();
      await addParticipant(tx, id, d.ownerId, at);
      return;
    }
    case 'incident.participant_added':
      await addParticipant(tx, id, event.data.userId, at);
      return;
    case 'incident.reproduction_recorded': {
      const d = event.data;
      await incident()
        .set({
          reproduction_result: d.result,
          reproduction_steps: d.steps,
          reproduction_evidence: d.evidence,
          awaiting_reporter: flag(d.awaitingReporter),
        })
        .execute();
      return;
    }
    case 'incident.panel_convened':
    case 'incident.decision_reopened': {
      const d = event.data;
      await tx
        .deleteFrom('incident_panel_members')
        .where('incident_id', '=', id)
        .where('round', '=', d.round)
        .execute();
      if (d.members.length > 0) {
        await tx
          .insertInto('incident_panel_members')
          .values(
            d.members.map((m) => ({
              incident_id: id,
              round: d.round,
              user_id: m.userId,
              seat: m.seat,
            })),
          )
          .execute();
      }
      for (const m of d.members) await addParticipant(tx, id, m.userId, at);
      if (event.type === 'incident.decision_reopened') {
        await incident().set({ panel_round: d.round, criticality: null }).execute();
      }
      return;
    }
    case 'incident.panel_vote_recorded': {
      const d = event.data;
      await tx
        .insertInto('incident_panel_votes')
        .values({
          id: newId(),
          incident_id: id,
          round: d.round,
          member_id: d.memberId,
          seat: d.seat,
          answers_json: JSON.stringify(d.answers),
          vote: d.vote,
          rationale: d.rationale,
          at,
        })
        .execute();
      return;
    }
    case 'incident.decision_recorded': {
      const d = event.data;
      await incident().set({ criticality: d.outcome }).execute();
      return;
    }
    case 'incident.severity_set': {
      const d = event.data;
      await incident().set({ severity: d.severity }).execute();
      return;
    }
    case 'incident.role_assigned': {
      const d = event.data;
      if (d.replacedUserId) await endRole(tx, id, d.role, d.replacedUserId, at);
      await tx
        .insertInto('incident_role_assignments')
        .values({
          id: newId(),
          incident_id: id,
          role: d.role,
          user_id: d.userId,
          assigned_by: actorId,
          from_at: at,
          to_at: null,
        })
        .execute();
      await addParticipant(tx, id, d.userId, at);
      return;
    }
    case 'incident.role_released': {
      const d = event.data;
      await endRole(tx, id, d.role, d.userId, at);
      return;
    }
    case 'incident.task_added': {
      const d = event.data;
      await tx
        .insertInto('incident_tasks')
        .values({
          id: d.taskId,
          incident_id: id,
          type: d.type,
          title: d.title,
          description: d.description,
          assignee_id: d.assigneeId,
          due_at: d.dueAt,
          status: 'open',
          created_by: actorId,
          created_at: at,
          updated_at: at,
          completed_at: null,
        })
        .execute();
      if (d.assigneeId) await addParticipant(tx, id, d.assigneeId, at);
      return;
    }
    case 'incident.task_updated': {
      const { taskId, changes: c } = event.data;
      await tx
        .updateTable('incident_tasks')
        .set({
          updated_at: at,
          ...(c.title !== undefined && { title: c.title }),
          ...(c.description !== undefined && { description: c.description }),
          ...(c.assigneeId !== undefined && { assignee_id: c.assigneeId }),
          ...(c.dueAt !== undefined && { due_at: c.dueAt }),
          ...(c.status !== undefined && {
            status: c.status,
            completed_at: c.status === 'done' ? at : null,
          }),
        })
        .where('id', '=', taskId)
        .where('incident_id', '=', id)
        .execute();
      if (c.assigneeId) await addParticipant(tx, id, c.assigneeId, at);
      return;
    }
    case 'incident.containment_recorded': {
      const d = event.data;
      await tx
        .insertInto('incident_containment_actions')
        .values({
          id: d.actionId,
          incident_id: id,
          kind: d.kind,
          description: d.description,
          status: 'active',
          justification: null,
          recorded_by: actorId,
          recorded_at: at,
          ended_at: null,
          hook_id: d.hookId ?? null,
          hook_answer_json: null,
        })
        .execute();
      return;
    }
    case 'incident.containment_hook_answered': {
      const { actionId, hookId: _hook, ...answer } = event.data;
      await tx
        .updateTable('incident_containment_actions')
        .set({ hook_answer_json: JSON.stringify({ ...answer, at }) })
        .where('id', '=', actionId)
        .where('incident_id', '=', id)
        .execute();
      return;
    }
    case 'incident.containment_reverted':
    case 'incident.containment_kept': {
      const d = event.data;
      await tx
        .updateTable('incident_containment_actions')
        .set({
          status: event.type === 'incident.containment_kept' ? 'kept' : 'reverted',
          justification: 'justification' in d ? d.justification : null,
          ended_at: at,
        })
        .where('id', '=', d.actionId)
        .where('incident_id', '=', id)
        .execute();
      return;
    }
    case 'incident.de_escalated': {
      const d = event.data;
      await incident()
        .set({ severity: d.toSeverity, criticality: 'non_critical', de_escalated_at: at })
        .execute();
      return;
    }
    case 'incident.handed_off': {
      const d = event.data;
      await incident().set({ tracker_url: d.trackerUrl }).execute();
      return;
    }
    case 'incident.phase_changed': {
      const d = event.data;
      await incident()
        .set({ phase: d.to, closed_at: d.closes ? at : null })
        .execute();
      return;
    }
    case 'incident.decision_logged': {
      const d = event.data;
      await tx
        .insertInto('incident_decisions')
        .values({
          id: d.decisionId,
          incident_id: id,
          what: d.what,
          why: d.why,
          alternatives: d.alternatives,
          decided_by: d.decidedBy,
          recorded_by: actorId,
          at,
        })
        .execute();
      return;
    }
    case 'incident.milestone_recorded': {
      const d = event.data;
      await tx
        .insertInto('incident_milestones')
        .values({ incident_id: id, milestone: d.milestone, note: d.note, recorded_by: actorId, at })
        .execute();
      return;
    }
    case 'incident.line_stopped':
    case 'incident.line_resumed': {
      const stopped = event.type === 'incident.line_stopped';
      const row = await incident()
        .set({ line_stopped: flag(stopped), line_stopped_at: stopped ? at : null })
        .returning('key')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('line_history')
        .values({
          id: newId(),
          incident_id: id,
          incident_key: row.key,
          change: stopped ? 'stopped' : 'resumed',
          reason: event.data.reason,
          at,
        })
        .execute();
      return;
    }
    // An emergency severity is on the record; the severity_set after it changes the projection.
    case 'incident.reproduction_overridden':
    case 'incident.note_added':
    case 'incident.continuity_step_ticked':
    case 'incident.continuity_step_unticked':
    case 'incident.alert_attached':
    case 'incident.alert_resolved':
    case 'incident.tracker_issue_changed':
    case 'incident.deadline_reminded':
    case 'incident.deadline_breached':
    case 'incident.deadline_escalated':
    case 'incident.deadline_met':
      return;
  }
}

async function endRole(tx: Executor, id: string, role: string, userId: string, at: number) {
  await tx
    .updateTable('incident_role_assignments')
    .set({ to_at: at })
    .where('incident_id', '=', id)
    .where('role', '=', role)
    .where('user_id', '=', userId)
    .where('to_at', 'is', null)
    .execute();
}

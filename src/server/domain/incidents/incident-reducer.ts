// How each recorded event changes an incident's state, in memory: the same change the projection
// (incident-projection.ts) makes to the rows, so a command can go on deciding (the line, the
// clocks) on the state its events produced without reading the incident again. The property test
// (test/incidents/incident-reducer.test.ts) checks that reducing equals projecting then loading.
//
// The loader (incident-repository.ts) sorts with the same comparators: panel members by seat then
// user, tasks and containment actions by time then id, roles by start then role then user, votes
// by time then member, participants and milestones by value, reports in the order they were linked.
import type { RecordedIncidentEvent } from './incident-events.ts';
import { PANEL_SEATS } from '../../../shared/domain/incidents.ts';
import type {
  ContainmentAction,
  IncidentState,
  PanelMember,
  PanelVote,
  RoleHolder,
  Task,
} from './incident-state.ts';

/** Code-unit order, the same on every database (SQL collations differ, so the loader sorts here). */
export const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
export const taskOrder = (a: Task, b: Task) => a.createdAt - b.createdAt || text(a.id, b.id);
export const containmentOrder = (a: ContainmentAction, b: ContainmentAction) =>
  a.recordedAt - b.recordedAt || text(a.id, b.id);
export const roleOrder = (a: RoleHolder, b: RoleHolder) =>
  a.since - b.since || text(a.role, b.role) || text(a.userId, b.userId);
export const memberOrder = (a: PanelMember, b: PanelMember) =>
  PANEL_SEATS.indexOf(a.seat) - PANEL_SEATS.indexOf(b.seat) || text(a.userId, b.userId);
export const voteOrder = (a: PanelVote, b: PanelVote) =>
  a.at - b.at || text(a.memberId, b.memberId);

function withParticipants(state: IncidentState, userIds: (string | null | undefined)[]) {
  const added = userIds.filter((id): id is string => !!id && !state.participants.includes(id));
  if (added.length === 0) return state.participants;
  return [...new Set([...state.participants, ...added])].sort(text);
}

/** The state an incident is in after one more event (null before `incident.opened`). */
export function applyIncidentEvent(
  state: IncidentState | null,
  event: RecordedIncidentEvent,
  incidentId: string,
): IncidentState {
  const { at, actorId } = event;
  if (event.type === 'incident.opened') {
    const d = event.data;
    return {
      id: incidentId,
      key: d.key,
      title: d.title,
      summary: d.summary,
      source: d.source,
      affectedSystems: [...d.affectedSystems],
      detectedAt: d.detectedAt,
      reportedAt: d.reportedAt,
      declaredAt: d.declaredAt,
      restricted: d.restricted,
      publiclyDisclosed: d.publiclyDisclosed,
      exercise: d.exercise ?? null,
      severity: null,
      criticality: null,
      phase: d.phase,
      ownerId: null,
      policyHash: d.policyHash,
      lineStopped: false,
      lineStoppedAt: null,
      awaitingReporter: false,
      reproduction: null,
      trackerUrl: null,
      deEscalatedAt: null,
      panelRound: 1,
      panelMembers: [],
      votes: [],
      roles: [],
      tasks: [],
      containment: [],
      milestones: [],
      reportIds: [...new Set(d.reportIds)].sort(text),
      participants: actorId ? [actorId] : [],
      createdBy: actorId,
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      version: event.seq,
    };
  }
  if (!state) throw new Error(`${event.type} before incident.opened on ${incidentId}`);
  return { ...change(state, event), updatedAt: at, version: event.seq };
}

function change(
  s: IncidentState,
  event: Exclude<RecordedIncidentEvent, { type: 'incident.opened' }>,
): IncidentState {
  const { at } = event;
  switch (event.type) {
    case 'incident.updated': {
      const c = event.data.changes;
      return {
        ...s,
        ...(c.title !== undefined && { title: c.title }),
        ...(c.summary !== undefined && { summary: c.summary }),
        ...(c.source !== undefined && { source: c.source }),
        ...(c.affectedSystems !== undefined && { affectedSystems: [...c.affectedSystems] }),
        ...(c.detectedAt !== undefined && { detectedAt: c.detectedAt }),
        ...(c.reportedAt !== undefined && { reportedAt: c.reportedAt }),
        ...(c.restricted !== undefined && { restricted: c.restricted }),
        ...(c.publiclyDisclosed !== undefined && { publiclyDisclosed: c.publiclyDisclosed }),
      };
    }
    case 'incident.reports_linked': {
      const fresh = [...new Set(event.data.reportIds)]
        .filter((id) => !s.reportIds.includes(id))
        .sort(text);
      return { ...s, reportIds: [...s.reportIds, ...fresh] };
    }
    case 'incident.reports_unlinked':
      return { ...s, reportIds: s.reportIds.filter((id) => !event.data.reportIds.includes(id)) };
    case 'incident.owner_assigned':
      return {
        ...s,
        ownerId: event.data.ownerId,
        participants: withParticipants(s, [event.data.ownerId]),
      };
    case 'incident.participant_added':
      return { ...s, participants: withParticipants(s, [event.data.userId]) };
    case 'incident.reproduction_recorded': {
      const d = event.data;
      return {
        ...s,
        reproduction: { result: d.result, steps: d.steps, evidence: d.evidence },
        awaitingReporter: d.awaitingReporter,
      };
    }
    case 'incident.panel_convened': {
      const d = event.data;
      return {
        ...s,
        ...(d.round === s.panelRound && {
          panelMembers: d.members.map((m) => ({ ...m })).sort(memberOrder),
        }),
        participants: withParticipants(
          s,
          d.members.map((m) => m.userId),
        ),
      };
    }
    case 'incident.decision_reopened': {
      const d = event.data;
      return {
        ...s,
        panelRound: d.round,
        criticality: null,
        panelMembers: d.members.map((m) => ({ ...m })).sort(memberOrder),
        // Votes are those of the current round: the new one has none yet.
        votes: [],
        participants: withParticipants(
          s,
          d.members.map((m) => m.userId),
        ),
      };
    }
    case 'incident.panel_vote_recorded': {
      const d = event.data;
      if (d.round !== s.panelRound) return s;
      const vote = {
        memberId: d.memberId,
        seat: d.seat,
        answers: { ...d.answers },
        vote: d.vote,
        rationale: d.rationale,
        at,
      };
      return { ...s, votes: [...s.votes, vote].sort(voteOrder) };
    }
    case 'incident.decision_recorded':
      return { ...s, criticality: event.data.outcome };
    case 'incident.severity_set':
      return { ...s, severity: event.data.severity };
    case 'incident.role_assigned': {
      const d = event.data;
      const kept = s.roles.filter(
        (r) => !(d.replacedUserId && r.role === d.role && r.userId === d.replacedUserId),
      );
      const roles = [...kept, { role: d.role, userId: d.userId, since: at }].sort(roleOrder);
      return { ...s, roles, participants: withParticipants(s, [d.userId]) };
    }
    case 'incident.role_released': {
      const d = event.data;
      return { ...s, roles: s.roles.filter((r) => !(r.role === d.role && r.userId === d.userId)) };
    }
    case 'incident.task_added': {
      const d = event.data;
      const task = {
        id: d.taskId,
        type: d.type,
        title: d.title,
        description: d.description,
        assigneeId: d.assigneeId,
        dueAt: d.dueAt,
        status: 'open' as const,
        createdAt: at,
        updatedAt: at,
        completedAt: null,
      };
      return {
        ...s,
        tasks: [...s.tasks, task].sort(taskOrder),
        participants: withParticipants(s, [d.assigneeId]),
      };
    }
    case 'incident.task_updated': {
      const { taskId, changes: c } = event.data;
      const tasks = s.tasks.map((t) =>
        t.id !== taskId
          ? t
          : {
              ...t,
              updatedAt: at,
              ...(c.title !== undefined && { title: c.title }),
              ...(c.description !== undefined && { description: c.description }),
              ...(c.assigneeId !== undefined && { assigneeId: c.assigneeId }),
              ...(c.dueAt !== undefined && { dueAt: c.dueAt }),
              ...(c.status !== undefined && {
                status: c.status,
                completedAt: c.status === 'done' ? at : null,
              }),
            },
      );
      return { ...s, tasks, participants: withParticipants(s, [c.assigneeId]) };
    }
    case 'incident.containment_recorded': {
      const d = event.data;
      const action = {
        id: d.actionId,
        kind: d.kind,
        description: d.description,
        status: 'active' as const,
        justification: null,
        recordedAt: at,
        endedAt: null,
        hookId: d.hookId ?? null,
        hookAnswer: null,
      };
      return {
        ...s,
        containment: [...s.containment, action].sort(containmentOrder),
      };
    }
    case 'incident.containment_hook_answered': {
      const { actionId: _action, hookId: _hook, ...answer } = event.data;
      const containment = s.containment.map((c) =>
        c.id !== event.data.actionId ? c : { ...c, hookAnswer: { ...answer, at } },
      );
      return { ...s, containment };
    }
    case 'incident.containment_reverted':
    case 'incident.containment_kept': {
      const d = event.data;
      const kept = event.type === 'incident.containment_kept';
      const containment = s.containment.map((c) =>
        c.id !== d.actionId
          ? c
          : {
              ...c,
              status: kept ? ('kept' as const) : ('reverted' as const),
              justification: 'justification' in d ? d.justification : null,
              endedAt: at,
            },
      );
      return { ...s, containment };
    }
    case 'incident.de_escalated':
      return {
        ...s,
        severity: event.data.toSeverity,
        criticality: 'non_critical',
        deEscalatedAt: at,
      };
    case 'incident.handed_off':
      return { ...s, trackerUrl: event.data.trackerUrl };
    case 'incident.phase_changed':
      return { ...s, phase: event.data.to, closedAt: event.data.closes ? at : null };
    case 'incident.milestone_recorded': {
      const milestones = [...new Set([...s.milestones, event.data.milestone])].sort(text);
      return { ...s, milestones };
    }
    case 'incident.line_stopped':
      return { ...s, lineStopped: true, lineStoppedAt: at };
    case 'incident.line_resumed':
      return { ...s, lineStopped: false, lineStoppedAt: null };
    // An emergency severity is on the record; the severity_set after it changes the state.
    case 'incident.reproduction_overridden':
    case 'incident.decision_logged':
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
      return s;
  }
}

/** Reduces a run of recorded events onto a state (null: the incident does not exist yet). */
export function reduceIncident(
  state: IncidentState | null,
  events: readonly RecordedIncidentEvent[],
  incidentId: string,
): IncidentState {
  let next = state;
  for (const event of events) next = applyIncidentEvent(next, event, incidentId);
  if (!next) throw new Error(`no events to reduce for ${incidentId}`);
  return next;
}

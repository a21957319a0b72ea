// The shapes clients receive for incidents and the line: the domain's epoch milliseconds become
// RFC 3339 strings (UTC), and events show only their public fields. Event `data` is passed on as
// the event recorded it, times inside it included (epoch milliseconds).
import type { z } from 'zod';
import type {
  ContainmentAction as ContainmentJson,
  ContinuityChecklist,
  Decisions,
  Incident,
  IncidentDetail,
  IncidentList,
  Task as TaskJson,
  Timeline,
} from '../../../shared/api/incidents.ts';
import type { LineHistory, LineState } from '../../../shared/api/line.ts';
import type { TaskList } from '../../../shared/api/tasks.ts';
import type {
  ContainmentAction,
  IncidentView,
  IncidentsService,
  LineView,
  Task,
} from '../../domain/incidents/index.ts';
import { presentTime as iso } from './time-presenter.ts';

type Json<S extends z.ZodType> = z.output<S>;
type Result<K extends keyof IncidentsService> = Awaited<ReturnType<IncidentsService[K]>>;

function presentTask(t: Task): Json<typeof TaskJson> {
  return {
    ...t,
    dueAt: iso(t.dueAt),
    createdAt: iso(t.createdAt),
    updatedAt: iso(t.updatedAt),
    completedAt: iso(t.completedAt),
  };
}

function presentContainment(a: ContainmentAction): Json<typeof ContainmentJson> {
  return {
    ...a,
    recordedAt: iso(a.recordedAt),
    endedAt: iso(a.endedAt),
    hookAnswer: a.hookAnswer && {
      ...a.hookAnswer,
      retryAt: iso(a.hookAnswer.retryAt),
      at: iso(a.hookAnswer.at),
    },
  };
}

export function presentIncident(s: IncidentView): Incident {
  return {
    ...s,
    detectedAt: iso(s.detectedAt),
    reportedAt: iso(s.reportedAt),
    declaredAt: iso(s.declaredAt),
    lineStoppedAt: iso(s.lineStoppedAt),
    deEscalatedAt: iso(s.deEscalatedAt),
    votes: s.votes.map((v) => ({ ...v, at: iso(v.at) })),
    roles: s.roles.map((r) => ({ ...r, since: iso(r.since) })),
    tasks: s.tasks.map(presentTask),
    containment: s.containment.map(presentContainment),
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
    closedAt: iso(s.closedAt),
  };
}

const presentHeld = <H extends { from: number; to: number | null }>(h: H) => ({
  ...h,
  from: iso(h.from),
  to: iso(h.to),
});

/** `reportKeys`: the linked reports' keys by id (a report gone from the table keeps its id). */
export function presentIncidentDetail(d: Result<'getIncident'>): Json<typeof IncidentDetail> {
  return {
    ...d,
    incident: presentIncident(d.incident),
    ownerHistory: d.ownerHistory.map(presentHeld),
    roleHistory: d.roleHistory.map(presentHeld),
    steps: d.steps.map((m) => ({ ...m, at: iso(m.at) })),
  };
}

export function presentIncidentList(
  page: Result<'listIncidents'>,
  paging: { limit: number; offset: number },
): Json<typeof IncidentList> {
  return {
    items: page.items.map((i) => ({
      ...i,
      declaredAt: iso(i.declaredAt),
      updatedAt: iso(i.updatedAt),
    })),
    total: page.total,
    ...paging,
  };
}

export function presentTaskList(items: Result<'listTasks'>): TaskList {
  return { items: items.map((t) => ({ ...t, dueAt: iso(t.dueAt) })) };
}

export function presentContinuity(
  procedures: Result<'continuityChecklist'>,
): Json<typeof ContinuityChecklist> {
  return {
    procedures: procedures.map((p) => ({
      ...p,
      steps: p.steps.map((s) => ({ ...s, done: s.done && { by: s.done.by, at: iso(s.done.at) } })),
    })),
  };
}

export function presentDecisions(items: Result<'listDecisions'>): Json<typeof Decisions> {
  return { items: items.map((d) => ({ ...d, at: iso(d.at) })) };
}

export function presentTimeline(page: Result<'timeline'>): Json<typeof Timeline> {
  return {
    items: page.items.map((e) => ({
      seq: e.seq,
      type: e.type,
      at: iso(e.at),
      actorId: e.actorId,
      visibility: e.visibility,
      data: e.data,
    })),
    nextAfter: page.nextAfterSeq,
  };
}

export function presentLine(line: LineView): LineState {
  return {
    state: line.state,
    since: iso(line.since),
    incidents: line.incidents.map((i) => ({ ...i, stoppedAt: iso(i.stoppedAt) })),
  };
}

export function presentLineHistory(items: Result<'lineHistory'>): LineHistory {
  return { items: items.map((c) => ({ ...c, at: iso(c.at) })) };
}

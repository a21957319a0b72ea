// Which notice an event makes for the live stream, and who may hear it. A notice says what
// changed, never the data; it goes only to those the normal API would show the thing to.
import type { StreamNotice, StreamSubject } from '../../../shared/api/stream.ts';
import type { Permission } from '../../../shared/domain/permissions.ts';
import type { LoggedEvent } from '../../db/live-notices.ts';
import { can, type Actor } from '../actor.ts';
import { isVisibleTo, type IncidentAudience } from '../incidents/index.ts';

/** Who may hear a notice: every one of these permissions, and sight of the incident if any. */
export interface Audience {
  permissions: Permission[];
  /** Set for changes on an incident (except the line, which shows every stopping incident). */
  incident?: Pick<IncidentAudience, 'restricted' | 'participants'>;
}

export interface LiveNotice {
  /** The event's position in the log: the SSE id, sent back as Last-Event-ID. */
  position: number;
  notice: StreamNotice;
  audience: Audience;
}

/** What the notices of a batch of events refer to, read once for the whole batch. */
export interface NoticeRefs {
  incidents: ReadonlyMap<string, IncidentAudience>;
  /** Report id -> key. */
  reports: ReadonlyMap<string, string>;
  /** Report id -> the incident it is linked to (need-to-know: the report follows its sight). */
  reportIncidents?: ReadonlyMap<string, IncidentAudience>;
  /** Breach record id -> its incident. */
  breachIncidents?: ReadonlyMap<string, IncidentAudience>;
}

const LINE_TYPES = new Set(['incident.line_stopped', 'incident.line_resumed']);
const TASK_TYPES = new Set(['incident.task_added', 'incident.task_updated']);
/** Reminded, breached, escalated, met: written by the clocks on the incident's or report's record. */
const DEADLINE_TYPE = /^(incident|report)\.deadline_[a-z_]+$/;

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function notice(
  event: LoggedEvent,
  subject: StreamSubject,
  key: string,
  owner: { incident: string } | { report: string },
): StreamNotice {
  return { subject, key, type: event.type, at: new Date(event.at).toISOString(), ...owner };
}

function incidentNotice(event: LoggedEvent, incident: IncidentAudience): LiveNotice {
  const owner = { incident: incident.key };
  const position = event.position;
  const seen = { restricted: incident.restricted, participants: incident.participants };
  if (LINE_TYPES.has(event.type))
    // The line is for pipelines and dashboards: it names restricted incidents by key too.
    return {
      position,
      notice: notice(event, 'line', incident.key, owner),
      audience: { permissions: ['line.read'] },
    };
  const deadlineId = DEADLINE_TYPE.test(event.type) ? text(event.data.deadlineId) : null;
  if (deadlineId)
    return {
      position,
      notice: notice(event, 'deadline', deadlineId, owner),
      audience: { permissions: ['deadlines.read'], incident: seen },
    };
  const taskId = TASK_TYPES.has(event.type) ? text(event.data.taskId) : null;
  if (taskId)
    return {
      position,
      notice: notice(event, 'task', taskId, owner),
      audience: { permissions: ['incidents.read'], incident: seen },
    };
  return {
    position,
    notice: notice(event, 'incident', incident.key, owner),
    audience: { permissions: ['incidents.read'], incident: seen },
  };
}

function reportNotice(
  event: LoggedEvent,
  reportKey: string,
  linked: IncidentAudience | undefined,
): LiveNotice {
  const owner = { report: reportKey };
  const incident = linked && { restricted: linked.restricted, participants: linked.participants };
  const seen = incident ? { incident } : {};
  const deadlineId = DEADLINE_TYPE.test(event.type) ? text(event.data.deadlineId) : null;
  if (deadlineId)
    return {
      position: event.position,
      notice: notice(event, 'deadline', deadlineId, owner),
      // It names the report: only for those who may read reports.
      audience: { permissions: ['deadlines.read', 'reports.read'], ...seen },
    };
  return {
    position: event.position,
    notice: notice(event, 'report', reportKey, owner),
    audience: { permissions: ['reports.read'], ...seen },
  };
}

/** The notice of one event, or null for records the console does not show. */
export function noticeFor(event: LoggedEvent, refs: NoticeRefs): LiveNotice | null {
  if (event.streamType === 'incident') {
    const incident = refs.incidents.get(event.streamId);
    return incident ? incidentNotice(event, incident) : null;
  }
  if (event.streamType === 'report') {
    const key = refs.reports.get(event.streamId);
    return key ? reportNotice(event, key, refs.reportIncidents?.get(event.streamId)) : null;
  }
  if (event.streamType === 'breach') {
    const incident = refs.breachIncidents?.get(event.streamId);
    if (!incident) return null;
    // Everyone on the incident sees that its breach record exists and its clocks; the notice
    // says only that the record changed, and the console refetches what each reader may see.
    return {
      position: event.position,
      notice: notice(event, 'breach', incident.key, { incident: incident.key }),
      audience: {
        permissions: ['incidents.read'],
        incident: { restricted: incident.restricted, participants: incident.participants },
      },
    };
  }
  return null;
}

/** The same rules the API applies: the permissions, and the restricted-incident rule. */
export function mayHear(actor: Actor, audience: Audience): boolean {
  if (!audience.permissions.every((p) => can(actor, p))) return false;
  return !audience.incident || isVisibleTo(audience.incident, actor);
}

// The clocks' events: what a deadline's reminder, breach, escalation or being met records on its
// subject's stream (incident.deadline_met, report.deadline_reminded, …). The clocks own their
// data; the incidents' and reports' event unions name these types with it. The clocks import
// nothing of those subjects, so this contract is what both sides share.
import type { Visibility } from '../../db/schema.ts';

export interface DeadlineEventData {
  deadlineId: string;
  kind: string;
  dueAt: number;
  /** Who was told (user ids), for reminders and escalations. */
  notified?: string[];
  /** The escalation level told, for breaches and escalations. */
  level?: string;
  /** What met it: an event type, or "manual" with the reason. */
  metBy?: string;
  reason?: string;
}

export type DeadlineStep =
  'deadline_reminded' | 'deadline_breached' | 'deadline_escalated' | 'deadline_met';

/** The subjects whose streams carry clock events: an incident, a report, a vulnerability, an
 * item of the policy's schedule (programme), or a stand-alone follow-up (no incident holds it). */
export type ClockSubjectType = 'incident' | 'report' | 'vulnerability' | 'programme' | 'follow_up';

/** A clock event on its subject's stream: internal, by no one. */
export type ClockEvent<S extends ClockSubjectType> = {
  [K in DeadlineStep]: { type: `${S}.${K}`; data: DeadlineEventData; visibility: 'internal' };
}[DeadlineStep];

export function clockEvent<S extends ClockSubjectType>(
  subject: S,
  step: DeadlineStep,
  data: DeadlineEventData,
): ClockEvent<S> {
  return { type: `${subject}.${step}`, data, visibility: 'internal' } as ClockEvent<S>;
}

/**
 * A required post-mortem's draft clock as the learning subject asks for it (startPostmortemDue):
 * when it starts and is due, who answers for it, and the incident's severity for the escalation.
 */
export interface PostmortemDue {
  startedAt: number;
  dueAt: number;
  responsibleId: string | null;
  severity: string | null;
}

/**
 * A vulnerability as the clocks plan its disclosure deadlines from it (the disclosure subject
 * hands it over after each change, in the change's transaction).
 */
export interface ClockVulnerability {
  id: string;
  status: string;
  /** Who recorded it: reminded first; the security leads when nobody is. */
  responsibleId: string | null;
  createdAt: number;
  /** When it was last accepted (its fix clock starts then); null before. */
  acceptedAt: number | null;
  /** Its CVSS rating (3.1's, else 4.0's): the fix target's row of the policy. */
  rating: 'none' | 'low' | 'medium' | 'high' | 'critical' | null;
  /** A fixed version is recorded on an affected product. */
  fixed: boolean;
  /** The agreed disclosure date while embargoed. */
  disclosureAt: number | null;
  /** When the earliest linked report came in (the record's creation when none). */
  reportedAt: number;
  /** Whether it has reporters (linked reports) to keep informed. */
  hasReporters: boolean;
  /** When its reporters were last told something by the team; null: never. */
  reportersToldAt: number | null;
}

/** A subject's event as the clocks read it (its type and data; the visibility if it has one). */
export interface SubjectEvent {
  type: string;
  data: object;
  visibility?: Visibility;
}

/** A post-mortem's follow-up as the learning subject hands it to the clocks (startFollowUpDue). */
export interface FollowUpDue {
  followUpId: string;
  startedAt: number;
  dueAt: number;
  responsibleId: string;
  severity: string | null;
}

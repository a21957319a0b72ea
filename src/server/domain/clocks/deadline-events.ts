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

/** A clock event on an incident's or a report's stream: internal, recorded by no one. */
export type ClockEvent<S extends 'incident' | 'report'> = {
  [K in DeadlineStep]: { type: `${S}.${K}`; data: DeadlineEventData; visibility: 'internal' };
}[DeadlineStep];

export function clockEvent<S extends 'incident' | 'report'>(
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

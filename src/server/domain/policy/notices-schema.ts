// The policy's notices section: who is told of what beyond the people a change names (a new
// owner, a role holder, a panel member, a task's holder hear of it themselves): the staff roles
// told of every new security report (the triage rota) and those told when the line stops; and
// how an urgent notice (a page) climbs when nobody acknowledges it.
import { z } from 'zod';
import { Duration } from './duration.ts';

/**
 * An account role (admin, security_lead, responder, comms, legal, viewer); `on_call`, where people
 * are named by role, means whoever is on call (onCall.schedule).
 */
export const StaffRole = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be an account role such as responder or security_lead');
const text = (max = 2000) => z.string().trim().min(1, 'must not be empty').max(max);

/**
 * An urgent notice is a page: whoever it reaches may acknowledge it; unacknowledged after `after`,
 * the next level (everyone active with that role) is paged, one level further every `after`.
 */
export const PageEscalation = z.strictObject({
  after: Duration.default(5 * 60_000),
  levels: z.array(StaffRole).max(5).default(['security_lead', 'admin']),
});
export type PageEscalation = z.output<typeof PageEscalation>;

/**
 * On-call schedules: who may be on call, which schedule the name `on_call` means where the policy
 * names people by role (`newReport`, `escalation.levels`, `clocks.escalateTo`), and whether an
 * incident's automatic owner is whoever is on call.
 */
export const OnCall = z.strictObject({
  /** Account roles a schedule's members and overrides must have. */
  eligibleRoles: z.array(StaffRole).min(1).max(10).default(['responder', 'security_lead']),
  /** The schedule `on_call` means, by name; left out: whoever is on call on any schedule. */
  schedule: z.string().trim().min(1).max(120).optional(),
  /** An incident's automatic owner is the person on call when they are available. */
  assignIncidents: z.boolean().default(false),
});
export type OnCall = z.output<typeof OnCall>;

export const Notices = z.strictObject({
  description: text().default(
    'A new security report reaches the triage rota; when the line stops, the people who respond are told at once.',
  ),
  /**
   * Staff roles told of every new security report, each on the channels their settings choose for
   * it (an empty choice turns it off); a report marked as an emergency reaches them in their quiet
   * hours too.
   */
  newReport: z.array(StaffRole).max(10).default(['responder', 'security_lead']),
  /** Staff roles told when the line stops: at once, on every channel, whatever their settings. */
  lineStopped: z.array(StaffRole).min(1).max(10).default(['responder', 'security_lead', 'admin']),
  /** How an unacknowledged page climbs: the roles paged next, one level every `after`. */
  escalation: PageEscalation.prefault({}),
  /** On-call schedules: eligible roles, the schedule `on_call` means, automatic owners. */
  onCall: OnCall.prefault({}),
});

export type Notices = z.output<typeof Notices>;

// The policy's communications section: who may publish on the public status page alone and who
// needs a second person (four-eyes, per severity of the incident spoken for or per public impact),
// and the plain-language reminders shown to whoever writes for customers (Kundo step 11).
import { z } from 'zod';
import { INCIDENT_IMPACTS } from '../../../shared/domain/status.ts';
import { parseDuration } from './duration.ts';

const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'must be 1-40 letters, digits, "_" or "-"');
const text = (max = 2000) => z.string().trim().min(1, 'must not be empty').max(max);

/** Kundo step 11 and Kai 5.2, in their own words, when the policy gives no reminders. */
export const DEFAULT_REMINDERS = [
  'Report the status in a way that is as free of technical jargon as possible.',
  'Be transparent about the status and the progress towards solving it.',
];

export const FourEyes = z.strictObject({
  /** A public incident that speaks for an internal incident of one of these severities. */
  severities: z.array(id).max(20).default([]),
  /** A public incident of one of these impacts, linked or not. */
  impacts: z.array(z.enum(INCIDENT_IMPACTS)).max(4).default([]),
});

export const Publishing = z.strictObject({
  /**
   * What needs a second person: a text for such an incident is drafted by one person and
   * approved by another before it is public. Left out: nobody needs a second person.
   */
  fourEyes: FourEyes.prefault({}),
  /** Shown to whoever writes for customers, in the policy's own words. */
  reminders: z.array(text(500)).min(1).max(20).default(DEFAULT_REMINDERS),
});
export type Publishing = z.output<typeof Publishing>;

const Duration = z
  .string({ error: 'must be a duration such as "15m", "4h" or "3d"' })
  .transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === null || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: 'must be a duration such as "15m", "4h" or "3d"' });
      return z.NEVER;
    }
    return ms;
  });

export const Maintenance = z.strictObject({
  /** Subscribers hear of a scheduled maintenance this long before its window opens. */
  noticeBefore: Duration.prefault('1h'),
});

export const Briefings = z.strictObject({
  /**
   * How often the stakeholder list (executives, account managers; kept by admins) gets an
   * internal status summary while an incident of this severity is active (Kai 5.1 "executive
   * leadership briefed at appropriate intervals", 7 "regular updates to all stakeholders"). A
   * severity left out is not briefed.
   */
  every: z.record(id, Duration).default({}),
});
export type Briefings = z.output<typeof Briefings>;

export const Communications = z.strictObject({
  description: text().default(
    'One person reports the status externally, transparently and free of technical jargon.',
  ),
  publishing: Publishing.prefault({}),
  /** Scheduled maintenance: the notice to subscribers before the window (or per maintenance). */
  maintenance: Maintenance.prefault({}),
  /** Internal briefings of the stakeholder list while an incident is active. */
  briefings: Briefings.prefault({}),
});
export type Communications = z.output<typeof Communications>;

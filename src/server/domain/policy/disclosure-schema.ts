// The policy's disclosure section: how long an embargo may last at most, counted from the report
// the vulnerability came from (Kai section 9: coordinate disclosure timelines with researchers).
import { z } from 'zod';
import { Duration } from './duration.ts';
import { StaffRole } from './notices-schema.ts';

export const Disclosure = z.strictObject({
  description: z.string().trim().max(2000).default(''),
  /**
   * The latest disclosure date: this long after the earliest linked report was received (after
   * the vulnerability was recorded when it has none). Left out: 90 days, common practice.
   */
  maxEmbargo: Duration.prefault('90d'),
  /**
   * The reporters of the linked reports review the advisory in the portal before publication:
   * the scheduler waits at the date until they approved the draft as it stands. Left out: no.
   */
  reporterReview: z.boolean().default(false),
  /**
   * Staff roles told of what a reporter does in the portal (a date proposed or accepted, the
   * credit chosen, the review answered) when the vulnerability's owner is no longer active
   * (`on_call`: whoever is on call). Left out: the security leads.
   */
  ownerGone: z.array(StaffRole).min(1).max(10).default(['security_lead']),
  /**
   * The fix target per CVSS rating (the 3.1 score's, else the 4.0 score's), from the vulnerability's
   * acceptance: a deadline met when a fixed version is recorded or the advisory is published. A
   * rating left out has no fix clock. Left out: 7 days critical, 30 high, 90 medium, 180 low.
   */
  fixWithin: z
    .strictObject({
      critical: Duration.optional(),
      high: Duration.optional(),
      medium: Duration.optional(),
      low: Duration.optional(),
    })
    .prefault({ critical: '7d', high: '30d', medium: '90d', low: '180d' }),
  /** The team is reminded this long before the disclosure date (each). Left out: 7 and 1 days. */
  remindBefore: z.array(Duration).max(5).prefault(['7d', '1d']),
  /**
   * While a vulnerability is open (until published or set aside), each reporter of a linked report
   * hears from the team at least this often. Left out: every 14 days.
   */
  reporterUpdateEvery: Duration.prefault('14d'),
});
export type Disclosure = z.output<typeof Disclosure>;

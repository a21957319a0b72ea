// The policy's disclosure section: how long an embargo may last at most, counted from the report
// the vulnerability came from (Kai section 9: coordinate disclosure timelines with researchers).
import { z } from 'zod';
import { Duration } from './duration.ts';

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
});
export type Disclosure = z.output<typeof Disclosure>;

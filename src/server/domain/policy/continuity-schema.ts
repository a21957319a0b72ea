// The policy's continuity section (Kai section 7, business continuity): per component or system,
// the manual procedure that stands in while it is affected by an incident, and the stakeholders
// to keep updated. An incident whose affected systems name a covered component shows the
// procedure as a checklist.
import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

export const ContinuityProcedure = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'must be 1-40 letters, digits, "_" or "-"'),
  title: text(200),
  /** Status-page component names or free system ids; matched without regard to case. */
  covers: z.array(text(200)).min(1, 'needs at least one component or system').max(50),
  /** The manual steps, in order; a step is ticked on the incident by its number (from 1). */
  steps: z.array(text(1000)).min(1, 'needs at least one step').max(50),
  /** Who to keep updated while the procedure runs: roles or named contacts. */
  stakeholders: z.array(text(200)).max(50).default([]),
});
export type ContinuityProcedure = z.output<typeof ContinuityProcedure>;

export const Continuity = z.strictObject({
  description: z.string().trim().max(2000).default(''),
  procedures: z.array(ContinuityProcedure).max(100).default([]),
});
export type Continuity = z.output<typeof Continuity>;

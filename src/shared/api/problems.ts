// Error answers (RFC 9457 application/problem+json) as the OpenAPI description declares them.
// The server builds them in one place (problem-plugin.ts); these schemas say what clients get.
// Loose objects: a problem may carry more members than declared, and serializing never drops them.
import { z } from 'zod';

const problemFields = {
  /** A stable URI per error code, e.g. https://stopline.dev/problems/rule-refused. */
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  /** What happened, in a sentence. */
  detail: z.string(),
  instance: z.string(),
  requestId: z.string(),
  /** Field-level messages (400): `field` is the path in the body, e.g. `kind`. */
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
};

export const Problem = z.looseObject(problemFields);

/** One reason a step is refused: a stable code, the reason in words, the phase it is about. */
export const FailedCheck = z.object({
  /** An exit check's id (`reproduction_recorded`, ...), or `phase_not_skippable`,
   * `phase_not_forward`, `incident_closed`. */
  code: z.string(),
  phase: z.string(),
  /** The exit check's id when the reason is a failing exit check (the same as `code`). */
  check: z.string().optional(),
  reason: z.string(),
});

/** 422: the policy refuses. `failedChecks` is there when steps the policy orders are missing. */
export const PolicyRefusal = z.looseObject({
  ...problemFields,
  failedChecks: z.array(FailedCheck).optional(),
});

/** 422 for a phase move: every reason, exit checks and the move's own rules, in `failedChecks`. */
export const PhaseRefusal = z.looseObject({
  ...problemFields,
  failedChecks: z.array(FailedCheck).min(1),
  /** Phases between the current and the requested one that this incident may not skip. */
  phasesNotSkippable: z.array(z.string()),
});

/** A response entry for the route schema: the problem's schema under its media type. */
export function problemResponse(description: string, schema: z.ZodType = Problem) {
  return { description, content: { 'application/problem+json': { schema } } };
}

/**
 * 429: over a limit; the `Retry-After` header gives the seconds to wait. (The response's
 * `headers` are not carried into the OpenAPI document by the schema transform, so the
 * description says it.)
 */
export function rateLimitedResponse(description: string) {
  return problemResponse(`${description}. The Retry-After header gives the seconds to wait.`);
}

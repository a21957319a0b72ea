// Times in the HTTP contract (RFC 3339, as the standards ask). The server keeps epoch
// milliseconds; the http layer converts at the edge, so the domain never sees a string.
import { z } from 'zod';

/** A time in an answer: RFC 3339 in UTC with milliseconds, e.g. 2026-11-25T10:00:00.000Z. */
export const Time = z.iso.datetime().meta({ example: '2026-11-25T10:00:00.000Z' });
export type Time = z.infer<typeof Time>;

/**
 * A time in a request: RFC 3339 with `Z` or an offset (2026-11-25T11:00:00+01:00), handed to the
 * route handler as epoch milliseconds. Anything else, a number included, is a 400 naming the field.
 */
export const TimeInput = z.iso
  .datetime({
    offset: true,
    error: 'must be an RFC 3339 date-time such as 2026-11-25T10:00:00Z (with Z or an offset)',
  })
  .transform((text) => Date.parse(text))
  .meta({ example: '2026-11-25T10:00:00Z' });
export type TimeInput = z.input<typeof TimeInput>;

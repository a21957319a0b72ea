// GET /api/v1/line: whether development may ship, and which incidents hold it. Times are
// RFC 3339 in UTC (see times.ts).
import { z } from 'zod';
import { Time } from './times.ts';

export const LineIncident = z.object({
  key: z.string(),
  title: z.string(),
  severity: z.string().nullable(),
  stoppedAt: Time,
});
export type LineIncident = z.infer<typeof LineIncident>;

export const LineState = z.object({
  state: z.enum(['running', 'stopped']),
  /** When the earliest stopping incident stopped it; null while running. */
  since: Time.nullable(),
  incidents: z.array(LineIncident),
});
export type LineState = z.infer<typeof LineState>;

export const LineHistory = z.object({
  items: z.array(
    z.object({
      incidentKey: z.string(),
      change: z.enum(['stopped', 'resumed']),
      reason: z.string(),
      at: Time,
    }),
  ),
});
export type LineHistory = z.infer<typeof LineHistory>;
